"""The few Telegram Bot API methods the channel calls, over plain HTTPS with JSON:
sending messages (with inline keyboard buttons), answering button presses, reading
updates by long polling, fetching a sent photo or document, and setting the
webhook. Every refusal becomes one ``TelegramApiError`` that says whether waiting
helps.

The Bot API puts the bot's token in every URL (``/bot<token>/<method>``), so it
would appear wherever a failed request's URL does; the error's message is scrubbed
of it, and errors are raised outside ``except`` clauses so that none drags the
failed request along in its context."""

import http.client
import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from aduan.channels.telegram.parse import Update, update_parse

TIMEOUT_SECONDS = 10
# A long poll is held open by Telegram for up to its own timeout; the connection
# waits this much longer before it counts as lost.
LONG_POLL_MARGIN_SECONDS = 10
# The kinds of update the bot asks for; Telegram delivers no others (edits,
# reactions, member changes) once the webhook or a getUpdates call has said so.
ALLOWED_UPDATES = ("message", "callback_query")
# The Bot API's limit on a button's callback_data.
CALLBACK_DATA_MAX_BYTES = 64
# No answer of a method the bot calls comes near this (100 updates of 4,096
# characters are well under 2 MB); a larger one is not Telegram's.
ANSWER_MAX_BYTES = 8 * 1024 * 1024
# The longest wait a flood limit is believed to ask for (Telegram has asked for
# hours); a larger number is no wait anyone meant.
RETRY_AFTER_MAX_SECONDS = 7 * 24 * 3600
# How BotFather writes a token: the bot's id, a colon, the secret.
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


class TelegramApiError(Exception):
    """Telegram refused or could not be reached. ``status`` is Telegram's error
    code (0 when it was not reached or gave no Bot API answer); ``retry_after`` the
    seconds a flood limit (429) asks to wait."""

    def __init__(self, message: str, *, status: int = 0, retry_after: int | None = None):
        super().__init__(_scrubbed(message))
        self.status = status
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """A refusal that will not change by trying again: a 4xx other than 429
        (a citizen who blocked the bot, a chat that no longer exists)."""
        return 400 <= self.status < 500 and self.status != 429


class TelegramFileRefused(TelegramApiError):
    """A file the channel will not fetch: larger than allowed, or at a path that
    would leave the bot's files. Asking again gives the same file."""

    @property
    def permanent(self) -> bool:
        return True


