import math

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


# -- the region at a point -----------------------------------------------------------

# Indonesia's extent with a margin (Sabang to Merauke, Miangas to Rote): a point
# outside it is no place of ours, answered without a query.
INDONESIA_LATITUDES = (-11.0, 6.5)
INDONESIA_LONGITUDES = (94.0, 141.5)
# The searches widen through these radii (km): three queries at most. Beyond the
# last one no region is "near": the point is at sea or wrong.
NEAREST_RADII_KM = (3.0, 12.0, 50.0)
EARTH_RADIUS_KM = 6371.0088  # the mean radius
_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance between two points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_chord = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))


def _box(latitude: float, longitude: float, radius_km: float) -> dict[str, float]:
    """A latitude/longitude box holding every point within ``radius_km``, with a 1%
    margin: a centroid outside it is farther than the radius."""
    dlat = radius_km * 1.01 / _KM_PER_DEGREE
    # A degree of longitude is shortest at the box's edge farthest from the equator.
    widest = math.radians(min(abs(latitude) + dlat, 89.0))
    dlon = dlat / math.cos(widest)
    return {
        "latitude__gte": latitude - dlat,
        "latitude__lte": latitude + dlat,
        "longitude__gte": longitude - dlon,
        "longitude__lte": longitude + dlon,
    }


def region_nearest(
    *, latitude: float | None, longitude: float | None, level: str = Region.Level.VILLAGE
) -> Region | None:
    """The region of ``level`` whose centroid is nearest to the point, by great-circle
    distance; None without a point, for a point outside Indonesia, or when no centroid
    is within the last of ``NEAREST_RADII_KM``.

    Villages by default: the finest level a report takes (the portal's last, optional
    step); a village's code names its district and regency too, and 83,762 village
    centroids follow the borders more closely than 7,285 district ones. Each step asks the
    (level, latitude, longitude) index for the centroids in a box around the point
    and keeps those truly within the radius; the nearest of them is the nearest of
    all, since anything outside the box is farther. At most three queries."""
    if latitude is None or longitude is None:
        return None
    if not (
        INDONESIA_LATITUDES[0] <= latitude <= INDONESIA_LATITUDES[1]
        and INDONESIA_LONGITUDES[0] <= longitude <= INDONESIA_LONGITUDES[1]
    ):
        return None  # also NaN, which compares false
    for radius in NEAREST_RADII_KM:
        candidates = Region.objects.filter(level=level, **_box(latitude, longitude, radius))
        best: tuple[float, str, Region] | None = None
        for region in candidates.order_by():
            assert region.latitude is not None and region.longitude is not None
            distance = distance_km(latitude, longitude, region.latitude, region.longitude)
            if distance <= radius and (best is None or (distance, region.code) < best[:2]):
                best = (distance, region.code, region)
        if best is not None:
            return best[2]
    return None
