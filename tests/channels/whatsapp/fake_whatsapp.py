"""A local stand-in for the Graph API of the WhatsApp Cloud API, speaking its
documented request and answer shapes: sending messages from our number
(``POST /{phone-number-id}/messages``: text, interactive, template, and marking
read), the media URL (``GET /{media-id}``) and the media host behind it, the
bearer token checked on every call, and at the flip of a switch a rate limit
(429 with Graph code 130429) or an outage. Every request is recorded.

Also here: builders of webhook deliveries in the documented shapes, and the
signature Meta puts on them, so that tests can make bursts of their own."""

import contextlib
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

VERSION = "v21.0"
TOKEN = "EAAwa-test-access-t0ken"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "6281100001708"
BUSINESS_ACCOUNT_ID = "102290129340398"
TIMESTAMP = 1764489600  # 2025-11-30 08:00 UTC
SENDER = "6281234567890"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeWhatsApp:
    base: str = ""  # the API's URL with its version: what WHATSAPP_API_URL points at
    origin: str = ""  # scheme, host and port, where the media files are served
    token: str = TOKEN
    phone_number_id: str = PHONE_NUMBER_ID
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # id → bytes, type
    # Answer media without file_size, and the file without Content-Length (read
    # to the end of the connection), so only counting the bytes finds the size.
    hide_sizes: bool = False
    throttled: bool = False  # every API call gets 429 with Graph code 130429
    retry_after: int = 0  # non-zero: the 429 says so in Retry-After
    fail_status: int = 0  # non-zero: every API call gets this status
    fail_message: str = ""  # what such a failure says, if not the usual
    requests: list[Request] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # bodies of sent messages
    read: list[str] = field(default_factory=list)  # ids marked read
    _counter: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def new_message_id(self) -> str:
        with self._lock:
            self._counter += 1
            return f"wamid.{self._counter}"


def _graph_error(message: str, *, code: int, details: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEf123456-fake",
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


_INVALID = "(#100) Invalid parameter"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWhatsApp

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _record(self, body: Any) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fake.requests.append(Request(self.command, parts.path, query, headers, body))
        return parts.path, query

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _refused(self) -> bool:
        """Answers for a wrong token, a rate limit or an outage; whether it did."""
        fake = self.fake
        if self.headers.get("Authorization") != f"Bearer {fake.token}":
            self._json(
                401,
                _graph_error("Invalid OAuth access token - Cannot parse access token", code=190),
            )
            return True
        if fake.throttled:
            headers = {"Retry-After": str(fake.retry_after)} if fake.retry_after else {}
            body = _graph_error(
                "(#130429) Rate limit hit",
                code=130429,
                details="Cloud API message throughput has been reached.",
            )
            self._json(429, body, headers)
            return True
        if fake.fail_status:
            server_side = fake.fail_status >= 500
            message = fake.fail_message or (
                "Service temporarily unavailable" if server_side else _INVALID
            )
            self._json(fake.fail_status, _graph_error(message, code=2 if server_side else 100))
            return True
        return False

    def _unknown_object(self, object_id: str) -> None:
        self._json(
            400,
            _graph_error(
                f"Unsupported request - method type: {self.command.lower()}. Object with ID "
                f"'{object_id}' does not exist, cannot be loaded due to missing permissions, "
                "or does not support this operation.",
                code=100,
            ),
        )

    def do_GET(self) -> None:
        path, query = self._record(None)
        if path.startswith("/media-files/"):
            self._media_file(path.removeprefix("/media-files/"))
            return
        if self._refused():
            return
        media_id = path.removeprefix(f"/{VERSION}/")
        owner = query.get("phone_number_id", self.fake.phone_number_id)
        if media_id not in self.fake.media or owner != self.fake.phone_number_id:
            self._unknown_object(media_id)
            return
        data, mime_type = self.fake.media[media_id]
        answer: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "url": f"{self.fake.origin}/media-files/{media_id}?ext=bin&hash=fake",
            "mime_type": mime_type,
            "sha256": hashlib.sha256(data).hexdigest(),
            "id": media_id,
        }
        if not self.fake.hide_sizes:
            answer["file_size"] = str(len(data))
        self._json(200, answer)

    def _media_file(self, media_id: str) -> None:
        """The media host: the file itself, for the bearer token only."""
        if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
            self._json(401, _graph_error("Invalid OAuth access token", code=190))
            return
        if media_id not in self.fake.media:
            self._json(404, _graph_error("Not found", code=100))
            return
        data, mime_type = self.fake.media[media_id]
        self.send_response(200)
        self.send_header("Content-Type", mime_type)
        if not self.fake.hide_sizes:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # The client may stop reading past its limit and hang up.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            body = None
        path, _query = self._record(body)
        if self._refused():
            return
        phone_number_id, _, rest = path.removeprefix(f"/{VERSION}/").partition("/")
        if rest != "messages" or phone_number_id != self.fake.phone_number_id:
            self._unknown_object(phone_number_id)
            return
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            self._json(400, _graph_error(_INVALID, code=100))
        elif body.get("status") == "read":
            self.fake.read.append(str(body.get("message_id")))
            self._json(200, {"success": True})
        elif _message_valid(body):
            self.fake.sent.append(body)
            answer: dict[str, Any] = {"id": self.fake.new_message_id()}
            if body["type"] == "template":
                answer["message_status"] = "accepted"
            to = body["to"]
            self._json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": to}],
                    "messages": [answer],
                },
            )
        else:
            self._json(400, _graph_error(_INVALID, code=100))


