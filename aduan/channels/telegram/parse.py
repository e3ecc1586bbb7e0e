"""Reading what the Telegram Bot API delivers to the bot — one ``Update`` object,
by webhook or in a ``getUpdates`` answer — into one flat ``Update`` the channel acts
on: who wrote (a private chat is a citizen; groups and channels are not where
reports are taken), what they wrote (text, a command, a photo, a document, a
location) or which button they pressed.

Everything here comes from outside, so nothing here raises: a payload of the wrong
shape becomes an update of kind ``IGNORED`` that says why, keeping its
``update_id`` when that much was readable (a poller still confirms it)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from django.conf import settings

# Telegram's ids are 64-bit signed integers at most; a larger number is no id, and
# Python's str() of a very long int raises.
_ID_LIMIT = 2**63
# The last second Python's calendar holds (9999-12-31T23:59:59Z).
_LATEST_EPOCH = 253_402_300_799


class UpdateKind(StrEnum):
    """What the channel does with an update: act on a message or a button press,
    or not (an edit, or anything else, with ``ignored_because`` saying why)."""

    # A message in a private chat to act on: text, a command, a photo, a document
    # or a location.
    MESSAGE = "message"
    # A press on an inline keyboard button under one of the bot's messages.
    CALLBACK = "callback"
    # A message changed after it was sent: read, never acted on (what it said first
    # may already be a report).
    EDITED = "edited"
    IGNORED = "ignored"


# Why an update is not acted on ("" when it is): a non-private chat, a sticker, an
# edit, a kind of content or update the channel does not take, a payload of the
# wrong shape, a message from a bot.
IgnoredBecause = Literal["", "group", "sticker", "edited", "unsupported", "malformed", "bot"]


@dataclass(frozen=True, slots=True)
class Document:
    """A file sent as a document; ``file_size`` is None when Telegram did not say."""

    file_id: str
    mime_type: str
    file_name: str
    file_size: int | None


@dataclass(frozen=True, slots=True)
class Location:
    """A point the sender shared, in degrees (WGS 84)."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Update:
    """One update as the channel reads it. Ids are strings, as the rest of aduan
    keeps channel identities; empty strings and None stand for what the update did
    not carry. An ignored update keeps what could be read of it (a group's chat id,
    a button's callback id) so the bot may still answer."""

    update_id: int
    kind: UpdateKind
    ignored_because: IgnoredBecause = ""
    chat_id: str = ""
    chat_type: str = ""  # "private", "group", "supergroup" or "channel"
    sender_id: str = ""
    sender_name: str = ""
    sender_language: str = ""  # an IETF language tag ("id", "en"), when the app told it
    message_id: str = ""
    text: str = ""  # the message's text, or the caption of its photo or document
    command: str = ""  # "/start abc" → "start"; lower case; "" when not a command
    command_argument: str = ""  # "/start abc" → "abc"
    photo_file_id: str = ""  # the largest size of an attached photo
    document: Document | None = None
    location: Location | None = None
    callback_id: str = ""
    callback_data: str = ""
    callback_message_id: str = ""  # the bot's message whose button was pressed
    date: datetime | None = None  # when the message was sent; None for a button press


class _Malformed(Exception):
    """A part the update cannot do without is missing or of the wrong shape."""


@dataclass(frozen=True, slots=True)
class _Sender:
    sender_id: str = ""
    name: str = ""
    language: str = ""
    is_bot: bool = False


def update_parse(payload: object) -> Update:
    """The update in one Telegram ``Update`` object, whatever ``payload`` is."""
    if not isinstance(payload, dict):
        return Update(update_id=0, kind=UpdateKind.IGNORED, ignored_because="malformed")
    update_id = _integer(payload.get("update_id"), minimum=0)
    if update_id is None:
        return Update(update_id=0, kind=UpdateKind.IGNORED, ignored_because="malformed")
    try:
        return _update(payload, update_id)
    except _Malformed:
        return Update(update_id=update_id, kind=UpdateKind.IGNORED, ignored_because="malformed")


def updates_parse(answer: object) -> list[Update]:
    """The updates of a ``getUpdates`` answer (``{"ok": true, "result": [...]}``),
    oldest first as Telegram lists them; none from an answer that is no success."""
    if not isinstance(answer, dict) or answer.get("ok") is not True:
        return []
    result = answer.get("result")
    return [update_parse(item) for item in result] if isinstance(result, list) else []


