"""A report's page: what the access policy lets each visitor see, its files behind
a view that asks the policy, and the reporter's actions by state."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aduan.accounts.models import User
from aduan.reports import services
from aduan.reports.models import Attachment, Report, ReportEvent, State
from aduan.reports.tracking import check_digit, tracking_number_display
from tests.conftest import verified_client
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _typo(number: str) -> str:
    return number[:2] + str((int(number[2]) + 1) % 10) + number[3:]


def _url(report: Report) -> str:
    return f"/laporan/{report.tracking_number}"


def _login(client: Client, username: str) -> Client:
    """Signed in; staff past the second factor too (a new client), as only then are
    they staff anywhere (tests/accounts/test_second_factor.py)."""
    user = User.objects.get(username=username)
    if user.is_staff_member:
        return verified_client(user)
    client.force_login(user)
    return client


def _answered(cast: Cast, dispositioned: Callable[..., Report], **overrides: Any) -> Report:
    report = dispositioned(**overrides)
    services.report_follow_up(actor=cast.liaison, report=report, text="Sedang kami survei.")
    services.report_answer(actor=cast.liaison, report=report, text="Jalan sudah ditambal.")
    return report


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_visitor_sees_a_public_report_without_its_reporter(
    client: Client, cast: Cast, dispositioned: Callable[..., Report], anonymous: bool
) -> None:
    cast.reporter.name = "Siti Aminah"
    cast.reporter.save()
    report = dispositioned(anonymous=anonymous)
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah survei lokasi.")
    response = client.get(_url(report))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and report.title in html
    assert tracking_number_display(report.tracking_number) in html
    assert "Ditindaklanjuti" in html and "Pemerintah Kota Cirebon" in html
    assert "Tim sudah survei lokasi." in html and "hari kerja lagi" in html
    assert "Siti" not in html and "Aminah" not in html
    assert "aduan/feed.css" in html
    assert "Tindakan Anda sebagai pelapor" not in html


def test_the_number_may_be_typed_with_spaces(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    spaced = tracking_number_display(report.tracking_number)
    response = client.get(f"/laporan/{spaced}")
    assert response.status_code == 302 and response["Location"] == _url(report)


def test_a_wrong_check_digit_gives_the_tracking_form_with_a_message(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = client.get(f"/laporan/{_typo(report.tracking_number)}")
    html = response.content.decode()
    assert response.status_code == 404
    assert "tidak valid" in html and 'name="nomor"' in html
    assert report.title not in html


def test_a_report_one_may_not_read_shows_its_status_only(
    client: Client,
    cast: Cast,
    make_report: Callable[..., Report],
    dispositioned: Callable[..., Report],
) -> None:
    """Any existing number shows the report's status; its content only to whom the
    policy lets read it (every case: tests/reporting/test_follow.py)."""
    unknown = client.get(f"/laporan/123456789{check_digit('123456789')}")
    for report in (dispositioned(confidential=True), make_report()):
        for who in (None, "budi"):
            if who:
                _login(client, who)
            response = client.get(_url(report))
            html = response.content.decode()
            assert response.status_code == 200
            assert report.title not in html and report.body not in html
            assert tracking_number_display(report.tracking_number) in html
            client.logout()
    assert unknown.status_code == 404
    assert "Laporan tidak ditemukan." in unknown.content.decode()


def test_the_reporter_sees_a_confidential_report_and_what_they_wrote(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report(confidential=True)
    services.report_request_info(actor=cast.national, report=report, reason="Alamat persis?")
    services.report_supply_info(actor=cast.owner, report=report, text="Rumah no. 12, HP 0812")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    html = _login(client, "ani").get(_url(report)).content.decode()
    assert report.title in html and "0812" in html and "Anda pelapor laporan ini." in html


def test_what_the_reporter_wrote_later_is_not_public(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Alamat persis?")
    services.report_supply_info(
        actor=cast.owner, report=report, text="Rumah no. 12, HP 0812-9999-1708"
    )
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    html = client.get(_url(report)).content.decode()
    # Not "0812" alone: a time stamp's microseconds may hold those digits.
    assert "Kelengkapan dikirim" in html and "9999-1708" not in html


def test_a_supervisor_sees_a_confidential_report_by_number_and_deadline_only(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    html = _login(client, "pengawas.jabar").get(_url(report)).content.decode()
    assert "Laporan rahasia" in html and "Batas waktu" in html
    assert report.title not in html and report.body not in html


def test_user_text_is_escaped(client: Client, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned(title="<script>alert(1)</script> jalan", body="<b>tebal</b>")
    html = client.get(_url(report)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>tebal</b>" not in html


# -- files ---------------------------------------------------------------------------


def _with_file(cast: Cast, report: Report, photo: Callable[..., SimpleUploadedFile]) -> Attachment:
    return services.report_attachment_add(actor=cast.owner, report=report, data=photo().read())


@pytest.mark.parametrize("storage", ["filesystem", "database"])
def test_files_are_served_through_the_policy(
    client: Client,
    cast: Cast,
    dispositioned: Callable[..., Report],
    photo: Any,
    settings: Any,
    storage: str,
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": settings._FILE_STORAGES[storage]},
    }
    public = dispositioned()
    attachment = _with_file(cast, public, photo)
    html = client.get(_url(public)).content.decode()
    assert f"/lampiran/{attachment.pk}" in html and "/media/" not in html
    response = client.get(f"/lampiran/{attachment.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.getvalue() == attachment.file.open("rb").read()
    assert "private" in response["Cache-Control"]
    secret = dispositioned(confidential=True)
    hidden = _with_file(cast, secret, photo)
    assert client.get(f"/lampiran/{hidden.pk}").status_code == 404
    assert _login(client, "budi").get(f"/lampiran/{hidden.pk}").status_code == 404
    assert _login(client, "ani").get(f"/lampiran/{hidden.pk}").status_code == 200
    assert _login(client, "pupr.kota").get(f"/lampiran/{hidden.pk}").status_code == 200
    assert client.get("/lampiran/999999").status_code == 404


def test_an_anonymous_reports_files_are_not_shown_to_the_public(
    client: Client, cast: Cast, dispositioned: Callable[..., Report], photo: Any
) -> None:
    report = dispositioned(anonymous=True)
    attachment = _with_file(cast, report, photo)
    assert f"/lampiran/{attachment.pk}" not in client.get(_url(report)).content.decode()
    assert client.get(f"/lampiran/{attachment.pk}").status_code == 404
    own = _login(client, "ani").get(_url(report)).content.decode()
    assert f"/lampiran/{attachment.pk}" in own


# -- the reporter's actions ----------------------------------------------------------


def test_the_reporter_replies_while_the_report_is_open(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    client = _login(client, "ani")
    html = client.get(_url(report)).content.decode()
    assert 'value="reply"' in html and 'value="confirm"' not in html
    assert 'value="supply_info"' not in html
    response = client.post(_url(report), {"action": "reply", "text": "Mohon segera."})
    assert response.status_code == 302 and response["Location"] == _url(report)
    assert ReportEvent.objects.filter(report=report, action="reply", body="Mohon segera.").exists()
    assert "Balasan Anda sudah dikirim." in client.get(_url(report)).content.decode()


def test_an_empty_reply_stays_on_the_page(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = _login(client, "ani").post(_url(report), {"action": "reply", "text": "  "})
    assert response.status_code == 400
    assert 'aria-describedby="id_reply_text_error"' in response.content.decode()
    assert not ReportEvent.objects.filter(report=report, action="reply").exists()


def test_the_reporter_supplies_missing_information_with_a_file(
    client: Client, cast: Cast, make_report: Callable[..., Report], photo: Any
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Foto lokasinya?")
    assert "Foto lokasinya?" not in client.get(_url(report)).content.decode()
    client = _login(client, "ani")
    html = client.get(_url(report)).content.decode()
    assert 'value="supply_info"' in html and 'value="reply"' not in html
    assert "Foto lokasinya?" in html  # what is asked for
    response = client.post(
        _url(report), {"action": "supply_info", "text": "Ini fotonya.", "attachments": [photo()]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert report.attachments.count() == 1


def test_a_bad_file_with_the_information_writes_nothing(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Foto lokasinya?")
    bad = SimpleUploadedFile("x.png", b"not a png", "image/png")
    response = _login(client, "ani").post(
        _url(report), {"action": "supply_info", "text": "Ini fotonya.", "attachments": [bad]}
    )
    assert response.status_code == 400
    assert "x.png: Jenis berkas tidak didukung" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.NEEDS_INFO
    assert not report.attachments.exists()
    assert not ReportEvent.objects.filter(report=report, action="supply_info").exists()


def test_the_reporter_confirms_and_rates_an_answer(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = _answered(cast, dispositioned)
    client = _login(client, "ani")
    html = client.get(_url(report)).content.decode()
    assert 'value="confirm"' in html and 'value="reopen"' in html
    assert "<legend>Seberapa puas" in html
    assert client.post(_url(report), {"action": "confirm", "rating": "9"}).status_code == 400
    response = client.post(_url(report), {"action": "confirm", "rating": "4"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.CLOSED and report.rating == 4


def test_the_reporter_reopens_an_answer_with_a_reason(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = _answered(cast, dispositioned)
    client = _login(client, "ani")
    assert client.post(_url(report), {"action": "reopen", "reason": ""}).status_code == 400
    response = client.post(_url(report), {"action": "reopen", "reason": "Masih berlubang."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.IN_PROGRESS


def test_an_action_the_state_does_not_allow_is_refused_clearly(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = _login(client, "ani").post(_url(report), {"action": "confirm", "rating": "5"})
    assert response.status_code == 409
    assert "tidak dapat dilakukan pada status laporan saat ini" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.DISPOSITIONED


@pytest.mark.parametrize("username", [None, "budi", "pupr.kota", "nasional"])
def test_only_the_reporter_acts_as_the_reporter(
    client: Client, cast: Cast, dispositioned: Callable[..., Report], username: str | None
) -> None:
    report = _answered(cast, dispositioned)
    if username:
        _login(client, username)
    for data in ({"action": "reply", "text": "x"}, {"action": "confirm", "rating": "5"}):
        assert client.post(_url(report), data).status_code == 403
    report.refresh_from_db()
    assert report.state == State.ANSWERED


def test_another_citizen_cannot_act_on_a_confidential_report(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    response = _login(client, "budi").post(_url(report), {"action": "reply", "text": "x"})
    assert response.status_code == 403
    assert not ReportEvent.objects.filter(report=report, action="reply").exists()


def test_the_reporters_actions_are_rate_limited(
    client: Client, settings: Any, dispositioned: Callable[..., Report]
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "2/d"}
    report = dispositioned()
    client = _login(client, "ani")
    codes = [
        client.post(_url(report), {"action": "reply", "text": "Halo"}).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert ReportEvent.objects.filter(report=report, action="reply").count() == 2
