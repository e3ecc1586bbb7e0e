"""The service counter in Chromium: an agency admin signs in, types in a walk-in
citizen's report, and gets the receipt to print, its screenshot kept in
test-artifacts/."""

import pytest
from playwright.sync_api import Browser, expect

from aduan.outbox.models import Message
from aduan.reports.models import Channel, Report
from aduan.reports.tracking import tracking_number_display
from tests.reports.conftest import Cast

from .conftest import screenshot, staff_enrol, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_walk_in_report_is_typed_in_and_its_receipt_printed(
    browser: Browser, server: str, cast: Cast
) -> None:
    admin = cast.agency_admin.user
    assert admin is not None
    key = staff_enrol(admin)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        page = context.new_page()
        staff_sign_in(page, admin, key, server)
        page.get_by_role("link", name="Loket: catat laporan warga yang datang langsung").click()
        page.wait_for_url("**/kantor/loket")
        page.get_by_label("Nama warga").fill("Ibu Kartini")
        page.get_by_label("Nomor HP atau surel untuk kabar laporan").fill("0813 1111 2222")
        page.get_by_label("Jenis laporan").select_option("complaint")
        page.get_by_label("Kategori").select_option("infrastruktur.jalan")
        page.get_by_label("Kabupaten/kota kejadian").select_option("32.74")
        page.get_by_label("Judul laporan").fill("Trotoar Jalan Siliwangi amblas")
        page.get_by_label("Isi laporan").fill(
            "Trotoar di depan toko roti amblas sedalam setengah meter, pejalan kaki terpaksa "
            "turun ke jalan."
        )
        screenshot(page, "counter-1-form")
        page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
        page.wait_for_url("**/kantor/loket/*")
        report = Report.objects.get(title="Trotoar Jalan Siliwangi amblas")
        assert report.channel == Channel.COUNTER
        expect(page.get_by_role("heading", name="Tanda terima laporan")).to_be_visible()
        expect(
            page.get_by_text(tracking_number_display(report.tracking_number)).first
        ).to_be_visible()
        screenshot(page, "counter-2-receipt")
        receipt = Message.objects.get(report=report, purpose="receipt")
        assert (receipt.channel, receipt.recipient) == ("sms", "+6281311112222")
    finally:
        context.close()
