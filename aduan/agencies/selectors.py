from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.lib.errors import NotFound
from aduan.regions.codes import format_region_code


def _with_relations(agencies: QuerySet[Agency]) -> QuerySet[Agency]:
    return agencies.select_related("region", "supervisor", "parent").prefetch_related("units")


def agency_get(*, agency_id: int) -> Agency:
    agency = _with_relations(Agency.objects.filter(id=agency_id, is_active=True)).first()
    if agency is None:
        raise NotFound(_("Instansi tidak ada."), code="agency_not_found")
    return agency


def agency_list(
    *, region: str | None = None, kind: str | None = None, q: str | None = None
) -> QuerySet[Agency]:
    """Active agencies; ``region`` keeps those governing that region or one inside it."""
    agencies = Agency.objects.filter(is_active=True)
    if region:
        code = format_region_code(region, field="region")
        agencies = agencies.filter(Q(region_id=code) | Q(region__code__startswith=f"{code}."))
    if kind:
        agencies = agencies.filter(kind=kind)
    if q:
        term = q.strip()
        agencies = agencies.filter(Q(name__icontains=term) | Q(short_name__icontains=term))
    return _with_relations(agencies)
