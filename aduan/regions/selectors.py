from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import NotFound
from aduan.regions.codes import format_region_code
from aduan.regions.models import Region


def region_get(*, code: str) -> Region:
    code = format_region_code(code)
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    if region is None:
        raise NotFound(_("Wilayah %(code)s tidak ada.") % {"code": code}, code="region_not_found")
    return region


def region_list(
    *, parent: str | None = None, level: str | None = None, q: str | None = None
) -> QuerySet[Region]:
    regions = Region.objects.all()
    if parent:
        regions = regions.filter(parent_id=format_region_code(parent, field="parent"))
    if level:
        regions = regions.filter(level=level)
    if q:
        regions = regions.filter(name__icontains=q.strip())
    return regions


def region_ancestors(region: Region) -> list[Region]:
    """From the province down to the region's parent (uses the selected parents)."""
    chain: list[Region] = []
    current = region.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain[::-1]


def region_cascade(codes: list[str]) -> tuple[list[str], list[list[Region]]]:
    """For a picker that goes province → regency/city → district → village: the
    chosen codes that still fit together (a regency left over after the province
    changed is dropped, and everything below it) and the options of each level —
    the provinces, then the children of each kept choice. One query per level."""
    options: list[list[Region]] = [list(Region.objects.filter(level=Region.Level.PROVINCE))]
    kept: list[str] = []
    for code in codes:
        if not code or code not in {region.code for region in options[-1]}:
            break
        kept.append(code)
        if len(options) == 4:
            break
        options.append(list(Region.objects.filter(parent_id=code)))
    return kept, options
