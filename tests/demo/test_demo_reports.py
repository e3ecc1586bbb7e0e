"""Demo reports: made once for this module (500 of them, the seed's story included)
and checked as the services and the statistics will read them."""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import Prefetch

from aduan.agencies.models import Agency
from aduan.demo.reports import (
    demo_reports_create,
    reports_generate,
    world_load,
)
from aduan.lib import contacts, crypto
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports import workflow
from aduan.reports.deadlines import Clock, completion_days, deadline, policy_for
from aduan.reports.models import (
    OPEN_STATES,
    Action,
    DeadlineKind,
    DeadlinePolicy,
    Report,
    ReportEvent,
    State,
)
from aduan.reports.replay import report_replay
from aduan.reports.tracking import is_valid
from aduan.workdays.calendar import working_days_elapsed

COUNT = 500
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: pytest.FixtureDef[object]) -> Iterator[int]:
    """The reports, made once and rolled back after the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        created = demo_reports_create(count=COUNT, seed=11)
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def reports(seeded: int, db: None) -> list[Report]:
    events = ReportEvent.objects.order_by("created_at", "id")
    return list(
        Report.objects.select_related("agency__region").prefetch_related(
            Prefetch("events", queryset=events, to_attr="timeline")
        )
    )


def test_it_makes_the_count_asked_for(seeded: int, reports: list[Report]) -> None:
    assert seeded == COUNT
    assert len(reports) == COUNT
    assert len({r.tracking_number for r in reports}) == COUNT
    assert all(is_valid(r.tracking_number) for r in reports)


def test_it_tops_up_and_never_doubles(seeded: int, db: None) -> None:
    assert demo_reports_create(count=COUNT, seed=11) == 0
    assert demo_reports_create(count=COUNT - 100, seed=11) == 0
    assert demo_reports_create(count=COUNT + 30, seed=11) == 30
    assert Report.objects.count() == COUNT + 30


def test_every_timeline_replays_to_its_row(reports: list[Report]) -> None:
    for report in reports:
        events = report.timeline  # type: ignore[attr-defined]
        replayed = report_replay(events)
        assert (replayed.state, replayed.agency_id, replayed.unit_id, replayed.rating) == (
            report.state,
            report.agency_id,
            report.unit_id,
            report.rating,
        ), report.tracking_number
        assert events[0].action == Action.SUBMIT and events[0].from_state == ""
        assert events[0].created_at == report.submitted_at
        moments = [event.created_at for event in events]
        assert moments == sorted(set(moments)), "events follow one another strictly"
        changes = [e for e in events[1:] if e.action not in workflow.ANNOTATIONS]
        assert report.version == 1 + len(changes)


def test_events_carry_who_acted_and_what_they_said(reports: list[Report]) -> None:
    for report in reports:
        for event in report.timeline:  # type: ignore[attr-defined]
            assert event.actor_role in {
                "citizen", "national_admin", "agency_admin", "liaison", "system"
            }  # fmt: skip
            if event.action in (Action.FOLLOW_UP, Action.ANSWER, Action.SUPPLY_INFO):
                assert event.body
            if event.action in (Action.BOUNCE, Action.REOPEN, Action.REQUEST_INFO):
                assert event.reason
            if event.action == Action.ARCHIVE:
                assert event.reason and report.archive_reason
            assert (event.rating is not None) == (event.action == Action.CONFIRM)
            if event.action == Action.CONFIRM:
                assert 1 <= event.rating <= 5


def test_the_states_are_a_realistic_mix(reports: list[Report]) -> None:
    states = Counter(report.state for report in reports)
    assert states[State.CLOSED] > COUNT / 2
    assert states[State.ARCHIVED] > 0
    assert sum(states[state] for state in OPEN_STATES) > 0
    actions = Counter(e.action for r in reports for e in r.timeline)  # type: ignore[attr-defined]
    for action in (Action.BOUNCE, Action.REOPEN, Action.CONFIRM, Action.AUTO_CLOSE):
        assert actions[action] > 0, action
    ratings = Counter(r.rating for r in reports if r.rating is not None)
    assert ratings[4] + ratings[5] > ratings[1] + ratings[2]


def test_open_reports_have_deadlines_and_the_others_none(reports: list[Report]) -> None:
    for report in reports:
        if report.state in OPEN_STATES:
            assert report.deadline_kind and report.deadline_at and report.escalate_at
            assert report.closed_at is None
        else:
            assert (report.deadline_kind, report.deadline_at, report.escalate_at) == (
                "",
                None,
                None,
            )
            assert report.closed_at is not None
            assert bool(report.archive_reason) == (report.state == State.ARCHIVED)


def test_open_deadlines_are_those_the_deadline_rules_give(reports: list[Report]) -> None:
    for report in reports:
        if report.state in OPEN_STATES:
            expected = _expected_deadlines(report, report.timeline)  # type: ignore[attr-defined]
            actual = (
                report.deadline_kind,
                report.deadline_at,
                report.escalate_at,
                report.completion_due_at,
            )
            assert actual == expected, report.tracking_number


def _expected_deadlines(
    report: Report, events: list[ReportEvent]
) -> tuple[str, datetime | None, datetime | None, datetime | None]:
    """Worked out from the timeline with deadlines.py alone, the way the services
    set them: the clock of the last event that started one."""

    def rules(at: datetime) -> DeadlinePolicy:
        return policy_for(report_type=report.type, category_id=report.category_id, on=at.date())

    national = Clock.national()
    last = events[-1] if events[-1].action not in workflow.ANNOTATIONS else events[-2]
    started = {
        State.SUBMITTED: (Action.SUBMIT, Action.SUPPLY_INFO, Action.BOUNCE),
        State.NEEDS_INFO: (Action.REQUEST_INFO,),
        State.DISPOSITIONED: (Action.DISPOSE,),
        State.IN_PROGRESS: (Action.FOLLOW_UP, Action.REOPEN),
        State.ANSWERED: (Action.ANSWER,),
    }[State(report.state)]
    start = next(e for e in reversed(events) if e.action in started)
    assert last.to_state == report.state
    if report.state == State.SUBMITTED:
        policy = rules(start.created_at)
        due = deadline(
            DeadlineKind.VERIFY, start=start.created_at, days=policy.verify_days, clock=national
        )
        return due.kind, due.at, due.escalate_at, None
    if report.state == State.NEEDS_INFO:
        policy = rules(start.created_at)
        due = deadline(
            DeadlineKind.SUPPLY_INFO,
            start=start.created_at,
            days=policy.supply_info_days,
            clock=national,
        )
        return due.kind, due.at, due.escalate_at, None
    dispose = next(e for e in reversed(events) if e.action == Action.DISPOSE)
    assert dispose.agency_id is not None
    clock = Clock.for_agency(Agency.objects.select_related("region").get(pk=dispose.agency_id))
    policy = rules(dispose.created_at)
    days = completion_days(policy, needs_inspection=report.needs_inspection)
    completion = clock.after(dispose.created_at, days)
    answered = None
    for event in events[events.index(dispose) :]:
        if event.action == Action.ANSWER:
            answered = event.created_at
        if event.action == Action.REOPEN and answered is not None:
            waited = working_days_elapsed(
                answered, event.created_at, zone=clock.zone, calendar=clock.calendar
            )
            completion = clock.after(completion, waited) if waited else completion
    if report.state == State.DISPOSITIONED:
        due = deadline(
            DeadlineKind.FIRST_FOLLOW_UP,
            start=dispose.created_at,
            days=policy.first_follow_up_days,
            clock=clock,
        )
        return due.kind, due.at, due.escalate_at, completion
    if report.state == State.IN_PROGRESS:
        return DeadlineKind.COMPLETION, completion, clock.after(completion, days), completion
    due = deadline(DeadlineKind.REPLY, start=start.created_at, days=policy.reply_days, clock=clock)
    return due.kind, due.at, due.escalate_at, completion


def test_kota_cirebon_followed_up_all_134_reports_of_2020(reports: list[Report]) -> None:
    start, end = datetime(2020, 1, 1, tzinfo=JAKARTA), datetime(2021, 1, 1, tzinfo=JAKARTA)
    of_2020 = [r for r in reports if start <= r.submitted_at < end]
    kota = [r for r in of_2020 if r.agency is not None and r.agency.code == "pemda-32-74"]
    assert len(kota) == 134
    assert not [
        r for r in of_2020 if r.region_id and r.region_id.startswith("32.74") and r not in kota
    ]
    clock = Clock.for_agency(kota[0].agency)
    for report in kota:
        assert report.state == State.CLOSED
        events = report.timeline  # type: ignore[attr-defined]
        dispose = next(e for e in events if e.action == Action.DISPOSE)
        follow_up = next(e for e in events if e.action == Action.FOLLOW_UP)
        elapsed = working_days_elapsed(
            dispose.created_at, follow_up.created_at, zone=clock.zone, calendar=clock.calendar
        )
        assert 0 <= elapsed <= 5, report.tracking_number


def test_privacy_flags_have_sensible_shares(reports: list[Report]) -> None:
    anonymous = sum(r.is_anonymous for r in reports) / COUNT
    confidential = sum(r.is_confidential for r in reports) / COUNT
    assert 0.04 <= anonymous <= 0.16
    assert 0.01 <= confidential <= 0.10


def test_types_channels_and_regions_are_mixed(reports: list[Report]) -> None:
    types = Counter(r.type for r in reports)
    assert types["complaint"] > types["aspiration"] > 0 and types["information_request"] > 0
    assert set(Counter(r.channel for r in reports)) == {
        "web",
        "app",
        "sms",
        "x",
        "email",
        "counter",
    }
    provinces = {r.region_id[:2] for r in reports if r.region_id}
    assert len(provinces) > 15
    assert all(r.region_id and r.title and r.body for r in reports)


def test_some_reporters_report_again(reports: list[Report]) -> None:
    per_reporter = Counter(r.reporter_id for r in reports)
    assert max(per_reporter.values()) > 1
    assert len(per_reporter) > COUNT / 2


def test_reporter_names_are_stored_encrypted(seeded: int, db: None) -> None:
    reporter = Reporter.objects.order_by("id").first()
    assert reporter is not None and reporter.name
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM reporters_reporter WHERE id = %s", [reporter.pk])
        (raw,) = cursor.fetchone()
    assert raw != reporter.name and reporter.name not in raw
    assert crypto.decrypt(raw) == reporter.name


def test_sms_reporters_have_a_phone_identity(seeded: int, db: None) -> None:
    sms = Report.objects.filter(channel="sms").values_list("reporter_id", flat=True)
    phones = ChannelIdentity.objects.filter(reporter_id__in=sms, kind="phone")
    assert phones.count() == len(set(sms))
    for identity in phones:
        assert contacts.normalize_phone(identity.value) == identity.value
        assert identity.value_hash == crypto.lookup_hash("phone", identity.value)


def test_email_and_x_identities_are_stored_normalised(seeded: int, db: None) -> None:
    normalize = {"email": contacts.normalize_email, "x": contacts.normalize_x_handle}
    identities = ChannelIdentity.objects.filter(kind__in=normalize)
    assert identities.exists()
    for identity in identities:
        assert normalize[identity.kind](identity.value) == identity.value
        assert identity.value_hash == crypto.lookup_hash(identity.kind, identity.value)


def test_the_same_seed_makes_the_same_reports(seeded: int, db: None) -> None:
    world = world_load()
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)

    def run(seed: int) -> list[tuple[str, str, list[tuple[str, datetime]]]]:
        drafts = reports_generate(world, seed=seed, existing=0, count=200, story=134, now=now)
        return [
            (
                d.report.tracking_number,
                d.report.title,
                [(e.action, e.created_at) for e in d.history.events],
            )
            for d in drafts
        ]

    first = run(3)
    assert run(3) == first
    assert [number for number, *_ in run(4)] != [number for number, *_ in first]
