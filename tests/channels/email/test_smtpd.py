"""Our SMTP server: a mail sent to it with smtplib becomes a report (a bounce sent
with the null sender is recorded and not answered), a reply threads only when our
MX's Authentication-Results proves its sender (a forged one changes nothing and is
answered why), and the command listens until SIGTERM."""

import os
import signal
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aduan.channels.email.models import InboundMail
from aduan.channels.email.smtpd import smtpd_controller
from aduan.outbox.models import Message
from aduan.reports.models import Action, Channel, Report, ReportEvent
from aduan.reports.tracking import tracking_number_display
from tests.channels.email.conftest import AUTHSERV_ID, free_port, mail_bytes, reply_bytes

# The server records mail from its own threads: the test's data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def smtpd() -> Iterator[int]:
    port = free_port()
    controller = smtpd_controller(host="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_a_mail_sent_to_our_server_becomes_a_report(smtpd: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=10) as client:
        refused = client.sendmail(
            "siti.rahma@contoh.co.id",
            ["lapor@aduan.example.go.id"],
            mail_bytes("plain_quoted_printable.eml"),
        )
    assert refused == {}
    report = Report.objects.get()
    assert report.channel == Channel.EMAIL
    assert InboundMail.objects.get().report_id == report.pk
    assert Message.objects.get().purpose == "mail_report"


def test_a_bounce_with_the_null_sender_is_not_answered(smtpd: int) -> None:
    raw = mail_bytes("alternative.eml")  # a person's mail, but sent as a bounce is
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=10) as client:
        client.sendmail("<>", ["lapor@aduan.example.go.id"], raw)
    record = InboundMail.objects.get()
    assert (record.outcome, record.automatic) == ("automatic", "bounce")
    assert not Message.objects.exists() and not Report.objects.exists()


def _send(port: int, raw: bytes) -> None:
    """A mail relayed to our server by the MX in front of it, its lines ended with
    CRLF as SMTP has them (smtplib sends bytes as they are)."""
    crlf = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert client.sendmail("siti.rahma@contoh.co.id", ["lapor@aduan.example.go.id"], crlf) == {}


def test_a_forged_reply_through_our_server_changes_nothing_and_is_answered(smtpd: int) -> None:
    _send(smtpd, mail_bytes("plain_quoted_printable.eml"))
    report = Report.objects.get()
    events = list(report.events.values_list("pk", flat=True))
    forged = reply_bytes(
        report.tracking_number,
        ours=(
            f"{AUTHSERV_ID}; spf=fail smtp.mailfrom=contoh.co.id; dkim=none; "
            "dmarc=fail (p=none dis=none) header.from=contoh.co.id",
        ),
        # What the forger wrote: a pass under our name, and a pass of their own.
        senders=(
            f"{AUTHSERV_ID}; dmarc=pass header.from=contoh.co.id",
            "mx.penipu.example; dkim=pass header.d=contoh.co.id",
        ),
    )
    _send(smtpd, forged)
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.state, fresh.updated_at) == (report.state, report.updated_at)
    assert list(fresh.events.values_list("pk", flat=True)) == events
    assert not ReportEvent.objects.filter(action=Action.REPLY).exists()
    record = InboundMail.objects.get(outcome=InboundMail.Outcome.UNPROVEN)
    assert (record.proof, Report.objects.count()) == ("failed", 2)
    answer = Message.objects.get(purpose="mail_unproven")
    assert answer.recipient == "siti.rahma@contoh.co.id"
    assert tracking_number_display(report.tracking_number) in answer.subject


def test_a_genuine_reply_through_our_server_threads(smtpd: int) -> None:
    _send(smtpd, mail_bytes("plain_quoted_printable.eml"))
    report = Report.objects.get()
    _send(smtpd, mail_bytes("reply.eml", TRACKING=report.tracking_number))
    record = InboundMail.objects.get(outcome=InboundMail.Outcome.REPLY)
    assert (record.report_id, record.proof) == (report.pk, "dmarc")
    event = ReportEvent.objects.get(report=report, action=Action.REPLY)
    assert event.body == "Lampunya sekarang malah berkedip-kedip, tiang nomor 14."
    assert Report.objects.count() == 1


def test_the_command_listens_until_sigterm() -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aduan", "smtpd", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "aduan.settings"},
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == f"smtpd: listening on 127.0.0.1:{port}"
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            assert client.noop()[0] == 250
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
