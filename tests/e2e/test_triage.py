"""Suggestions where people decide (issue 20), in Chromium: with models learned from
a verified history, an SMS arrives through the Kannel endpoint without category or
place; the national admin sees the suggested categories and agencies with their
confidence and words, finds the category and the place read from the text already
filled in, saves them as they are, and disposes to the suggested agency with one
press. Each step is kept as a screenshot in test-artifacts/."""

import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from aduan.agencies.models import Agency
from aduan.reports.models import Channel, Report, State
from aduan.triage.models import Kind, SuggestionRecord, TriageModel
from aduan.triage.services import triage_train
from tests.reports.conftest import Cast
from tests.triage.history import history_make

from .conftest import screenshot, staff_enrol, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SMS = "LAPOR Listrik PLN padam setiap malam di Kelurahan Kesambi, Kota Cirebon. Pompa air rusak."
VILLAGE = "32.74.05.1003"  # Kesambi, Kec. Kesambi, Kota Cirebon


def test_the_admin_completes_an_sms_report_with_the_prefilled_suggestions(
    browser: Browser, server: str, cast: Cast, settings: Any
) -> None:
    settings.TRIAGE_MIN_REPORTS = 20
    history_make(cast, per_topic=12)
    assert all(result.model is not None for result in triage_train(check=False))
    query = urllib.parse.urlencode(
        {"from": "+628129990002", "to": "1708", "text": SMS, "smsc": "fake"}
    )
    with urllib.request.urlopen(f"{server}/channels/sms/kannel?{query}", timeout=10) as answer:  # noqa: S310 - loopback
        assert answer.status == 200
    report = Report.objects.get(channel=Channel.SMS)
    assert (report.category_id, report.region_id) == (None, None)
    pln = Agency.objects.get(code="pln")

    national = cast.national.user
    assert national is not None
    key = staff_enrol(national)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        page = context.new_page()
        staff_sign_in(page, national, key, server)
        page.goto(f"{server}/kantor/laporan/{report.tracking_number}")
        triage = page.locator("#triage")
        expect(triage).to_contain_text("Saran dari riwayat laporan")
        expect(triage).to_contain_text("Pemadaman")
        expect(triage).to_contain_text(re.compile(r"keyakinan \d{1,3}%"))
        expect(triage).to_contain_text("Kata yang paling menentukan")
        expect(triage).to_contain_text(pln.name)
        for model in TriageModel.objects.filter(is_active=True):
            expect(triage).to_contain_text(model.version)
        screenshot(page, "triage-1-suggestions")

        # The completing form holds the suggestions; the admin only saves it.
        form = page.get_by_role("form", name="Lengkapi atau koreksi laporan")
        expect(form.get_by_label("Kategori")).to_have_value("listrik.pemadaman")
        expect(form.get_by_label("Wilayah")).to_have_value(re.compile(rf"^{re.escape(VILLAGE)} · "))
        assert Report.objects.get(pk=report.pk).category_id is None  # nothing set yet
        form.get_by_role("button", name="Simpan data laporan").click()
        expect(page.get_by_text("Data laporan sudah disimpan.")).to_be_visible()
        expect(page.get_by_text("Kategori: — → Pemadaman listrik")).to_be_visible()
        screenshot(page, "triage-2-completed")

        # The suggested agency, one press away.
        suggested = page.locator("#triage li", has_text=pln.name)
        suggested.get_by_role("button", name="Verifikasi dan disposisikan ke instansi ini").click()
        expect(page.get_by_text("Laporan sudah diverifikasi dan didisposisikan.")).to_be_visible()
        screenshot(page, "triage-3-disposed")
    finally:
        context.close()

    report.refresh_from_db()
    assert report.state == State.DISPOSITIONED and report.agency == pln
    assert report.region_id == VILLAGE and report.category is not None
    assert report.category.code == "listrik.pemadaman"
    # What was shown is kept with the models that made it.
    kept = SuggestionRecord.objects.filter(report=report)
    assert {record.kind for record in kept} == {Kind.CATEGORY, Kind.AGENCY}
