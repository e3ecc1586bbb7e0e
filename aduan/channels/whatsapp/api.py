"""The few Graph API calls the WhatsApp channel makes (Cloud API), over plain
HTTPS with the business's access token: sending a text, reply buttons or an
approved template from our number, marking a message read, and downloading the
media a person sent. Every refusal becomes one ``WhatsAppApiError`` that says
whether waiting helps; the token never appears in one.

No call follows a redirect: urllib would carry the bearer token along to
wherever the redirect points. Media is downloaded only from the hosts the Graph
API hands out (``WHATSAPP_MEDIA_HOSTS``) and only up to the size the caller
accepts, however large the file claims or turns out to be."""

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10

# Graph error codes that mean "too many, too fast", whatever the HTTP status that
# carries them: the app's call limit (4), the business account's (80007), the
# number's throughput (130429), and too many messages to one person (131056).
THROTTLING_CODES = frozenset({4, 80007, 130429, 131056})

# Reply buttons of an interactive message, as the Cloud API accepts them.
BUTTONS_MAX = 3
BUTTON_ID_MAX = 256
BUTTON_TITLE_MAX = 20
BUTTONS_BODY_MAX = 1024

_ANSWER_MAX_BYTES = 1_000_000  # far more than any JSON answer of the Graph API
_DETAIL_MAX = 300
_CHUNK_BYTES = 64 * 1024
_MEDIA_ID = re.compile(r"[0-9A-Za-z_-]{1,128}")
_SIZE = re.compile(r"[0-9]{1,18}")
_LOOPBACK = frozenset({"127.0.0.1", "localhost"})


class WhatsAppApiError(Exception):
    """The Graph API refused or could not be reached. ``status`` is its HTTP status
    (0 when it was not reached), ``code`` the Graph error code (0 when none came),
    ``retry_after`` the seconds it asked us to wait, if it said."""

    def __init__(
        self, message: str, *, status: int = 0, code: int = 0, retry_after: int | None = None
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """A refusal that will not change by trying again: a 4xx other than 429
        (a number not on WhatsApp, a template not approved, a bad token), unless
        its Graph code says it is a rate limit after all."""
        if self.code in THROTTLING_CODES:
            return False
        return 400 <= self.status < 500 and self.status != 429


class WhatsAppMediaRefused(WhatsAppApiError):
    """A media file we will not download, now or later: no media id, too large,
    or on a host that is not WhatsApp's."""

    @property
    def permanent(self) -> bool:
        return True


def send_text(to: str, body: str, *, reply_to: str = "") -> str:
    """Sends ``body`` to the WhatsApp id ``to`` (as a reply to the message
    ``reply_to``, when given: WhatsApp shows it quoted); the id of the message."""
    message: dict[str, Any] = {"type": "text", "text": {"preview_url": False, "body": body}}
    if reply_to:
        message["context"] = {"message_id": reply_to}
    return _send(to, message)


def send_buttons(to: str, body: str, buttons: Sequence[tuple[str, str]]) -> str:
    """Sends ``body`` with up to three reply buttons, each an (id, title) pair: a
    tap comes back as an interactive ``button_reply`` with that id. ValueError
    for what the Cloud API would refuse: no or too many buttons, an empty, long
    or repeated id, an empty or long title, an empty or long body."""
    _buttons_check(body, buttons)
    interactive = {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": choice, "title": title}}
                for choice, title in buttons
            ]
        },
    }
    return _send(to, {"type": "interactive", "interactive": interactive})


def send_template(to: str, *, name: str, language: str, parameters: Sequence[str]) -> str:
    """Sends the approved template ``name`` in ``language`` (a code like "id"),
    its body's placeholders filled with ``parameters`` in order: the one kind of
    message that may go out after the 24-hour window has closed."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}
        ]
    return _send(to, {"type": "template", "template": template})


def mark_read(message_id: str) -> None:
    """Marks a message someone sent us as read (the blue ticks they see)."""
    _call(
        "POST",
        _messages_path(),
        body={"messaging_product": "whatsapp", "status": "read", "message_id": message_id},
    )


def media_download(media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
    """The bytes and MIME type of the media ``media_id`` (from an inbound image or
    document). The Graph API first tells where the file is and how large; it is
    fetched only from an allowed host, only if it claims at most ``max_bytes``,
    and reading stops as soon as it turns out larger (``WhatsAppMediaRefused``)."""
    if not _MEDIA_ID.fullmatch(media_id):
        raise WhatsAppMediaRefused("not a WhatsApp media id")
    # phone_number_id: the Graph API answers only for media sent to our number.
    query = urlencode({"phone_number_id": settings.WHATSAPP_PHONE_NUMBER_ID})
    info = _call("GET", f"/{media_id}?{query}")
    url, mime_type = _string(info.get("url")), _string(info.get("mime_type"))
    size = _size(info.get("file_size"))
    if size is not None and size > max_bytes:
        raise WhatsAppMediaRefused(f"media {media_id} has {size} bytes, more than {max_bytes}")
    if not media_url_allowed(url):
        host = _host(url) or "no host"
        raise WhatsAppMediaRefused(f"media {media_id} is on {host}, not an allowed host")
    with _answer(_request("GET", url)) as answer:
        data = _read_at_most(answer, max_bytes=max_bytes, what=f"media {media_id}")
        served_type = answer.headers.get_content_type()
    return data, mime_type or served_type


def media_url_allowed(url: str) -> bool:
    """Whether a media URL the Graph API gave may be fetched with our token: HTTPS
    on a host of ``WHATSAPP_MEDIA_HOSTS`` (plain HTTP only on this machine, for
    a local fake), with no user name in it to confuse who the host is."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is no number)
    except ValueError:
        return False
    host = parts.hostname or ""
    allowed = {h.lower() for h in settings.WHATSAPP_MEDIA_HOSTS}
    if not host or host not in allowed or parts.username is not None or "\\" in url:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)


