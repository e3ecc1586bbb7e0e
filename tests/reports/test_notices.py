"""What the reporter hears, by the channel they reported on and in their language:
receipt, a request for information, disposition, every follow-up with its text, the
answer with its reply window, closing and archiving with the reason — and nothing
of what they did themselves or of what stays inside the agency."""

from collections.abc import Callable

import pytest

from aduan.accounts.models import User
from aduan.channels.sms.segments import sms_size
from aduan.outbox.models import Message
from aduan.reporters.services import reporter_for_identity
from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.reports.policy import Actor
from aduan.reports.tracking import tracking_number_display
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def reachable(cast: Cast) -> Cast:
    User.objects.filter(username="ani").update(email="ani@example.id")
    cast.reporter.user.email = "ani@example.id"  # type: ignore[union-attr]
    return cast


def _told(report: Report) -> list[tuple[str, str]]:
    return [
        (m.purpose, m.body)
        for m in Message.objects.filter(report=report, reporter=report.reporter).order_by("pk")
    ]


def _reload(report: Report) -> Report:
    return Report.objects.select_related("agency").get(pk=report.pk)


def test_the_reporter_hears_of_every_step_with_the_agencys_words(
    reachable: Cast, make_report: MakeReport
) -> None:
    cast = reachable
    report = make_report()
    number = tracking_number_display(report.tracking_number)
    services.report_request_info(actor=cast.national, report=report, reason="Di mana persisnya?")
    services.report_supply_info(actor=cast.owner, report=_reload(report), text="Depan pasar.")
    services.report_dispose(
        actor=cast.national, report=_reload(report), agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    services.report_note(actor=cast.liaison, report=_reload(report), text="Anggaran belum turun.")
    services.report_follow_up(actor=cast.liaison, report=_reload(report), text="Tim meninjau.")
    services.report_answer(actor=cast.liaison, report=_reload(report), text="Sudah ditambal.")
    services.report_confirm(actor=cast.owner, report=_reload(report), rating=5)
    told = _told(report)
    assert [purpose for purpose, _body in told] == [
        "receipt",
        "request_info",
        "dispositioned",
        "follow_up",
        "answer",
    ]
    bodies = dict(told)
    assert number in bodies["receipt"]
    assert "Di mana persisnya?" in bodies["request_info"]
    assert "Pemerintah Kota Cirebon" in bodies["dispositioned"]
    assert "Tim meninjau." in bodies["follow_up"]
    assert "Sudah ditambal." in bodies["answer"] and "10 hari kerja" in bodies["answer"]
    assert not any("Anggaran" in body for body in bodies.values())  # internal stays inside
    message = Message.objects.filter(report=report, purpose="answer").get()
    assert (message.channel, message.recipient) == ("email", "ani@example.id")
    assert message.subject == f"Laporan {number} sudah ditindaklanjuti"


def test_notices_are_in_the_reporters_language(
    reachable: Cast, dispositioned: Callable[..., Report]
) -> None:
    User.objects.filter(username="ani").update(language="en")
    reachable.reporter.user.language = "en"  # type: ignore[union-attr]
    report = dispositioned()
    message = Message.objects.get(report=report, purpose="dispositioned")
    assert "has been verified" in message.body, message.body


def test_an_sms_reporter_hears_by_sms_in_short(cast: Cast) -> None:
    reporter = reporter_for_identity(kind="phone", value="0812-3456-789")
    report = services.report_create(
        actor=Actor.for_reporter(reporter.pk),
        reporter=reporter,
        type="complaint",
        title="Jalan rusak",
        body="Jalan rusak di depan pasar.",
        channel=Channel.SMS,
        acknowledged=True,  # the SMS answer already told them
    )
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    services.report_follow_up(
        actor=cast.agency_admin, report=_reload(report), text="Perbaikan dijadwalkan. " * 40
    )
    messages = list(Message.objects.filter(report=report).order_by("pk"))
    assert [m.purpose for m in messages] == ["dispositioned", "follow_up"]
    assert {(m.channel, m.recipient) for m in messages} == {("sms", "+628123456789")}
    assert all(m.subject == "" for m in messages)
    # A long follow-up is cut to a few SMS parts (the web page has it whole).
    assert sms_size(messages[1].body).parts <= 3
    assert messages[1].body.count("Perbaikan") < 40


def test_archiving_tells_the_reason_and_a_merge_tells_where_to_follow(
    reachable: Cast, make_report: MakeReport
) -> None:
    cast = reachable
    original, duplicate, spam = make_report(), make_report(), make_report()
    services.report_archive(
        actor=cast.national,
        report=duplicate,
        reason="duplicate",
        duplicate_of=original.tracking_number,
    )
    services.report_archive(actor=cast.national, report=spam, reason="spam", note="Iklan.")
    merged = Message.objects.get(report=duplicate, purpose="merged")
    assert tracking_number_display(original.tracking_number) in merged.body
    archived = Message.objects.get(report=spam, purpose="archived")
    assert "Spam. Iklan." in archived.body


def test_staff_mail_carries_no_reporter_data(
    reachable: Cast, dispositioned: Callable[..., Report]
) -> None:
    from aduan.reports.sweeps import deadlines_sweep

    User.objects.exclude(username="ani").update(email="staf@example.id")
    report = dispositioned()
    assert report.deadline_at is not None
    from datetime import timedelta

    deadlines_sweep(now=report.deadline_at + timedelta(minutes=1))
    staff_mail = Message.objects.filter(purpose="overdue_staff")
    assert staff_mail.exists()
    for message in staff_mail:
        assert "ani@" not in message.body and report.body not in message.body
        assert message.reporter_id is None
