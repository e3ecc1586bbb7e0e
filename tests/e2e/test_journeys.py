"""The citizen's journeys in Chromium on a 360×800 phone, each step kept as a
screenshot in test-artifacts/: sign up, report with a photo, follow, reply; search
the feed and support; and the privacy promises a visitor can check for themselves."""

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from aduan.outbox.models import Message
from aduan.reports import services
from aduan.reports.models import Attachment, Report

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Pasar-Kanoman-2026"


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (320, 240), (120, 90, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 42.0, 24.0), 3: "E", 4: (108.0, 33.0, 29.0)}
    exif[0x013B] = "Siti Aminah"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _last_code() -> str:
    """The one-time code the outbox sent (the development transport only logs it)."""
    body = Message.objects.latest("id").body
    found = re.search(r"\b\d{6}\b", body)
    assert found, body
    return found.group()


def test_a_new_citizen_signs_up_reports_with_a_photo_follows_and_replies(
    phone: Page, server: str
) -> None:
    phone.goto(server + "/daftar")
    phone.get_by_label("Nama lengkap").fill("Siti Aminah")
    phone.get_by_label("Nomor HP atau surel").fill("0812 3456 7891")
    phone.get_by_label("Kata sandi:", exact=True).fill(PASSWORD)
    phone.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    screenshot(phone, "journey-1-signup")
    phone.get_by_role("button", name="Daftar dan kirim kode").click()

    phone.get_by_label("Kode 6 angka").fill(_last_code())
    screenshot(phone, "journey-2-code")
    phone.get_by_role("button", name="Konfirmasi").click()
    expect(phone.get_by_role("button", name="Keluar")).to_be_visible()

    # Step 1: what and where. The regency list fills itself (the small script).
    phone.goto(server + "/lapor")
    phone.get_by_label("Pengaduan").check()
    phone.get_by_label("Kategori").select_option(label="Jalan rusak / berlubang")
    phone.get_by_label("Provinsi").select_option(label="Jawa Barat")
    regency = phone.get_by_label("Kabupaten/kota")
    expect(regency.locator("option", has_text="Kota Cirebon")).to_have_count(1)
    regency.select_option(label="Kota Cirebon")
    screenshot(phone, "journey-3-place")
    phone.get_by_role("button", name="Lanjut").click()

    # Step 2: the report itself, with a photo that carries a GPS position.
    phone.get_by_label("Judul laporan").fill("Jalan berlubang di depan Pasar Kanoman")
    phone.get_by_label("Isi laporan").fill(
        "Lubang selebar satu meter di Jalan Pasuketan, sudah dua minggu, membahayakan motor."
    )
    phone.get_by_label("Lampiran").set_input_files(
        [FilePayload(name="lubang.jpg", mimeType="image/jpeg", buffer=_photo_with_gps())]
    )
    screenshot(phone, "journey-4-details")
    phone.get_by_role("button", name="Kirim laporan").click()

    number_shown = phone.locator(".big-number")
    expect(number_shown).to_be_visible()
    screenshot(phone, "journey-5-number")
    number = re.sub(r"\D", "", number_shown.inner_text())
    report = Report.objects.get(tracking_number=number)
    assert (report.region_id, report.channel, report.state) == ("32.74", "web", "submitted")
    # The photo as the app serves it to its reporter: the picture, not the position.
    attachment = Attachment.objects.get(report=report)
    served = phone.request.get(f"{server}/lampiran/{attachment.pk}")
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.body())) as photo:
        assert photo.size == (320, 240) and not photo.getexif()

    # Follow it by its number from the home page, then reply.
    phone.goto(server + "/")
    phone.get_by_label("Sudah melapor? Lacak dengan nomor laporan").fill(number_shown_text(number))
    phone.get_by_role("button", name="Lacak").click()
    expect(phone).to_have_url(re.compile(rf"/laporan/{number}$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Jalan berlubang")
    screenshot(phone, "journey-6-follow")
    phone.get_by_label("Balasan Anda").fill("Lubangnya makin lebar setelah hujan semalam.")
    phone.get_by_role("button", name="Kirim balasan").click()
    expect(phone.get_by_text("Lubangnya makin lebar setelah hujan semalam.")).to_be_visible()
    screenshot(phone, "journey-7-replied")
    assert report.events.filter(action="reply").count() == 1


def number_shown_text(number: str) -> str:
    """The number as a citizen would copy it from an SMS: with spaces."""
    return f"{number[:4]} {number[4:8]} {number[8:]}"


def test_a_visitor_searches_the_feed_then_signs_in_and_supports(
    phone: Page, server: str, cast: Any, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(
        title="Jembatan gantung putus di Kesambi",
        body="Jembatan gantung penghubung dua kampung putus, anak sekolah memutar jauh.",
    )
    supporter = cast.other_citizen.user
    supporter.set_password(PASSWORD)
    supporter.save()

    phone.goto(server + "/jelajah")
    phone.get_by_label("Cari laporan").fill("jembatan gantung")
    phone.get_by_label("Cari laporan").press("Enter")
    link = phone.get_by_role("link", name="Jembatan gantung putus di Kesambi")
    expect(link).to_be_visible()
    screenshot(phone, "support-1-search")
    link.click()

    phone.get_by_role("link", name="Masuk untuk mendukung atau mengomentari laporan ini").click()
    phone.get_by_label("Nomor HP atau surel").fill(supporter.username)
    phone.get_by_label("Kata sandi:", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    expect(phone).to_have_url(re.compile(rf"/laporan/{report.tracking_number}"))

    phone.get_by_role("button", name="Dukung laporan ini").click()
    expect(phone.get_by_text("Anda mendukung laporan ini.")).to_be_visible()
    screenshot(phone, "support-2-supported")
    report.refresh_from_db()
    assert report.support_count == 1
    # Undo, as the button promises.
    phone.get_by_role("button", name="Batalkan dukungan").click()
    expect(phone.get_by_role("button", name="Dukung laporan ini")).to_be_visible()
    report.refresh_from_db()
    assert report.support_count == 0


def test_a_confidential_report_never_appears_to_a_visitor(
    phone: Page, server: str, dispositioned: Callable[..., Report]
) -> None:
    secret = dispositioned(
        title="Pungutan liar di kantor kelurahan Pekalipan",
        body="Petugas meminta uang rahasia untuk surat pindah.",
        confidential=True,
    )
    dispositioned(title="Lampu jalan padam di Pekalipan", body="Tiga tiang lampu padam.")

    phone.goto(server + "/jelajah")
    expect(phone.get_by_role("link", name="Lampu jalan padam di Pekalipan")).to_be_visible()
    secret_link = phone.get_by_role("link", name=re.compile("Pungutan liar"))
    expect(secret_link).to_have_count(0)
    phone.goto(server + "/jelajah?q=pungutan+liar")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(secret_link).to_have_count(0)
    assert "Petugas meminta uang" not in phone.content()
    screenshot(phone, "confidential-1-search")
    # Its number leads to its status only (issue 19): nothing of what it says.
    response = phone.goto(f"{server}/laporan/{secret.tracking_number}")
    assert response is not None and response.status == 200
    expect(phone.get_by_text("Pungutan liar")).to_have_count(0)
    assert "Petugas meminta uang" not in phone.content()
    screenshot(phone, "confidential-2-page")


def test_an_anonymous_reports_page_never_shows_its_reporter(
    phone: Page, server: str, cast: Any, dispositioned: Callable[..., Report]
) -> None:
    cast.reporter.name = "Ratna Kusumawati"
    cast.reporter.save()
    report = dispositioned(title="Antrean BPJS tidak tertib", anonymous=True)
    services.report_follow_up(
        actor=cast.liaison, report=report, text="Nomor antrean daring sudah disiapkan."
    )

    phone.goto(f"{server}/laporan/{report.tracking_number}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Antrean BPJS")
    expect(phone.get_by_text("Nomor antrean daring sudah disiapkan.")).to_be_visible()
    html = phone.content()
    for personal in ("Ratna", "Kusumawati", cast.owner.user.username):
        assert personal not in html
    screenshot(phone, "anonymous-1-page")
