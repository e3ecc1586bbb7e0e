"""Verification completes a report (issue 19), in Chromium: an SMS arrives through
the Kannel endpoint without category or place; the national admin finds the
village by name, sets the category and a title, and disposes it to the agency the
routing table now suggests; the public search finds the report, and once the
statistics worker has run, it is counted in its city's figures. Each step is kept
as a screenshot in test-artifacts/."""

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from aduan.reports.models import Channel, Report, State
from aduan.stats.services import stats_update_due
from tests.reports.conftest import Cast

from .conftest import phone_page, screenshot, staff_enrol, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SMS = "LAPOR Jalan Pasuketan berlubang besar dekat Jl. Siliwangi No. 5, motor sering jatuh"
CITY = "32.74"  # Kota Cirebon
VILLAGE = "32.74.05.1003"  # Kesambi, Kec. Kesambi, Kota Cirebon
TITLE = "Jalan Pasuketan berlubang dekat Jl. Siliwangi"


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, response.read().decode()


def _received_in(server: str, region: str) -> int:
    status, body = _get(f"{server}/api/v1/stats/metrics?region={region}")
    assert status == 200
    return int(json.loads(body)["figures"]["received"])


def test_an_sms_report_verified_into_a_category_and_a_village(
    browser: Browser, server: str, cast: Cast
) -> None:
    # The citizen's SMS, as the Kannel gateway on this host passes it on.
    query = urllib.parse.urlencode(
        {"from": "+628129990001", "to": "1708", "text": SMS, "smsc": "fake"}
    )
    status, reply = _get(f"{server}/channels/sms/kannel?{query}")
    assert status == 200
    report = Report.objects.get(channel=Channel.SMS)
    assert report.tracking_number in reply.replace(" ", "")
    assert (report.category_id, report.region_id) == (None, None)
    # Not yet in the city's figures: it has no place.
    while stats_update_due():
        pass
    assert _received_in(server, CITY) == 0

    national = cast.national.user
    assert national is not None
    key = staff_enrol(national)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        page = context.new_page()
        staff_sign_in(page, national, key, server)
        page.goto(f"{server}/kantor/laporan/{report.tracking_number}")
        expect(page.get_by_text("Tidak ada aturan rute yang cocok")).to_be_visible()
        form = page.get_by_role("form", name="Lengkapi atau koreksi laporan")
        form.get_by_label("Kategori").select_option(label="Jalan rusak / berlubang")
        # The place search: part of the village's name fills the list to choose from.
        place = form.get_by_label("Wilayah")
        place.fill("Kesambi")
        first = page.locator("#place-options option").first
        expect(first).to_have_attribute("value", re.compile(rf"^{re.escape(VILLAGE)} · Kesambi"))
        screenshot(page, "verify-1-place-search")
        place.fill(str(first.get_attribute("value")))
        form.get_by_label("Judul").fill(TITLE)
        # The form as filled in passes axe-core (the page around it is another
        # test's: tests/e2e/test_quality.py).
        results = Axe().run(page, context="section.actions")
        assert results.violations_count == 0, results.generate_report()
        form.get_by_role("button", name="Simpan data laporan").click()
        expect(page.get_by_text("Data laporan sudah disimpan.")).to_be_visible()
        expect(page.get_by_text("Dilengkapi saat verifikasi")).to_be_visible()
        expect(page.get_by_text("Kategori: — → Jalan rusak / berlubang")).to_be_visible()
        # Routing now reads the category and the place.
        accept = page.get_by_role("form", name="Verifikasi dan setujui saran")
        expect(accept).to_contain_text("Pemerintah Kota Cirebon")
        screenshot(page, "verify-2-completed")
        accept.get_by_role("button", name="Verifikasi dan disposisikan").click()
        expect(page.get_by_text("Laporan sudah diverifikasi dan didisposisikan.")).to_be_visible()
    finally:
        context.close()

    report.refresh_from_db()
    assert report.state == State.DISPOSITIONED and report.region_id == VILLAGE
    assert report.title == TITLE and report.agency == cast.kota

    # Found by the public search…
    with phone_page(browser) as phone:
        phone.goto(f"{server}/jelajah?q=Pasuketan")
        expect(phone.get_by_role("link", name=TITLE)).to_be_visible()
        screenshot(phone, "verify-3-search")

        # …and counted in its city's statistics once the worker has run.
        while stats_update_due():
            pass
        assert _received_in(server, CITY) == 1
        assert _received_in(server, "32.09") == 0  # not in the regency next door
        phone.goto(f"{server}/statistik/wilayah/{CITY}")
        by_category = phone.get_by_role("region", name="Laporan per kategori")
        expect(by_category).to_contain_text("Infrastruktur dan Fasilitas Umum")
        screenshot(phone, "verify-4-statistics")
