"""Polling a mailbox hosted elsewhere, against a real IMAP server (Debian's dovecot,
run by the test on a free loopback port with a mailbox of its own): unread mail is
recorded and marked read, machine mail recorded and never answered, a mail read
twice is one report, a reply threads only when the provider's Authentication-Results
proves its sender, and a mail that cannot be recorded stays unread."""

import imaplib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aduan.channels.email.imap import Mailbox, imap_poll
from aduan.channels.email.models import InboundMail
from aduan.outbox.models import Message
from aduan.reports.models import Action, Report, ReportEvent

from .conftest import free_port, mail_bytes, reply_bytes

pytestmark = pytest.mark.django_db

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "rahasia-imap"


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    """A dovecot of the test's own: a static password, mail kept under tmp_path,
    stopped at the end."""
    if not Path(DOVECOT).exists():
        reason = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    # dovecot's own user keeps the mail: somewhere it can reach (pytest's folders
    # are the test user's alone).
    home = Path(tempfile.mkdtemp(prefix="aduan-imap-"))
    home.chmod(0o1777)
    config = tmp_path / "dovecot.conf"
    config.write_text(
        f"""base_dir = {tmp_path}/run
state_dir = {tmp_path}/state
log_path = {tmp_path}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={home}/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 1
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""
    )
    server = subprocess.Popen(  # noqa: S603
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log_file = tmp_path / "dovecot.log"
                    log = log_file.read_text() if log_file.exists() else ""
                    pytest.fail(f"dovecot did not start: {log[-2000:]}")
                time.sleep(0.1)
        yield Mailbox(host="127.0.0.1", port=port, user="lapor", password=PASSWORD, ssl=False)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


def _deliver(mailbox: Mailbox, *raws: bytes) -> None:
    """Mail arriving in the mailbox, as the hosting provider's server puts it there."""
    client = imaplib.IMAP4(mailbox.host, mailbox.port)
    client.login(mailbox.user, mailbox.password)
    for raw in raws:
        client.append(mailbox.folder, None, None, raw)
    client.logout()


def _unseen(mailbox: Mailbox) -> int:
    client = imaplib.IMAP4(mailbox.host, mailbox.port)
    client.login(mailbox.user, mailbox.password)
    client.select(mailbox.folder)
    _status, found = client.search(None, "UNSEEN")
    client.logout()
    return len(found[0].split()) if found and found[0] else 0


def test_unread_mail_is_recorded_answered_and_marked_read(mailbox: Mailbox) -> None:
    _deliver(mailbox, mail_bytes("plain_quoted_printable.eml"), mail_bytes("bounce.eml"))
    assert _unseen(mailbox) == 2
    assert imap_poll(mailbox) == 2
    assert _unseen(mailbox) == 0
    outcomes = sorted(InboundMail.objects.values_list("outcome", flat=True))
    assert outcomes == ["automatic", "report"]
    assert Report.objects.count() == 1
    assert Message.objects.count() == 1  # the report's answer; the bounce gets none
    assert imap_poll(mailbox) == 0


def test_a_mail_delivered_twice_is_one_report(mailbox: Mailbox) -> None:
    raw = mail_bytes("plain_quoted_printable.eml")
    _deliver(mailbox, raw, raw)
    assert imap_poll(mailbox) == 2
    assert Report.objects.count() == 1 and Message.objects.count() == 1


def test_a_mail_that_cannot_be_recorded_stays_unread(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aduan.channels.email import imap

    def broken(raw: bytes) -> None:
        raise RuntimeError("database away")

    monkeypatch.setattr(imap, "mail_receive", broken)
    _deliver(mailbox, mail_bytes("plain_quoted_printable.eml"))
    assert imap_poll(mailbox) == 0
    assert _unseen(mailbox) == 1


def test_a_reply_threads_only_when_the_providers_header_proves_it(
    mailbox: Mailbox, settings: Any
) -> None:
    """The mailbox's provider is the MX: its authserv-id is the one trusted."""
    settings.EMAIL_AUTHSERV_IDS = ["mx.penyedia.example"]
    _deliver(mailbox, mail_bytes("plain_quoted_printable.eml"))
    imap_poll(mailbox)
    report = Report.objects.get()
    genuine = reply_bytes(
        report.tracking_number,
        ours=(
            "mx.penyedia.example; dkim=pass header.d=contoh.co.id; "
            "dmarc=pass header.from=contoh.co.id",
        ),
    )
    forged = reply_bytes(
        report.tracking_number,
        ours=("mx.penyedia.example; dmarc=fail header.from=contoh.co.id",),
    ).replace(b"reply.0002@", b"forged.0003@")
    _deliver(mailbox, genuine, forged)
    assert imap_poll(mailbox) == 2
    outcomes = dict(InboundMail.objects.values_list("message_id", "outcome"))
    assert outcomes["CAF1x9q=reply.0002@mail.contoh.co.id"] == "reply"
    assert outcomes["CAF1x9q=forged.0003@mail.contoh.co.id"] == "unproven"
    assert ReportEvent.objects.filter(report=report, action=Action.REPLY).count() == 1
