"""Callers of the citizen API: the owner (ani) and another citizen (budi) each with
a live token, a revoked token of ani's, and anonymous callers (no token)."""

import zlib
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


@dataclass
class Fuzzing:
    """Real callers and real reports for the Schemathesis run: a citizen (ani) with
    reports in several states, another citizen's public report to support, and an
    agency admin whose agency's keys call /api/v1/agency/... . Also counts the cases."""

    citizen: User
    agency_admin: Any
    tracking_numbers: list[str]
    cases: int = 0

    def citizen_headers(self) -> dict[str, str]:
        # A fresh token each time: a generated DELETE may revoke the one before.
        value, _row = api_token_issue(user=self.citizen, name="schemathesis")
        return bearer(value)

    def agency_headers(self) -> dict[str, str]:
        from aduan.integrations.services import api_key_issue

        issued = api_key_issue(
            actor=self.agency_admin,
            name="schemathesis",
            scopes=["reports:read", "reports:write", "webhooks"],
        )
        return bearer(issued.secret)

    def headers_for(self, case: Any) -> dict[str, str]:
        """Every fourth case (by its content, so the same on every run) is anonymous;
        the others are the agency's under /api/v1/agency, else the citizen's."""
        digest = _digest(case)
        if digest % 4 == 0:
            return {}
        if case.path.startswith("/api/v1/agency"):
            return self.agency_headers()
        return self.citizen_headers()

    def tracking_number_for(self, case: Any) -> str | None:
        """A real tracking number for two cases in three, else None (keep the
        generated one)."""
        digest = _digest(case)
        if digest % 3 == 0 or not self.tracking_numbers:
            return None
        return self.tracking_numbers[digest // 3 % len(self.tracking_numbers)]


def _digest(case: Any) -> int:
    sent = (case.method, case.path, case.path_parameters, case.query, case.body)
    return zlib.crc32(repr(sent).encode())


@pytest.fixture
def fuzzing(cast: Cast, make_report: Any, dispositioned: Any) -> Fuzzing:  # noqa: F811
    from aduan.reporters.services import reporter_for_user
    from aduan.reports import services

    submitted = make_report()
    handled = dispositioned()
    answered = dispositioned()
    services.report_answer(actor=cast.liaison, report=answered, text="Lubang sudah ditambal.")
    asked = make_report()
    services.report_request_info(actor=cast.national, report=asked, reason="Di RT berapa?")
    budi = User.objects.get(username="budi")
    theirs = dispositioned(actor=cast.other_citizen, reporter=reporter_for_user(user=budi))
    return Fuzzing(
        citizen=User.objects.get(username="ani"),
        agency_admin=cast.agency_admin,
        tracking_numbers=[r.tracking_number for r in (submitted, handled, answered, asked, theirs)],
    )
