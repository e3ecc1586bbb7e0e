"""The quality bars of every citizen page, in Chromium on a phone: axe-core finds no
WCAG violation, and a first load transfers at most 150 KB."""

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from aduan.reports import services
from aduan.reports.models import Report

from .conftest import ARTIFACTS, PAGE_BUDGET, page_weight, screenshot, sign_in

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


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_is_accessible_and_light(
    phone: Page, server: str, cast: Any, answered: Report, name: str
) -> None:
    assert cast.owner.user is not None
    if name not in AS_VISITOR:
        sign_in(phone, cast.owner.user, server)
    weight, loaded = page_weight(
        phone, server + PAGES[name].format(number=answered.tracking_number)
    )
    screenshot(phone, f"quality-{name}")
    with (ARTIFACTS / "page-weights.txt").open("a") as record:
        record.write(f"{name}\t{weight}\t{len(loaded)} files\n")
    assert weight <= PAGE_BUDGET, (weight, loaded)
    results = Axe().run(phone)
    assert results.violations_count == 0, results.generate_report()
