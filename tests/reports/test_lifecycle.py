"""Each lifecycle service: what it changes, the event it writes, the deadlines it
sets, and what it refuses (wrong state, not permitted, bad input) without writing."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aduan.lib.errors import AduanError, InvalidInput, NotFound, NotPermitted
from aduan.reports import services
from aduan.reports.errors import StaleReport, WrongState
from aduan.reports.models import Action, Report, ReportEvent, State
from aduan.reports.replay import report_replay

from .conftest import Cast

MakeReport = Callable[..., Report]
# Friday 13 March 2026, 10:00 WIB: just before the Nyepi and Idul Fitri holidays.
FRIDAY = datetime(2026, 3, 13, 3, 0, tzinfo=UTC)
WIB = ZoneInfo("Asia/Jakarta")


def _wib(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(WIB).isoformat()


def _fresh(report: Report) -> Report:
    return Report.objects.select_related("agency__region").get(pk=report.pk)


def _events(report: Report) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_state, e.to_state) for e in report.events.order_by("id")]


def test_a_new_report_waits_for_verification_for_three_working_days(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(now=FRIDAY)
    assert report.state == State.SUBMITTED and report.version == 1
    assert report.deadline_kind == "verify"
    # Mon 16, Tue 17 count; 18–24 March are Nyepi, Idul Fitri and cuti bersama.
    assert _wib(report.deadline_at) == "2026-03-25T23:59:59+07:00"
    assert _events(report) == [("submit", "", "submitted")]
    assert len(report.tracking_number) == 10


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"type": "gossip"}, "type"),
        ({"category": "tidak.ada"}, "category"),
        ({"location": services.Location(region="99.99")}, "region"),
        ({"location": services.Location(region="3a")}, "region"),
        ({"location": services.Location(latitude=-6.7)}, "latitude"),
        ({"location": services.Location(latitude=100.0, longitude=1.0)}, "latitude"),
        ({"incident_date": date(2999, 1, 1)}, "incident_date"),
        ({"agency_hint": 10**9}, "agency_hint"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    make_report: MakeReport, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_report(**overrides)
    assert caught.value.field == field
    assert str(caught.value.message)
    assert not Report.objects.exists() and not ReportEvent.objects.exists()


def test_a_citizen_cannot_report_in_someone_elses_name(cast: Cast, make_report: MakeReport) -> None:
    with pytest.raises(NotPermitted):
        make_report(actor=cast.other_citizen)
    assert not Report.objects.exists()


def test_dispose_sets_the_agency_and_its_deadlines(cast: Cast, make_report: MakeReport) -> None:
    report = make_report(now=FRIDAY)
    event = services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        unit_id=cast.pupr.pk,
        now=FRIDAY + timedelta(hours=2),
    )
    report = _fresh(report)
    assert (report.state, report.agency, report.unit) == ("dispositioned", cast.kota, cast.pupr)
    assert (event.action, event.agency, event.unit) == ("dispose", cast.kota, cast.pupr)
    assert report.deadline_kind == "first_follow_up"
    assert _wib(report.deadline_at) == "2026-03-27T23:59:59+07:00"  # 5 working days
    # Completion of a complaint: 14 working days (16, 17, 25–27, 30, 31 March, 1, 2,
    # 6–10 April; 3 April is Good Friday). Escalation at twice the first follow-up's time.
    assert _wib(report.completion_due_at) == "2026-04-10T23:59:59+07:00"
    assert _wib(report.escalate_at) == "2026-04-06T23:59:59+07:00"


def test_a_complaint_needing_inspection_has_sixty_working_days(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()
    services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        needs_inspection=True,
        now=FRIDAY,
    )
    due = _fresh(report).completion_due_at
    assert due is not None and due.date() > date(2026, 6, 1)


def test_an_information_request_is_completed_in_five_working_days(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(type="information_request")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk, now=FRIDAY)
    assert _wib(_fresh(report).completion_due_at) == "2026-03-27T23:59:59+07:00"


def test_the_full_lifecycle_by_the_people_who_do_it(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah survei lokasi.")
    assert report.state == "in_progress" and report.deadline_kind == "completion"
    services.report_answer(actor=cast.liaison, report=report, text="Lubang sudah ditambal.")
    assert report.state == "answered" and report.deadline_kind == "reply"
    services.report_confirm(actor=cast.owner, report=report, rating=5, comment="Terima kasih")
    report = _fresh(report)
    assert (report.state, report.rating, report.deadline_at) == ("closed", 5, None)
    assert _events(report) == [
        ("submit", "", "submitted"),
        ("dispose", "submitted", "dispositioned"),
        ("follow_up", "dispositioned", "in_progress"),
        ("answer", "in_progress", "answered"),
        ("confirm", "answered", "closed"),
    ]
    replayed = report_replay(report.events.order_by("id"))
    assert (replayed.state, replayed.agency_id, replayed.rating) == ("closed", cast.kota.pk, 5)


def test_a_final_answer_without_follow_up_writes_both_events(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_answer(actor=cast.agency_admin, report=report, text="Sudah selesai.")
    assert _events(report)[-2:] == [
        ("follow_up", "dispositioned", "in_progress"),
        ("answer", "in_progress", "answered"),
    ]
    assert report.first_follow_up_at is not None


def test_needs_info_round_trip_and_expiry(cast: Cast, make_report: MakeReport) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Lokasi persisnya?")
    assert (report.state, report.deadline_kind) == ("needs_info", "supply_info")
    services.report_supply_info(actor=cast.owner, report=report, text="Depan Pasar Kanoman.")
    assert (report.state, report.deadline_kind) == ("submitted", "verify")
    services.report_request_info(actor=cast.national, report=report, reason="Foto?")
    services.report_expire_info(report=report)
    report = _fresh(report)
    assert (report.state, report.archive_reason, report.deadline_at) == (
        "archived",
        "no_reply",
        None,
    )


def test_bounce_goes_back_to_the_national_admin_with_the_reason(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    event = services.report_bounce(
        actor=cast.agency_admin, report=report, reason="Jalan provinsi, bukan wewenang kota."
    )
    report = _fresh(report)
    assert (report.state, report.agency, report.unit) == ("submitted", None, None)
    assert report.deadline_kind == "verify"
    assert event.actor_agency == cast.kota and event.reason.startswith("Jalan provinsi")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kabupaten.pk)
    assert _fresh(report).agency == cast.kabupaten


def test_assign_to_a_unit_of_the_same_agency_only(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_assign(actor=cast.agency_admin, report=report, unit_id=cast.dishub.pk)
    assert _fresh(report).unit == cast.dishub
    other_unit = cast.kabupaten.units.first()
    assert other_unit is not None
    with pytest.raises(InvalidInput):
        services.report_assign(actor=cast.agency_admin, report=report, unit_id=other_unit.pk)


def test_reopening_resumes_the_completion_clock(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(now=FRIDAY)
    due = _fresh(report).completion_due_at
    answered_on = datetime(2026, 3, 30, 3, 0, tzinfo=UTC)  # Monday
    services.report_answer(actor=cast.liaison, report=report, text="Selesai.", now=answered_on)
    reopened_on = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)  # Thursday: 3 working days later
    services.report_reopen(actor=cast.owner, report=report, reason="Belum", now=reopened_on)
    report = _fresh(report)
    assert report.state == "in_progress" and report.deadline_kind == "completion"
    # The answer waited 3 working days (31 March, 1 and 2 April): 10 April + 3 = 15 April.
    assert _wib(due) == "2026-04-10T23:59:59+07:00"
    assert _wib(report.completion_due_at) == "2026-04-15T23:59:59+07:00"
    assert report.deadline_at == report.completion_due_at


def test_the_answer_closes_by_itself_and_an_admin_can_intervene(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    first, second = dispositioned(), dispositioned()
    services.report_answer(actor=cast.liaison, report=first, text="Selesai.")
    services.report_auto_close(report=first)
    assert _fresh(first).state == "closed"
    services.report_intervene(actor=cast.national, report=second, reason="Ditangani langsung.")
    assert _fresh(second).state == "closed"
    with pytest.raises(WrongState):
        services.report_intervene(actor=cast.national, report=second, reason="Lagi")


@pytest.mark.parametrize(
    ("who", "call", "error"),
    [
        (
            "owner",
            lambda a, r: services.report_follow_up(actor=a, report=r, text="x"),
            NotPermitted,
        ),
        (
            "liaison",
            lambda a, r: services.report_confirm(actor=a, report=r, rating=5),
            NotPermitted,
        ),
        (
            "other_agency_admin",
            lambda a, r: services.report_follow_up(actor=a, report=r, text="x"),
            NotPermitted,
        ),
        (
            "other_liaison",
            lambda a, r: services.report_bounce(actor=a, report=r, reason="x"),
            NotPermitted,
        ),
        (
            "national",
            lambda a, r: services.report_confirm(actor=a, report=r, rating=4),
            NotPermitted,
        ),
        (
            "agency_admin",
            lambda a, r: services.report_bounce(actor=a, report=r, reason=" "),
            InvalidInput,
        ),
        ("owner", lambda a, r: services.report_reopen(actor=a, report=r, reason="x"), WrongState),
        (
            "national",
            lambda a, r: services.report_archive(actor=a, report=r, reason="spam"),
            WrongState,
        ),
    ],
)
def test_what_is_refused_changes_nothing(
    cast: Cast,
    dispositioned: Callable[..., Report],
    who: str,
    call: Callable[..., object],
    error: type[AduanError],
) -> None:
    report = dispositioned()
    before = (report.state, report.version, report.events.count())
    with pytest.raises(error):
        call(cast.roles()[who], report)
    report = _fresh(report)
    assert (report.state, report.version, report.events.count()) == before


def test_a_confidential_report_does_not_exist_for_an_outsider(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    with pytest.raises(NotFound):
        services.report_follow_up(actor=cast.other_agency_admin, report=report, text="x")


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5"])
def test_a_rating_is_one_to_five(
    cast: Cast, dispositioned: Callable[..., Report], rating: object
) -> None:
    report = dispositioned()
    services.report_answer(actor=cast.liaison, report=report, text="Selesai.")
    with pytest.raises(InvalidInput):
        services.report_confirm(actor=cast.owner, report=report, rating=rating)  # type: ignore[arg-type]


def test_two_people_acting_on_the_same_version_one_wins(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    seen_by_admin = dispositioned()
    seen_by_liaison = _fresh(seen_by_admin)
    services.report_bounce(actor=cast.agency_admin, report=seen_by_admin, reason="Bukan kami.")
    with pytest.raises(StaleReport) as caught:
        services.report_follow_up(actor=cast.liaison, report=seen_by_liaison, text="Sudah.")
    assert "Belum Terverifikasi" in str(caught.value.message)
    report = _fresh(seen_by_admin)
    assert report.state == "submitted"
    assert [e.action for e in report.events.order_by("id")][-1] == Action.BOUNCE
    assert report.events.filter(action=Action.FOLLOW_UP).count() == 0


def test_duplicate_archive_needs_the_original(cast: Cast, make_report: MakeReport) -> None:
    original, copy = make_report(), make_report()
    with pytest.raises(InvalidInput):
        services.report_archive(actor=cast.national, report=copy, reason="duplicate")
    services.report_archive(
        actor=cast.national,
        report=copy,
        reason="duplicate",
        duplicate_of=original.tracking_number,
    )
    assert _fresh(copy).duplicate_of == original


def test_opening_an_anonymous_reporter_is_recorded_every_time(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(anonymous=True)
    assert services.report_reporter_reveal(actor=cast.national, report=report) == cast.reporter
    services.report_reporter_reveal(actor=cast.national, report=report)
    assert report.events.filter(action=Action.IDENTITY_VIEWED, is_internal=True).count() == 2
    with pytest.raises(NotPermitted):
        services.report_reporter_reveal(actor=cast.agency_admin, report=report)


def test_events_are_never_edited_or_deleted(cast: Cast, make_report: MakeReport) -> None:
    event = make_report().events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="never edited"):
        event.save()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()


def test_redispose_only_to_a_sub_agency_which_then_handles_it(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    from aduan.accounts.models import User
    from aduan.agencies.models import Agency
    from aduan.reports.policy import Actor, View, report_view

    sub = Agency.objects.create(
        code="rsud-kota-cirebon", name="RSUD Gunung Jati", kind="institution", parent=cast.kota
    )
    report = dispositioned()
    with pytest.raises(InvalidInput):
        services.report_redispose(
            actor=cast.agency_admin, report=report, agency_id=cast.kabupaten.pk
        )
    services.report_redispose(actor=cast.agency_admin, report=report, agency_id=sub.pk)
    report = _fresh(report)
    assert (report.state, report.agency, report.unit) == ("dispositioned", sub, None)
    sub_admin = Actor.for_user(
        User.objects.create(username="admin.rsud", role="agency_admin", agency=sub), verified=True
    )
    assert report_view(sub_admin, report) == View.FULL
    assert report_view(cast.agency_admin, report) == View.FULL  # the parent still sees it
    services.report_follow_up(actor=sub_admin, report=report, text="Pasien sudah ditangani.")
    assert _fresh(report).state == "in_progress"


def test_the_reporter_replies_while_the_report_is_open_and_nothing_moves(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    before = (report.state, report.deadline_kind, report.deadline_at)
    event = services.report_reply(actor=cast.owner, report=report, text="Lubangnya makin besar.")
    report = _fresh(report)
    assert (report.state, report.deadline_kind, report.deadline_at) == before
    assert (event.action, event.body, event.from_state, event.to_state) == (
        "reply",
        "Lubangnya makin besar.",
        "dispositioned",
        "dispositioned",
    )
    with pytest.raises(NotPermitted):
        services.report_reply(actor=cast.other_citizen, report=report, text="Saya juga.")
    with pytest.raises(NotPermitted):
        services.report_reply(actor=cast.agency_admin, report=report, text="Baik.")
    services.report_intervene(actor=cast.national, report=report, reason="Selesai di lapangan.")
    with pytest.raises(WrongState):
        services.report_reply(actor=cast.owner, report=report, text="Terima kasih.")
