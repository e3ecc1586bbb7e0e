from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.reports import services
from aduan.reports.models import Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _typo(number: str) -> str:
    return number[:2] + str((int(number[2]) + 1) % 10) + number[3:]


def test_a_visitor_follows_a_public_report_by_number(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah survei lokasi.")
    spaced = f"{report.tracking_number[:4]} {report.tracking_number[4:]}"
    html = client.get("/lacak", {"nomor": spaced}).content.decode()
    assert report.title in html
    assert "Ditindaklanjuti" in html and "Pemerintah Kota Cirebon" in html
    assert "Tim sudah survei lokasi." in html
    assert "hari kerja lagi" in html


def test_a_mistyped_number_is_caught_before_any_lookup(
    client: Client, dispositioned: Callable[..., Report], django_assert_max_num_queries: object
) -> None:
    report = dispositioned()
    with django_assert_max_num_queries(0):  # type: ignore[operator]
        response = client.get("/lacak", {"nomor": _typo(report.tracking_number)})
    assert response.status_code == 200
    assert "tidak valid" in response.content.decode()


def test_confidential_and_unverified_reports_do_not_exist_for_a_visitor(
    client: Client, make_report: Callable[..., Report], dispositioned: Callable[..., Report]
) -> None:
    for report in (dispositioned(confidential=True), make_report()):
        response = client.get("/lacak", {"nomor": report.tracking_number})
        assert response.status_code == 404
        assert report.title not in response.content.decode()


def test_the_reporter_follows_a_confidential_report(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    client.force_login(User.objects.get(username="ani"))
    assert report.title in client.get("/lacak", {"nomor": report.tracking_number}).content.decode()


def test_a_supervisor_sees_a_confidential_report_by_number_and_deadline_only(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    client.force_login(User.objects.get(username="pengawas.jabar"))
    html = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
    assert "Laporan rahasia" in html and "Batas waktu" in html
    assert report.title not in html and report.body not in html


def test_no_reporter_and_no_markup_on_the_page(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    cast.reporter.name = "Siti Aminah"
    cast.reporter.save()
    report = dispositioned(anonymous=True, title="<script>alert(1)</script> jalan")
    html = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
    assert "Siti" not in html and "Aminah" not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_page_speaks_english_when_asked(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
    assert "Dispositioned" in html
    assert "working days left" in html or "working day left" in html


def test_what_the_reporter_wrote_later_stays_with_those_who_handle_it(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Alamat persis?")
    services.report_supply_info(actor=cast.owner, report=report, text="Rumah saya no. 12, HP 0812")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    public = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
    assert "Kelengkapan dikirim" in public and "0812" not in public
    client.force_login(User.objects.get(username="ani"))
    own = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
    assert "0812" in own
