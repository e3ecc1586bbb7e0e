"""Fixtures for the e-mail channel: the hand-written mails under ``mails/`` and a
real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.reports.conftest import cast, make_report  # noqa: F401  (the people around a report)

MAILS = Path(__file__).parent / "mails"
# The tests' deployment: its MX writes Authentication-Results under this id, and the
# replies among the fixtures carry its DMARC pass.
AUTHSERV_ID = "mx.aduan.example.go.id"


@pytest.fixture(autouse=True)
def _our_mail_server(settings: Any) -> None:
    """Senders proven by our MX's header only; nothing taken on trust."""
    settings.EMAIL_AUTHSERV_IDS = [AUTHSERV_ID]
    settings.EMAIL_TRUST_UNAUTHENTICATED = False


def free_port() -> int:
    """A loopback port nothing listens on (aiosmtpd's controller checks it is up by
    connecting to the port it was given, so it cannot be given 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def mail_bytes(name: str, **replace: str) -> bytes:
    """A fixture mail, with each ``KEY`` in it replaced (``TRACKING="1234 5678 90"``)."""
    raw = (MAILS / name).read_bytes()
    for key, value in replace.items():
        raw = raw.replace(key.encode(), value.encode())
    return raw


def reply_bytes(number: str, *, ours: tuple[str, ...] = (), senders: tuple[str, ...] = ()) -> bytes:
    """The reporter's reply (reply.eml) to report ``number`` as it reaches us, its
    MX's header replaced by ``ours`` (what our MX put on top) and with ``senders``
    written by whoever sent it, among the mail's own headers below."""
    raw = mail_bytes("reply.eml", TRACKING=number)
    head = raw[: raw.index(b"Authentication-Results:")]
    rest = raw[raw.index(b"Received:") :]
    top = b"".join(f"Authentication-Results: {value}\n".encode() for value in ours)
    below = b"".join(f"Authentication-Results: {value}\n".encode() for value in senders)
    return head + top + rest.replace(b"MIME-Version:", below + b"MIME-Version:", 1)


@dataclass
class Received:
    sender: str
    recipients: list[str]
    mail: EmailMessage


@dataclass
class Mailbox:
    """What the test SMTP server accepted; ``refuse`` makes it refuse recipients
    with that reply ("550 …" or "450 …")."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: str = ""

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        mail = message_from_bytes(content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A started SMTP server on a free loopback port, stopped after the test."""
    mailbox = Mailbox(host="127.0.0.1", port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
