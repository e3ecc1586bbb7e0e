from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from aduan.agencies import selectors
from aduan.agencies.models import Agency
from aduan.lib.pagination import Page, PageQuery, paginate

router = Router(tags=["reference"])


class AgencyBrief(Schema):
    id: int
    code: str = Field(examples=["pemda-32-74"])
    name: str = Field(examples=["Pemerintah Kota Cirebon"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    unit_type: str | None = Field(alias="unit_type_id")


class AgencyOut(AgencyBrief):
    short_name: str
    kind: Agency.Kind
    region: str | None = Field(alias="region_id", description="The governed region's code.")
    parent: AgencyBrief | None
    supervisor: AgencyBrief | None
    units: list[UnitOut]

    @staticmethod
    def resolve_units(agency: Agency) -> list[object]:
        return [unit for unit in agency.units.all() if unit.is_active]


class AgencyFilters(Schema):
    region: str | None = Field(default=None, description="A region code; includes sub-regions.")
    kind: Agency.Kind | None = None
    q: str | None = Field(default=None, max_length=100, description="Part of the name.")


@router.get("", response=Page[AgencyOut], summary="List agencies", url_name="agencies")
def agency_list(
    request: HttpRequest, filters: Query[AgencyFilters], page: Query[PageQuery]
) -> dict[str, object]:
    agencies = selectors.agency_list(region=filters.region, kind=filters.kind, q=filters.q)
    return paginate(agencies, page, key="id")


@router.get("/{agency_id}", response=AgencyOut, summary="One agency", url_name="agency")
def agency_detail(
    request: HttpRequest, agency_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Agency:
    return selectors.agency_get(agency_id=agency_id)
