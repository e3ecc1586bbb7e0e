"""Callers of the citizen API: the owner (ani) and another citizen (budi) each with
a live token, a revoked token of ani's, and anonymous callers (no token)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.accounts.models import User
from aduan.accounts.tokens import api_token_issue
from tests.reports.conftest import Cast, cast, dispositioned, make_report  # noqa: F401

PASSWORD = "kata-sandi-ani-123"


@dataclass
class Tokens:
    owner: str
    other: str
    revoked: str
    expired: str


@pytest.fixture
def tokens(cast: Cast) -> Tokens:  # noqa: F811
    ani = User.objects.get(username="ani")
    budi = User.objects.get(username="budi")
    owner, _ = api_token_issue(user=ani, name="HP Ani")
    other, _ = api_token_issue(user=budi)
    revoked, row = api_token_issue(user=ani, name="HP lama")
    row.revoked_at = timezone.now()
    row.save()
    expired, _ = api_token_issue(user=ani, now=timezone.now() - timedelta(days=365))
    return Tokens(owner=owner, other=other, revoked=revoked, expired=expired)


def bearer(token: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"} if token else {}


def call(
    api: Client, method: str, path: str, token: str | None = None, json: Any = None, **extra: Any
) -> Any:
    """One API request as the holder of ``token`` (None: anonymous), with a JSON body."""
    headers = {**bearer(token), **extra.pop("headers", {})}
    send = getattr(api, method.lower())
    if json is not None:
        return send(path, json, content_type="application/json", headers=headers, **extra)
    return send(path, headers=headers, **extra)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code and body["title"]
    return body
