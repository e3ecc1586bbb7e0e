"""What an e-mail brings (DESIGN.md §6), read from the raw RFC 5322 message: who
sent it, its Message-ID (to know it again and to thread answers), the subject, the
words (the text part, or the HTML part turned into plain text — nothing a citizen
writes is ever kept as HTML), the attached files, the tracking number a reply
carries in its subject as ``[#1234 5678 90]``, whether a machine sent it, and
the Authentication-Results headers the mail servers on its way wrote (judged in
``authentication``: only our own server's counts).
A bounce is also read for what it reports: which mail it returns and how each
recipient fared (RFC 3464), so the outbox learns which of our mails never arrived.

Mail written by machines — bounces, out-of-office answers, mailing-list traffic —
must never be answered: two auto-responders answering each other loop forever.
Those are told apart by the signs RFC 3834 and common practice define. Reading
never fails: a malformed message yields what could be read."""

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses
from enum import StrEnum
from html.parser import HTMLParser

from aduan.reports.tracking import LENGTH

# A Message-ID longer than this (the column's size) is kept as its digest.
MESSAGE_ID_MAX = 250


class Automatic(StrEnum):
    """Why a mail is a machine's, never to be answered ("" for a person's)."""

    NONE = ""
    BOUNCE = "bounce"  # a delivery status notification, or from a mailer daemon
    AUTO_REPLY = "auto_reply"  # an out-of-office or other automatic answer
    LIST = "list"  # mailing-list or bulk mail
    LOOP = "loop"  # our own address as the sender


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    """One recipient's block of a delivery status notification (RFC 3464)."""

    action: str  # "failed", "delayed", "delivered", "relayed", "expanded"; "" if absent
    status: str  # the enhanced status code ("5.1.1"); "" if absent or unreadable
    diagnostic: str  # the remote server's words ("smtp; 550 5.1.1 User unknown")


@dataclass(frozen=True, slots=True)
class Bounce:
    """What a delivery report says of the mail it returns: that mail's Message-IDs
    (without <>), and how each recipient fared (empty when the report has no
    readable delivery-status part, as in a plain-text bounce)."""

    original_ids: tuple[str, ...]
    recipients: tuple[RecipientStatus, ...]


@dataclass(frozen=True, slots=True)
class Mail:
    message_id: str  # as in the header (without <>), or a digest of the raw bytes
    address: str  # the sender's address as written ("" when there is none)
    name: str  # the sender's display name
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    number: str | None = None  # the digits of a [#…] in the subject, if any
    automatic: Automatic = Automatic.NONE
    in_reply_to: tuple[str, ...] = field(default=())
    bounce: Bounce | None = None  # what a bounce reports of the mail it returns
    # Every Authentication-Results header's value, topmost (the last written) first.
    authentication_results: tuple[str, ...] = ()
    # One From: header naming one address: a mail naming several authors is never
    # taken as proven for any of them.
    single_author: bool = False


# [#1234 5678 90], [#1234567890], [# 1234-5678-90]: digits with the separators a
# tracking number may be written with.
_NUMBER_TAG = re.compile(r"\[#\s*([0-9][0-9 .\-/]{8,20}[0-9])\s*\]")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|tr|sv|wg|bls|balas|trs|terusan)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_BULK = frozenset({"bulk", "list", "junk", "auto_reply", "autoreply"})
_STATUS_CODE = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")
# A bounce names one mail; a long References chain must not become a long query.
_ORIGINAL_IDS_MAX = 10


def mail_parse(raw: bytes, *, envelope_sender: str | None = None, own_address: str = "") -> Mail:
    """The mail as the intake needs it. ``envelope_sender`` is the SMTP ``MAIL FROM``
    when known ("" for the null sender of a bounce); ``own_address`` is ours, so a
    mail from ourselves is recognised as a loop."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default makes EmailMessage
    address, name = _sender(message)
    subject = _header(message, "Subject")
    automatic = _automatic(
        message, address=address, envelope_sender=envelope_sender, own_address=own_address
    )
    in_reply_to = tuple(
        _MESSAGE_ID.findall(_header(message, "In-Reply-To") + _header(message, "References"))
    )
    return Mail(
        message_id=_message_id(message, raw),
        address=address,
        name=name,
        subject=subject,
        text=_text(message),
        attachments=tuple(_attachments(message)),
        number=_number(subject),
        automatic=automatic,
        in_reply_to=in_reply_to,
        bounce=(
            _bounce(message, address=address, in_reply_to=in_reply_to)
            if automatic == Automatic.BOUNCE
            else None
        ),
        authentication_results=_all_headers(message, "Authentication-Results"),
        single_author=_single_author(message),
    )


def subject_title(subject: str) -> str:
    """The subject as a report's title: without Re:/Fwd: prefixes and the tag."""
    title = _NUMBER_TAG.sub(" ", subject)
    return " ".join(_REPLY_PREFIX.sub("", title).split())


