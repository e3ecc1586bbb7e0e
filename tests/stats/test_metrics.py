"""The figures' definitions on small histories made by hand: working days across
holidays, a bounce and a new disposition, a re-opening, exact medians and 90th
percentiles, regions with their sub-regions, periods, backlog and overdue now."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from aduan.reports import services
from aduan.reports.models import Report
from aduan.stats.metrics import Period, Scope, _spread, metrics
from aduan.stats.services import stats_update_due
from tests.reports.conftest import Cast
from tests.stats.rows import rollup_row

pytestmark = pytest.mark.django_db

MakeReport = Callable[..., Report]


def at(day: str, hour: int = 10) -> datetime:
    """A moment in Jakarta (UTC+7)."""
    return datetime.fromisoformat(day).replace(hour=hour - 7, tzinfo=UTC)


def caught_up() -> None:
    while stats_update_due():
        pass


YEAR = Period.year(2026)


def disposed(cast: Cast, make_report: MakeReport, day: str, **fields: object) -> Report:
    report = make_report(now=at(day, 8), **fields)
    services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        unit_id=cast.pupr.pk,
        now=at(day),
    )
    return Report.objects.get(pk=report.pk)


def test_the_first_follow_up_is_counted_in_working_days_across_holidays(
    cast: Cast, make_report: MakeReport
) -> None:
    # Friday 13 February 2026; Monday 16 (cuti bersama) and Tuesday 17 (Imlek) are
    # holidays. Tuesday 24 is the 5th working day after, Wednesday 25 the 6th.
    on_time = disposed(cast, make_report, "2026-02-13")
    late = disposed(cast, make_report, "2026-02-13")
    services.report_follow_up(actor=cast.liaison, report=on_time, text="Ok.", now=at("2026-02-24"))
    services.report_follow_up(actor=cast.liaison, report=late, text="Ok.", now=at("2026-02-25"))
    caught_up()
    kota = metrics(Scope(agency_id=cast.kota.pk), YEAR)
    assert kota.counts["received"] == 2 and kota.counts["followed_up"] == 2
    assert (kota.counts["first_on_time"], kota.counts["first_late"]) == (1, 1)
    assert kota.first_on_time_pct == 50
    assert (kota.first.median, kota.first.p90) == (5, 6)
    whole = metrics(Scope(), YEAR)
    assert whole.counts["first_on_time"] == 1 and whole.followed_up_pct == 100


def test_a_bounce_counts_against_the_agency_that_bounced(
    cast: Cast, make_report: MakeReport
) -> None:
    report = disposed(cast, make_report, "2026-03-02")
    services.report_bounce(
        actor=cast.agency_admin, report=report, reason="Bukan kami.", now=at("2026-03-03")
    )
    report = Report.objects.get(pk=report.pk)
    services.report_dispose(
        actor=cast.national, report=report, agency_id=cast.kabupaten.pk, now=at("2026-03-04")
    )
    report = Report.objects.get(pk=report.pk)
    services.report_follow_up(
        actor=cast.other_agency_admin, report=report, text="Ok.", now=at("2026-03-05")
    )
    caught_up()
    kota = metrics(Scope(agency_id=cast.kota.pk), YEAR)
    assert (kota.counts["received"], kota.counts["bounced"], kota.counts["followed_up"]) == (
        1,
        1,
        0,
    )
    assert kota.bounce_pct == 100
    kabupaten = metrics(Scope(agency_id=cast.kabupaten.pk), YEAR)
    assert (kabupaten.counts["received"], kabupaten.counts["followed_up"]) == (1, 1)
    assert kabupaten.counts["first_on_time"] == 1 and kabupaten.first.median == 1
    whole = metrics(Scope(), YEAR)
    assert (whole.received, whole.counts["bounced"], whole.counts["dispositioned"]) == (1, 1, 1)
    # The whole report is measured from its first disposition: three working days.
    assert whole.first.median == 3


def test_a_reopened_report_is_completed_once_and_rated_at_the_end(
    cast: Cast, make_report: MakeReport
) -> None:
    report = disposed(cast, make_report, "2026-04-06")

    def now(step: Callable[..., object], day: str, **fields: object) -> None:
        step(report=Report.objects.get(pk=report.pk), now=at(day), **fields)

    now(services.report_answer, "2026-04-07", actor=cast.liaison, text="Selesai.")
    now(services.report_reopen, "2026-04-08", actor=cast.owner, reason="Belum.")
    now(services.report_answer, "2026-04-10", actor=cast.liaison, text="Kini selesai.")
    now(services.report_confirm, "2026-04-13", actor=cast.owner, rating=5)
    caught_up()
    for scope in (Scope(), Scope(agency_id=cast.kota.pk)):
        figures = metrics(scope, YEAR)
        assert figures.counts["reopened"] == 1
        assert figures.counts["completed"] == 1 and figures.completion.median == 1
        assert (figures.counts["rating_count"], figures.rating_average) == (1, 5)
        assert figures.satisfied_pct == 100 and figures.closed == 1
        assert figures.reopen_pct == 100


def test_a_region_holds_its_sub_regions(cast: Cast, make_report: MakeReport) -> None:
    from aduan.reports.services import Location

    make_report(now=at("2026-05-04"))  # Kota Cirebon (32.74)
    make_report(now=at("2026-05-04"), location=Location(region="32.09.01"))  # Kab. Cirebon
    caught_up()
    assert metrics(Scope(region="32"), YEAR).received == 2
    assert metrics(Scope(region="32.74"), YEAR).received == 1
    assert metrics(Scope(region="33"), YEAR).received == 0


def test_a_period_reads_months_or_days_alike(cast: Cast, make_report: MakeReport) -> None:
    make_report(now=at("2026-06-01"))
    make_report(now=at("2026-06-30", 23))  # still June in Jakarta
    make_report(now=at("2026-07-01"))
    caught_up()
    june = metrics(Scope(), Period.month(2026, 6))
    assert june.received == 2
    assert metrics(Scope(), Period(date(2026, 6, 1), date(2026, 6, 30))).received == 2
    assert metrics(Scope(), Period(date(2026, 6, 15), date(2026, 7, 1))).received == 2
    assert metrics(Scope(), Period.quarter(2026, 3)).received == 1


def test_periods_and_the_one_before() -> None:
    assert Period.year(2020).previous() == Period.year(2019)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period(date(2026, 3, 10), date(2026, 3, 19)).previous() == Period(
        date(2026, 2, 28), date(2026, 3, 9)
    )


@pytest.mark.parametrize(
    ("counted", "median", "p90"),
    [
        ([(0, 1), (1, 2), (2, 1), (9, 1)], 1, 9),  # 0 1 1 2 9
        ([(3, 10)], 3, 3),
        ([(1, 5), (2, 5)], 1, 2),  # ten values: the 5th is 1, the 9th is 2
        ([(1, 9), (40, 1)], 1, 1),  # the 9th of ten is 1
        ([(1, 8), (40, 2)], 1, 40),
    ],
)
def test_medians_and_percentiles_are_exact(
    counted: list[tuple[int, int]], median: int, p90: int
) -> None:
    spread = _spread(counted)
    assert (spread.median, spread.p90) == (median, p90)


def test_backlog_and_overdue_are_now(cast: Cast, make_report: MakeReport) -> None:
    early = disposed(cast, make_report, "2026-01-05")
    disposed(cast, make_report, "2026-01-05")
    done = disposed(cast, make_report, "2026-01-05")
    services.report_answer(actor=cast.liaison, report=done, text="Selesai.", now=at("2026-01-06"))
    services.report_confirm(
        actor=cast.owner, report=Report.objects.get(pk=done.pk), rating=4, now=at("2026-01-07")
    )
    caught_up()
    assert early.deadline_at is not None
    now = early.deadline_at + timedelta(minutes=1)
    kota = metrics(Scope(agency_id=cast.kota.pk), YEAR, now=now)
    assert (kota.backlog, kota.overdue) == (2, 2)
    assert metrics(Scope(agency_id=cast.kota.pk), YEAR, now=at("2026-01-06")).overdue == 0


def test_any_span_reads_whole_months_monthly_and_its_ends_daily() -> None:
    """A day's figures in the daily rows, their month's sum in the monthly ones:
    every span sums to the days in it, whichever rows it reads."""
    first = date(2025, 11, 1)
    for offset in range(120):  # Nov 2025 – Feb 2026
        day = first + timedelta(days=offset)
        rollup_row("", day, grain="d", received=day.day)
    for month in (date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)):
        days = [first + timedelta(days=n) for n in range(120)]
        total = sum(d.day for d in days if d.replace(day=1) == month)
        rollup_row("", month, grain="m", received=total)
    spans = [
        (date(2025, 11, 1), date(2026, 2, 28)),
        (date(2025, 11, 10), date(2026, 2, 20)),
        (date(2025, 11, 10), date(2025, 11, 20)),
        (date(2025, 11, 30), date(2025, 12, 1)),
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2025, 12, 2), date(2026, 1, 31)),
        (date(2025, 12, 1), date(2026, 1, 30)),
    ]
    for start, end in spans:
        expected = sum((start + timedelta(days=n)).day for n in range((end - start).days + 1))
        assert metrics(Scope(), Period(start, end)).received == expected, (start, end)
