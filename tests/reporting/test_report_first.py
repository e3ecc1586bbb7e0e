"""A signed-out citizen writes the report first, then confirms it with a one-time
code sent to a phone number or e-mail address: the account is made on the way (or
the existing one signed in) and the report filed in its name. Until the code is
confirmed only a draft exists, and it survives every failure of the code step."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from aduan.accounts import services as accounts
from aduan.accounts.models import OneTimeCode, ReportDraft, ReportDraftFile, User
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Attachment, Report
from tests.reports.conftest import Cast

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
    "title": "Lubang besar di Jalan Kartini",
    "body": "Lubang selebar satu meter di depan masjid, sudah dua motor jatuh minggu ini.",
    "incident_date": "",
    "address": "Jl. Kartini depan masjid",
    "latitude": "",
    "longitude": "",
    "agency": "",
}
PHONE, PHONE_E164 = "0812 3456 7001", "+6281234567001"
EMAIL = "warga.baru@contoh.id"
Photo = Callable[..., SimpleUploadedFile]


def _write(client: Client, **overrides: Any) -> Any:
    return client.post("/lapor", {**PLACE, **DETAILS, **overrides})


def _ask_code(client: Client, identity: str, name: str = "Siti Aminah") -> Any:
    return client.post("/lapor/konfirmasi", {"name": name, "identity": identity})


def _code(recipient: str) -> str:
    message = Message.objects.filter(purpose="otp").order_by("-pk").first()
    assert message is not None and message.recipient == recipient
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_form_is_open_signed_out_and_names_the_other_doors(client: Client) -> None:
    html = client.get("/lapor").content.decode()
    assert "Belum punya akun? Tulis saja laporan Anda" in html
    assert 'href="/masuk?next=%2Flapor"' in html  # or sign in first
    assert 'data-channel="sms"' in html and 'data-channel="counter"' in html
    assert 'href="/#channels"' in html
    details = client.get("/lapor", {**PLACE, "langkah": "2"}).content.decode()
    assert "3. Konfirmasi dengan kode" in details and "Kirim laporan" not in details


def test_by_phone_the_account_is_made_and_the_report_filed(
    client: Client, cast: Cast, photo: Photo
) -> None:
    users = User.objects.count()
    response = _write(client, attachments=[photo("rumah-saya.jpg")], anonymous="on")
    assert response.status_code == 302 and response["Location"] == "/lapor/konfirmasi"
    # Only a draft so far, its photo already cleaned of the camera and the position.
    assert not Report.objects.exists() and not Attachment.objects.exists()
    assert User.objects.count() == users
    stored = ReportDraftFile.objects.get()
    assert b"SecretCam" not in bytes(stored.data) and stored.content_type == "image/jpeg"

    page = client.get("/lapor/konfirmasi").content.decode()
    assert DETAILS["title"] in page and "rumah-saya.jpg" in page and "Anonim" in page
    assert _ask_code(client, PHONE).status_code == 302
    assert not Report.objects.exists()
    page = client.get("/lapor/konfirmasi").content.decode()
    assert "+62812•••••001" in page and 'autocomplete="one-time-code"' in page

    response = client.post("/lapor/kode", {"code": _code(PHONE_E164)})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}/terkirim"
    assert report.title == DETAILS["title"] and report.channel == "web"
    assert report.is_anonymous and not report.is_confidential
    assert report.region_id == "32.74.01" and report.category is not None
    assert report.category.code == "infrastruktur.jalan"
    assert Attachment.objects.filter(report=report).count() == 1
    user = _signed_in_user(client)
    assert user is not None and user.role == User.Role.CITIZEN
    assert User.objects.count() == users + 1 and not user.has_usable_password()
    assert report.reporter.user_id == user.pk and report.reporter.name == "Siti Aminah"
    identity = ChannelIdentity.objects.get(reporter=report.reporter)
    assert identity.value == PHONE_E164 and identity.verified_at is not None
    assert not ReportDraft.objects.exists() and not ReportDraftFile.objects.exists()
    assert not OneTimeCode.objects.exists()
    receipt = client.get(response["Location"]).content.decode()
    assert "Akun Anda sudah dibuat" in receipt and "Lupa kata sandi" in receipt
    assert client.get("/laporan-saya").status_code == 200


def test_by_email_a_confidential_report(client: Client, cast: Cast) -> None:
    _write(client, confidential="on")
    assert _ask_code(client, "Warga.Baru@Contoh.ID").status_code == 302
    response = client.post("/lapor/kode", {"code": _code(EMAIL)})
    report = Report.objects.get()
    assert response["Location"] == f"/laporan/{report.tracking_number}/terkirim"
    assert report.is_confidential and not report.is_anonymous
    assert ChannelIdentity.objects.get(reporter=report.reporter).value == EMAIL


def test_a_wrong_code_keeps_the_draft_and_a_reload_shows_it(client: Client, cast: Cast) -> None:
    _write(client)
    _ask_code(client, PHONE)
    code = _code(PHONE_E164)
    response = client.post("/lapor/kode", {"code": _wrong(code)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kode salah. Sisa 4 percobaan." in html and DETAILS["title"] in html
    assert not Report.objects.exists() and ReportDraft.objects.count() == 1
    reload = client.get("/lapor/konfirmasi").content.decode()
    assert DETAILS["title"] in reload and 'autocomplete="one-time-code"' in reload
    assert client.post("/lapor/kode", {"code": code}).status_code == 302
    assert Report.objects.get().title == DETAILS["title"]


def test_an_expired_code_keeps_the_draft_and_a_new_code_files_it(
    client: Client, cast: Cast, photo: Photo
) -> None:
    _write(client, attachments=[photo()])
    _ask_code(client, PHONE)
    old = _code(PHONE_E164)
    past = timezone.now() - timedelta(minutes=20)
    OneTimeCode.objects.update(expires_at=past, sent_at=past)
    response = client.post("/lapor/kode", {"code": old})
    assert response.status_code == 400 and "Kode sudah kedaluwarsa" in response.content.decode()
    assert ReportDraft.objects.count() == 1 and ReportDraftFile.objects.count() == 1
    assert client.post("/lapor/kode/kirim-ulang").status_code == 302
    new = _code(PHONE_E164)
    assert client.post("/lapor/kode", {"code": new}).status_code == 302
    report = Report.objects.get()
    assert Attachment.objects.filter(report=report).count() == 1


def test_a_resend_too_soon_is_refused_and_the_draft_stays(client: Client, cast: Cast) -> None:
    _write(client)
    _ask_code(client, PHONE)
    first = _code(PHONE_E164)
    response = client.post("/lapor/kode/kirim-ulang", follow=True)
    assert "Tunggu satu menit" in response.content.decode()
    assert client.post("/lapor/kode", {"code": first}).status_code == 302
    assert Report.objects.count() == 1


def test_an_existing_account_is_signed_in_by_the_code(client: Client, cast: Cast) -> None:
    row = accounts.account_signup(name="Budi", identity=PHONE, password="Lapor-jalan-rusak-2024")
    code = _code(PHONE_E164)
    existing = accounts.account_confirm(token=row.token, code=code)
    users = User.objects.count()
    _write(client)
    _ask_code(client, PHONE, name="Nama Lain")
    assert client.post("/lapor/kode", {"code": _code(PHONE_E164)}).status_code == 302
    report = Report.objects.get()
    assert User.objects.count() == users
    assert report.reporter.user_id == existing.pk and report.reporter.name == "Budi"
    assert _signed_in_user(client) == existing
    assert "Akun Anda sudah dibuat" not in client.get("/laporan-saya").content.decode()
    assert existing.has_usable_password()  # the password is left as it was


def test_a_staff_identity_cannot_use_this_door(client: Client, cast: Cast) -> None:
    staff = User.objects.get(username="admin.kota")
    staff.email = "admin@kota.go.id"
    staff.save(update_fields=["email"])
    users = User.objects.count()
    _write(client)
    assert _ask_code(client, "Admin@Kota.go.id").status_code == 302
    response = client.post("/lapor/kode", {"code": _code("admin@kota.go.id")})
    assert response.status_code == 403
    assert "/kantor/masuk" in response.content.decode()
    assert _signed_in_user(client) is None and User.objects.count() == users
    assert not Report.objects.exists() and ReportDraft.objects.count() == 1


def test_a_staff_session_cannot_use_the_draft_pages(client: Client, cast: Cast) -> None:
    _write(client)
    client.force_login(User.objects.get(username="admin.kota"))
    assert client.get("/lapor/konfirmasi").status_code == 403
    assert client.post("/lapor/kirim").status_code == 403
    assert not Report.objects.exists()


def test_or_the_citizen_signs_in_instead(client: Client, cast: Cast, photo: Photo) -> None:
    _write(client, attachments=[photo()])
    html = client.get("/lapor/konfirmasi").content.decode()
    assert 'href="/masuk?next=%2Flapor%2Fkonfirmasi"' in html
    ani = User.objects.get(username="ani")
    client.force_login(ani)  # the session, and its draft, survive signing in
    page = client.get("/lapor/konfirmasi").content.decode()
    assert DETAILS["title"] in page and 'action="/lapor/kirim"' in page
    response = client.post("/lapor/kirim")
    report = Report.objects.get()
    assert response["Location"] == f"/laporan/{report.tracking_number}/terkirim"
    assert report.reporter.user_id == ani.pk
    assert Attachment.objects.filter(report=report).count() == 1
    assert not ReportDraft.objects.exists()


def test_a_file_that_cannot_be_cleaned_stores_no_draft(client: Client, cast: Cast) -> None:
    bad = SimpleUploadedFile("surat.jpg", b"not an image at all", content_type="image/jpeg")
    response = _write(client, attachments=[bad])
    assert response.status_code == 400
    assert "surat.jpg: Jenis berkas tidak didukung" in response.content.decode()
    assert not ReportDraft.objects.exists()


def test_what_was_written_is_stored_encrypted(client: Client, cast: Cast) -> None:
    _write(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT fields FROM accounts_reportdraft")
        (raw,) = cursor.fetchone()
    assert "Kartini" not in raw and "Kartini" in ReportDraft.objects.get().fields


def test_an_expired_draft_is_gone_and_purged(client: Client, cast: Cast) -> None:
    _write(client)
    ReportDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/lapor/konfirmasi")
    assert response.status_code == 302 and response["Location"] == "/lapor"
    other = Client()
    _write(other)  # any new draft sweeps the expired ones away
    assert ReportDraft.objects.count() == 1


def test_a_new_draft_replaces_the_browsers_earlier_one(client: Client, cast: Cast) -> None:
    _write(client)
    _write(client, title="Judul kedua yang lebih jelas")
    assert ReportDraft.objects.count() == 1
    assert "Judul kedua" in client.get("/lapor/konfirmasi").content.decode()


def test_the_visitor_can_throw_the_draft_away(client: Client, cast: Cast) -> None:
    _write(client)
    _ask_code(client, PHONE)
    assert client.post("/lapor/buang").status_code == 302
    assert not ReportDraft.objects.exists() and not OneTimeCode.objects.exists()


def test_a_code_for_another_draft_does_not_file_this_one(client: Client, cast: Cast) -> None:
    _write(client)
    _ask_code(client, PHONE)
    code = _code(PHONE_E164)
    thief = Client()
    _write(thief, title="Laporan orang lain")
    session = thief.session
    session["aduan.report-code"] = client.session["aduan.report-code"]
    session.save()
    response = thief.post("/lapor/kode", {"code": code})
    assert response.status_code == 400 and not Report.objects.exists()
    assert client.post("/lapor/kode", {"code": code}).status_code == 302


def test_code_requests_are_rate_limited(client: Client, cast: Cast, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "code": "2/h"}
    _write(client)
    assert _ask_code(client, PHONE).status_code == 302
    assert _ask_code(client, "0812 3456 7002").status_code == 302
    response = _ask_code(client, "0812 3456 7003")
    assert response.status_code == 429
    assert Message.objects.filter(purpose="otp").count() == 2
    assert ReportDraft.objects.count() == 1  # the draft is still there


def test_code_guesses_are_rate_limited(client: Client, cast: Cast, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/h"}
    _write(client)
    _ask_code(client, PHONE)
    wrong = _wrong(_code(PHONE_E164))
    statuses = [client.post("/lapor/kode", {"code": wrong}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_drafts_waiting_for_one_identity_are_bounded(cast: Cast) -> None:
    for _ in range(accounts.DRAFTS_PER_IDENTITY):
        browser = Client()
        _write(browser)
        assert _ask_code(browser, PHONE).status_code == 302
    browser = Client()
    _write(browser)
    response = _ask_code(browser, PHONE)
    assert response.status_code == 400
    assert "menunggu kode untuk nomor HP atau surel ini" in response.content.decode()
    # Another identity is not held up.
    assert _ask_code(browser, EMAIL).status_code == 302


def test_every_step_needs_its_csrf_token(cast: Cast) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/lapor", {**PLACE, **DETAILS}).status_code == 403
    assert not ReportDraft.objects.exists()
    for path in ("/lapor/konfirmasi", "/lapor/kode", "/lapor/kode/kirim-ulang", "/lapor/buang"):
        assert browser.post(path, {"name": "A", "identity": PHONE, "code": "1"}).status_code == 403
    assert not OneTimeCode.objects.exists() and not Message.objects.exists()


def test_erasing_the_account_erases_drafts_waiting_for_its_identity(
    client: Client, cast: Cast
) -> None:
    _write(client)
    _ask_code(client, PHONE)
    client.post("/lapor/kode", {"code": _code(PHONE_E164)})
    user = _signed_in_user(client)
    assert user is not None
    other = Client()
    _write(other)
    _ask_code(other, PHONE)
    assert ReportDraft.objects.count() == 1
    user.set_password("Lapor-jalan-rusak-2024")
    user.save()
    accounts.account_erase(user=user, password="Lapor-jalan-rusak-2024")
    assert not ReportDraft.objects.exists() and not OneTimeCode.objects.exists()
