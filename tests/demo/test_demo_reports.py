"""Demo reports: made once for this module (500 of them, the seed's story included)
with their statistics rolled up, and checked as the services, the statistics and
a reader will read them."""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.community.models import Comment, Support
from aduan.demo import texts
from aduan.demo.reports import (
    BARE_CHANNELS,
    demo_reports_create,
    reports_generate,
    world_load,
)
from aduan.lib import contacts, crypto
from aduan.lib.text import title_from_text
from aduan.regions import codes
from aduan.regions.models import Region
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports import workflow
from aduan.reports.deadlines import Clock, completion_days, deadline, policy_for
from aduan.reports.models import (
    OPEN_STATES,
    Action,
    ArchiveReason,
    DeadlineKind,
    DeadlinePolicy,
    Report,
    ReportEvent,
    ReportType,
    State,
)
from aduan.reports.policy import PUBLIC_STATES
from aduan.reports.replay import report_replay
from aduan.reports.tracking import is_valid
from aduan.stats.metrics import Period
from aduan.stats.rankings import Board, ranking
from aduan.stats.services import stats_rebuild
from aduan.workdays.calendar import working_days_elapsed

COUNT = 500
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: pytest.FixtureDef[object]) -> Iterator[int]:
    """The reports, made once and rolled back after the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        created = demo_reports_create(count=COUNT, seed=11)
        stats_rebuild()  # as seed_demo does: the worker's roll-ups, worked out at once
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def reports(seeded: int, db: None) -> list[Report]:
    events = ReportEvent.objects.order_by("created_at", "id")
    return list(
        Report.objects.select_related(
            "agency__region", "category", "duplicate_of"
        ).prefetch_related(Prefetch("events", queryset=events, to_attr="timeline"))
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
    assert all(r.title and r.body for r in reports)
    # Only a report that came by SMS, e-mail or X and waits to be completed at
    # verification has no place or category.
    bare = [r for r in reports if r.region_id is None or r.category_id is None]
    assert all(r.channel in BARE_CHANNELS and not _classified(r) for r in bare)


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


# -- reports that read true -------------------------------------------------------


def _classified(report: Report) -> ReportEvent | None:
    events = report.timeline  # type: ignore[attr-defined]
    return next((e for e in events if e.action == Action.CLASSIFY), None)


def _text(report: Report) -> str:
    return f"{report.title} {report.body}".lower()


def _code(report: Report) -> str:
    assert report.category is not None
    return report.category.code


def _topic(report: Report) -> str:
    return _code(report).split(".")[0]


def test_every_template_speaks_of_its_category() -> None:
    for template in texts.COMPLAINTS + texts.ASPIRATIONS + texts.INFORMATION_REQUESTS:
        topic = template.category.split(".")[0]
        text = f"{template.title} {template.body}".lower()
        assert any(word in text for word in texts.KEYWORDS[topic]), template.title
        assert texts.mistake(template.category).split(".")[0] != topic


def test_each_report_text_has_its_category_vocabulary(reports: list[Report]) -> None:
    """What triage will learn from: a verified report's words name its category. One
    not yet verified (or archived unverified) may still carry the citizen's pick."""
    mistakes = {*texts.MISTAKES.values(), texts.MISTAKE_DEFAULT}
    verified = 0
    for report in reports:
        if report.category_id is None:  # still as it came by SMS, e-mail or X
            continue
        spoken = any(word in _text(report) for word in texts.KEYWORDS[_topic(report)])
        events = report.timeline  # type: ignore[attr-defined]
        if any(e.action == Action.DISPOSE for e in events):
            verified += 1
            assert spoken, (_code(report), report.title)
        else:
            assert spoken or _code(report) in mistakes, (_code(report), report.title)
    assert verified > COUNT * 0.8


def _changes(event: ReportEvent) -> dict[str, tuple[str, str]]:
    """A CLASSIFY event's lines, "field: before → after", by field."""
    lines = (line.split(": ", 1) for line in event.body.splitlines())
    return {field: tuple(change.split(" → ")) for field, change in lines}  # type: ignore[misc]


def test_a_wrong_category_is_corrected_at_verification(reports: list[Report]) -> None:
    corrected = 0
    for report in reports:
        event = _classified(report)
        if event is None or report.channel in BARE_CHANNELS:
            continue
        corrected += 1
        events = report.timeline  # type: ignore[attr-defined]
        assert [e.action for e in events].count(Action.CLASSIFY) == 1
        assert set(_changes(event)) == {"Kategori"}
        picked, final = _changes(event)["Kategori"]
        assert report.category is not None and final == report.category.name != picked
        assert event.actor_role == "national_admin" and event.from_state == event.to_state
        following = events[events.index(event) + 1]
        assert following.action == Action.DISPOSE  # corrected, then sent on
        picked_topic = Category.objects.get(name=picked).code.split(".")[0]
        assert picked_topic != _topic(report)
        assert any(word in _text(report) for word in texts.KEYWORDS[_topic(report)])
    assert COUNT * 0.02 < corrected < COUNT * 0.12


