"""The quality bars of every citizen page, in Chromium on a phone: axe-core finds no
WCAG violation, and a first load transfers at most 150 KB."""

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from aduan.reports import services
from aduan.reports.models import Report

from .conftest import ARTIFACTS, PAGE_BUDGET, page_weight, phone_page, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Each page by its address; {number} is a public, answered report of the signed-in
# citizen. The account pages are seen as a visitor.
PAGES = {
    "home": "/",
    "submit": "/lapor",
    "follow": "/lacak",
    "feed": "/jelajah",
    "search": "/jelajah?q=jalan",
    "report": "/laporan/{number}",
    "report-public": "/laporan/{number}",
    "my-reports": "/laporan-saya",
    "signup": "/daftar",
    "login": "/masuk",
}
AS_VISITOR = frozenset({"report-public", "signup", "login"})


@pytest.fixture
def answered(cast: Any, dispositioned: Callable[..., Report]) -> Report:
    report = dispositioned(title="Jalan berlubang di depan pasar")
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah meninjau.")
    services.report_answer(actor=cast.liaison, report=report, text="Lubang sudah ditambal.")
    return report


def test_every_citizen_page_is_accessible_and_light(
    browser: Browser, server: str, cast: Any, answered: Report
) -> None:
    """One test for all pages (each in a fresh profile, so each is a first load):
    the data is made once, and every failing page is named at once."""
    assert cast.owner.user is not None
    problems: list[str] = []
    weights = []
    for name, path in PAGES.items():
        with phone_page(browser) as phone:
            if name not in AS_VISITOR:
                sign_in(phone, cast.owner.user, server)
            weight, loaded = page_weight(
                phone, server + path.format(number=answered.tracking_number)
            )
            screenshot(phone, f"quality-{name}")
            weights.append(f"{name}\t{weight}\t{len(loaded)} files\n")
            if weight > PAGE_BUDGET:
                problems.append(f"{name}: {weight} bytes, over the budget: {loaded}")
            results = Axe().run(phone)
            if results.violations_count:
                problems.append(f"{name}: {results.generate_report()}")
    (ARTIFACTS / "page-weights.txt").write_text("".join(weights))
    assert not problems, "\n\n".join(problems)
