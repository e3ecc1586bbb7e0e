"""A local stand-in for the Telegram Bot API, speaking its documented request and
answer shapes (``{"ok": true, "result": …}``, and ``{"ok": false, "error_code": …,
"description": …}`` with ``parameters.retry_after`` for a flood limit): the token
in every path (a wrong one is 401 Unauthorized), ``getMe``, ``sendMessage``
answering a Message, ``answerCallbackQuery``, ``getUpdates`` over a queue that an
``offset`` confirms, ``getFile`` and the file download, ``setWebhook``; and a
flood limit, a failing server or a failing file host at the flip of a switch. Every request is
recorded."""

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "123456789:AAHfakeTokenForTheTests_0123456789-ab"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Lapor 1708",
    "username": "lapor1708bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Request:
    http_method: str
    method: str  # the Bot API method ("sendMessage"), or "file" for a file download
    token: str
    params: dict[str, Any]
    path: str = ""  # a file download's file_path


@dataclass
class Sent:
    """A message the bot sent: the id the fake gave it and sendMessage's parameters."""

    message_id: int
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    base: str = ""
    token: str = TOKEN
    # Update objects waiting in Telegram's queue, oldest first.
    updates: list[dict[str, Any]] = field(default_factory=list)
    # file_id → contents; getFile gives each a path, file_paths may choose it.
    files: dict[str, bytes] = field(default_factory=dict)
    file_paths: dict[str, str] = field(default_factory=dict)
    # getFile tells no file_size and the download no Content-Length (both optional).
    sizes_hidden: bool = False
    retry_after: int = 0  # non-zero: every request gets 429 asking to wait this long
    fail_status: int = 0  # non-zero: every request gets this status (e.g. 502)
    download_status: int = 0  # non-zero: file downloads (only) get this status
    requests: list[Request] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    answered_callbacks: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None  # setWebhook's parameters, once set
    _next_message_id: int = 700

    def calls(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.method == method]

    def file_path(self, file_id: str) -> str:
        default = f"documents/file_{list(self.files).index(file_id)}"
        return self.file_paths.get(file_id, default)

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The queue from ``offset`` on, at most ``limit``; what lies before the
        offset is confirmed and forgotten, as Telegram does. Answers at once: the
        long poll's ``timeout`` is not waited out."""
        offset = int(params.get("offset", 0))
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:  # the last -offset updates; all earlier ones forgotten
            self.updates = self.updates[offset:]
        return self.updates[: int(params.get("limit", 100))]

    def send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not str(params.get("text", "")).strip():
            return _refused(400, "Bad Request: message text is empty")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if not 1 <= len(str(button.get("callback_data", "")).encode()) <= 64:
                    return _refused(400, "Bad Request: BUTTON_DATA_INVALID")
        self._next_message_id += 1
        self.sent.append(Sent(self._next_message_id, params))
        chat_id = str(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": self._next_message_id,
            "from": BOT_USER,
            "chat": {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else 0, "type": "private"},
            "date": int(time.time()),
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return 200, _ok(message)

    def get_file(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            return _refused(400, "Bad Request: invalid file_id")
        file: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id[-8:]}"}
        if not self.sizes_hidden:
            file["file_size"] = len(self.files[file_id])
        file["file_path"] = self.file_path(file_id)
        return 200, _ok(file)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getMe":
            return 200, _ok(BOT_USER)
        if method == "sendMessage":
            return self.send_message(params)
        if method == "answerCallbackQuery":
            self.answered_callbacks.append(params)
            return 200, _ok(True)
        if method == "getUpdates":
            if self.webhook is not None:
                return _refused(
                    409, "Conflict: can't use getUpdates method while webhook is active"
                )
            return 200, _ok(self.get_updates(params))
        if method == "getFile":
            return self.get_file(params)
        if method == "setWebhook":
            self.webhook = params
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "deleteWebhook":
            was_set, self.webhook = self.webhook is not None, None
            description = "Webhook was deleted" if was_set else "Webhook is already deleted"
            return 200, {"ok": True, "result": True, "description": description}
        return _refused(404, "Not Found")


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _refused(
    code: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    answer: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return code, answer


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTelegram

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, data: bytes, content_type: str, *, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # The client may stop reading (a file larger than it takes).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _json(self, status: int, answer: dict[str, Any]) -> None:
        self._send(status, json.dumps(answer).encode(), "application/json")

    def _refused_by_switch(self) -> bool:
        fake = self.fake
        if fake.retry_after:
            self._json(
                *_refused(
                    429,
                    f"Too Many Requests: retry after {fake.retry_after}",
                    {"retry_after": fake.retry_after},
                )
            )
            return True
        if fake.fail_status:
            self._json(*_refused(fake.fail_status, HTTPStatus(fake.fail_status).phrase))
            return True
        return False

    def _api(self, params: dict[str, Any]) -> None:
        """``/bot<token>/<method>``."""
        path = urlsplit(self.path).path
        token, _, method = path.removeprefix("/bot").partition("/")
        self.fake.requests.append(Request(self.command, method, token, params))
        if not path.startswith("/bot"):
            self._json(*_refused(404, "Not Found"))
        elif token != self.fake.token:
            self._json(*_refused(401, "Unauthorized"))
        elif not self._refused_by_switch():
            self._json(*self.fake.answer(method, params))

    def _file(self) -> None:
        """``/file/bot<token>/<file_path>``."""
        rest = urlsplit(self.path).path.removeprefix("/file/bot")
        token, _, file_path = rest.partition("/")
        file_path = unquote(file_path)
        fake = self.fake
        fake.requests.append(Request(self.command, "file", token, {}, path=file_path))
        if token != fake.token:
            self._json(*_refused(401, "Unauthorized"))
            return
        if self._refused_by_switch():
            return
        if fake.download_status:
            status = fake.download_status
            self._send(status, f"<h1>{HTTPStatus(status).phrase}</h1>".encode(), "text/html")
            return
        for file_id, data in fake.files.items():
            if fake.file_path(file_id) == file_path:
                self._send(200, data, "application/octet-stream", length=not fake.sizes_hidden)
                return
        self._json(*_refused(404, "Not Found"))

    def do_GET(self) -> None:
        if self.path.startswith("/file/"):
            self._file()
        else:
            query = parse_qs(urlsplit(self.path).query)
            self._api({key: values[0] for key, values in query.items()})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(raw or b"{}")
        else:  # application/x-www-form-urlencoded, which the Bot API takes too
            params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self._api(params)


@contextmanager
def fake_telegram_server() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
