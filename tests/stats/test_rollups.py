"""The roll-ups the worker keeps up to date equal the ones worked out afresh from
the timelines, after any history: random actions by random people on a few
reports, at random moments, with the worker catching up now and then."""

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.lib.errors import AduanError
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.stats.metrics import region_level
from aduan.stats.models import COUNTERS, Contribution, Duration, Pending, Rollup
from aduan.stats.services import stats_rebuild, stats_update_due
from tests.reports.conftest import ROLE_NAMES, Cast

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 09:00 in Jakarta

Call = Callable[[Actor, Report, Cast, datetime], object]
CALLS: dict[str, Call] = {
    "dispose": lambda a, r, c, t: services.report_dispose(
        actor=a, report=r, agency_id=c.kota.pk, unit_id=c.pupr.pk, now=t
    ),
    "dispose elsewhere": lambda a, r, c, t: services.report_dispose(
        actor=a, report=r, agency_id=c.kabupaten.pk, now=t
    ),
    "request info": lambda a, r, c, t: services.report_request_info(
        actor=a, report=r, reason="Mohon lengkapi lokasi.", now=t
    ),
    "supply info": lambda a, r, c, t: services.report_supply_info(
        actor=a, report=r, text="Di depan pasar.", now=t
    ),
    "archive": lambda a, r, c, t: services.report_archive(actor=a, report=r, reason="spam", now=t),
    "assign": lambda a, r, c, t: services.report_assign(
        actor=a, report=r, unit_id=c.dishub.pk, now=t
    ),
    "bounce": lambda a, r, c, t: services.report_bounce(
        actor=a, report=r, reason="Bukan kami.", now=t
    ),
    "follow up": lambda a, r, c, t: services.report_follow_up(
        actor=a, report=r, text="Sedang dikerjakan.", now=t
    ),
    "answer": lambda a, r, c, t: services.report_answer(actor=a, report=r, text="Selesai.", now=t),
    "confirm": lambda a, r, c, t: services.report_confirm(actor=a, report=r, rating=2, now=t),
    "confirm happily": lambda a, r, c, t: services.report_confirm(
        actor=a, report=r, rating=5, now=t
    ),
    "auto close": lambda a, r, c, t: services.report_auto_close(report=r, now=t),
    "reopen": lambda a, r, c, t: services.report_reopen(actor=a, report=r, reason="Belum.", now=t),
    "intervene": lambda a, r, c, t: services.report_intervene(
        actor=a, report=r, reason="Ditutup.", now=t
    ),
    "note": lambda a, r, c, t: services.report_note(actor=a, report=r, text="Catatan.", now=t),
}
# Who acts is drawn, but the actions that need a given role mostly get it.
LIKELY = {
    "dispose": "national",
    "dispose elsewhere": "national",
    "request info": "national",
    "archive": "national",
    "intervene": "national",
    "supply info": "owner",
    "confirm": "owner",
    "confirm happily": "owner",
    "reopen": "owner",
    "bounce": "agency_admin",
    "assign": "agency_admin",
}
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which report
        st.sampled_from(sorted(CALLS)),
        st.one_of(st.none(), st.sampled_from(ROLE_NAMES)),  # None: the likely actor
        st.integers(min_value=0, max_value=9 * 24),  # hours since the previous step
        st.booleans(),  # the worker catches up after this step
    ),
    max_size=30,
)


