"""Reading the Cloud API's ``messages`` webhook (DESIGN.md §6): one delivery holds
entries, each entry changes, each change a value with the messages people sent
to our number and the statuses of the messages we sent. What a report can use —
text, a photo, a document, a location, the answer to a button or list — becomes
an ``InboundMessage``; a status of ours a ``StatusUpdate``; everything else
(stickers, reactions, voice notes, a message that makes no sense) an ``Ignored``
that says why, so the view can log it and still answer Meta with 200.

The body comes from the internet, signed but shaped by whoever sent it: nothing
here raises, whatever the JSON holds. A value of the wrong type counts as absent,
and a message without what it needs is ignored as malformed rather than guessed."""

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class MessageKind(StrEnum):
    """The types of inbound message the channel reads (the webhook's ``type``)."""

    TEXT = "text"
    IMAGE = "image"
    DOCUMENT = "document"
    LOCATION = "location"
    # A tap on a reply button or a list row of an interactive message of ours.
    INTERACTIVE = "interactive"
    # A tap on a quick-reply button of a template message of ours.
    BUTTON = "button"


class DeliveryStatus(StrEnum):
    """What became of a message we sent."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Location:
    """A place a person shared: coordinates within range, and the name and address
    WhatsApp gives when a named place was picked ("" otherwise)."""

    latitude: float
    longitude: float
    name: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message someone sent to our number. ``sender`` is their WhatsApp id (the
    digits of their phone number), what a reply goes to; ``text`` what they wrote
    (a caption, the title of the button they tapped); ``choice`` the id of that
    button or row (ours, or a template button's payload)."""

    message_id: str
    phone_number_id: str
    sender: str
    sender_name: str
    timestamp: datetime
    kind: MessageKind
    text: str = ""
    choice: str = ""
    media_id: str = ""
    media_mime_type: str = ""
    media_filename: str = ""
    location: Location | None = None
    # The message this one replies to (swiped or tapped a button on), if any.
    context_message_id: str = ""


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A status of a message we sent (``message_id`` is the id the API gave it).
    ``error`` says why it failed: title, code and details of WhatsApp's error."""

    message_id: str
    status: DeliveryStatus
    recipient: str
    timestamp: datetime
    error: str = ""


@dataclass(frozen=True, slots=True)
class Ignored:
    """Something in the delivery the channel does not read. ``reason`` is the
    message type it does not support ("sticker", "reaction", "audio", "video",
    "contacts", "system", "order"), "unsupported" for any other type,
    "malformed" for a message or status lacking what it needs, "unsupported
    status" for a status other than the four, or "error <code>" for an error
    WhatsApp reported about the delivery itself. The ids are "" when absent."""

    message_id: str
    sender: str
    reason: str


