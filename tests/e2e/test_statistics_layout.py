"""The statistics pages at a desk (1280 px) and on a phone (360 px), in Chromium:
no table is cut — the page itself never scrolls sideways, every wide table scrolls
inside its own container — and axe-core finds no WCAG violation. The staff
dashboard is held to the same."""

from datetime import date
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.stats.rows import handled

from .conftest import screenshot, staff_enrol, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (360, 1280)
PAGES = {
    "national": "/statistik?tahun=2025",
    "province": "/statistik/wilayah/32?tahun=2025",
    "agency": "/statistik/instansi/pemda-32-74?tahun=2025",
    "rankings": "/statistik/peringkat?papan=local&provinsi=32&tahun=2025",
    "methodology": "/statistik/metodologi",
}

# Each element that may be wider than the page, and what holds it: the page must not
# overflow the window, and a table may overflow only a container that scrolls.
_MEASURE = """(desk) => {
  const root = document.scrollingElement;
  const problems = [];
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
  }
  for (const table of document.querySelectorAll('table')) {
    let box = table.parentElement;
    while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') {
      box = box.parentElement;
    }
    const holder = box || document.body;
    const right = table.getBoundingClientRect().right;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(holder).overflowX);
    const name = table.caption ? table.caption.textContent : '';
    if (!scrolls && right > document.documentElement.clientWidth + 1) {
      problems.push(`table "${name}" cut at ${right}`);
    }
    // At a desk every column is in sight: nothing hidden behind a scroll bar.
    if (desk && holder.scrollWidth > holder.clientWidth + 1) {
      problems.push(`table "${name}" scrolls: ${holder.scrollWidth} > ${holder.clientWidth}`);
    }
  }
  return problems;
}"""


def _check(page: Page, name: str, *, desk: bool) -> list[str]:
    problems = [f"{name}: {problem}" for problem in page.evaluate(_MEASURE, desk)]
    results = Axe().run(page)
    if results.violations_count:
        problems.append(f"{name}: {results.generate_report()}")
    screenshot(page, f"statistics-{name}")
    return problems


def test_no_statistics_table_is_cut_at_a_desk_or_on_a_phone(
    browser: Browser, server: str, cast: Any
) -> None:
    for month in range(1, 13):
        for agency, regency, received, on_time in (
            ("pemda-32-74", "32.74", 14, 12),
            ("pemda-32-09", "32.09", 11, 5),
        ):
            handled(agency, date(2025, month, 1), received, on_time, regency=regency)
            handled("", date(2025, month, 1), received, on_time, regency=regency)
    admin = cast.national.user
    key = staff_enrol(admin)
    problems: list[str] = []
    # One profile, resized: the staff member signs in once (a code is good once).
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="id-ID")
    page = context.new_page()
    staff_sign_in(page, admin, key, server)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            page.goto(server + path)
            # The tables behind "see the data" count too.
            for summary in page.locator("details.stats-data > summary").all():
                summary.click()
            problems += _check(page, f"{name}@{width}", desk=width > 1000)
        page.goto(server + "/kantor/statistik?tahun=2025")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Statistik")
        problems += _check(page, f"dashboard@{width}", desk=width > 1000)
    context.close()
    assert not problems, "\n\n".join(problems)
