"""E-mail out by SMTP: each outbox message as a mail with a plain-text part (the
message as written) and a simple HTML part (the same text, escaped, its links made
links), its subject tagged ``[#<tracking no>]`` so the citizen's reply finds the
report, and threaded under the citizen's first mail about the report.

Every mail we send says ``Auto-Submitted`` (RFC 3834), so well-behaved
auto-responders do not answer it, and carries a Message-ID made from the outbox
row, so a retry after an unclear failure is the same mail to the recipient.

The outbox worker calls ``send`` from its threads: the only database access here
is reading the report's number and its thread's Message-ID."""

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from html import escape

from django.conf import settings

from aduan.channels.email.models import InboundMail
from aduan.outbox.models import Message
from aduan.outbox.services import recipient_hashes
from aduan.outbox.transports import TransportError
from aduan.reports.models import Report
from aduan.reports.tracking import tracking_number_display

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_TAGGED = re.compile(r"\[#\s*[0-9][0-9 .\-]{8,14}[0-9]\s*\]")


class EmailTransport:
    def send(self, message: Message) -> str:
        mail = mail_compose(message)
        try:
            with _connect() as smtp:
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise TransportError(
                f"SMTP refused the recipient ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPDataError as error:
            # 5xx: this mail will never be taken (too large, refused as spam).
            raise TransportError(
                f"SMTP refused the mail ({error.smtp_code})", permanent=error.smtp_code >= 500
            ) from None
        except smtplib.SMTPResponseException as error:
            # A refused sender or a failed login is the configuration's fault: once it
            # is fixed, the message may leave.
            raise TransportError(f"SMTP answered {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransportError(f"SMTP server unreachable: {type(error).__name__}") from None
        if refused:  # one recipient only: refused means not sent
            raise TransportError("SMTP refused the recipient", permanent=True)
        return str(mail["Message-ID"])


def _connect() -> smtplib.SMTP:
    host, port, timeout = settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_TIMEOUT_SECONDS
    smtp: smtplib.SMTP
    if settings.SMTP_TLS == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if settings.SMTP_TLS == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.SMTP_USER:
            smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
    except BaseException:
        smtp.close()
        raise
    return smtp


def mail_compose(message: Message) -> EmailMessage:
    """The outbox message as the mail that leaves."""
    sender = settings.EMAIL_FROM
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = mail_subject(message)
    mail["Date"] = formatdate(localtime=False)
    # One id per outbox row: stable across retries.
    created = int(message.created_at.timestamp()) if message.created_at else 0
    mail["Message-ID"] = f"<aduan.{message.pk}.{created}@{domain}>"
    thread = _thread(message)
    if thread:
        mail["In-Reply-To"] = f"<{thread}>"
        mail["References"] = f"<{thread}>"
    # An answer to a citizen's mail, or a notice the system generated itself.
    mail["Auto-Submitted"] = (
        "auto-replied" if message.purpose.startswith("mail_") else "auto-generated"
    )
    mail.set_content(message.body)
    mail.add_alternative(html_body(message.body, language=message.language), subtype="html")
    # After the content: setting it clears every Content-* header.
    mail["Content-Language"] = message.language
    return mail


def mail_subject(message: Message) -> str:
    """The subject as the mail carries it: tagged with the report's number, so that
    the citizen's reply continues the report (the demo's console shows this too)."""
    subject = " ".join(message.subject.split()) or settings.SERVICE_NAME
    if message.report_id is None or _TAGGED.search(subject):
        return subject
    number = (
        Report.objects.filter(pk=message.report_id)
        .values_list("tracking_number", flat=True)
        .first()
    )
    return f"{subject} [#{tracking_number_display(number)}]" if number else subject


def _thread(message: Message) -> str:
    """The Message-ID of the recipient's first mail about the report, if any."""
    if message.report_id is None:
        return ""
    first = (
        InboundMail.objects.filter(
            report_id=message.report_id,
            # By the address itself: while a data key is rotated, the mail and the
            # message may carry its hash under different keys.
            sender_hash__in=recipient_hashes(channel=message.channel, recipient=message.recipient),
        )
        .order_by("received_at", "pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return first or ""


def html_body(text: str, *, language: str) -> str:
    """The text as simple HTML: escaped, paragraphs and line breaks kept, web
    addresses made links. Nothing of the text is ever read as markup."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    rendered = "\n".join(
        "<p>" + "<br>\n".join(_linked(line) for line in part.split("\n")) + "</p>"
        for part in paragraphs
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8"></head>'
        f'<body style="font-family: sans-serif; line-height: 1.5">\n{rendered}\n</body></html>\n'
    )


def _linked(line: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        out.append(escape(line[position : match.start()]))
        url = escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)
