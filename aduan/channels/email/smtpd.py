"""Our inbound SMTP server (aiosmtpd), meant to sit behind the domain's MX or a
relay that forwards the report address to it: each mail it accepts is handed to
``mail_receive`` before the SMTP answer, so a mail we could not record is refused
with a temporary error and the sending server tries again later."""

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings

from aduan.channels.email.services import mail_receive

logger = logging.getLogger("aduan.mail")


class MailHandler:
    """aiosmtpd's handler: records each mail through the service (the database work
    runs in a worker thread, off the server's event loop)."""

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            return "554 5.6.0 Message could not be read"
        # The null sender ("MAIL FROM:<>") is a bounce's: aiosmtpd gives it as "".
        sender = envelope.mail_from if envelope.mail_from not in (None, "<>") else ""
        try:
            await sync_to_async(mail_receive, thread_sensitive=False)(raw, envelope_sender=sender)
        except Exception:
            logger.exception("mail: could not record a mail; the sender will try again")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


def smtpd_controller(*, host: str, port: int) -> Controller:
    """The server, not yet started. aiosmtpd logs every envelope's addresses at
    INFO: its log is kept to warnings (addresses are personal data)."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    return Controller(
        MailHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.SMTPD_MAX_BYTES,
        server_hostname=None,
        ident="aduan",
    )