def telegram_call(method: str, params: dict[str, Any], *, timeout: float = TIMEOUT_SECONDS) -> Any:
    """The ``result`` of a successful call of Bot API ``method`` with ``params``;
    ImproperlyConfigured when ``TELEGRAM_BOT_TOKEN`` is no bot token."""
    request = urllib.request.Request(  # noqa: S310 (the URL is the configured API's)
        _url(f"bot{_token()}/{method}"),
        data=json.dumps(params).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    status, body = _fetch(request, timeout=timeout, limit=ANSWER_MAX_BYTES)
    if len(body) > ANSWER_MAX_BYTES:
        raise TelegramApiError(f"Telegram's answer to {method} is too long")
    answer = _json(body)
    if status != 200 or not isinstance(answer, dict) or answer.get("ok") is not True:
        raise _refusal(status, body, what=method)
    return answer.get("result")


def send_message(
    chat_id: str,
    text: str,
    *,
    buttons: list[list[tuple[str, str]]] | None = None,
    reply_to: str = "",
) -> str:
    """Send ``text`` to the chat and give the sent message's id. ``buttons`` are
    rows of (label, callback_data) shown under it; ``reply_to`` is a message id
    (digits) it answers, sent all the same if that message is gone."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if buttons:
        keyboard = [[_button(label, data) for label, data in row] for row in buttons]
        params["reply_markup"] = {"inline_keyboard": keyboard}
    if reply_to:
        params["reply_parameters"] = {
            "message_id": int(reply_to),
            "allow_sending_without_reply": True,
        }
    sent = telegram_call("sendMessage", params)
    message_id = _integer(
        sent.get("message_id") if isinstance(sent, dict) else None, low=0, high=2**63 - 1
    )
    if message_id is None:
        raise TelegramApiError("Telegram answered sendMessage without the message's id")
    return str(message_id)


def answer_callback(callback_id: str, text: str = "") -> None:
    """Acknowledge a button press (the citizen's app shows a spinner until then),
    with ``text`` as a short notice when given."""
    params: dict[str, Any] = {"callback_query_id": callback_id}
    if text:
        params["text"] = text
    telegram_call("answerCallbackQuery", params)


def get_updates(offset: int, timeout: int) -> list[Update]:
    """The updates from ``offset`` on (which confirms all before it), waiting up to
    ``timeout`` seconds for one to come."""
    result = telegram_call(
        "getUpdates",
        {"offset": offset, "timeout": timeout, "allowed_updates": list(ALLOWED_UPDATES)},
        timeout=timeout + LONG_POLL_MARGIN_SECONDS,
    )
    return [update_parse(item) for item in result] if isinstance(result, list) else []


def set_webhook(url: str, secret_token: str) -> None:
    """Have Telegram deliver updates to ``url``, each with ``secret_token`` in its
    ``X-Telegram-Bot-Api-Secret-Token`` header."""
    telegram_call(
        "setWebhook",
        {"url": url, "secret_token": secret_token, "allowed_updates": list(ALLOWED_UPDATES)},
    )


def file_download(file_id: str, *, max_bytes: int) -> bytes:
    """The contents of a file a citizen sent, at most ``max_bytes`` of them: a
    larger file is refused, unread when Telegram tells its size and otherwise
    after ``max_bytes`` + 1 bytes."""
    file = telegram_call("getFile", {"file_id": file_id})
    file = file if isinstance(file, dict) else {}
    path = file.get("file_path")
    if not isinstance(path, str) or not path:
        raise TelegramFileRefused("Telegram gave no path to download the file from")
    if ".." in path or path.startswith("/"):
        raise TelegramFileRefused(f"Telegram gave a path outside the bot's files: {path[:100]!r}")
    size = _integer(file.get("file_size"), low=0, high=2**63 - 1)
    if size is not None and size > max_bytes:
        raise TelegramFileRefused(f"the file has {size} bytes, more than {max_bytes}")
    request = urllib.request.Request(  # noqa: S310 (the URL is the configured API's)
        _url(f"file/bot{_token()}/{quote(path, safe='/')}"), method="GET"
    )
    status, body = _fetch(request, timeout=TIMEOUT_SECONDS, limit=max_bytes)
    if status != 200:
        raise _refusal(status, body, what="the file download")
    if len(body) > max_bytes:
        raise TelegramFileRefused(f"the file has more than {max_bytes} bytes")
    return body


def _button(label: str, data: str) -> dict[str, str]:
    size = len(data.encode())
    if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
        raise ValueError(
            f"callback_data must have 1 to {CALLBACK_DATA_MAX_BYTES} bytes; {data!r} has {size}"
        )
    return {"text": label, "callback_data": data}


def _token() -> str:
    token = str(settings.TELEGRAM_BOT_TOKEN)
    if not _TOKEN.fullmatch(token):
        # Not echoed: a mistyped token is still mostly the secret.
        raise ImproperlyConfigured(
            "TELEGRAM_BOT_TOKEN: expected the bot's token from BotFather (digits:letters)"
        )
    return token


def _url(path: str) -> str:
    return f"{str(settings.TELEGRAM_API_URL).rstrip('/')}/{path}"


def _scrubbed(message: str) -> str:
    """``message`` without the token's secret (the bot's id, before the colon, is
    public)."""
    secret = str(settings.TELEGRAM_BOT_TOKEN).partition(":")[2]
    return message.replace(secret, "***") if secret else message


def _fetch(request: urllib.request.Request, *, timeout: float, limit: int) -> tuple[int, bytes]:
    """Telegram's HTTP status and at most ``limit`` + 1 bytes of its answer (one
    more than allowed tells the caller it was too long, without reading it all)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read(limit + 1)
    except urllib.error.HTTPError as error:
        return error.code, _error_body(error)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        unreachable = f"Telegram unreachable: {reason}"
    raise TelegramApiError(unreachable)


def _error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        with error:
            return error.read(4096)
    except (http.client.HTTPException, OSError):
        return b""


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        return None


def _refusal(status: int, body: bytes, *, what: str) -> TelegramApiError:
    """The error for an answer that is no success: with Telegram's error code,
    description and (for a flood limit) ``parameters.retry_after``, or else with
    the HTTP status and the start of what came instead (a proxy's page)."""
    answer = _json(body)
    fallback = status if status != 200 else 0  # a 200 is no refusal of Telegram's
    if not isinstance(answer, dict) or answer.get("ok") is not False:
        shown = body[:200].decode("utf-8", "replace").strip()
        return TelegramApiError(f"Telegram answered {what} with {status}: {shown}", status=fallback)
    code = _integer(answer.get("error_code"), low=400, high=599)
    code = fallback if code is None else code
    parameters = answer.get("parameters")
    retry_after = _integer(
        parameters.get("retry_after") if isinstance(parameters, dict) else None,
        low=0,
        high=RETRY_AFTER_MAX_SECONDS,
    )
    wait = f" (retry after {retry_after} s)" if retry_after is not None else ""
    description = answer.get("description")
    said = description[:300] if isinstance(description, str) else ""
    return TelegramApiError(
        f"Telegram answered {what} with {code}{wait}: {said}", status=code, retry_after=retry_after
    )


def _integer(value: object, *, low: int, high: int) -> int | None:
    """An integer of Telegram's answer within ``low`` and ``high``, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None
