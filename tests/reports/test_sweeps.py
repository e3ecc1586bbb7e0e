"""The deadline sweeps: the reporter's clocks close or archive, the staff's clocks
remind at the deadline and escalate at twice the allowed time — each once per
report and deadline, however often the sweep runs."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from aduan.accounts.models import User
from aduan.outbox.models import Message
from aduan.reports import services
from aduan.reports.models import Action, ArchiveReason, DeadlineKind, Report, State
from aduan.reports.sweeps import deadlines_sweep
from aduan.reports.tracking import tracking_number_display
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(cast: Cast) -> None:
    """Everyone can be reached by e-mail."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.id"
        user.save(update_fields=["email"])


def _reload(report: Report) -> Report:
    return Report.objects.select_related("agency").get(pk=report.pk)


def _mail(purpose: str) -> list[str]:
    return sorted(
        m.recipient for m in Message.objects.filter(purpose=purpose, channel=Message.Channel.EMAIL)
    )


def _actions(report: Report) -> list[str]:
    return list(report.events.values_list("action", flat=True))


def test_nothing_happens_before_a_deadline(dispositioned: Callable[..., Report]) -> None:
    report = dispositioned()
    assert report.alert_at == report.deadline_at
    assert deadlines_sweep(now=timezone.now()) == 0
    assert _actions(report) == ["submit", "dispose"]


def test_a_missed_first_follow_up_reminds_the_agency_once_and_tells_the_reporter(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    assert report.deadline_kind == DeadlineKind.FIRST_FOLLOW_UP
    assert report.deadline_at is not None and report.escalate_at is not None
    after = report.deadline_at + timedelta(minutes=1)
    assert deadlines_sweep(now=after) == 1
    assert deadlines_sweep(now=after) == 0  # once, however often it runs
    report = _reload(report)
    assert _actions(report)[-1] == Action.OVERDUE
    overdue = report.events.get(action=Action.OVERDUE)
    assert overdue.is_internal and overdue.reason == DeadlineKind.FIRST_FOLLOW_UP
    assert report.alert_at == report.escalate_at
    # The agency's admins and the unit's liaison, not the other unit's.
    assert _mail("overdue_staff") == ["admin.kota@example.id", "pupr.kota@example.id"]
    told = Message.objects.get(purpose="overdue", reporter=cast.reporter)
    assert "Ombudsman" in told.body and "137" in told.body
    assert report.state == State.DISPOSITIONED  # the clock marks, it does not move


def test_twice_the_allowed_time_tells_the_supervising_province_and_the_national_admin(
    dispositioned: Callable[..., Report],
) -> None:
    report = dispositioned()
    assert report.escalate_at is not None
    much_later = report.escalate_at + timedelta(minutes=1)
    # A worker that was down for all of it still takes both steps, in order, once.
    assert deadlines_sweep(now=much_later) == 1
    assert deadlines_sweep(now=much_later) == 1
    assert deadlines_sweep(now=much_later) == 0
    report = _reload(report)
    assert _actions(report)[-2:] == [Action.OVERDUE, Action.ESCALATE]
    assert report.alert_at is None
    assert _mail("escalated") == ["nasional@example.id", "pengawas.jabar@example.id"]


def test_a_new_deadline_brings_new_steps(cast: Cast, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned()
    assert report.deadline_at is not None
    late = report.deadline_at + timedelta(minutes=1)
    deadlines_sweep(now=late)
    services.report_follow_up(
        actor=cast.liaison, report=_reload(report), text="Sedang kami periksa.", now=late
    )
    report = _reload(report)
    assert report.deadline_kind == DeadlineKind.COMPLETION
    assert report.alert_at == report.deadline_at
    assert report.deadline_at is not None
    deadlines_sweep(now=report.deadline_at + timedelta(minutes=1))
    assert _actions(_reload(report)).count(Action.OVERDUE) == 2


def test_an_unverified_report_reminds_the_national_admins(make_report: MakeReport) -> None:
    report = make_report()
    assert report.deadline_kind == DeadlineKind.VERIFY and report.deadline_at is not None
    deadlines_sweep(now=report.deadline_at + timedelta(minutes=1))
    assert _mail("overdue_staff") == ["nasional@example.id"]


def test_an_unanswered_answer_closes_after_its_clock(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Kami periksa.")
    report = _reload(report)
    services.report_answer(actor=cast.liaison, report=report, text="Sudah ditambal.")
    report = _reload(report)
    assert report.deadline_kind == DeadlineKind.REPLY and report.deadline_at is not None
    assert deadlines_sweep(now=report.deadline_at - timedelta(minutes=1)) == 0
    assert deadlines_sweep(now=report.deadline_at + timedelta(minutes=1)) == 1
    report = _reload(report)
    assert report.state == State.CLOSED and report.alert_at is None
    assert _actions(report)[-1] == Action.AUTO_CLOSE
    assert Message.objects.filter(purpose="closed", reporter=cast.reporter).count() == 1
    assert deadlines_sweep(now=timezone.now() + timedelta(days=400)) == 0


def test_unanswered_questions_archive_the_report(cast: Cast, make_report: MakeReport) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Di mana lokasinya?")
    report = _reload(report)
    assert report.deadline_kind == DeadlineKind.SUPPLY_INFO and report.deadline_at is not None
    deadlines_sweep(now=report.deadline_at + timedelta(minutes=1))
    report = _reload(report)
    assert (report.state, report.archive_reason) == (State.ARCHIVED, ArchiveReason.NO_REPLY)
    archived = Message.objects.get(purpose="archived", reporter=cast.reporter)
    assert str(ArchiveReason.NO_REPLY.label) in archived.body


def test_one_reports_trouble_does_not_stop_the_others(
    dispositioned: Callable[..., Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = dispositioned(), dispositioned()
    assert first.deadline_at is not None and second.deadline_at is not None
    from aduan.reports import sweeps

    real = sweeps._overdue

    def flaky(report: Report, now: datetime) -> None:
        if report.pk == first.pk:
            raise RuntimeError("mail server on fire")
        real(report, now)

    monkeypatch.setattr(sweeps, "_overdue", flaky)
    later = max(first.deadline_at, second.deadline_at) + timedelta(minutes=1)
    assert deadlines_sweep(now=later) == 1
    assert _reload(first).alert_at == first.deadline_at  # still due: tried again later
    assert Action.OVERDUE not in _actions(first)
    assert Action.OVERDUE in _actions(second)


def test_staff_find_their_notices_in_the_back_office(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    from tests.conftest import verified_client

    report = dispositioned()
    assert report.deadline_at is not None
    deadlines_sweep(now=report.deadline_at + timedelta(minutes=1))
    number = tracking_number_display(report.tracking_number)
    assert cast.liaison.user is not None and cast.other_liaison.user is not None
    mine = verified_client(cast.liaison.user).get("/kantor/pemberitahuan")
    assert mine.status_code == 200
    html = mine.content.decode()
    assert f"Melewati batas waktu: laporan {number}" in html
    assert f"/kantor/laporan/{report.tracking_number}</a>" in html  # a link to the case
    other = verified_client(cast.other_liaison.user).get("/kantor/pemberitahuan")
    assert number not in other.content.decode()
    # Delivered in the worker's round like any message: nothing waits.
    from aduan.outbox.services import messages_deliver_due

    messages_deliver_due()
    assert not Message.objects.filter(channel="web", status="pending").exists()