def snapshot() -> tuple[dict[Any, tuple[int, ...]], dict[Any, int], list[Any]]:
    """The non-zero roll-up rows and durations, and every contribution."""
    rollups = {}
    for row in Rollup.objects.all():
        values = tuple(getattr(row, name) for name in COUNTERS)
        if any(values):
            place = (row.grain, row.agency_id, row.province, row.regency, row.day)
            key = (*place, row.type, row.category_id)
            rollups[(*key, row.channel)] = values
    durations = {
        (d.grain, d.agency_id, d.province, d.regency, d.day, d.measure, d.days): d.count
        for d in Duration.objects.all()
        if d.count
    }
    contributions = sorted(
        (
            c.report_id,
            c.agency_id,
            c.day,
            c.first_days,
            c.completion_days,
            *(getattr(c, name) for name in COUNTERS),
        )
        for c in Contribution.objects.all()
    )
    return rollups, durations, contributions


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_the_kept_roll_ups_equal_a_rebuild(
    cast: Cast,
    make_report: Callable[..., Report],
    steps: list[tuple[int, str, str | None, int, bool]],
) -> None:
    stats_rebuild()  # the examples share the database: start from its reports as they are
    reports = [
        make_report(now=START),
        make_report(now=START, channel="sms"),
        make_report(now=START, type="aspiration"),
    ]
    moment = START
    for which, action, role, hours, catch_up in steps:
        moment += timedelta(hours=hours)
        actor = getattr(cast, role or LIKELY.get(action, "liaison"))
        report = Report.objects.get(pk=reports[which].pk)
        with contextlib.suppress(AduanError):  # most random actions are not allowed
            CALLS[action](actor, report, cast, moment)
        if catch_up:
            stats_update_due()
    while stats_update_due():
        pass
    kept = snapshot()
    # Nothing is left to do now; what waits is a deadline ahead, for its moment.
    assert not Pending.objects.filter(queued_at__lte=timezone.now()).exists()
    stats_rebuild()
    assert snapshot() == kept


def test_every_change_is_queued_in_its_own_transaction(cast: Cast, make_report: Any) -> None:
    Pending.objects.all().delete()
    report = make_report()
    services.report_dispose(
        actor=cast.national, report=report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    services.report_note(actor=cast.liaison, report=report, text="Catatan.")  # changes no figure
    assert list(Pending.objects.values_list("report_id", flat=True)) == [report.pk, report.pk]
    assert stats_update_due() == 1
    # Worked out; queued again only for the moment its first deadline passes.
    later = list(Pending.objects.values_list("report_id", "queued_at"))
    assert [(report.pk, report_id) for report_id, _at in later] == [(report.pk, report.pk)]
    assert all(at > timezone.now() for _id, at in later)
    whole = Rollup.objects.get(region_level(""), grain="d", agency_id=0)
    held = Rollup.objects.get(region_level(""), grain="d", agency_id=cast.kota.pk)
    assert (whole.received, whole.dispositioned) == (1, 1)
    assert (held.received, held.followed_up) == (1, 0)
    # The whole report and the agency's holding, each in its regency, province and nation.
    assert Rollup.objects.filter(grain="m").count() == 2 * 3
    assert Rollup.objects.get(region_level("32"), grain="m", agency_id=0).received == 1


def test_the_command_rebuilds_with_a_progress_bar(
    cast: Cast, make_report: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    make_report()
    make_report()
    Rollup.objects.all().delete()
    call_command("rebuild_stats", "--processes", "1")
    out = capsys.readouterr()
    assert "Statistics rebuilt from 2 reports." in out.out
    assert "Statistics" in out.err  # tqdm writes its bar to stderr
    assert Rollup.objects.get(region_level(""), grain="d", agency_id=0).received == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)  # the other processes read what is committed
def test_a_rebuild_in_several_processes_gives_the_same_figures(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite a rebuild stays in one process")
    for hours in range(7):
        report = make_report(now=START + timedelta(hours=hours))
        services.report_dispose(
            actor=cast.national,
            report=report,
            agency_id=cast.kota.pk,
            unit_id=cast.pupr.pk,
            now=START,
        )
        if hours % 2:
            report.refresh_from_db()
            services.report_follow_up(
                actor=cast.liaison,
                report=report,
                text="Dikerjakan.",
                now=START + timedelta(days=hours),
            )
    assert stats_rebuild() == 7
    alone = snapshot()
    assert stats_rebuild(processes=2, batch=2) == 7  # four ranges, two processes
    assert snapshot() == alone
    call_command("rebuild_stats", "--processes", "2", "--no-progress")
    assert snapshot() == alone
