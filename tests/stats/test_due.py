"""Only what is due counts (issue 19, Build 6): a report whose deadline has not
passed is neither on time nor late, so an unfinished month is not marked down for
the reports it has just received. The clock is frozen by passing ``now``."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from aduan.reports import services
from aduan.reports.models import Report
from aduan.stats.index import Category, index_of
from aduan.stats.metrics import Metrics, Period, Scope, metrics
from aduan.stats.models import Contribution, Pending
from aduan.stats.services import stats_rebuild, stats_update_due
from tests.reports.conftest import Cast

FILED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Jakarta, this month
DECEMBER = Period.month(2026, 12)
CITY = Scope(region="32.74")


def worked_out(now: datetime) -> None:
    while stats_update_due(now=now):
        pass


@pytest.fixture
def report(dispositioned: Callable[..., Report]) -> Report:
    """Filed and sent to Kota Cirebon this month; its first deadline next week."""
    Pending.objects.all().delete()
    return dispositioned(now=FILED)


def test_a_report_before_its_deadline_is_neither_late_nor_on_time(
    cast: Cast, report: Report
) -> None:
    due = report.deadline_at
    assert due is not None and due - FILED < timedelta(days=10)
    worked_out(FILED + timedelta(days=2))
    for scope in (CITY, Scope(agency_id=cast.kota.pk)):
        figures = metrics(scope, DECEMBER, now=FILED + timedelta(days=2))
        assert (figures.received, figures.first_due, figures.waiting) == (1, 0, 1)
        assert figures.followed_up_pct is None
        assert figures.first_on_time_pct is None
        assert figures.completed_on_time_pct is None
    # The worker is to look again when the deadline passes, not before.
    assert list(Pending.objects.values_list("queued_at", flat=True)) == [due]
    assert stats_update_due(now=due - timedelta(seconds=1)) == 0


def test_after_the_deadline_passes_unanswered_it_is_late(cast: Cast, report: Report) -> None:
    due = report.deadline_at
    assert due is not None
    worked_out(FILED + timedelta(days=2))
    assert stats_update_due(now=due) == 1  # queued for that moment
    for scope in (CITY, Scope(agency_id=cast.kota.pk)):
        figures = metrics(scope, DECEMBER, now=due)
        assert (figures.received, figures.first_due, figures.waiting) == (1, 1, 0)
        assert figures.followed_up_pct == 0
        assert figures.first_on_time_pct == 0
        # Its completion deadline is weeks ahead still: not yet due.
        assert figures.completion_due == 0
        assert figures.completed_on_time_pct is None


def test_a_follow_up_before_the_deadline_counts_on_time_at_once(cast: Cast, report: Report) -> None:
    moment = FILED + timedelta(days=1)
    services.report_follow_up(actor=cast.liaison, report=report, text="Dicek.", now=moment)
    worked_out(moment)
    figures = metrics(CITY, DECEMBER, now=moment)
    assert (figures.first_due, figures.followed_up_pct, figures.first_on_time_pct) == (1, 100, 100)


def test_a_report_not_yet_verified_waits_too(make_report: Callable[..., Report]) -> None:
    Pending.objects.all().delete()
    make_report(now=FILED)
    worked_out(FILED + timedelta(hours=1))
    figures = metrics(CITY, DECEMBER, now=FILED + timedelta(hours=1))
    assert (figures.received, figures.first_due) == (1, 0)
    # Verification (3 working days) and the first follow-up (5) both late: late.
    late = FILED + timedelta(days=30)
    worked_out(late)
    assert metrics(CITY, DECEMBER, now=late).first_due == 1


def test_a_rebuild_with_the_same_clock_agrees(cast: Cast, report: Report) -> None:
    moment = FILED + timedelta(days=2)
    worked_out(moment)
    kept = sorted(
        Contribution.objects.values_list("agency_id", "first_waiting", "completion_waiting")
    )
    stats_rebuild(now=moment)
    assert (
        sorted(Contribution.objects.values_list("agency_id", "first_waiting", "completion_waiting"))
        == kept
    )
    assert (0, 1, 1) in kept and (cast.kota.pk, 1, 1) in kept
    assert report.deadline_at is not None
    assert Pending.objects.filter(queued_at=report.deadline_at).exists()


@override_settings(STATS_MIN_REPORTS=10)
def test_the_index_of_an_unfinished_period_reads_only_what_is_due() -> None:
    # 40 reports this month: 12 were due and all followed up on time, 28 are
    # within their deadline. Counted against all 40 this read 19.6-ish; it is 100.
    counts = {
        "received": 40,
        "followed_up": 12,
        "first_on_time": 12,
        "completed_on_time": 3,
        "first_waiting": 28,
        "completion_waiting": 37,
    }
    index = index_of(Metrics(counts=counts))
    assert index.value == 100.0 and index.category == Category.SANGAT_RESPONSIF
    # Too few due (not too few received) is "insufficient data".
    few = counts | {"followed_up": 5, "first_on_time": 5, "first_waiting": 35}
    assert index_of(Metrics(counts=few)).category == Category.INSUFFICIENT
