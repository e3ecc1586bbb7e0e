"""A mail to the report address: a new one becomes a report answered with its
tracking number; one whose subject carries ``[#<no>]`` from the reporter is a reply;
the same mail twice makes one report and one answer; unsupported attachments are
left out and the answer says so; bounces, auto-replies and list mail are recorded
and never answered."""

from typing import Any

import pytest

from aduan.channels.email.models import InboundMail
from aduan.channels.email.services import mail_receive
from aduan.lib import crypto
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Action, Channel, Report, ReportEvent
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import mail_bytes
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

SITI = "siti.rahma@contoh.co.id"


def _reported() -> Report:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert record.report is not None
    return record.report


def test_a_new_mail_becomes_a_report_answered_with_its_tracking_number() -> None:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    report = Report.objects.get()
    assert (record.outcome, record.report_id) == (InboundMail.Outcome.REPORT, report.pk)
    assert record.message_id == "CAF1x9q=plain.0001@mail.contoh.co.id"
    assert record.sender_hash == crypto.lookup_hash("email", SITI)
    assert (report.channel, report.title) == (Channel.EMAIL, "Lampu jalan mati — Jl. Kartini")
    assert report.body.startswith("Selamat pagi Bapak/Ibu,\n\nSudah tiga minggu")
    identity = ChannelIdentity.objects.get()
    assert (identity.kind, identity.value) == ("email", SITI)  # normalised
    assert identity.reporter.name == "Siti Rahma Hidayat"
    # One answer, queued in the outbox for the worker, with the number.
    message = Message.objects.get()
    number = tracking_number_display(report.tracking_number)
    assert (message.channel, message.recipient, message.status) == ("email", SITI, "pending")
    assert (message.purpose, message.language, message.report_id) == (
        "mail_report",
        "id",
        report.pk,
    )
    assert number in message.subject and number in message.body
    assert f"[#{number}]" in message.body  # how to reply
    assert message.body == record.answer


def test_the_same_mail_twice_makes_one_report_and_one_answer() -> None:
    first = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    again = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert again.pk == first.pk
    assert (Report.objects.count(), Message.objects.count(), InboundMail.objects.count()) == (
        1,
        1,
        1,
    )


def test_an_html_only_mail_becomes_a_report_in_plain_text() -> None:
    mail_receive(mail_bytes("html_only.eml"))
    report = Report.objects.get()
    assert report.title == "Air PDAM keruh"
    assert "cokelat & berbau lumpur" in report.body and "<" not in report.body.split("\n")[0]


def test_a_photo_is_kept_and_an_unsupported_file_left_out_and_said_so() -> None:
    record = mail_receive(mail_bytes("attachments.eml"))
    report = Report.objects.get()
    assert record.outcome == InboundMail.Outcome.REPORT
    assert [attachment.content_type for attachment in report.attachments.all()] == ["image/jpeg"]
    answer = Message.objects.get().body
    assert "Lampiran berikut tidak kami simpan:" in answer
    assert "- surat.docx: " in answer
    assert "lubang.jpg" not in answer


def test_a_mail_tagged_with_the_number_is_a_reply_without_the_quoted_mail() -> None:
    report = _reported()
    number = tracking_number_display(report.tracking_number)
    record = mail_receive(mail_bytes("reply.eml", TRACKING=number))
    assert (record.outcome, record.report_id) == (InboundMail.Outcome.REPLY, report.pk)
    event = ReportEvent.objects.filter(report=report, action=Action.REPLY).get()
    assert event.body == "Lampunya sekarang malah berkedip-kedip, tiang nomor 14."
    assert event.channel == Channel.EMAIL
    answer = Message.objects.filter(purpose="mail_reply").get()
    assert number in answer.subject and answer.recipient == SITI
    assert Report.objects.count() == 1


def test_a_reply_from_another_address_finds_nothing() -> None:
    report = _reported()
    raw = mail_bytes("reply.eml", TRACKING=report.tracking_number, **{"siti.rahma@": "orang.lain@"})
    record = mail_receive(raw)
    assert (record.outcome, record.report_id) == (InboundMail.Outcome.NOT_FOUND, None)
    assert not ReportEvent.objects.filter(report=report, action=Action.REPLY).exists()
    answer = Message.objects.get(purpose="mail_not_found")
    assert answer.recipient == "orang.lain@contoh.co.id"
    assert "tidak ditemukan" in answer.body


def test_a_reply_with_a_mistyped_number_finds_nothing() -> None:
    _reported()
    record = mail_receive(mail_bytes("reply.eml", TRACKING="1234 5678 91"))
    assert record.outcome == InboundMail.Outcome.NOT_FOUND
    assert "1234 5678 91" in Message.objects.get(purpose="mail_not_found").body


@pytest.mark.parametrize(
    ("fixture", "why"),
    [("bounce.eml", "bounce"), ("auto_reply.eml", "auto_reply"), ("list.eml", "list")],
)
def test_a_machines_mail_is_recorded_and_never_answered(fixture: str, why: str) -> None:
    report = _reported()
    sent = Message.objects.count()
    record = mail_receive(mail_bytes(fixture, TRACKING=report.tracking_number))
    assert (record.outcome, record.automatic, record.report_id) == ("automatic", why, None)
    assert (record.answer, Message.objects.count(), Report.objects.count()) == ("", sent, 1)
    assert not ReportEvent.objects.filter(report=report, action=Action.REPLY).exists()


def test_our_own_mail_coming_back_is_never_answered(settings: object) -> None:
    raw = mail_bytes("alternative.eml", **{"budi.santoso@surel.example.net": "lapor@localhost"})
    record = mail_receive(raw)
    assert (record.outcome, record.automatic) == ("automatic", "loop")
    assert not Message.objects.exists()


def test_a_mail_without_sender_is_recorded_and_ignored() -> None:
    raw = mail_bytes("alternative.eml", **{"From:": "X-Old-From:"})
    record = mail_receive(raw)
    assert (record.outcome, record.sender_hash) == ("ignored", "")
    assert not Report.objects.exists() and not Message.objects.exists()


def test_the_answer_is_in_the_reporters_language(cast: Cast) -> None:
    user = cast.reporter.user
    assert user is not None
    user.language = "en"
    user.save(update_fields=["language"])
    ChannelIdentity.objects.create(
        reporter=cast.reporter,
        kind="email",
        value="budi.santoso@surel.example.net",
        value_hash=crypto.lookup_hash("email", "budi.santoso@surel.example.net"),
    )
    record = mail_receive(mail_bytes("alternative.eml"))
    assert record.report is not None and record.report.reporter_id == cast.reporter.pk
    message = Message.objects.get()
    assert message.language == "en"
    assert message.subject.startswith("Report ")  # "Laporan … diterima" in English


def test_a_flooding_sender_is_recorded_and_neither_reported_nor_answered(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email": "2/d"}
    raw = mail_bytes("plain_quoted_printable.eml")
    for n in range(3):
        mail_receive(raw.replace(b"Message-ID: <", f"Message-ID: <flood{n}.".encode(), 1))
    outcomes = list(InboundMail.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["report", "report", "limited"]
    assert Report.objects.count() == 2 and Message.objects.count() == 2
