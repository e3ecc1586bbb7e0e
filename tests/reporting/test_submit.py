"""Submitting a report on the web: two steps, a region picker that works without
JavaScript, similar reports before the final submit, and report and files written
together or not at all."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from aduan.accounts.models import User
from aduan.reports.models import Attachment, DeadlinePolicy, Report, ReportEvent
from aduan.reports.tracking import tracking_number_display
from tests.reports.conftest import Cast

from .conftest import MAKE

pytestmark = pytest.mark.django_db

PLACE = {
    "type": "complaint",
    "category": "infrastruktur.jalan",
    "province": "32",
    "regency": "32.74",
    "district": "32.74.01",
    "village": "",
}
DETAILS = {
    "title": "Lampu jalan mati sebulan",
    "body": "Lampu di Jalan Kartini mati sejak awal bulan, jalan gelap di malam hari.",
    "incident_date": "",
    "address": "Jl. Kartini depan masjid",
    "latitude": "",
    "longitude": "",
    "agency": "",
}


@pytest.fixture
def citizen(client: Client, owner_user: User) -> Client:
    client.force_login(owner_user)
    return client


def _post(client: Client, **overrides: Any) -> Any:
    return client.post("/lapor", {**PLACE, **DETAILS, **overrides})


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_visitor_writes_first_and_nothing_is_filed_before_the_code(
    client: Client, cast: Cast
) -> None:
    # The rest of that door: tests/reporting/test_report_first.py.
    assert client.get("/lapor", {"type": "complaint"}).status_code == 200
    response = _post(client)
    assert response.status_code == 302 and response["Location"] == "/lapor/konfirmasi"
    assert not Report.objects.exists()


def test_it_is_for_citizens_not_staff(client: Client, cast: Cast) -> None:
    client.force_login(User.objects.get(username="admin.kota"))
    assert client.get("/lapor").status_code == 403
    assert _post(client).status_code == 403
    assert not Report.objects.exists()


def test_the_first_step_explains_each_type_and_groups_categories(citizen: Client) -> None:
    html = citizen.get("/lapor").content.decode()
    assert html.count("<h1") == 1
    assert "<fieldset" in html and "<legend>Jenis laporan</legend>" in html
    assert "pelayanan publik yang buruk" in html
    assert '<optgroup label="Infrastruktur dan Fasilitas Umum">' in html
    assert 'value="infrastruktur.jalan"' in html
    assert "Jawa Barat" in html
    assert "reporting.js" in html and "defer" in html


def test_the_region_picker_cascades_by_submitting_the_form(citizen: Client) -> None:
    # No JavaScript: "Pilih" re-submits the first step with what was chosen so far.
    html = citizen.get("/lapor", {"type": "aspiration", "province": "32"}).content.decode()
    assert 'value="32.74"' in html and "Kota Cirebon" in html
    assert 'value="aspiration" required id="id_type_1" checked' in html
    assert "errorlist" not in html and "aria-invalid" not in html
    html = citizen.get("/lapor", {"province": "32", "regency": "32.74"}).content.decode()
    assert 'value="32.74.01"' in html  # the districts of Kota Cirebon
    assert '<option value="32.74" selected>Kota Cirebon</option>' in html
    html = citizen.get(
        "/lapor", {"province": "32", "regency": "32.74", "district": "32.74.01"}
    ).content.decode()
    assert 'value="32.74.01.1001"' in html  # its villages


def test_a_level_left_over_from_another_province_is_dropped(citizen: Client) -> None:
    html = citizen.get(
        "/lapor", {"province": "33", "regency": "32.74", "district": "32.74.01"}
    ).content.decode()
    assert 'value="33.01"' in html
    assert 'value="32.74.01"' not in html  # no districts of a regency not in Jawa Tengah


def test_going_on_without_a_regency_shows_the_errors(citizen: Client) -> None:
    response = citizen.get("/lapor", {**PLACE, "regency": "", "langkah": "2"})
    html = response.content.decode()
    assert "Periksa kembali" in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_regency_error"' in html
    assert 'id="id_regency_error"' in html


def test_the_second_step_lists_similar_public_reports_of_the_area(
    citizen: Client, dispositioned: Callable[..., Report]
) -> None:
    same = dispositioned(title="Jalan Pemuda berlubang", location=_in("32.74.02.1001"))
    dispositioned(title="Rahasia berlubang", confidential=True)
    dispositioned(title="Di kabupaten", location=_in("32.09.01"))
    dispositioned(title="Kategori lain", category="kesehatan.puskesmas")
    html = citizen.get("/lapor", {**PLACE, "langkah": "2"}).content.decode()
    assert "Sudah ada yang melaporkan hal serupa?" in html
    assert same.title in html and f"/laporan/{same.tracking_number}" in html
    assert "Dukung laporan ini saja" in html
    for other in ("Rahasia berlubang", "Di kabupaten", "Kategori lain"):
        assert other not in html
    # What was chosen travels on, and can be changed.
    assert '<input type="hidden" name="regency" value="32.74"' in html
    assert "/lapor?type=complaint&amp;category=infrastruktur.jalan" in html


def test_the_second_step_offers_a_short_list_of_agencies(citizen: Client) -> None:
    html = citizen.get("/lapor", {**PLACE, "langkah": "2"}).content.decode()
    assert "Pemerintah Kota Cirebon" in html and "Pemerintah Provinsi Jawa Barat" in html
    assert "Pemerintah Kabupaten Cirebon" not in html
    assert "Kementerian Kesehatan" in html
    assert html.count("<option") < 150


def _in(region: str) -> Any:
    from aduan.reports.services import Location

    return Location(region=region)


def test_a_report_is_submitted_with_photos_stripped_of_their_metadata(
    citizen: Client, cast: Cast, photo: Callable[..., SimpleUploadedFile]
) -> None:
    kota = cast.kota
    response = _post(
        citizen,
        incident_date=(timezone.localdate() - timedelta(days=2)).isoformat(),
        latitude="-6.7063",
        longitude="108.557",
        agency=str(kota.pk),
        anonymous="on",
        attachments=[photo("a.jpg"), photo("b.jpg")],
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}/terkirim"
    assert report.channel == "web" and report.type == "complaint"
    assert report.region_id == "32.74.01" and report.category is not None
    assert report.agency_hint_id == kota.pk and report.is_anonymous
    assert not report.is_confidential
    assert (report.latitude, report.longitude) == (-6.7063, 108.557)
    assert report.reporter.user.username == "ani"  # type: ignore[union-attr]
    files = list(Attachment.objects.filter(report=report))
    assert len(files) == 2
    with Image.open(files[0].file.path) as stored:
        assert MAKE not in stored.getexif()
        assert not stored.info.get("exif")


def test_the_receipt_shows_the_number_large_and_the_deadlines_from_the_policy(
    citizen: Client,
) -> None:
    DeadlinePolicy.objects.filter(report_type="complaint").update(
        verify_days=4, first_follow_up_days=6, completion_days=15, reply_days=9
    )
    response = _post(citizen)
    page = citizen.get(response["Location"])
    html = page.content.decode()
    report = Report.objects.get()
    assert f'<p class="big-number">{tracking_number_display(report.tracking_number)}</p>' in html
    assert "dalam 4 hari kerja, paling lambat" in html
    assert report.deadline_at is not None
    assert timezone.localtime(report.deadline_at).strftime("%Y") in html
    assert "paling lambat 6 hari kerja" in html
    assert "paling lambat 15 hari kerja" in html
    assert "punya 9 hari kerja" in html


def test_invalid_details_stay_on_the_form_and_nothing_is_written(citizen: Client) -> None:
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _post(citizen, title="", incident_date=future, latitude="-6.7")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tanggal kejadian tidak boleh di masa depan." in html
    assert "Isi lintang dan bujur bersama-sama." in html
    assert 'aria-describedby="id_title_error"' in html
    assert DETAILS["body"] in html  # what was typed is kept
    assert not Report.objects.exists()


def test_a_wrong_region_sends_back_to_the_first_step(citizen: Client) -> None:
    response = _post(citizen, regency="33.01")
    assert response.status_code == 400
    assert "Lokasi kejadian" in response.content.decode()
    assert not Report.objects.exists()


def test_a_file_of_the_wrong_type_writes_nothing(
    citizen: Client, photo: Callable[..., SimpleUploadedFile]
) -> None:
    script = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    response = _post(citizen, attachments=[photo(), script])
    html = response.content.decode()
    assert response.status_code == 400
    assert "virus.jpg: Jenis berkas tidak didukung" in html
    assert 'id="id_attachments_error"' in html
    assert not Report.objects.exists() and not ReportEvent.objects.exists()
    assert not Attachment.objects.exists() and _media_files() == []
    assert not User.objects.get(username="ani").reporter.reports.exists()


def test_a_file_too_big_writes_nothing(
    citizen: Client, settings: Any, photo: Callable[..., SimpleUploadedFile]
) -> None:
    settings.UPLOAD_MAX_BYTES = 2048
    big = SimpleUploadedFile("besar.pdf", b"%PDF-1.4\n" + b"0" * 4096, "application/pdf")
    response = _post(citizen, attachments=[big])
    assert response.status_code == 400
    assert "besar.pdf terlalu besar" in response.content.decode()
    assert not Report.objects.exists() and _media_files() == []


def test_too_many_files_write_nothing(
    citizen: Client, settings: Any, photo: Callable[..., SimpleUploadedFile]
) -> None:
    settings.UPLOAD_MAX_FILES = 2
    response = _post(citizen, attachments=[photo(), photo(), photo()])
    assert response.status_code == 400
    assert "Paling banyak 2 berkas." in response.content.decode()
    assert not Report.objects.exists() and _media_files() == []


def test_a_confidential_report_is_kept_from_the_public(citizen: Client, client: Client) -> None:
    _post(citizen, confidential="on")
    report = Report.objects.get()
    assert report.is_confidential and not report.is_anonymous


def test_submitting_is_rate_limited(citizen: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/d"}
    assert [_post(citizen).status_code for _ in range(2)] == [302, 302]
    assert _post(citizen).status_code == 429
    assert Report.objects.count() == 2
    # Moving between the steps is reading, never counted.
    assert citizen.get("/lapor", {**PLACE, "langkah": "2"}).status_code == 200
