from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import BaseModel, Field

from aduan.agencies import selectors
from aduan.agencies.models import Agency
from aduan.lib.pagination import Page, PageQuery, PageResult, paginate
from aduan.regions.api import REGION_CODE

router = Router(tags=["reference"])


class AgencyBrief(Schema):
    id: int
    code: str = Field(examples=["pemda-32-74"])
    name: str = Field(examples=["Pemerintah Kota Cirebon"])


class UnitOut(BaseModel):
    # A plain pydantic model over plain rows, not a ninja Schema over model instances:
    # a page may hold hundreds of units.
    id: int
    code: str
    name: str
    short_name: str
    unit_type: str | None = Field(validation_alias="unit_type_id")


class AgencyOut(AgencyBrief):
    short_name: str
    kind: Agency.Kind
    region: str | None = Field(alias="region_id", description="The governed region's code.")
    parent: AgencyBrief | None
    supervisor: AgencyBrief | None
    units: list[UnitOut] = Field(alias="active_units")


class AgencyFilters(Schema):
    region: str | None = Field(
        default=None,
        description="A region code; includes sub-regions.",
        json_schema_extra=REGION_CODE,
    )
    kind: Agency.Kind | None = None
    # No NUL: PostgreSQL cannot compare text with one (it was a 500).
    q: str | None = Field(
        default=None, max_length=100, pattern=r"^[^\x00]*$", description="Part of the name."
    )


@router.get("", response=Page[AgencyOut], summary="List agencies", url_name="agencies")
def agency_list(
    request: HttpRequest, filters: Query[AgencyFilters], page: Query[PageQuery]
) -> PageResult[Agency]:
    agencies = selectors.agency_list(region=filters.region, kind=filters.kind, q=filters.q)
    result = paginate(agencies, page, key="id")
    selectors.agency_units_attach(result.items)
    return result


@router.get("/{agency_id}", response=AgencyOut, summary="One agency", url_name="agency")
def agency_detail(
    request: HttpRequest, agency_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Agency:
    return selectors.agency_get(agency_id=agency_id)
