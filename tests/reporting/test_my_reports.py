"""My reports: newest first, status in plain words and the deadline, paginated, in
a fixed number of queries whatever agencies the reports are with."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Report
from aduan.workdays.models import RegionalHoliday
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str = "ani") -> Client:
    client.force_login(User.objects.get(username=username))
    return client


def test_it_sends_a_visitor_to_log_in_first(client: Client) -> None:
    response = client.get("/laporan-saya")
    assert response.status_code == 302 and response["Location"].startswith("/masuk?next=")


def test_my_reports_newest_first_with_status_and_deadline(
    client: Client,
    cast: Cast,
    make_report: Callable[..., Report],
    dispositioned: Callable[..., Report],
) -> None:
    older = make_report(title="Laporan lama", confidential=True)
    dispositioned(title="Laporan baru")
    html = _login(client).get("/laporan-saya").content.decode()
    assert html.count("<h1") == 1
    assert html.index("Laporan baru") < html.index("Laporan lama")
    assert "Belum Terverifikasi" in html and "Terdisposisi" in html
    assert "hari kerja lagi" in html and "Batas waktu" in html
    assert f"/laporan/{older.tracking_number}" in html


def test_only_my_own_reports(client: Client, make_report: Callable[..., Report]) -> None:
    make_report(title="Punya Ani")
    html = _login(client, "budi").get("/laporan-saya").content.decode()
    assert "Punya Ani" not in html and "belum pernah melapor" in html


def test_an_overdue_report_says_so(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report()
    Report.objects.filter(pk=report.pk).update(deadline_at="2020-01-06T16:59:59Z")
    html = _login(client).get("/laporan-saya").content.decode()
    assert "terlambat" in html


def _pages(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/laporan-saya").status_code == 200
    return len(queries)


def test_the_list_costs_a_fixed_number_of_queries(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    client = _login(client)
    agencies = list(Agency.objects.filter(kind__in=("regency", "city"))[:8])
    RegionalHoliday.objects.create(
        region_id=str(agencies[0].region_id), date="2030-01-02", name="Hari jadi"
    )
    for agency in agencies[:2]:
        report = make_report()
        services.report_dispose(actor=cast.national, report=report, agency_id=agency.pk)
    few = _pages(client)
    for agency in agencies[2:]:
        report = make_report()
        services.report_dispose(actor=cast.national, report=report, agency_id=agency.pk)
    make_report()
    assert _pages(client) == few


def test_the_list_is_paginated(client: Client, make_report: Callable[..., Report]) -> None:
    for n in range(21):
        make_report(title=f"Laporan nomor {n:02d}")
    client = _login(client)
    first = client.get("/laporan-saya").content.decode()
    assert "Laporan nomor 20" in first and "Laporan nomor 00" not in first
    assert "Halaman 1 dari 2" in first and "?halaman=2" in first
    second = client.get("/laporan-saya", {"halaman": "2"}).content.decode()
    assert "Laporan nomor 00" in second and "Laporan nomor 20" not in second
    assert client.get("/laporan-saya", {"halaman": "abc"}).status_code == 200