def _message_valid(body: dict[str, Any]) -> bool:
    """A message the Cloud API would take: to a number, of a type we send, with
    the object of that type."""
    to, kind = body.get("to"), body.get("type")
    return (
        isinstance(to, str)
        and to.isdigit()
        and kind in ("text", "interactive", "template")
        and isinstance(body.get(kind), dict)
    )


@contextmanager
def fake_whatsapp_server() -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    fake.origin = f"http://127.0.0.1:{server.server_address[1]}"
    fake.base = f"{fake.origin}/{VERSION}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- Webhook deliveries ------------------------------------------------------------------


def signed(payload: dict[str, Any], secret: str) -> tuple[bytes, str]:
    """The body Meta would post and its ``X-Hub-Signature-256`` header value."""
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(*values: dict[str, Any]) -> dict[str, Any]:
    """A webhook delivery of one entry whose ``messages`` changes carry ``values``."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": BUSINESS_ACCOUNT_ID,
                "changes": [{"value": value, "field": "messages"} for value in values],
            }
        ],
    }


def merged(*deliveries: dict[str, Any]) -> dict[str, Any]:
    """One delivery with the entries of all ``deliveries``, as Meta batches them."""
    return {
        "object": "whatsapp_business_account",
        "entry": [entry for one in deliveries for entry in one["entry"]],
    }


def change_value(**parts: Any) -> dict[str, Any]:
    """The ``value`` of a change to our number, with ``parts`` (contacts,
    messages, statuses) added."""
    return {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": DISPLAY_PHONE_NUMBER,
            "phone_number_id": PHONE_NUMBER_ID,
        },
        **parts,
    }


def text_message(
    sender: str, text: str, *, message_id: str, name: str = "Warga", timestamp: int = TIMESTAMP
) -> dict[str, Any]:
    """A delivery of one text message from ``sender`` (digits)."""
    return delivery(
        change_value(
            contacts=[{"profile": {"name": name}, "wa_id": sender}],
            messages=[
                {
                    "from": sender,
                    "id": message_id,
                    "timestamp": str(timestamp),
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        )
    )


def status_update(
    message_id: str,
    status: str,
    *,
    recipient: str = SENDER,
    timestamp: int = TIMESTAMP,
    error_code: int = 131047,
    error_title: str = "Re-engagement message",
    error_details: str = (
        "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number."
    ),
) -> dict[str, Any]:
    """A delivery of one status of our message ``message_id``; a "failed" one
    carries the error (by default: the 24-hour window had closed)."""
    update: dict[str, Any] = {
        "id": message_id,
        "status": status,
        "timestamp": str(timestamp),
        "recipient_id": recipient,
    }
    if status == "failed":
        update["errors"] = [
            {
                "code": error_code,
                "title": error_title,
                "message": error_title,
                "error_data": {"details": error_details},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ]
    else:
        update["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    return delivery(change_value(statuses=[update]))
