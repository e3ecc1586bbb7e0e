"""Every page sends the Content-Security-Policy (no inline script, no inline style
but the admin's nonced one), Referrer-Policy, Permissions-Policy and COOP, and no
page holds what that policy would block: an inline script, an on* handler, a
javascript: address, a style attribute, a <style> without the nonce, or a file from
another site. Production's HTTPS redirect spares the load balancer's probes, and
the proxy's HTTPS header is believed from a trusted proxy only."""

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from aduan.reports import services
from aduan.reports.models import Report
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

_SCRIPT_DATA_TYPES = frozenset({"application/json", "application/ld+json"})


class _Blocked(HTMLParser):
    """Collects what a strict policy (script-src 'self'; style-src 'self' + nonce)
    would block in a page."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
            if name in ("href", "src") and re.match(r"^(https?:)?//", value or "") and tag != "a":
                self.found.append(f"<{tag} {name}={value}> from another site")
        if (
            tag == "script"
            and "src" not in values
            and values.get("type") not in (_SCRIPT_DATA_TYPES)
        ):
            self.found.append("an inline <script>")
        if tag == "style" and (self.nonce is None or values.get("nonce") != self.nonce):
            self.found.append("a <style> without the response's nonce")


def _policy(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def _problems(name: str, response: Any) -> list[str]:
    if response.status_code != 200:
        return [f"{name}: HTTP {response.status_code}"]
    policy = _policy(response)
    problems = []
    if policy.get("script-src") != ["'self'"]:
        problems.append(f"{name}: script-src is {policy.get('script-src')}")
    if "'unsafe-inline'" in policy.get("style-src", ["'unsafe-inline'"]):
        problems.append(f"{name}: style-src is {policy.get('style-src')}")
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        if policy.get(directive) != ["'none'"]:
            problems.append(f"{name}: {directive} is {policy.get(directive)}")
    nonces = [v[7:-1] for v in policy.get("style-src", []) if v.startswith("'nonce-")]
    blocked = _Blocked(nonces[0] if nonces else None)
    blocked.feed(response.content.decode())
    problems += [f"{name}: {what}" for what in blocked.found]
    for header, value in (
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
    ):
        if response.headers.get(header) != value:
            problems.append(f"{name}: {header} is {response.headers.get(header)!r}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append(
            f"{name}: Permissions-Policy is {response.headers.get('Permissions-Policy')}"
        )
    return problems


@pytest.fixture
def public_report(cast: Any, dispositioned: Callable[..., Report]) -> Report:
    report = dispositioned(title="Jalan berlubang di depan pasar")
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah meninjau.")
    return report


def test_every_page_sends_a_strict_policy_and_holds_nothing_it_blocks(
    cast: Any, public_report: Report, admin_client: Client
) -> None:
    number = public_report.tracking_number
    visitor, citizen = Client(), Client()
    citizen.force_login(cast.owner.user)
    staff = verified_client(cast.liaison.user)
    pages: dict[str, tuple[Client, str]] = {
        "home": (visitor, "/"),
        "login": (visitor, "/masuk"),
        "signup": (visitor, "/daftar"),
        "track": (visitor, "/lacak"),
        "feed": (visitor, "/jelajah?q=jalan"),
        "report": (visitor, f"/laporan/{number}"),
        "report (its reporter)": (citizen, f"/laporan/{number}"),
        "submit": (citizen, "/lapor"),
        "my reports": (citizen, "/laporan-saya"),
        "statistics": (visitor, "/statistik"),
        "methodology": (visitor, "/statistik/metodologi"),
        "open data": (visitor, "/data-terbuka"),
        "back office": (staff, "/kantor/"),
        "back office sign-in": (Client(), "/kantor/masuk"),
        "case page": (staff, f"/kantor/laporan/{number}"),
        "admin": (admin_client, "/admin/"),
        "admin list": (admin_client, "/admin/accounts/user/"),
        "admin form": (admin_client, f"/admin/accounts/user/{cast.liaison.user.pk}/change/"),
        "API docs": (visitor, "/api/v1/docs"),
    }
    problems: list[str] = []
    for name, (client, path) in pages.items():
        problems += _problems(name, client.get(path))
    assert not problems, "\n".join(problems)


def test_error_pages_send_the_policy_too(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/laporan/tidak-ada")
    assert response.status_code == 404
    assert _policy(response)["script-src"] == ["'self'"]


def test_debug_error_pages_stay_readable_in_the_demo(client: Client, settings: Any) -> None:
    """Django's own debug pages style and script inline: in debug mode (the demo
    only) they go without the policy; everything else keeps it."""
    settings.DEBUG = True
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response.headers
    assert "Content-Security-Policy" in client.get("/").headers


@pytest.fixture
def production_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.mark.usefixtures("production_https")
def test_plain_http_is_sent_to_https_but_the_probes_answer() -> None:
    client = Client(REMOTE_ADDR="10.0.0.9")
    response = client.get("/jelajah")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/jelajah"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.usefixtures("production_https")
def test_https_through_the_trusted_proxy_gets_hsts() -> None:
    response = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https").get("/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@pytest.mark.usefixtures("production_https")
def test_the_https_header_from_anyone_else_is_not_believed() -> None:
    response = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https").get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
