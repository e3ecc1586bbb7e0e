"""Telegram (DESIGN.md §6): every update to the bot goes through the one intake as a
chat — a report written one question at a time with inline keyboard buttons, or at
once when the message says everything; the bot's commands are the SMS keywords
(``/lapor``, ``/cek``, ``/balas``, ``/bantuan``, ``/batal``). The sender is known by
their numeric Telegram user id (in a private chat, the chat's id too: answers go
there). ``/start <code>`` links the chat to a citizen's web account (the intake's
``LinkAccount``).

Telegram delivers an update at least once, by webhook or to the poller: one
delivered again has one effect. Answers leave through the outbox; photos and
documents are fetched by the worker. Groups, stickers, edits and whatever else
the bot does not read are recorded and never answered."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from aduan.channels.telegram.api import TelegramApiError, answer_callback, file_download
from aduan.channels.telegram.models import InboundTelegram
from aduan.channels.telegram.parse import Update, UpdateKind
from aduan.intake.chat import ChatDoor
from aduan.intake.commands import Command, Help, LinkAccount
from aduan.intake.files import FileUnavailable
from aduan.intake.messages import Inbound, Place
from aduan.intake.receive import Receipt, intake_receive
from aduan.lib.contacts import normalize_telegram_id
from aduan.lib.errors import InvalidInput
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel

logger = logging.getLogger("aduan.telegram")


# The bot's commands, as the words the intake reads (commands.py); "/start" alone
# and "/bantuan" are help, "/start <code>" links an account.
_KEYWORDS = {
    "lapor": "LAPOR",
    "cek": "CEK",
    "status": "CEK",
    "balas": "BALAS",
    "batal": "batal",
}
_HELP_COMMANDS = frozenset({"start", "bantuan", "help", "info"})


class TelegramDoor(ChatDoor):
    """Telegram at the one intake: a chat channel with buttons."""

    channel = Channel.TELEGRAM
    identity = ChannelIdentity.Kind.TELEGRAM
    rate = "telegram"
    model = InboundTelegram
    key_field = "update_id"

    def address(self) -> str:
        return f"@{settings.TELEGRAM_BOT_USERNAME}"

    def key(self, message: Inbound) -> object:
        return int(message.external_id)


def telegram_receive(update: Update, *, now: datetime | None = None) -> Receipt | None:
    """Does what the update asks, once; its record (None for an update without an
    id, which cannot be told apart from its re-delivery)."""
    if not update.update_id:
        logger.info("telegram: dropped an update without an id (%s)", update.ignored_because)
        return None
    user_id = _user_id(update.sender_id)
    if update.kind in (UpdateKind.IGNORED, UpdateKind.EDITED) or user_id is None:
        return _ignored(update, user_id, now=now)
    text, command = _words(update)
    place = update.location
    message = Inbound(
        channel=Channel.TELEGRAM,
        sender=user_id,
        name=update.sender_name,
        text=text,
        external_id=str(update.update_id),
        file_refs=_file_refs(update),
        place=Place(place.latitude, place.longitude) if place is not None else None,
        command=command,
        choice=update.callback_data if update.kind == UpdateKind.CALLBACK else "",
    )
    receipt = intake_receive(message, door=TelegramDoor(_kind(update)), now=now)
    if receipt is not None and receipt.again:
        logger.info("telegram: an update was delivered again")
    if update.kind == UpdateKind.CALLBACK:
        # After the intake's transaction, and whatever becomes of it: the answer
        # is already queued, this only stops the spinner on the button.
        _callback_acknowledge(update.callback_id)
    return receipt


def media_fetch(ref: str) -> bytes:
    """A photo or document a citizen sent, from the Bot API (the worker's job)."""
    try:
        return file_download(ref, max_bytes=settings.UPLOAD_MAX_BYTES)
    except TelegramApiError as error:
        raise FileUnavailable(str(error), permanent=error.permanent) from None


# -- reading an update ----------------------------------------------------------------


def _user_id(sender_id: str) -> str | None:
    if not sender_id:
        return None
    try:
        return normalize_telegram_id(sender_id)
    except InvalidInput:
        return None


def _words(update: Update) -> tuple[str, Command | None]:
    """The text the intake reads, or the command the bot's own grammar names."""
    if update.kind == UpdateKind.CALLBACK:
        return "", None
    if not update.command:
        return update.text, None
    if update.command == "start" and update.command_argument:
        return "", LinkAccount(update.command_argument)  # a link from the account page
    if update.command in _HELP_COMMANDS:
        return "", Help()
    keyword = _KEYWORDS.get(update.command)
    if keyword is None:
        return "", Help()  # a command the bot does not have (or another bot's)
    return f"{keyword} {update.command_argument}".strip(), None


def _file_refs(update: Update) -> tuple[str, ...]:
    if update.photo_file_id:
        return (update.photo_file_id,)
    if update.document is not None:
        return (update.document.file_id,)
    return ()


def _kind(update: Update) -> str:
    if update.kind == UpdateKind.CALLBACK:
        return "callback"
    if update.command == "start" and update.command_argument:
        return "link"
    if update.command:
        return "command"
    if update.photo_file_id:
        return "photo"
    if update.document is not None:
        return "document"
    if update.location is not None:
        return "location"
    return "text"


def _callback_acknowledge(callback_id: str) -> None:
    if not callback_id or not settings.TELEGRAM_BOT_TOKEN:
        return
    try:
        answer_callback(callback_id)
    except (TelegramApiError, ImproperlyConfigured) as error:
        logger.info("telegram: a button press was not acknowledged: %s", error)


# -- what is not read ------------------------------------------------------------------


def _ignored(update: Update, user_id: str | None, *, now: datetime | None) -> Receipt:
    """Records an update the bot does not act on, once; it is never answered."""
    reason = update.ignored_because or "malformed"
    message = Inbound(
        channel=Channel.TELEGRAM, sender=user_id or "", external_id=str(update.update_id)
    )
    door = TelegramDoor("edited" if update.kind == UpdateKind.EDITED else "ignored")
    receipt = door.ignore(message, reason=reason, now=now or timezone.now())
    logger.info("telegram: recorded and ignored an update (%s)", reason)
    return receipt
