"""A bounce of one of our own mails marks that outbox message: undeliverable when a
recipient failed for good, buffered while a server still tries, and never back from
undeliverable. It is found by the Message-ID in the bounce's returned headers or
copy, else by its In-Reply-To; only e-mail rows are touched. The bounce itself is
still recorded and never answered."""

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from django.utils import timezone

from aduan.channels.email.models import InboundMail
from aduan.channels.email.services import mail_receive
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from tests.channels.email.conftest import mail_bytes

pytestmark = pytest.mark.django_db

# The Message-ID bounce.eml returns, as the transport wrote it and the outbox kept it.
OURS = "<aduan.7.1768529300@aduan.example.go.id>"
EXIM_OURS = "<aduan.12.1768532529@aduan.example.go.id>"  # the mail exim_bounce.eml returns
USER_UNKNOWN = "smtp; 550 5.1.1 User unknown"


def _sent(*, external_id: str = OURS, channel: str = "email") -> Message:
    """An outbox message as the worker leaves it once the transport took it."""
    recipient = "tidak.ada@contoh.co.id" if channel == "email" else "+6281234567890"
    message = message_send(
        channel=channel,
        recipient=recipient,
        subject="Laporan diterima",
        body="Terima kasih, laporan Anda sudah kami terima.",
        purpose="acknowledgement",
    )
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, external_id=external_id, sent_at=timezone.now()
    )
    message.refresh_from_db()
    return message


def _bounce(
    *,
    tag: str = "1",
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = USER_UNKNOWN,
    **replace: str,
) -> bytes:
    """bounce.eml (Postfix's shape) reporting ``action`` with ``status``; each
    ``tag`` makes it another mail (its own Message-ID)."""
    return mail_bytes(
        "bounce.eml",
        **{
            "TRACKING": "1234 5678 90",
            "<20260116021000.": f"<{tag}.20260116021000.",
            "Action: failed": f"Action: {action}",
            "Status: 5.1.1": f"Status: {status}",
            f"Diagnostic-Code: {USER_UNKNOWN}": f"Diagnostic-Code: {diagnostic}",
            **replace,
        },
    )


def _delivery(message: Message) -> tuple[str, str]:
    message.refresh_from_db()
    return message.delivery, message.delivery_detail


def test_a_bounce_marks_our_sent_mail_undeliverable() -> None:
    message = _sent()
    now = timezone.now()
    record = mail_receive(_bounce(), envelope_sender="", now=now)
    assert _delivery(message) == ("undeliverable", "5.1.1 smtp; 550 5.1.1 User unknown")
    assert message.delivery_at == now
    assert message.status == "sent"  # it did leave; what became of it is the delivery
    # The bounce is recorded as one, and nothing answers it.
    assert (record.outcome, record.automatic, record.answer) == ("automatic", "bounce", "")
    assert list(Message.objects.values_list("pk", flat=True)) == [message.pk]


def test_a_delay_marks_it_buffered_and_a_later_failure_undeliverable() -> None:
    message = _sent()
    delayed = _bounce(action="delayed", status="4.4.1", diagnostic="smtp; 451 4.4.1 Try later")
    mail_receive(delayed)
    assert _delivery(message) == ("buffered", "4.4.1 smtp; 451 4.4.1 Try later")
    mail_receive(_bounce(tag="2"))
    assert _delivery(message) == ("undeliverable", "5.1.1 smtp; 550 5.1.1 User unknown")


def test_a_failure_is_not_undone_by_a_later_delay() -> None:
    message = _sent()
    mail_receive(_bounce())
    mail_receive(_bounce(tag="2", action="delayed", status="4.4.1"))
    assert _delivery(message) == ("undeliverable", "5.1.1 smtp; 550 5.1.1 User unknown")
    assert InboundMail.objects.count() == 2


def test_a_bounce_delivered_twice_changes_nothing_the_second_time() -> None:
    message = _sent()
    first = mail_receive(_bounce(), now=timezone.now())
    marked = _delivery(message), message.delivery_at
    again = mail_receive(_bounce(), now=datetime(2030, 1, 1, tzinfo=UTC))
    assert again.pk == first.pk
    assert (_delivery(message), message.delivery_at) == marked


def test_a_delivered_or_relayed_report_marks_nothing() -> None:
    message = _sent()
    mail_receive(_bounce(action="delivered", status="2.0.0", diagnostic="smtp; 250 OK"))
    mail_receive(_bounce(tag="2", action="relayed", status="2.0.0"))
    assert _delivery(message) == ("", "")


