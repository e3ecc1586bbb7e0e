"""A signed-out citizen reports first, in Chromium on a phone: write the report, give
a phone number, type the code the outbox sent (one wrong try first), and land on the
filed report's page, signed in to the account made on the way. The pages of the
code step pass axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from aduan.accounts.models import ReportDraft
from aduan.outbox.models import Message
from aduan.reports.models import Report

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _outbox_code(recipient: str) -> str:
    message = Message.objects.filter(purpose="otp").latest("id")
    assert message.recipient == recipient
    found = re.search(r"\b\d{6}\b", message.body)
    assert found, message.body
    return found.group()


def _no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert not results.violations_count, results.generate_report()


def test_a_signed_out_citizen_reports_and_confirms_by_code(phone: Page, server: str) -> None:
    phone.goto(server + "/")
    phone.get_by_role("link", name="Buat laporan").click()
    expect(phone.get_by_text("Belum punya akun? Tulis saja laporan Anda")).to_be_visible()
    _no_axe_violations(phone)
    phone.get_by_label("Pengaduan").check()
    phone.get_by_label("Kategori").select_option(label="Jalan rusak / berlubang")
    phone.get_by_label("Provinsi").select_option(label="Jawa Barat")
    regency = phone.get_by_label("Kabupaten/kota")
    expect(regency.locator("option", has_text="Kota Cirebon")).to_have_count(1)
    regency.select_option(label="Kota Cirebon")
    phone.get_by_role("button", name="Lanjut").click()

    phone.get_by_label("Judul laporan").fill("Got mampet di Jalan Pekiringan")
    phone.get_by_label("Isi laporan").fill(
        "Got di depan rumah nomor 12 mampet sejak seminggu, air meluap ke jalan saat hujan."
    )
    phone.get_by_label("Anonim").check()
    screenshot(phone, "report-first-1-details")
    phone.get_by_role("button", name="Lanjut").click()

    # Step 3: the draft is kept; the code goes to the phone.
    expect(phone).to_have_url(re.compile(r"/lapor/konfirmasi$"))
    expect(phone.get_by_text("Got mampet di Jalan Pekiringan")).to_be_visible()
    assert ReportDraft.objects.count() == 1 and not Report.objects.exists()
    _no_axe_violations(phone)
    phone.get_by_label("Nama lengkap").fill("Dedi Kurniawan")
    phone.get_by_label("Nomor HP atau surel").fill("0812 3456 7123")
    phone.get_by_role("button", name="Kirim kode").click()

    code = _outbox_code("+6281234567123")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    phone.get_by_label("Kode 6 angka").fill(wrong)
    phone.get_by_role("button", name="Konfirmasi dan kirim laporan").click()
    expect(phone.get_by_text("Kode salah. Sisa 4 percobaan.")).to_be_visible()
    expect(phone.get_by_text("Got mampet di Jalan Pekiringan")).to_be_visible()
    _no_axe_violations(phone)
    screenshot(phone, "report-first-2-wrong-code")

    phone.reload()  # a reload loses nothing either
    phone.get_by_label("Kode 6 angka").fill(code)
    phone.get_by_role("button", name="Konfirmasi dan kirim laporan").click()

    number_shown = phone.locator(".big-number")
    expect(number_shown).to_be_visible()
    screenshot(phone, "report-first-3-filed")
    number = re.sub(r"\D", "", number_shown.inner_text())
    report = Report.objects.get(tracking_number=number)
    assert report.is_anonymous and report.reporter.user is not None
    assert not ReportDraft.objects.exists()
    expect(phone.get_by_role("button", name="Keluar")).to_be_visible()

    phone.goto(f"{server}/laporan/{number}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Got mampet")