def _update(payload: dict[str, Any], update_id: int) -> Update:
    # An update carries at most one of these (the Bot API's own rule).
    if "message" in payload:
        return _from_message(update_id, payload["message"], edited=False)
    if "edited_message" in payload:
        return _from_message(update_id, payload["edited_message"], edited=True)
    if "channel_post" in payload:
        return _from_message(update_id, payload["channel_post"], edited=False)
    if "edited_channel_post" in payload:
        return _from_message(update_id, payload["edited_channel_post"], edited=True)
    if "callback_query" in payload:
        return _from_callback(update_id, payload["callback_query"])
    # Reactions, chat member changes (a citizen blocking the bot), polls, inline
    # queries, payments, and whatever kinds later versions of the API add.
    return Update(update_id=update_id, kind=UpdateKind.IGNORED, ignored_because="unsupported")


def _from_message(update_id: int, value: object, *, edited: bool) -> Update:
    message = _mapping(value)
    chat = _mapping(message.get("chat"))
    chat_type = _required_text(chat.get("type"))
    # A private chat always names its sender; a channel post names none.
    sender = _sender(message.get("from"), required=chat_type == "private")
    photo_file_id = _largest_photo(message.get("photo"))
    document = _document(message.get("document"))
    # A caption is read with a photo or a document only: one under a video or a
    # voice message would make a report of media the channel does not take.
    caption = _text(message.get("caption")) if photo_file_id or document else ""
    text = _text(message.get("text")) or caption
    command, argument = _command(text)
    location = _location(message.get("location"))
    usable = bool(text or photo_file_id or document or location)
    reason = _message_ignored_because(
        message, chat_type=chat_type, sender=sender, edited=edited, usable=usable
    )
    return Update(
        update_id=update_id,
        kind=_kind(reason, acted_on=UpdateKind.MESSAGE),
        ignored_because=reason,
        chat_id=str(_required_integer(chat.get("id"), minimum=-_ID_LIMIT)),
        chat_type=chat_type,
        sender_id=sender.sender_id,
        sender_name=sender.name,
        sender_language=sender.language,
        message_id=str(_required_integer(message.get("message_id"), minimum=0)),
        text=text,
        command=command,
        command_argument=argument,
        photo_file_id=photo_file_id,
        document=document,
        location=location,
        date=_moment(message.get("date")),
    )


def _message_ignored_because(
    message: dict[str, Any], *, chat_type: str, sender: _Sender, edited: bool, usable: bool
) -> IgnoredBecause:
    """Why a readable message is not acted on, the most telling reason first."""
    if sender.is_bot:  # never a citizen, in whatever chat
        return "bot"
    if chat_type != "private":
        return "group"
    if edited:
        return "edited"
    if usable:
        return ""
    if "sticker" in message:
        return "sticker"
    if any(key in message for key in ("text", "photo", "document", "location")):
        return "malformed"  # content of a kind we take, but unreadable
    # Polls, dice, contacts, voice, video notes, videos (with a caption or
    # without), service messages …
    return "unsupported"


def _from_callback(update_id: int, value: object) -> Update:
    query = _mapping(value)
    callback_id = _required_text(query.get("id"))
    sender = _sender(query.get("from"), required=True)
    data = _text(query.get("data"))
    if query.get("message") is None:
        # A button under a message sent in inline mode, which the bot does not use.
        return Update(
            update_id=update_id,
            kind=UpdateKind.IGNORED,
            ignored_because="unsupported",
            sender_id=sender.sender_id,
            callback_id=callback_id,
        )
    # An inaccessible (old) message still carries its chat and message_id.
    message = _mapping(query["message"])
    chat = _mapping(message.get("chat"))
    chat_type = _required_text(chat.get("type"))
    reason: IgnoredBecause = ""
    if sender.is_bot:
        reason = "bot"
    elif chat_type != "private":
        reason = "group"
    elif not data:  # a game's button carries a game_short_name instead
        reason = "unsupported"
    return Update(
        update_id=update_id,
        kind=_kind(reason, acted_on=UpdateKind.CALLBACK),
        ignored_because=reason,
        chat_id=str(_required_integer(chat.get("id"), minimum=-_ID_LIMIT)),
        chat_type=chat_type,
        sender_id=sender.sender_id,
        sender_name=sender.name,
        sender_language=sender.language,
        callback_id=callback_id,
        callback_data=data,
        callback_message_id=str(_required_integer(message.get("message_id"), minimum=0)),
    )