def test_sms_email_and_x_reports_are_completed_at_verification(reports: list[Report]) -> None:
    """They bring text only, as the intake makes them; the verifier sets type,
    category, region and (but for an e-mail's subject) a better title, on the
    timeline as report_classify writes it, before sending the report on."""
    completed = waiting = 0
    for report in reports:
        if report.channel not in BARE_CHANNELS:
            continue
        events = report.timeline  # type: ignore[attr-defined]
        event = _classified(report)
        if event is None:
            waiting += 1
            assert (report.category_id, report.region_id, report.latitude) == (None, None, None)
            assert report.type == ReportType.COMPLAINT and not report.address
            assert report.title == title_from_text(report.body) or report.channel == "email"
            assert not any(e.action == Action.DISPOSE for e in events)
            continue
        completed += 1
        changes = _changes(event)
        assert report.category is not None and report.region is not None
        assert changes["Kategori"] == ("—", report.category.name)
        assert changes["Wilayah"] == ("—", f"{report.region.name} ({report.region_id})")
        if report.type != ReportType.COMPLAINT:
            assert changes["Jenis"] == ("Pengaduan", report.get_type_display())
        if "Judul" in changes:
            assert report.channel != "email"
            assert changes["Judul"] == (title_from_text(report.body), report.title)
        assert event.actor_role == "national_admin" and event.from_state == State.SUBMITTED
        following = events[events.index(event) + 1]
        assert following.action in (Action.DISPOSE, Action.ARCHIVE)
        assert following.created_at - event.created_at == timedelta(minutes=1)
    assert completed > COUNT * 0.2 and waiting > 0


def test_one_street_and_one_place_per_report(reports: list[Report]) -> None:
    places = {str(r.region_id) for r in reports} | {str(r.region_id)[:8] for r in reports}
    names = dict(Region.objects.filter(code__in=places).values_list("code", "name"))
    regencies = dict(Region.objects.filter(level=codes.REGENCY).values_list("code", "name"))
    for report in reports:
        if report.region_id is None:  # still as it came by SMS, e-mail or X
            continue
        region = str(report.region_id)
        said = [report.title, report.body, report.address] + [
            e.body
            for e in report.timeline  # type: ignore[attr-defined]
            if e.action == Action.SUPPLY_INFO
        ]
        streets = {street for street in texts.STREETS for text in said if street in text}
        assert len(streets) <= 1, (report.tracking_number, streets)
        # The place it names is the report's region, in the regency it names, and
        # no other regency or city is named (once its own place names are set aside).
        if report.address:
            assert names[region] in report.address
        text = " ".join(said)
        for own in (names.get(region, ""), names.get(region[:8], ""), regencies[region[:5]]):
            text = text.replace(own, "") if own else text
        others = [name for name in regencies.values() if name in text]
        assert not others, (report.tracking_number, others)


def test_follow_ups_and_answers_fit_the_kind_of_work(reports: list[Report]) -> None:
    answers = 0
    for report in reports:
        if report.category_id is None:  # never verified: no follow-up
            continue
        wording = texts.wording(_code(report), report.type)
        for event in report.timeline:  # type: ignore[attr-defined]
            if event.action == Action.FOLLOW_UP:
                assert event.body in wording.follow_ups
            if event.action == Action.ANSWER:
                answers += 1
                assert event.body in wording.answers, (_code(report), event.body)
    assert answers > COUNT / 3


def test_duplicates_are_merged_into_the_case_already_filed(reports: list[Report]) -> None:
    merged = [r for r in reports if r.archive_reason == ArchiveReason.DUPLICATE]
    assert merged
    for report in merged:
        original = report.duplicate_of
        assert original is not None and original.state != State.ARCHIVED
        # Near it and within the window the duplicate finder searches
        # (aduan/triage/duplicates.py).
        assert report.category_id == original.category_id
        assert str(report.region_id)[:5] == str(original.region_id)[:5]
        assert timedelta(0) < report.submitted_at - original.submitted_at <= timedelta(days=30)
        archive = report.timeline[-1]  # type: ignore[attr-defined]
        assert archive.action == Action.ARCHIVE and archive.reason == texts.DUPLICATE_NOTE
    assert not [r for r in reports if r.duplicate_of_id and r not in merged]


def test_popular_public_reports_gather_supports_and_comments(reports: list[Report]) -> None:
    supports = Counter(Support.objects.values_list("report_id", flat=True))
    for report in reports:
        assert report.support_count == supports[report.pk]
        if supports[report.pk]:
            assert not report.is_confidential and report.state in PUBLIC_STATES
    assert max(supports.values()) >= 10
    assert 0 < len(supports) < COUNT / 2  # most reports have none
    by_id = {r.pk: r for r in reports}
    for support in Support.objects.select_related("user"):
        report = by_id[support.report_id]
        verified = next(e for e in report.timeline if e.action == Action.DISPOSE)  # type: ignore[attr-defined]
        assert verified.created_at <= support.created_at <= timezone.now()
        assert support.user is not None and support.user.role == "citizen"
    comments = list(Comment.objects.all())
    assert comments and all(c.body in texts.COMMENTS for c in comments)
    assert {c.report_id for c in comments} <= set(supports)


def test_jawa_barat_2020_ranks_several_and_kota_cirebon_first(seeded: int, db: None) -> None:
    """The story, earned: peers with enough reports in 2020, their indices apart,
    and Kota Cirebon ahead of them on its figures."""
    board = ranking(Board.LOCAL, Period.year(2020), province="32")
    ranked = [row for row in board if row.rank is not None]
    assert len(ranked) >= 5
    assert all(row.figures.received >= settings.STATS_MIN_REPORTS for row in ranked)
    assert ranked[0].agency.code == "pemda-32-74" and ranked[0].rank == 1
    assert ranked[0].figures.received == 134
    values = [row.index.value or 0.0 for row in ranked]
    assert all(value < values[0] for value in values[1:])
    assert len(set(values)) >= 4 and values[0] - min(values) >= 10
