"""A local stand-in for the X API v2, speaking its documented request and answer
shapes: the mentions timeline (newest first, ``since_id``, ``max_results`` pages
with ``meta.next_token`` / ``pagination_token``, the ``author_id`` and
``attachments.media_keys`` expansions), the direct message events (newest first,
``pagination_token``, the ``sender_id`` expansion), ``POST /2/tweets``, sending
direct messages, the media host, and a rate limit (429 with
``x-rate-limit-reset``) at the flip of a switch. Every request is recorded."""

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeX:
    base: str = ""
    # Mentions: v2 post objects, any order; users and media for the expansions.
    posts: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    # Direct message events (v2 dm_event objects), any order.
    directs: list[dict[str, Any]] = field(default_factory=list)
    page_size: int | None = None  # None: honour max_results
    files: dict[str, bytes] = field(default_factory=dict)  # path → bytes on the media host
    media_status: int = 0  # non-zero: the media host answers this status
    rate_limited_until: int = 0  # epoch seconds; non-zero: every API call gets 429
    fail_status: int = 0  # non-zero: every API call gets this status
    requests: list[Request] = field(default_factory=list)
    _next_id: int = 1900000000000000000

    def calls(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def mentions_page(self, query: dict[str, str]) -> dict[str, Any]:
        since = int(query.get("since_id", "0") or 0)
        size = self.page_size or int(query.get("max_results", "10"))
        newer = sorted((p for p in self.posts if int(p["id"]) > since), key=lambda p: -int(p["id"]))
        start = int(query.get("pagination_token", "0") or 0)
        page = newer[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"], meta["oldest_id"] = page[0]["id"], page[-1]["id"]
        if start + size < len(newer):
            meta["next_token"] = str(start + size)
        answer: dict[str, Any] = {"meta": meta}
        if page:
            answer["data"] = page
            authors = {p.get("author_id") for p in page}
            keys = {k for p in page for k in (p.get("attachments") or {}).get("media_keys", [])}
            answer["includes"] = {
                "users": [u for u in self.users if u["id"] in authors],
                "media": [m for m in self.media if m["media_key"] in keys],
            }
        return answer

    def directs_page(self, query: dict[str, str]) -> dict[str, Any]:
        """``GET /2/dm_events``: newest first, ``max_results`` a page, ``next_token``
        to go on; no ``since_id`` (X offers none there)."""
        size = self.page_size or int(query.get("max_results", "100"))
        kinds = set(query.get("event_types", "MessageCreate").split(","))
        events = sorted(
            (e for e in self.directs if e.get("event_type") in kinds), key=lambda e: -int(e["id"])
        )
        start = int(query.get("pagination_token", "0") or 0)
        page = events[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if start + size < len(events):
            meta["next_token"] = str(start + size)
        answer: dict[str, Any] = {"meta": meta}
        if page:
            answer["data"] = page
            senders = {e.get("sender_id") for e in page}
            answer["includes"] = {"users": [u for u in self.users if u["id"] in senders]}
        return answer

    def direct(self, *, sender_id: str, text: str) -> dict[str, Any]:
        """A direct message to the account, as ``GET /2/dm_events`` lists it."""
        event = {
            "id": self.new_id(),
            "event_type": "MessageCreate",
            "text": text,
            "sender_id": sender_id,
            "dm_conversation_id": f"{sender_id}-1708",
            "created_at": "2026-11-30T08:00:00.000Z",
        }
        self.directs.append(event)
        return event


class _Handler(BaseHTTPRequestHandler):
    fake: FakeX

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
        fake = self.fake
        if fake.rate_limited_until:
            self._json(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(fake.rate_limited_until)},
            )
            return True
        if fake.fail_status:
            self._json(fake.fail_status, {"title": "Error", "status": fake.fail_status})
            return True
        return False

    def do_GET(self) -> None:
        path, query = self._record(None)
        if path.startswith("/media/") and self.fake.media_status:
            self._json(self.fake.media_status, {"title": "Error"})
            return
        if path in self.fake.files:
            data = self.fake.files[path]
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if path.startswith("/2/users/") and path.endswith("/mentions"):
            if not self._refused():
                self._json(200, self.fake.mentions_page(query))
            return
        if path == "/2/dm_events":
            if not self._refused():
                self._json(200, self.fake.directs_page(query))
            return
        self._json(404, {"title": "Not Found Error", "status": 404})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"null")
        path, _query = self._record(body)
        if self._refused():
            return
        if path == "/2/tweets":
            self._json(201, {"data": {"id": self.fake.new_id(), "text": body["text"]}})
        elif path.startswith("/2/dm_conversations/with/") and path.endswith("/messages"):
            self._json(
                201, {"data": {"dm_conversation_id": "1-2", "dm_event_id": self.fake.new_id()}}
            )
        else:
            self._json(404, {"title": "Not Found Error", "status": 404})


@contextmanager
def fake_x_server() -> Iterator[FakeX]:
    fake = FakeX()
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
