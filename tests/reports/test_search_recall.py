"""Search recall on the labelled set (tests/reports/search_recall.py), on whichever
database the run uses: each query finds exactly its labelled reports."""

from collections.abc import Callable

import pytest

from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.search import FeedFilters, report_feed, report_feed_ranked, result_count
from tests.reports.search_recall import QUERIES, REPORTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(dispositioned: Callable[..., Report]) -> dict[int, str]:
    """The set's reports, filed and verified as any report is: id → label."""
    made = {}
    for label, (title, body, category, region) in REPORTS.items():
        report = dispositioned(
            title=title,
            body=body,
            category=category,
            location=services.Location(region=region),
        )
        made[report.pk] = label
    return made


def _labels(labelled: dict[int, str], reports: list[Report]) -> set[str]:
    return {labelled.get(report.pk, f"unlabelled #{report.pk}") for report in reports}


def test_every_labelled_query_finds_exactly_its_reports(labelled: dict[int, str]) -> None:
    misses = {}
    for query, expected in QUERIES.items():
        found = _labels(labelled, report_feed(filters=FeedFilters(q=query)).reports)
        if found != expected:
            misses[query] = {"missing": expected - found, "extra": found - expected}
    assert misses == {}


def test_by_relevance_finds_the_same_and_counts_them(labelled: dict[int, str]) -> None:
    for query, expected in QUERIES.items():
        page = report_feed_ranked(filters=FeedFilters(q=query))
        assert _labels(labelled, page.reports) == expected, query
        assert result_count(FeedFilters(q=query)) == len(expected), query


def test_a_match_in_the_title_ranks_above_one_in_the_category(labelled: dict[int, str]) -> None:
    # All three roads are filed as "Jalan rusak / berlubang"; only the pothole, the
    # oldest of them, says "berlubang" in its title and "lubang" in its text.
    ranked = report_feed_ranked(filters=FeedFilters(q="lubang")).reports
    assert labelled[ranked[0].pk] == "pothole"
    newest = report_feed(filters=FeedFilters(q="lubang")).reports
    assert labelled[newest[-1].pk] == "pothole"