def _header(message: Message, name: str) -> str:
    """A header's decoded value; "" when absent or beyond repair."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a header the parser cannot decode
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _all_headers(message: Message, name: str) -> tuple[str, ...]:
    """Every value of a header, in the mail's order; () when beyond repair."""
    try:
        values = message.get_all(name) or []
        return tuple(" ".join(str(value).split()) for value in values)
    except (ValueError, TypeError, IndexError):
        return ()


def _single_author(message: Message) -> bool:
    try:
        authors = message.get_all("From") or []
    except (ValueError, TypeError, IndexError):
        return False
    if len(authors) != 1:
        return False
    addresses = [address for _name, address in getaddresses([str(authors[0])]) if address]
    return len(addresses) == 1


def _sender(message: Message) -> tuple[str, str]:
    """The author's address and name: Reply-To is not trusted (the reporter is who
    the mail is from, and answers go to that address)."""
    raw = _header(message, "From")
    pairs = [(name, address) for name, address in getaddresses([raw]) if "@" in address]
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return address.strip(), name.strip()


def _message_id(message: Message, raw: bytes) -> str:
    found: list[str] = _MESSAGE_ID.findall(_header(message, "Message-ID"))
    if found and len(found[0]) <= MESSAGE_ID_MAX:
        return found[0]
    # No usable Message-ID: the same bytes delivered twice are still the same mail.
    return f"sha256-{hashlib.sha256(raw).hexdigest()}@aduan.invalid"


def _number(subject: str) -> str | None:
    match = _NUMBER_TAG.search(subject)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group(1))
    return digits if len(digits) == LENGTH else match.group(1)


def _automatic(
    message: EmailMessage, *, address: str, envelope_sender: str | None, own_address: str
) -> Automatic:
    if (
        envelope_sender == ""
        or _header(message, "Return-Path").strip() == "<>"
        or _is_daemon(address)
        or message.get_content_type() == "multipart/report"
    ):
        return Automatic.BOUNCE
    if own_address and address.lower() == own_address.lower():
        return Automatic.LOOP
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if (
        (auto_submitted and auto_submitted != "no")
        or message.get("X-Autoreply") is not None
        or message.get("X-Autorespond") is not None
        or _header(message, "X-Auto-Response-Suppress").lower() in ("all", "oof", "autoreply")
    ):
        return Automatic.AUTO_REPLY
    if (
        _header(message, "Precedence").lower() in _BULK
        or message.get("List-Id") is not None
        or message.get("List-Unsubscribe") is not None
    ):
        return Automatic.LIST
    return Automatic.NONE


def _is_daemon(address: str) -> bool:
    return address.partition("@")[0].lower() in _DAEMONS


def _bounce(message: Message, *, address: str, in_reply_to: tuple[str, ...]) -> Bounce | None:
    """What a bounce reports, when it is a delivery report: one that says it is a
    delivery status notification or carries one, or one a mailer daemon wrote. A
    null-sender mail that is none of these (a read receipt, an out-of-office answer
    sent as RFC 3834 advises) reports nothing of a delivery: None.

    The returned mail is known by the Message-ID in its returned headers or copy;
    failing those, by the bounce's own In-Reply-To and References, which some
    daemons set to thread the bounce under the mail."""
    parts = _report_parts(message)
    recipients = _recipient_statuses(parts)
    if not (recipients or _reports_delivery(message) or _is_daemon(address)):
        return None
    returned: list[str] = []
    for part in parts:
        original = _returned_id(part)
        if original:
            returned.append(original)
    found = returned or list(in_reply_to)
    original_ids = tuple(dict.fromkeys(found))[:_ORIGINAL_IDS_MAX]  # once each, in order
    return Bounce(original_ids=original_ids, recipients=recipients)


def _reports_delivery(message: Message) -> bool:
    """Whether the mail says it is a delivery status notification."""
    try:
        report_type = message.get_param("report-type")
    except (ValueError, TypeError, IndexError):
        return False
    return (
        message.get_content_type() == "multipart/report"
        and isinstance(report_type, str)
        and report_type.lower() == "delivery-status"
    )


