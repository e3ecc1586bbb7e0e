from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Unit
from aduan.lib.errors import NotFound
from aduan.regions.codes import format_region_code


def agency_get(*, agency_id: int) -> Agency:
    agency = (
        Agency.objects.filter(id=agency_id, is_active=True)
        .select_related("supervisor", "parent")
        .first()
    )
    if agency is None:
        raise NotFound(_("Instansi tidak ada."), code="agency_not_found")
    agency_units_attach([agency])
    return agency


def agency_list(
    *, region: str | None = None, kind: str | None = None, q: str | None = None
) -> QuerySet[Agency]:
    """Active agencies; ``region`` keeps those governing that region or one inside it.
    Call ``agency_units_attach`` on the page taken from it."""
    agencies = Agency.objects.filter(is_active=True)
    if region:
        code = format_region_code(region, field="region")
        agencies = agencies.filter(Q(region_id=code) | Q(region__code__startswith=f"{code}."))
    if kind:
        agencies = agencies.filter(kind=kind)
    if q:
        term = q.strip()
        agencies = agencies.filter(Q(name__icontains=term) | Q(short_name__icontains=term))
    return agencies.select_related("supervisor", "parent")


def agency_units_attach(agencies: Sequence[Agency]) -> None:
    """Sets ``active_units`` on each agency with one query. Plain rows, not model
    instances: a province's page holds some 800 units, and building models for
    them would cost more than the rest of the answer."""
    units: dict[int, list[Any]] = defaultdict(list)
    rows = (
        Unit.objects.filter(agency__in=[agency.id for agency in agencies], is_active=True)
        .order_by("id")
        .values("id", "agency_id", "code", "name", "short_name", "unit_type_id")
    )
    for row in rows:
        units[row["agency_id"]].append(row)
    for agency in agencies:
        agency.active_units = units[agency.id]  # type: ignore[attr-defined]


CENTRAL_KINDS = (Agency.Kind.MINISTRY, Agency.Kind.INSTITUTION, Agency.Kind.STATE_COMPANY)


def agency_choices_for_region(*, region: str | None) -> tuple[list[Agency], list[Agency]]:
    """The agencies a citizen may name on a report about ``region``, kept short: the
    local governments of the region's regency or city and of its province, and the
    central bodies (which serve everywhere). Sub-agencies are left out: the agency
    that disposes picks those."""
    local: list[Agency] = []
    if region:
        parts = format_region_code(region, field="region").split(".")
        governing = [".".join(parts[:n]) for n in (1, 2) if n <= len(parts)]
        local = list(
            Agency.objects.filter(
                is_active=True,
                region_id__in=governing,
                kind__in=(Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY),
            ).order_by("-region_id")
        )
    central = list(
        Agency.objects.filter(is_active=True, kind__in=CENTRAL_KINDS, parent=None).order_by("name")
    )
    return local, central


def units_of_agency(*, agency_id: int) -> QuerySet[Unit]:
    """The active units of an agency and of its sub-agencies, the agency's first."""
    return (
        Unit.objects.filter(Q(agency_id=agency_id) | Q(agency__parent_id=agency_id), is_active=True)
        .annotate(own=Case(When(agency_id=agency_id, then=0), default=1))
        .order_by("own", "agency_id", "name", "pk")
    )
