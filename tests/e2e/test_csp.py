"""The Content-Security-Policy as Chromium enforces it: on the main pages of each
kind of visitor no script, style or image is blocked (no `securitypolicyviolation`
event, no CSP message in the console), and the pages that need script still work
under it (the region picker fills itself; Swagger UI draws the API)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from aduan.reports import services
from aduan.reports.models import Report
from tests.conftest import verified_client

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script, outside the page's policy (Playwright's init script):
# keeps every violation the page reports.
_RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


class Watched:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(_RECORD)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(message.text)

    def problems(self, name: str) -> list[str]:
        found = [f"{name}: {v}" for v in self.page.evaluate("window.__violations || []")]
        found += [f"{name}: console: {text}" for text in self.console]
        self.console.clear()
        return found


@pytest.fixture
def watched(browser: Browser) -> Iterator[Callable[..., Watched]]:
    contexts: list[Any] = []

    def open_page() -> Watched:
        context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="id-ID")
        contexts.append(context)
        return Watched(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


def _staff_sign_in(page: Page, user: Any, server: str) -> None:
    """A staff session past the second factor, as the staff sign-in leaves it."""
    session = verified_client(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": server}])


@pytest.fixture
def report(cast: Any, dispositioned: Callable[..., Report]) -> Report:
    made = dispositioned(title="Jalan berlubang di depan pasar")
    services.report_follow_up(actor=cast.liaison, report=made, text="Tim sudah meninjau.")
    return made


def test_no_page_has_anything_blocked_by_the_policy(
    watched: Callable[[], Watched], server: str, cast: Any, report: Report
) -> None:
    number = report.tracking_number
    problems: list[str] = []

    visitor = watched()
    for name, path in {
        "home": "/",
        "feed": "/jelajah?q=jalan",
        "report": f"/laporan/{number}",
        "statistics": "/statistik",
        "open data": "/data-terbuka",
    }.items():
        visitor.page.goto(server + path, wait_until="networkidle")
        problems += visitor.problems(name)

    citizen = watched()
    sign_in(citizen.page, cast.owner.user, server)
    citizen.page.goto(server + "/lapor", wait_until="networkidle")
    # The region picker's script runs under the policy: choosing a province fills
    # the regencies from the API.
    citizen.page.locator('select[data-level="province"]').select_option("32")
    regency = citizen.page.locator('select[data-level="regency"]')
    expect(regency.locator('option[value="32.74"]')).to_have_count(1)
    problems += citizen.problems("report form")

    staff = watched()
    _staff_sign_in(staff.page, cast.liaison.user, server)
    staff.page.goto(server + f"/kantor/laporan/{number}", wait_until="networkidle")
    expect(staff.page.get_by_text("Jalan berlubang di depan pasar").first).to_be_visible()
    problems += staff.problems("case page")

    admin = watched()
    national = cast.national.user
    national.is_staff = True  # the admin admits national admins with staff status
    national.save(update_fields=["is_staff"])
    _staff_sign_in(admin.page, national, server)
    for name, path in {
        "admin": "/admin/",
        "admin list": "/admin/accounts/user/",
        "admin form": f"/admin/accounts/user/{cast.liaison.user.pk}/change/",
    }.items():
        admin.page.goto(server + path, wait_until="networkidle")
        expect(admin.page).to_have_url(server + path)  # not sent to a sign-in
        problems += admin.problems(name)

    docs = watched()
    docs.page.goto(server + "/api/v1/docs", wait_until="networkidle")
    expect(docs.page.locator(".swagger-ui .opblock").first).to_be_visible()
    problems += docs.problems("API docs")

    assert not problems, "\n".join(problems)