def _report_parts(message: Message) -> list[Message]:
    """The parts of a report in order, nested multiparts opened. A returned mail
    (message/rfc822) is one part and is not opened: what is inside is the
    original's, not the report's."""
    parts: list[Message] = []
    unopened = [message]
    while unopened:
        current = unopened.pop()
        if current.get_content_maintype() != "multipart":
            parts.append(current)
            continue
        payload = current.get_payload()
        if isinstance(payload, list):
            unopened.extend(part for part in reversed(payload) if isinstance(part, Message))
    return parts


def _returned_id(part: Message) -> str:
    """The Message-ID of the returned mail, from its copy (message/rfc822) or its
    headers (text/rfc822-headers); "" from any other part, or when unreadable."""
    kind = part.get_content_type()
    headers: object = None
    if kind == "message/rfc822":
        payload = part.get_payload()
        headers = payload[0] if isinstance(payload, list) and payload else None
    elif kind == "text/rfc822-headers":
        try:
            data = part.get_payload(decode=True)
        except (ValueError, TypeError):
            return ""
        if isinstance(data, bytes):
            text = data.decode("utf-8", errors="replace")
            headers = HeaderParser(policy=policy.default).parsestr(text)
    if not isinstance(headers, Message):
        return ""
    found: list[str] = _MESSAGE_ID.findall(_header(headers, "Message-ID"))
    return found[0] if found and len(found[0]) <= MESSAGE_ID_MAX else ""


def _recipient_statuses(parts: list[Message]) -> tuple[RecipientStatus, ...]:
    """How each recipient fared, from the report's message/delivery-status part:
    the blocks that say an Action or a Status (the first block, about the whole
    message, says neither)."""
    found: list[RecipientStatus] = []
    for part in parts:
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            action = _header(block, "Action").lower().partition(" ")[0]
            status = _STATUS_CODE.search(_header(block, "Status"))
            if action or status:
                found.append(
                    RecipientStatus(
                        action=action,
                        status=status.group(0) if status else "",
                        diagnostic=_header(block, "Diagnostic-Code"),
                    )
                )
    return tuple(found)


def _text(message: EmailMessage) -> str:
    """The words: the plain-text body, else the HTML body made text, else ""."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        if body is None:
            return ""
        content = body.get_content()
    except (LookupError, ValueError, KeyError, UnicodeError):
        return ""
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return _tidy(content)


def _tidy(text: str) -> str:
    """Line ends made one kind, trailing blanks and runs of empty lines dropped, the
    signature (after the customary "-- " line) left out."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if "--" in lines:
        lines = lines[: lines.index("--")]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip().replace("\x00", "")


def _attachments(message: EmailMessage) -> list[Attachment]:
    """Every part that is a file (attached, or an inline image), the body's text
    parts excepted."""
    found: list[Attachment] = []
    for part in message.iter_attachments() if message.is_multipart() else ():
        found.extend(_files_in(part))
    return found


def _files_in(part: EmailMessage) -> list[Attachment]:
    if part.is_multipart():
        # A nested multipart/related carries inline images beside its HTML.
        files: list[Attachment] = []
        for inner in part.iter_parts():
            assert isinstance(inner, EmailMessage)
            if inner.get_content_maintype() != "text" or inner.get_filename():
                files.extend(_files_in(inner))
        return files
    if part.get_content_type() == "message/rfc822":
        return []  # a forwarded mail is not a file a report can keep
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError):
        return []
    if not isinstance(data, bytes) or not data:
        return []
    name = part.get_filename() or ""
    return [Attachment(name=name, content_type=part.get_content_type(), data=data)]


def strip_quoted(text: str) -> str:
    """A reply without the quoted mail below it: the lines quoted with ">" and
    everything from the mail program's "On … wrote:" ("Pada … menulis:") line on."""
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if _ATTRIBUTION.match(stripped) or stripped.startswith("-----Original Message"):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return _tidy("\n".join(kept))


_ATTRIBUTION = re.compile(
    r"^(on|pada|am|le|el)\b.{0,200}\b(wrote|menulis|schrieb|a écrit)\s*:$", re.IGNORECASE
)


class _TextFromHtml(HTMLParser):
    """HTML read as text: tags dropped, blocks on their own lines, links followed by
    their address, scripts, styles and the head left out. Entities are decoded; the
    result is plain text, shown escaped like any text."""

    _BLOCKS = frozenset(
        {
            *("address", "article", "aside", "blockquote", "div", "dl", "dt", "dd"),
            *("fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
            *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table"),
            *("tr", "ul"),
        }
    )
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
        if tag == "a":
            self._links.append(dict(attrs).get("href") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag == "hr":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a" and self._links:
            href = self._links.pop()
            shown = "".join(self.parts[-3:])
            if href.startswith(("http://", "https://")) and href not in shown:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return _tidy("\n".join(lines))