def test_a_bounce_returning_the_whole_mail_finds_it() -> None:
    message = _sent(external_id=EXIM_OURS)
    # The returned copy's own In-Reply-To (the citizen's first mail) is not ours.
    record = mail_receive(mail_bytes("exim_bounce.eml"), envelope_sender="")
    assert _delivery(message) == (
        "undeliverable",
        "5.0.0 smtp; 550 5.2.1 The email account that you tried to reach is disabled.",
    )
    assert (record.outcome, record.automatic) == ("automatic", "bounce")


def test_a_daemons_bounce_threaded_by_in_reply_to_finds_it() -> None:
    message = _sent()
    record = mail_receive(_daemon_mail(in_reply_to=OURS))
    assert _delivery(message) == ("undeliverable", "bounced")
    assert record.automatic == "bounce"


def test_a_bounce_of_a_mail_not_ours_touches_nothing() -> None:
    message = _sent()
    other = "<aduan.8.1768529300@aduan.example.go.id>"
    record = mail_receive(_bounce(**{OURS: other}))
    assert _delivery(message) == ("", "")
    assert (record.outcome, record.automatic) == ("automatic", "bounce")


def test_an_sms_with_the_same_external_id_is_not_touched() -> None:
    sms = _sent(channel="sms")
    mail_receive(_bounce())
    assert _delivery(sms) == ("", "")


def test_a_null_sender_answer_to_our_mail_is_no_bounce_of_it() -> None:
    # RFC 3834 advises sending automatic answers from the null sender; one threaded
    # under our mail says it arrived, not that it bounced.
    message = _sent()
    answer = EmailMessage()
    answer["From"] = "Siti Rahma <siti.rahma@contoh.co.id>"
    answer["To"] = "lapor@aduan.example.go.id"
    answer["Subject"] = "Sedang cuti: Laporan diterima"
    answer["Message-ID"] = "<cuti.1@contoh.co.id>"
    answer["In-Reply-To"] = OURS
    answer.set_content("Saya sedang cuti sampai 20 Januari.")
    record = mail_receive(answer.as_bytes(), envelope_sender="")
    assert record.automatic == "bounce"
    assert _delivery(message) == ("", "")


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        # A delivery-status part that is not one: still a daemon's bounce of our mail.
        (
            {
                "Reporting-MTA: dns; mx.contoh.co.id\n": "\x00\xff ;;; <<>>\n",
                "Final-Recipient: rfc822; tidak.ada@contoh.co.id\n": "",
                "Action: failed\nStatus: 5.1.1\n": "garbage without a colon\n",
            },
            ("undeliverable", "bounced"),
        ),
        ({"Action: failed\n": "", "Status: 5.1.1\n": ""}, ("undeliverable", "bounced")),
        # Nonsense in the fields: no telling what became of the mail.
        ({"Action: failed": "Action: ???", "Status: 5.1.1": "Status: soon"}, ("", "")),
        # No Message-ID in the returned headers: no telling which mail it was.
        ({f"Message-ID: {OURS}": "Message-ID: tanpa-kurung"}, ("", "")),
        # An unknown charset on the returned headers: they are read all the same.
        (
            {"Content-Type: text/rfc822-headers": "Content-Type: text/rfc822-headers; charset=x"},
            ("undeliverable", "5.1.1 smtp; 550 5.1.1 User unknown"),
        ),
    ],
)
def test_a_malformed_report_never_raises(
    replace: dict[str, str], expected: tuple[str, str]
) -> None:
    message = _sent()
    record = mail_receive(mail_bytes("bounce.eml", TRACKING="1", **replace))
    assert (record.outcome, record.automatic) == ("automatic", "bounce")
    assert _delivery(message) == expected


def _daemon_mail(*, in_reply_to: str) -> bytes:
    """A plain-text bounce without a report, threaded under the mail it returns."""
    mail = EmailMessage()
    mail["From"] = "Mail Delivery Subsystem <mailer-daemon@surel.example.net>"
    mail["To"] = "lapor@aduan.example.go.id"
    mail["Subject"] = "Delivery Status Notification (Failure)"
    mail["Message-ID"] = "<daemon.1@surel.example.net>"
    mail["In-Reply-To"] = in_reply_to
    mail["References"] = in_reply_to
    mail.set_content("Your message wasn't delivered because the address couldn't be found.")
    return mail.as_bytes()