@dataclass(frozen=True, slots=True)
class Webhook:
    """Everything one webhook delivery carries, in the order it carries it."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()
    ignored: tuple[Ignored, ...] = ()


# Types WhatsApp delivers that carry nothing a report can use; named in the reason.
UNSUPPORTED_TYPES = frozenset(
    {"sticker", "reaction", "audio", "video", "contacts", "system", "order"}
)

_WA_ID = re.compile(r"[0-9]{1,20}")
# Ids WhatsApp hands out (wamid.…, media ids) are short printable ASCII; anything
# else is no id of WhatsApp's and must not reach a URL path or a lookup.
_IDENTIFIER = re.compile(r"[\x21-\x7e]{1,256}")
_EPOCH_SECONDS = re.compile(r"[0-9]{1,11}")
_CHOICE_MAX = 256  # the longest id a reply button or list row may have
_CODE_MAX = 10**9


def webhook_parse(payload: object) -> Webhook:
    """The messages, statuses and ignored items of one webhook delivery (the JSON
    body, already decoded). A body that is no ``whatsapp_business_account``
    delivery, or changes of another field, give nothing."""
    if not isinstance(payload, Mapping) or payload.get("object") != "whatsapp_business_account":
        return Webhook()
    items = [
        item
        for entry in _mappings(payload.get("entry"))
        for change in _mappings(entry.get("changes"))
        if change.get("field") == "messages"
        for item in _value_read(_mapping(change.get("value")))
    ]
    return Webhook(
        messages=tuple(i for i in items if isinstance(i, InboundMessage)),
        statuses=tuple(i for i in items if isinstance(i, StatusUpdate)),
        ignored=tuple(i for i in items if isinstance(i, Ignored)),
    )


def _value_read(
    value: Mapping[str, Any],
) -> Iterator[InboundMessage | StatusUpdate | Ignored]:
    phone_number_id = _identifier(_mapping(value.get("metadata")).get("phone_number_id"))
    names = {
        _text(contact.get("wa_id")): _text(_mapping(contact.get("profile")).get("name"))
        for contact in _mappings(value.get("contacts"))
    }
    for message in _mappings(value.get("messages")):
        yield _message_read(message, phone_number_id=phone_number_id, names=names)
    for status in _mappings(value.get("statuses")):
        yield _status_read(status)
    for error in _mappings(value.get("errors")):
        code = _code(error.get("code"))
        yield Ignored("", "", f"error {code}" if code is not None else "error")


@dataclass(frozen=True, slots=True)
class _Content:
    """What one type of message says, before it becomes an ``InboundMessage``."""

    text: str = ""
    choice: str = ""
    media_id: str = ""
    media_mime_type: str = ""
    media_filename: str = ""
    location: Location | None = None


def _message_read(
    message: Mapping[str, Any], *, phone_number_id: str, names: Mapping[str, str]
) -> InboundMessage | Ignored:
    message_id = _identifier(message.get("id"))
    sender = _text(message.get("from"))
    sender = sender if _WA_ID.fullmatch(sender) else ""
    kind = _text(message.get("type"))
    timestamp = _moment(message.get("timestamp"))
    if not message_id or not sender or timestamp is None:
        return Ignored(message_id, sender, "malformed")
    if kind in UNSUPPORTED_TYPES:
        return Ignored(message_id, sender, kind)
    if kind not in MessageKind:
        return Ignored(message_id, sender, "unsupported")
    content = _content_read(MessageKind(kind), message)
    if isinstance(content, str):
        return Ignored(message_id, sender, content)
    return InboundMessage(
        message_id=message_id,
        phone_number_id=phone_number_id,
        sender=sender,
        sender_name=names.get(sender, ""),
        timestamp=timestamp,
        kind=MessageKind(kind),
        text=content.text,
        choice=content.choice,
        media_id=content.media_id,
        media_mime_type=content.media_mime_type,
        media_filename=content.media_filename,
        location=content.location,
        context_message_id=_identifier(_mapping(message.get("context")).get("id")),
    )


def _content_read(kind: MessageKind, message: Mapping[str, Any]) -> _Content | str:
    """The content of a message of ``kind`` (under the key named after it), or why
    it is ignored."""
    body = _mapping(message.get(kind.value))
    match kind:
        case MessageKind.TEXT:
            text = _text(body.get("body"))
            return _Content(text=text) if text else "malformed"
        case MessageKind.IMAGE | MessageKind.DOCUMENT:
            media_id = _identifier(body.get("id"))
            if not media_id:
                return "malformed"
            return _Content(
                text=_text(body.get("caption")),
                media_id=media_id,
                media_mime_type=_text(body.get("mime_type")),
                media_filename=_text(body.get("filename")),
            )
        case MessageKind.LOCATION:
            location = _location(body)
            return _Content(location=location) if location else "malformed"
        case MessageKind.INTERACTIVE:
            return _reply_read(body)
        case MessageKind.BUTTON:
            text = _text(body.get("text"))
            return _Content(text=text, choice=_text(body.get("payload"))) if text else "malformed"


def _reply_read(interactive: Mapping[str, Any]) -> _Content | str:
    """A tap on one of our reply buttons or list rows: its title and our id. Other
    interactive answers (a flow's form, a catalogue order) are not read."""
    kind = _text(interactive.get("type"))
    if kind not in ("button_reply", "list_reply"):
        return "unsupported"
    reply = _mapping(interactive.get(kind))
    title, choice = _text(reply.get("title")), _text(reply.get("id"))
    if not title or not choice or len(choice) > _CHOICE_MAX:
        return "malformed"
    return _Content(text=title, choice=choice)


def _location(body: Mapping[str, Any]) -> Location | None:
    latitude = _coordinate(body.get("latitude"), limit=90)
    longitude = _coordinate(body.get("longitude"), limit=180)
    if latitude is None or longitude is None:
        return None
    return Location(
        latitude=latitude,
        longitude=longitude,
        name=_text(body.get("name")),
        address=_text(body.get("address")),
    )


def _status_read(status: Mapping[str, Any]) -> StatusUpdate | Ignored:
    message_id = _identifier(status.get("id"))
    recipient = _identifier(status.get("recipient_id"))
    timestamp = _moment(status.get("timestamp"))
    if not message_id or timestamp is None:
        return Ignored(message_id, recipient, "malformed")
    value = _text(status.get("status"))
    if value not in DeliveryStatus:
        return Ignored(message_id, recipient, "unsupported status")
    delivery = DeliveryStatus(value)
    errors = list(_mappings(status.get("errors")))
    return StatusUpdate(
        message_id=message_id,
        status=delivery,
        recipient=recipient,
        timestamp=timestamp,
        error=_error_describe(errors[0]) if delivery is DeliveryStatus.FAILED and errors else "",
    )


def _error_describe(error: Mapping[str, Any]) -> str:
    """ "Title (code): details" of one of WhatsApp's errors, with what it gives.
    The details sit in ``error_data`` now and beside the title in older versions."""
    title = _text(error.get("title")) or _text(error.get("message"))
    code = _code(error.get("code"))
    details = _text(_mapping(error.get("error_data")).get("details")) or _text(error.get("details"))
    head = " ".join(part for part in (title, f"({code})" if code is not None else "") if part)
    return ": ".join(part for part in (head, details) if part)


# -- Values of the right type, or nothing ------------------------------------------------


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> Iterator[Mapping[str, Any]]:
    """The objects of a JSON array; anything else in it is skipped."""
    if isinstance(value, list | tuple):
        yield from (item for item in value if isinstance(item, Mapping))


def _text(value: object) -> str:
    # A NUL character is nothing anyone means to send, and PostgreSQL cannot store it.
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _identifier(value: object) -> str:
    text = _text(value)
    return text if _IDENTIFIER.fullmatch(text) else ""


def _code(value: object) -> int | None:
    """An error code WhatsApp gives (a number), or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _CODE_MAX:
        return value
    return None


def _moment(value: object) -> datetime | None:
    """The time of an epoch-seconds string (an integer is taken too), in UTC."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        seconds = value
    elif isinstance(value, str) and _EPOCH_SECONDS.fullmatch(value):
        seconds = int(value)
    else:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _coordinate(value: object, *, limit: float) -> float | None:
    """A latitude or longitude (a JSON number) within ±``limit`` degrees."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None
