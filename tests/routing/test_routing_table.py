"""The in-memory routing table answers as routing_suggest does, for every category."""

import pytest
from pytest_django import DjangoAssertNumQueries

from aduan.categories.models import Category
from aduan.routing.models import RoutingRule
from aduan.routing.selectors import RoutingTable, Suggestion, routing_suggest

pytestmark = pytest.mark.django_db

REGIONS = ("32.74.01.1001", "31.71.01", "32", "94.71", None)
TYPES = ("complaint", "aspiration", "information_request")


def _key(suggestion: Suggestion | None) -> tuple[int, int | None, int] | None:
    if suggestion is None:
        return None
    assert suggestion.rule is not None  # without a bounce, every suggestion is a rule's
    return suggestion.agency.pk, suggestion.unit.pk if suggestion.unit else None, suggestion.rule.pk


def test_it_suggests_what_routing_suggest_suggests() -> None:
    # An admin rule for one city and a rule whose unit the agency lacks, besides the
    # defaults: the cases where the two could differ.
    roads = Category.objects.get(code="infrastruktur.jalan")
    fires = Category.objects.get(code="bencana.kebakaran")
    RoutingRule.objects.create(
        category=roads, region_id="31.71", level="regency", unit_type_id="pupr"
    )
    RoutingRule.objects.create(
        category=fires, region_id="32", level="province", unit_type_id="damkar"
    )
    table = RoutingTable.load()
    for category in Category.objects.values_list("id", flat=True):
        for region in REGIONS:
            for report_type in TYPES:
                from_table = table.suggest(
                    category_id=category, region_code=region, report_type=report_type
                )
                from_query = routing_suggest(
                    category_id=category, region_code=region, report_type=report_type
                )
                assert _key(from_table) == _key(from_query), (category, region, report_type)


def test_it_reads_everything_in_four_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(4):  # rules, categories, agencies, units
        table = RoutingTable.load()
    road = Category.objects.get(code="infrastruktur.jalan").pk
    with django_assert_num_queries(0):
        table.suggest(category_id=road, region_code="32.74.01", report_type="complaint")
