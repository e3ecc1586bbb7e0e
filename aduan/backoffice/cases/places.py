"""The place search of the verification form: the national admin types part of a
village's, district's or regency's name and picks one of the matches (a datalist
the small script backoffice/places.js fills from ``place_search``); without the
script, a name that only one region bears, or a region code, is enough."""

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput
from aduan.regions.models import Region

PLACE_RESULTS = 20
# A choice reads "32.74.01.1001 · Kesambi, Kec. Kesambi, Kota Cirebon": the code
# first, which is what is kept.
# (Only a code alone, or before the separator: some villages' names begin with a
# number, "19 November".)
_CODE = re.compile(r"^\s*(\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)\s*(?:·.*)?$")
_SEPARATOR = " · "
# Villages first (a report's place is best a village), then districts, regencies.
_LEVEL_ORDER = {
    Region.Level.VILLAGE: 0,
    Region.Level.DISTRICT: 1,
    Region.Level.REGENCY: 2,
    Region.Level.PROVINCE: 3,
}
_PREFIXES = {Region.Level.DISTRICT: "Kec. "}


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    label: str

    @property
    def choice(self) -> str:
        """What the field holds once this place is picked."""
        return f"{self.code}{_SEPARATOR}{self.label}"


def _label(region: Region) -> str:
    """ "Kesambi, Kec. Kesambi, Kota Cirebon, Jawa Barat": the region and its
    ancestors (selected with it)."""
    parts: list[str] = []
    current: Region | None = region
    while current is not None:
        parts.append(_PREFIXES.get(Region.Level(current.level), "") + current.name)
        current = current.parent
    return ", ".join(parts)


def _regions() -> QuerySet[Region]:
    return Region.objects.select_related("parent__parent__parent")


def place_search(text: str, *, limit: int = PLACE_RESULTS) -> list[Place]:
    """Regions named ``text``, then those whose name starts with it, then those
    containing it; within each, villages first; at most ``limit``. Fewer than
    three letters find nothing."""
    query = " ".join(text.replace("\x00", "").split())[:100]
    if len(query) < 3:
        return []
    found: list[Region] = []
    for lookup in ("name__iexact", "name__istartswith", "name__icontains"):
        if len(found) >= limit:
            break
        matches = (
            _regions()
            .filter(**{lookup: query})
            .exclude(code__in=[region.code for region in found])
            .order_by("code")[: limit * 3]
        )
        ranked = sorted(matches, key=lambda r: (_LEVEL_ORDER[Region.Level(r.level)], r.code))
        found += ranked[: limit - len(found)]
    return [Place(code=region.code, label=_label(region)) for region in found]


def place_find(text: str, *, field: str = "region") -> Place:
    """The one region the field names: by its code (a picked choice, or a code
    typed), or by a name only one region bears; InvalidInput otherwise."""
    match = _CODE.match(text)
    if match:
        region = _regions().filter(code=match.group(1)).first()
        if region is None:
            raise InvalidInput(_("Wilayah tidak dikenal."), code="unknown_region", field=field)
        return Place(code=region.code, label=_label(region))
    name = " ".join(text.replace("\x00", "").split())
    regions = list(_regions().filter(name__iexact=name)[:2]) if name else []
    if not regions:
        raise InvalidInput(
            _("Wilayah dengan nama ini tidak ditemukan; ketik sebagian namanya lalu pilih."),
            code="unknown_region",
            field=field,
        )
    if len(regions) > 1:
        raise InvalidInput(
            _("Beberapa wilayah bernama ini; pilih salah satu dari daftar atau tulis kodenya."),
            code="ambiguous_region",
            field=field,
        )
    return Place(code=regions[0].code, label=_label(regions[0]))


def place_of(region: Region | None) -> str:
    """The field's value for a report's current region."""
    if region is None:
        return ""
    full = _regions().get(code=region.code)
    return Place(code=full.code, label=_label(full)).choice
