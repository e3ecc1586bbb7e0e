"""Mail out by SMTP, received by a real SMTP server (aiosmtpd): a text and an HTML
part, the tracking number in the subject, threaded under the citizen's first mail,
marked as automatic; refusals sorted into permanent and temporary failures."""

from typing import Any

import pytest

from aduan.channels.email.services import mail_receive
from aduan.channels.email.transport import EmailTransport, html_body
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.outbox.transports import TransportError
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import Mailbox, mail_bytes
from tests.reports.conftest import MakeReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _smtp(settings: Any, smtp_server: Mailbox) -> None:
    settings.SMTP_HOST, settings.SMTP_PORT = smtp_server.host, smtp_server.port
    settings.SMTP_TLS, settings.SMTP_USER = "none", ""
    settings.EMAIL_FROM = "LAPOR! <lapor@aduan.example.go.id>"


def test_the_answer_to_a_mail_leaves_threaded_under_it(smtp_server: Mailbox, settings: Any) -> None:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert record.report is not None
    message = Message.objects.get()
    message_id = EmailTransport().send(message)
    received = smtp_server.received[0]
    mail = received.mail
    assert received.recipients == ["siti.rahma@contoh.co.id"]
    assert received.sender == "lapor@aduan.example.go.id"
    assert mail["Message-ID"] == message_id
    assert message_id.startswith(f"<aduan.{message.pk}.") and message_id.endswith(
        "@aduan.example.go.id>"
    )
    assert mail["In-Reply-To"] == "<CAF1x9q=plain.0001@mail.contoh.co.id>"
    assert mail["References"] == "<CAF1x9q=plain.0001@mail.contoh.co.id>"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["Content-Language"] == "id"
    number = tracking_number_display(record.report.tracking_number)
    assert mail["Subject"] == f"Laporan {number} diterima [#{number}]"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n").rstrip("\n") == message.body
    assert f'<a href="{settings.SITE_URL}/' in html.get_content()


def test_a_notice_is_tagged_with_the_number_and_not_threaded(
    smtp_server: Mailbox, make_report: MakeReport
) -> None:
    report = make_report()
    message = message_send(
        channel="email",
        recipient="ani@contoh.co.id",
        subject="Laporan sudah selesai",
        body="Laporan Anda sudah selesai.\nLihat https://aduan.example/r/1.",
        purpose="closed",
        report_id=report.pk,
    )
    EmailTransport().send(message)
    mail = smtp_server.received[0].mail
    number = tracking_number_display(report.tracking_number)
    assert mail["Subject"] == f"Laporan sudah selesai [#{number}]"
    assert mail["In-Reply-To"] is None
    assert mail["Auto-Submitted"] == "auto-generated"


def test_the_html_part_is_the_text_escaped_with_links() -> None:
    html = html_body("Halo <b>Ani</b> & kawan\n\nLihat https://aduan.example/r/1.", language="id")
    assert '<html lang="id">' in html
    assert "<p>Halo &lt;b&gt;Ani&lt;/b&gt; &amp; kawan</p>" in html
    assert '<a href="https://aduan.example/r/1">https://aduan.example/r/1</a>.' in html


def test_a_refused_recipient_is_a_permanent_failure(smtp_server: Mailbox) -> None:
    smtp_server.refuse = "550 5.1.1 No such user"
    message = message_send(channel="email", recipient="x@contoh.co.id", body="Hai", purpose="t")
    with pytest.raises(TransportError) as failure:
        EmailTransport().send(message)
    assert failure.value.permanent
    assert "x@contoh" not in str(failure.value)  # no address in what gets logged


def test_a_busy_server_is_a_temporary_failure(smtp_server: Mailbox) -> None:
    smtp_server.refuse = "450 4.2.1 Try later"
    message = message_send(channel="email", recipient="x@contoh.co.id", body="Hai", purpose="t")
    with pytest.raises(TransportError) as failure:
        EmailTransport().send(message)
    assert not failure.value.permanent


def test_an_unreachable_server_is_a_temporary_failure(settings: Any) -> None:
    settings.SMTP_PORT = 1  # nothing listens there
    message = message_send(channel="email", recipient="x@contoh.co.id", body="Hai", purpose="t")
    with pytest.raises(TransportError) as failure:
        EmailTransport().send(message)
    assert not failure.value.permanent
