"""The routing table's suggestion, on the default rules of the reference data."""

import pytest
from pytest_django import DjangoAssertNumQueries

from aduan.categories.models import Category
from aduan.routing.models import RoutingRule
from aduan.routing.selectors import Suggestion, routing_suggest

pytestmark = pytest.mark.django_db


def _suggest(category: str, region: str | None, report_type: str = "complaint") -> Suggestion:
    suggestion = routing_suggest(
        category_id=Category.objects.get(code=category).pk,
        region_code=region,
        report_type=report_type,
    )
    assert suggestion is not None
    return suggestion


def _target(suggestion: Suggestion) -> tuple[str, str | None]:
    return suggestion.agency.code, suggestion.unit.code if suggestion.unit else None


def test_it_sends_a_city_road_to_the_citys_public_works_office() -> None:
    suggestion = _suggest("infrastruktur.jalan", "32.74.01.1001")
    assert suggestion.agency.name == "Pemerintah Kota Cirebon"
    assert suggestion.unit is not None and suggestion.unit.short_name == "Dinas PUPR Kota Cirebon"
    assert suggestion.unit.agency_id == suggestion.agency.pk
    assert suggestion.rule is not None and suggestion.rule.category.code == "infrastruktur"


@pytest.mark.parametrize("region", ["32.74.01.1001", "94.71", "11", None])
def test_it_sends_electricity_to_pln_wherever_it_is(region: str | None) -> None:
    assert _target(_suggest("listrik.pemadaman", region)) == ("pln", None)


def test_a_jakarta_rule_beats_the_national_rule_in_jakarta() -> None:
    assert _target(_suggest("infrastruktur.jalan", "31.71.01.1001")) == ("pemda-31", "pupr")
    assert _target(_suggest("infrastruktur.jalan", "32.73")) == ("pemda-32-73", "pupr")


def test_the_exact_category_beats_a_deeper_region() -> None:
    # infrastruktur in Jakarta (region 31) is less specific than national roads anywhere.
    assert _target(_suggest("infrastruktur.jalan_nasional", "31.71")) == ("kemenpu", None)


def test_a_rule_for_the_report_type_wins() -> None:
    assert _target(_suggest("listrik.belum_berlistrik", "91.01", "aspiration")) == ("esdm", None)
    assert _target(_suggest("listrik.belum_berlistrik", "91.01", "complaint")) == ("pln", None)
    info = _suggest("lainnya.umum", "32.74", "information_request")
    assert _target(info) == ("pemda-32-74", "diskominfo")
    assert _target(_suggest("lainnya.umum", "32.74", "complaint")) == ("pemda-32-74", None)


def test_a_province_rule_needs_only_the_province() -> None:
    assert _target(_suggest("pendidikan.sma_smk", "32")) == ("pemda-32", "disdik")


def test_without_a_region_it_falls_back_to_an_agency_rule() -> None:
    # Telecom towers go to the regency's Diskominfo; without a regency, to Komdigi.
    assert _target(_suggest("telekomunikasi.menara", "32.74")) == ("pemda-32-74", "diskominfo")
    assert _target(_suggest("telekomunikasi.menara", None)) == ("komdigi", None)
    assert _target(_suggest("telekomunikasi.menara", "32")) == ("komdigi", None)


def test_without_a_region_and_without_an_agency_rule_there_is_no_suggestion() -> None:
    road = Category.objects.get(code="infrastruktur.jalan").pk
    assert routing_suggest(category_id=road, region_code=None, report_type="complaint") is None
    assert routing_suggest(category_id=None, region_code="32.74", report_type="complaint") is None


def test_a_unit_type_the_agency_lacks_gives_the_agency_itself() -> None:
    # Fire services exist at regencies and cities only, not at provinces.
    fires = Category.objects.get(code="bencana.kebakaran")
    RoutingRule.objects.create(
        category=fires, region_id="32", level="province", unit_type_id="damkar"
    )
    assert _target(_suggest("bencana.kebakaran", "32.74.01")) == ("pemda-32", None)


def test_an_admin_rule_for_a_city_beats_the_province_rule() -> None:
    roads = Category.objects.get(code="infrastruktur.jalan")
    RoutingRule.objects.create(
        category=roads, region_id="31.71", level="regency", unit_type_id="pupr"
    )
    assert _target(_suggest("infrastruktur.jalan", "31.71.01.1001")) == ("pemda-31-71", "pupr")
    assert _target(_suggest("infrastruktur.jalan", "31.72.01")) == ("pemda-31", "pupr")


def test_it_reads_the_rules_in_one_query(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    road = Category.objects.get(code="infrastruktur.jalan").pk
    with django_assert_max_num_queries(2):  # the rules, then the unit with its agency
        routing_suggest(category_id=road, region_code="32.74.01", report_type="complaint")
