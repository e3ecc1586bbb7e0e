import random
from typing import Any

import pytest
from django.db import connection

from aduan.regions.models import Region
from aduan.regions.selectors import NEAREST_RADII_KM, distance_km, region_nearest

BALAI_KOTA_CIREBON = (-6.7063, 108.5570)
MONAS = (-6.1754, 106.8272)


def test_distance_is_the_great_circle_distance() -> None:
    assert distance_km(*MONAS, *MONAS) == 0
    # One degree of a meridian; Rosetta Code's Nashville to Los Angeles (2,887.26 km
    # on a sphere of 6,372.8 km), on the mean radius.
    assert distance_km(0, 100, 1, 100) == pytest.approx(111.195, abs=0.001)
    expected = 2887.2599506071106 * 6371.0088 / 6372.8
    assert distance_km(36.12, -86.67, 33.94, -118.40) == pytest.approx(expected, abs=0.01)
    assert distance_km(*MONAS, *BALAI_KOTA_CIREBON) == pytest.approx(200.0, abs=0.5)


def test_a_point_in_kota_cirebon_is_in_kota_cirebon(db: None) -> None:
    village = region_nearest(latitude=BALAI_KOTA_CIREBON[0], longitude=BALAI_KOTA_CIREBON[1])
    assert village is not None and village.level == "village"
    # Balai Kota stands in Kecamatan Kejaksan.
    assert village.code.startswith("32.74.01.")
    district = region_nearest(
        latitude=BALAI_KOTA_CIREBON[0], longitude=BALAI_KOTA_CIREBON[1], level="district"
    )
    assert district is not None and district.code == "32.74.01"


def test_monas_is_in_central_jakarta(db: None) -> None:
    village = region_nearest(latitude=MONAS[0], longitude=MONAS[1])
    assert village is not None and village.code.startswith("31.71.")
    regency = region_nearest(latitude=MONAS[0], longitude=MONAS[1], level="regency")
    assert regency is not None and regency.code == "31.71"


@pytest.mark.parametrize(
    "point",
    [
        (-6.0, 127.0),  # the Banda Sea, 170 km from the nearest village
        (-10.5, 110.0),  # the Indian Ocean south of Yogyakarta
        (-33.87, 151.21),  # Sydney
        (48.85, 2.35),  # Paris
        (float("nan"), 110.0),
        (None, 110.0),
        (-6.7, None),
    ],
)
def test_a_point_far_from_every_village_has_no_region(
    db: None, point: tuple[Any, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(len(NEAREST_RADII_KM)):
        assert region_nearest(latitude=point[0], longitude=point[1]) is None


def test_outside_indonesia_costs_no_query(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert region_nearest(latitude=48.85, longitude=2.35) is None


def test_a_point_in_a_town_costs_one_query(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert region_nearest(latitude=MONAS[0], longitude=MONAS[1]) is not None


def test_it_is_the_exact_nearest_centroid(db: None, django_assert_max_num_queries: Any) -> None:
    """Against a scan of every village: random points over the archipelago, and
    points a little off random villages (dense and sparse places alike)."""
    villages = [
        (code, lat, lon)
        for code, lat, lon in Region.objects.filter(level="village").values_list(
            "code", "latitude", "longitude"
        )
        if lat is not None and lon is not None
    ]
    rng = random.Random(6)
    points = [(rng.uniform(-11, 6.5), rng.uniform(94, 141.5)) for _ in range(12)]
    for _code, lat, lon in rng.sample(villages, 12):
        points.append((lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)))
    for lat, lon in points:
        distance, code = min((distance_km(lat, lon, y, x), code) for code, y, x in villages)
        with django_assert_max_num_queries(len(NEAREST_RADII_KM)):
            found = region_nearest(latitude=lat, longitude=lon)
        if distance > NEAREST_RADII_KM[-1]:
            assert found is None, (lat, lon)
        else:
            assert found is not None and found.code == code, (lat, lon, distance)


def test_the_search_reads_the_point_index(db: None) -> None:
    """The box query is answered from the (level, latitude, longitude) index, not a
    scan of all 91,599 regions."""
    queryset = Region.objects.filter(
        level="village",
        latitude__gte=-6.73,
        latitude__lte=-6.68,
        longitude__gte=108.53,
        longitude__lte=108.58,
    ).order_by()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE regions_region")
    plan = queryset.explain()
    assert "region_level_point" in plan, plan