# -- Sending ------------------------------------------------------------------------------


def _messages_path() -> str:
    return f"/{quote(settings.WHATSAPP_PHONE_NUMBER_ID, safe='')}/messages"


def _send(to: str, message: dict[str, Any]) -> str:
    answer = _call(
        "POST",
        _messages_path(),
        body={"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message},
    )
    sent = answer.get("messages")
    message_id = _string(_object(sent[0]).get("id")) if isinstance(sent, list) and sent else ""
    if not message_id:
        # Accepted or not, we cannot tell; trying again risks a duplicate, which
        # is better than a notice never sent.
        raise WhatsAppApiError("WhatsApp answered without a message id", status=200)
    return message_id


def _buttons_check(body: str, buttons: Sequence[tuple[str, str]]) -> None:
    if not body or len(body) > BUTTONS_BODY_MAX:
        raise ValueError(f"a body of 1 to {BUTTONS_BODY_MAX} characters is needed")
    if not 1 <= len(buttons) <= BUTTONS_MAX:
        raise ValueError(f"1 to {BUTTONS_MAX} buttons are needed, not {len(buttons)}")
    for choice, title in buttons:
        if not choice or len(choice) > BUTTON_ID_MAX or choice != choice.strip():
            raise ValueError(
                f"a button id of 1 to {BUTTON_ID_MAX} characters, no blanks around, is needed"
            )
        if not title or len(title) > BUTTON_TITLE_MAX:
            raise ValueError(f"a button title of 1 to {BUTTON_TITLE_MAX} characters is needed")
    if len({choice for choice, _title in buttons}) != len(buttons):
        raise ValueError("each button needs its own id")


# -- Talking to the Graph API -------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx answer then fails as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def _call(method: str, path: str, *, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """One call to the configured Graph API; its JSON answer (an object)."""
    if not settings.WHATSAPP_ACCESS_TOKEN or not settings.WHATSAPP_PHONE_NUMBER_ID:
        # Not "permanent": the message waits until the channel is configured.
        raise WhatsAppApiError(
            "WhatsApp is not configured (ADUAN_WHATSAPP_ACCESS_TOKEN, "
            "ADUAN_WHATSAPP_PHONE_NUMBER_ID)"
        )
    url = f"{settings.WHATSAPP_API_URL.rstrip('/')}{path}"
    data = None if body is None else json.dumps(body).encode()
    with _answer(_request(method, url, data=data)) as answer:
        raw = answer.read(_ANSWER_MAX_BYTES)
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        raise WhatsAppApiError(
            "WhatsApp answered with something that is no JSON", status=answer.status
        ) from None
    return parsed if isinstance(parsed, dict) else {}


def _request(method: str, url: str, *, data: bytes | None = None) -> urllib.request.Request:
    request = urllib.request.Request(  # noqa: S310 (the configured API, or an allowed media host)
        url, data=data, method=method
    )
    request.add_header("Authorization", f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    return request


@contextmanager
def _answer(request: urllib.request.Request) -> Iterator[http.client.HTTPResponse]:
    """The open answer to ``request``; a refusal, or a connection that fails
    before or while it is read, as a ``WhatsAppApiError``."""
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            yield answer
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise WhatsAppApiError(_without_token(f"WhatsApp unreachable: {error}")) from None


def _refusal(error: urllib.error.HTTPError) -> WhatsAppApiError:
    """The error for an HTTP refusal, from the Graph error in its body
    (``{"error": {"message", "type", "code", "error_data": {"details"}, …}}``)."""
    try:
        raw = error.read(4000)
    except (OSError, http.client.HTTPException):
        raw = b""
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    graph = _object(_object(parsed).get("error"))
    if graph:
        code = _code(graph.get("code"))
        words = (
            _string(graph.get("message")),
            _string(_object(graph.get("error_data")).get("details")),
        )
        detail = " ".join(word for word in words if word)
    else:
        code, detail = 0, raw.decode("utf-8", "replace").strip()
    coded = f" (code {code})" if code else ""
    text = f"WhatsApp answered {error.code}{coded}: {detail[:_DETAIL_MAX]}"
    return WhatsAppApiError(
        _without_token(text),
        status=error.code,
        code=code,
        retry_after=_size(error.headers.get("Retry-After")),
    )


def _read_at_most(answer: http.client.HTTPResponse, *, max_bytes: int, what: str) -> bytes:
    """The body of ``answer``, refused as soon as it says or proves to be larger
    than ``max_bytes`` (no more than that is ever read)."""
    declared = _size(answer.headers.get("Content-Length"))
    if declared is not None and declared > max_bytes:
        raise WhatsAppMediaRefused(f"{what} has {declared} bytes, more than {max_bytes}")
    chunks: list[bytes] = []
    total = 0
    while chunk := answer.read(min(_CHUNK_BYTES, max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise WhatsAppMediaRefused(f"{what} has more than {max_bytes} bytes")
    return b"".join(chunks)


def _without_token(text: str) -> str:
    """``text`` with the access token blanked out, should an answer or an
    exception ever quote it."""
    token = settings.WHATSAPP_ACCESS_TOKEN
    return text.replace(token, "[token]") if token else text


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _code(value: object) -> int:
    """A Graph error code (a number), or 0."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**9:
        return value
    return 0


def _size(value: object) -> int | None:
    """A byte count or a number of seconds, given as a number or as digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _SIZE.fullmatch(value.strip()):
        return int(value)
    return None


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