def _kind(reason: IgnoredBecause, *, acted_on: UpdateKind) -> UpdateKind:
    if reason == "edited":
        return UpdateKind.EDITED
    return acted_on if reason == "" else UpdateKind.IGNORED


def _sender(value: object, *, required: bool) -> _Sender:
    """The ``from`` User; required where the update means nothing without it."""
    if not isinstance(value, dict) or (user_id := _integer(value.get("id"), minimum=1)) is None:
        if required:
            raise _Malformed
        return _Sender()
    parts = (_text(value.get("first_name")).strip(), _text(value.get("last_name")).strip())
    return _Sender(
        sender_id=str(user_id),
        name=" ".join(part for part in parts if part),
        language=_text(value.get("language_code")).strip(),
        is_bot=value.get("is_bot") is True,
    )


# A command as Telegram recognises one: "/" and up to 32 letters, digits or
# underscores at the very start, optionally addressed to a bot ("/lapor@lapor1708bot"),
# then a blank or the end.
_COMMAND = re.compile(
    r"/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]{1,32}))?(?=\s|$)(?P<rest>.*)",
    re.DOTALL,
)


def _command(text: str) -> tuple[str, str]:
    """The command (lower case, "/START" works as "/start") and what follows it.
    A command addressed to another bot keeps that bot's name ("start@otherbot"), so
    it matches none of ours."""
    match = _COMMAND.match(text)
    if match is None:
        return "", ""
    name = match["name"].lower()
    bot = (match["bot"] or "").lower()
    ours = str(settings.TELEGRAM_BOT_USERNAME).removeprefix("@").lower()
    if bot and bot != ours:
        name = f"{name}@{bot}"
    return name, match["rest"].strip()


def _largest_photo(value: object) -> str:
    """The file_id of the largest of a photo's sizes: by file size, then by pixels
    (a size may come without its file_size)."""
    if not isinstance(value, list):
        return ""
    sizes = [size for size in value if isinstance(size, dict) and _text(size.get("file_id"))]
    if not sizes:
        return ""
    largest = max(
        sizes,
        key=lambda size: (
            _count(size.get("file_size")),
            _count(size.get("width")) * _count(size.get("height")),
        ),
    )
    return _text(largest.get("file_id"))


def _document(value: object) -> Document | None:
    if not isinstance(value, dict) or not (file_id := _text(value.get("file_id"))):
        return None
    return Document(
        file_id=file_id,
        mime_type=_text(value.get("mime_type")),
        file_name=_text(value.get("file_name")),
        file_size=_integer(value.get("file_size"), minimum=0),
    )


def _location(value: object) -> Location | None:
    if not isinstance(value, dict):
        return None
    latitude = _degrees(value.get("latitude"), limit=90)
    longitude = _degrees(value.get("longitude"), limit=180)
    if latitude is None or longitude is None:
        return None
    return Location(latitude=latitude, longitude=longitude)


def _degrees(value: object, *, limit: int) -> float | None:
    # Compared before float(): an int too large for a float would overflow, and
    # NaN is within no range.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if -limit <= value <= limit else None


def _moment(value: object) -> datetime:
    """A message's ``date``: Unix time, in UTC."""
    seconds = _required_integer(value, minimum=0)
    if seconds > _LATEST_EPOCH:
        raise _Malformed
    return datetime.fromtimestamp(seconds, tz=UTC)


def _mapping(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed
    return value


def _integer(value: object, *, minimum: int) -> int | None:
    """An integer of the payload within ``minimum`` and the id limit (JSON's
    true and false are no integers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if minimum <= value < _ID_LIMIT else None


def _required_integer(value: object, *, minimum: int) -> int:
    number = _integer(value, minimum=minimum)
    if number is None:
        raise _Malformed
    return number


def _count(value: object) -> int:
    return _integer(value, minimum=0) or 0


def _text(value: object) -> str:
    """A string of the payload, "" for anything else; without NUL (nothing anyone
    means to send, and PostgreSQL cannot store it) and with lone surrogates
    (which JSON's escapes allow and UTF-8 cannot encode) replaced."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _required_text(value: object) -> str:
    text = _text(value)
    if not text:
        raise _Malformed
    return text
