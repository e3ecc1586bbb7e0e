"""The national admin's verification queue and bounced queue: who sees them, their
order, badges, filters, pagination and a fixed number of queries."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aduan.reports import services
from aduan.reports.models import Channel, Report
from tests.backoffice.conftest import StaffClient, national_client, numbers_in_order
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


def test_it_lists_waiting_reports_most_urgent_first(
    cast: Cast,
    staff_client: StaffClient,
    make_report: MakeReport,
    dispositioned: Callable[..., Report],
) -> None:
    late = make_report(title="Laporan lama", now=timezone.now() - timedelta(days=20))
    fresh = make_report(title="Laporan baru")
    done = dispositioned(title="Sudah didisposisikan")
    response = national_client(cast, staff_client).get("/kantor/verifikasi")
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers_in_order(html, [fresh, late, done]) == [
        late.tracking_number,
        fresh.tracking_number,
    ]
    assert 'class="due overdue"' in html
    assert "hari kerja lagi" in html
    assert html.count("<h1") == 1


def test_a_resubmitted_report_is_back_in_the_queue(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Foto?")
    client = national_client(cast, staff_client)
    assert report.tracking_number not in client.get("/kantor/verifikasi").content.decode()
    services.report_supply_info(actor=cast.owner, report=report, text="Ini fotonya")
    assert report.tracking_number in client.get("/kantor/verifikasi").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jenis=aspiration", "aspirasi"),
        ("kategori=kesehatan", "kesehatan"),
        ("wilayah=32.09", "kabupaten"),
        ("wilayah=33", "jateng"),
        ("kanal=sms", "sms"),
        ("terlambat=on", "lama"),
        ("q=puskesmas", "kesehatan"),
    ],
)
def test_it_filters(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport, query: str, expected: str
) -> None:
    reports = {
        "plain": make_report(title="Jalan berlubang"),
        "aspirasi": make_report(type="aspiration", title="Usul taman"),
        "kesehatan": make_report(
            category="kesehatan", title="Antrean puskesmas", body="Antrean puskesmas panjang."
        ),
        "kabupaten": make_report(location=services.Location(region="32.09"), title="Kabupaten"),
        "jateng": make_report(location=services.Location(region="33.74"), title="Semarang"),
        "sms": make_report(channel=Channel.SMS, title="Lewat SMS"),
        "lama": make_report(title="Lama", now=timezone.now() - timedelta(days=20)),
    }
    html = national_client(cast, staff_client).get(f"/kantor/verifikasi?{query}").content.decode()
    shown = {name for name, report in reports.items() if report.tracking_number in html}
    assert shown == {expected}


def test_it_filters_by_date_and_finds_a_tracking_number(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    old = make_report(now=timezone.now() - timedelta(days=40))
    new = make_report()
    client = national_client(cast, staff_client)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    html = client.get(f"/kantor/verifikasi?dari={since}").content.decode()
    assert new.tracking_number in html and old.tracking_number not in html
    spaced = f"{old.tracking_number[:4]} {old.tracking_number[4:]}"
    html = client.get("/kantor/verifikasi", {"q": spaced}).content.decode()
    assert old.tracking_number in html and new.tracking_number not in html


def test_bad_filters_are_explained_not_a_500(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    make_report()
    client = national_client(cast, staff_client)
    response = client.get("/kantor/verifikasi?dari=kemarin&wilayah=99&halaman=zz")
    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()
    response = client.get("/kantor/verifikasi?dari=2025-05-02&sampai=2025-05-01")
    assert response.status_code == 400


def test_it_paginates(cast: Cast, staff_client: StaffClient, make_report: MakeReport) -> None:
    reports = [make_report() for _ in range(31)]
    client = national_client(cast, staff_client)
    first = client.get("/kantor/verifikasi?kanal=web").content.decode()
    assert "Halaman 1 dari 2" in first and "kanal=web&amp;halaman=2" in first
    second = client.get("/kantor/verifikasi?kanal=web&halaman=2").content.decode()
    assert sum(r.tracking_number in second for r in reports) == 1


@pytest.mark.parametrize("rows", [1, 30])
def test_a_fixed_number_of_queries(
    cast: Cast,
    staff_client: StaffClient,
    make_report: MakeReport,
    dispositioned: Callable[..., Report],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    rows: int,
) -> None:
    for _ in range(rows):
        report = dispositioned()
        services.report_bounce(actor=cast.agency_admin, report=report, reason="Bukan kami")
    client = national_client(cast, staff_client)
    client.get("/kantor/verifikasi")  # reference data memoised, as in a running server
    with django_assert_max_num_queries(8):
        html = client.get("/kantor/verifikasi").content.decode()
    assert html.count('class="due') == rows
    with django_assert_max_num_queries(8):
        html = client.get("/kantor/dikembalikan").content.decode()
    assert html.count("Bukan kami") == rows


@pytest.mark.parametrize("path", ["/kantor/verifikasi", "/kantor/dikembalikan"])
def test_only_national_admins_see_the_queues(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport, path: str
) -> None:
    make_report()
    for actor in (cast.agency_admin, cast.liaison, cast.supervisor, cast.other_agency_admin):
        assert actor.user is not None
        assert staff_client(actor.user).get(path).status_code == 404
    assert cast.owner.user is not None
    assert staff_client(cast.owner.user).get(path).status_code == 302
    assert Client().get(path).status_code == 302


def test_the_bounced_queue_shows_who_bounced_and_why(
    cast: Cast,
    staff_client: StaffClient,
    make_report: MakeReport,
    dispositioned: Callable[..., Report],
) -> None:
    waiting = make_report(title="Belum diverifikasi")
    bounced = dispositioned(title="Dikembalikan")
    services.report_bounce(
        actor=cast.agency_admin, report=bounced, reason="Jalan <provinsi>, bukan kota"
    )
    again = dispositioned(title="Dikembalikan lalu didisposisikan lagi")
    services.report_bounce(actor=cast.agency_admin, report=again, reason="Bukan kami")
    services.report_dispose(actor=cast.national, report=again, agency_id=cast.kabupaten.pk)
    html = national_client(cast, staff_client).get("/kantor/dikembalikan").content.decode()
    assert bounced.tracking_number in html
    assert waiting.tracking_number not in html and again.tracking_number not in html
    assert cast.kota.name in html
    assert "Jalan &lt;provinsi&gt;, bukan kota" in html
