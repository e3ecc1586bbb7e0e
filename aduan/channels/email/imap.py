"""Mail from a mailbox hosted elsewhere (``python -m aduan poll_imap``): each unread
mail is handed to the same service as mail our own SMTP server takes, and marked
read once it is recorded. A mail that could not be recorded stays unread and is
tried at the next poll; a mail read twice (a poll cut short) is still one report,
known by its Message-ID."""

import contextlib
import imaplib
import logging
from dataclasses import dataclass

from django.conf import settings

from aduan.channels.email.services import mail_receive

logger = logging.getLogger("aduan.mail")


@dataclass(frozen=True, slots=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True

    @classmethod
    def from_settings(cls) -> "Mailbox":
        return cls(
            host=settings.IMAP_HOST,
            port=settings.IMAP_PORT,
            user=settings.IMAP_USER,
            password=settings.IMAP_PASSWORD,
            folder=settings.IMAP_FOLDER,
            ssl=settings.IMAP_SSL,
        )


def imap_poll(mailbox: Mailbox, *, timeout: float = 30) -> int:
    """Records every unread mail of the mailbox's folder; how many were recorded."""
    client: imaplib.IMAP4 = (
        imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.ssl
        else imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    )
    recorded = 0
    try:
        client.login(mailbox.user, mailbox.password)
        status, _detail = client.select(mailbox.folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open the folder {mailbox.folder!r}")
        _status, found = client.uid("SEARCH", "UNSEEN")
        for uid in found[0].split() if found and found[0] else []:
            # PEEK: reading does not mark it read; only recording it does.
            _status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if not isinstance(raw, bytes):
                continue
            try:
                mail_receive(raw)
            except Exception:
                # Left unread: tried again at the next poll. The log names no one.
                logger.exception("mail: an unread mail could not be recorded")
                continue
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            recorded += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return recorded
