import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import screenshot

# The app's process reads the test database, which must exist even when these tests
# run alone.
pytestmark = pytest.mark.django_db


def test_home_in_indonesian_then_english_on_a_phone(phone: Page, server: str) -> None:
    phone.goto(server + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Sampaikan pengaduan")
    expect(phone.get_by_text("83.762")).to_be_visible()
    screenshot(phone, "home-id")

    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Submit your complaint")
    screenshot(phone, "home-en")


def test_home_has_no_accessibility_violations(phone: Page, server: str) -> None:
    phone.goto(server + "/")
    results = Axe().run(phone)
    assert results.violations_count == 0, results.generate_report()
