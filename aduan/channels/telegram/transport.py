"""The outbox's way out by Telegram (Bot API): a message goes to the private chat of
the person's user id (in a private chat the chat's id is the user's), with the
choices it offers as inline keyboard buttons, one to a row. Unlike WhatsApp,
Telegram puts no time limit on writing to someone who once wrote to the bot."""

from aduan.channels.telegram.api import CALLBACK_DATA_MAX_BYTES, TelegramApiError, send_message
from aduan.outbox.models import Message
from aduan.outbox.transports import TransportError

# sendMessage takes at most this many characters (UTF-16 code units, as Telegram
# counts them); a longer notice is cut rather than refused for good.
TEXT_MAX = 4096


class TelegramTransport:
    def send(self, message: Message) -> str:
        try:
            return send_message(
                message.recipient, _fitted(message.body), buttons=_buttons(message.choices)
            )
        except TelegramApiError as error:
            raise TransportError(str(error), permanent=error.permanent) from None


def _buttons(choices: list[list[str]]) -> list[list[tuple[str, str]]] | None:
    """One (label, callback_data) button to a row; a choice whose id Telegram would
    refuse (more than 64 bytes) is left out rather than the whole message."""
    rows = [
        [(str(label), str(choice))]
        for choice, label in choices
        if str(label).strip() and 1 <= len(str(choice).encode()) <= CALLBACK_DATA_MAX_BYTES
    ]
    return rows or None


def _fitted(body: str) -> str:
    if len(body.encode("utf-16-le")) // 2 <= TEXT_MAX:
        return body
    cut = body[: TEXT_MAX - 1]
    while len(cut.encode("utf-16-le")) // 2 > TEXT_MAX - 1:
        cut = cut[:-1]
    return cut + "…"
