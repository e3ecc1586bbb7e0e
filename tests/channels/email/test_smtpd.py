"""Our SMTP server: a mail sent to it with smtplib becomes a report (a bounce sent
with the null sender is recorded and not answered), and the command listens until
SIGTERM."""

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
from aduan.reports.models import Channel, Report
from tests.channels.email.conftest import free_port, mail_bytes

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
