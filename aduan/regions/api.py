from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic.config import JsonDict

from aduan.lib.pagination import Page, PageQuery, PageResult, paginate
from aduan.regions import selectors
from aduan.regions.models import Region

router = Router(tags=["reference"])

LevelName = Literal["province", "regency", "district", "village"]

# A region code, dotted or not (32.74.01.1001 or 3274011001), for the filters:
# documented so that clients (and Schemathesis) know the shape;
# ``format_region_code`` checks it (400 invalid_region_code).
REGION_CODE_PATTERN = (
    r"^([0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?|[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?)$"
)
# As a filter, empty is the same as not given.
REGION_CODE: JsonDict = {"pattern": f"^$|{REGION_CODE_PATTERN}"}


class RegionBrief(Schema):
    code: str = Field(examples=["32.74"])
    name: str = Field(examples=["Kota Cirebon"])
    level: LevelName


class RegionOut(RegionBrief):
    kind: str = Field(description="provinsi, kabupaten, kota, kecamatan, desa or kelurahan")
    parent: str | None = Field(alias="parent_id", description="The parent region's code.")
    time_zone: Literal["WIB", "WITA", "WIT"]
    latitude: float | None
    longitude: float | None


class RegionDetail(RegionOut):
    ancestors: list[RegionBrief] = Field(description="From the province down to the parent.")
    population: int | None
    postal_code: str

    @staticmethod
    def resolve_ancestors(region: Region) -> list[Region]:
        return selectors.region_ancestors(region)


class RegionFilters(Schema):
    parent: str | None = Field(
        default=None, description="Code of the parent region.", json_schema_extra=REGION_CODE
    )
    level: LevelName | None = None
    # No NUL: PostgreSQL cannot compare text with one (it was a 500).
    q: str | None = Field(
        default=None, max_length=100, pattern=r"^[^\x00]*$", description="Part of the name."
    )


@router.get("", response=Page[RegionOut], summary="List regions", url_name="regions")
def region_list(
    request: HttpRequest, filters: Query[RegionFilters], page: Query[PageQuery]
) -> PageResult[Region]:
    regions = selectors.region_list(parent=filters.parent, level=filters.level, q=filters.q)
    return paginate(regions, page, key="code")


@router.get("/{code}", response=RegionDetail, summary="One region", url_name="region")
def region_detail(request: HttpRequest, code: str) -> Region:
    return selectors.region_get(code=code)
