"""The few calls to the X API v2 the channel makes, over plain HTTPS with a
bearer token: reading the mentions timeline (the app's token), posting replies
and sending direct messages (the service account's user token). Every refusal
becomes one ``XApiError`` that says whether waiting helps."""

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

TIMEOUT_SECONDS = 10


class XApiError(Exception):
    """X refused or could not be reached. ``status`` is X's HTTP status (0 when
    it was not reached); ``reset_at`` when a rate limit lifts (429)."""

    def __init__(self, message: str, *, status: int = 0, reset_at: datetime | None = None):
        super().__init__(message)
        self.status = status
        self.reset_at = reset_at

    @property
    def permanent(self) -> bool:
        """A refusal that will not change by trying again: a 4xx other than 429
        (a deleted post, a reporter who does not accept direct messages)."""
        return 400 <= self.status < 500 and self.status != 429


def x_get(path: str, *, query: dict[str, str], token: str) -> dict[str, Any]:
    return _call("GET", f"{path}?{urlencode(query)}", token=token)


def x_post(path: str, *, body: dict[str, Any], token: str) -> dict[str, Any]:
    return _call("POST", path, token=token, body=body)


def x_path(template: str, **ids: str) -> str:
    """An API path with ids put in safely (an id is digits; anything else is
    escaped rather than trusted)."""
    return template.format(**{key: quote(value, safe="") for key, value in ids.items()})


def _call(
    method: str, path: str, *, token: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the configured API's)
        f"{settings.X_API_URL.rstrip('/')}{path}", data=data, method=method
    )
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            raw = answer.read()
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", "replace").strip()
        reset_at = _reset_at(error.headers.get("x-rate-limit-reset", ""))
        when = f" until {reset_at.isoformat()}" if reset_at else ""
        raise XApiError(
            f"X answered {error.code}{when}: {detail}", status=error.code, reset_at=reset_at
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise XApiError(f"X unreachable: {error}") from None
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        raise XApiError("X answered with something that is no JSON") from None
    return parsed if isinstance(parsed, dict) else {}


def _reset_at(raw: str) -> datetime | None:
    """X's ``x-rate-limit-reset``: when the window resets, in epoch seconds."""
    try:
        return datetime.fromtimestamp(int(raw.strip()), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
