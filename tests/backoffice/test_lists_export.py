"""The queues' sort order and their CSV export: what it holds, what it leaves out,
who may download it, and a fixed number of queries."""

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aduan.accounts.models import User
from aduan.reporters.models import ChannelIdentity
from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.reports.tracking import tracking_number_display
from tests.backoffice.conftest import StaffClient, national_client, numbers_in_order
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


def _csv(client: Client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def three(make_report: MakeReport) -> list[Report]:
    """Received 20, 10 and 0 days ago: the oldest is overdue."""
    now = timezone.now()
    return [make_report(now=now - timedelta(days=days)) for days in (10, 20, 0)]


@pytest.mark.parametrize(
    ("urut", "order"),
    [("", [1, 0, 2]), ("tenggat", [1, 0, 2]), ("terbaru", [2, 0, 1]), ("terlama", [1, 0, 2])],
)
def test_it_sorts_the_list(
    cast: Cast, staff_client: StaffClient, three: list[Report], urut: str, order: list[int]
) -> None:
    html = (
        national_client(cast, staff_client).get(f"/kantor/verifikasi?urut={urut}").content.decode()
    )
    assert numbers_in_order(html, three) == [three[i].tracking_number for i in order]


def test_a_bad_sort_is_explained_not_a_500(
    cast: Cast, staff_client: StaffClient, three: list[Report]
) -> None:
    client = national_client(cast, staff_client)
    for path in ("/kantor/verifikasi", "/kantor/dikembalikan", "/kantor/verifikasi/unduh"):
        response = client.get(f"{path}?urut=acak")
        assert response.status_code == 400
        assert "tidak valid" in response.content.decode()


def test_pages_keep_the_sort_and_filters(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    for _ in range(31):
        make_report()
    html = national_client(cast, staff_client).get("/kantor/verifikasi?kanal=web&urut=terbaru")
    assert "kanal=web&amp;urut=terbaru&amp;halaman=2" in html.content.decode()
    assert 'href="/kantor/verifikasi/unduh?kanal=web&amp;urut=terbaru"' in html.content.decode()


def test_it_exports_every_matching_report_in_the_lists_order(
    cast: Cast, staff_client: StaffClient, three: list[Report], make_report: MakeReport
) -> None:
    sms = make_report(channel=Channel.SMS)
    for _ in range(31):
        make_report()
    client = national_client(cast, staff_client)
    assert "Unduh CSV" in client.get("/kantor/verifikasi").content.decode()
    rows = _csv(client, "/kantor/verifikasi/unduh?urut=terlama")
    assert rows[0][:2] == ["Nomor", "Jenis"] and rows[0][-2:] == ["Instansi", "Unit kerja"]
    assert len(rows) == 1 + 35  # every page, not only the first
    oldest = [tracking_number_display(three[i].tracking_number) for i in (1, 0, 2)]
    assert [row[0] for row in rows[1:4]] == oldest
    late = rows[1]
    assert late[8] == "" and int(late[9]) > 0  # overdue: days late, not days left
    assert rows[-1][8] != "" and rows[-1][9] == ""  # received today: days left
    rows = _csv(client, "/kantor/verifikasi/unduh?kanal=sms")
    assert [row[0] for row in rows[1:]] == [tracking_number_display(sms.tracking_number)]
    assert rows[1][4] == Channel.SMS.label and rows[1][10] == "Tidak"


def test_the_export_holds_nothing_of_the_reporter(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    reporter = cast.reporter
    reporter.name, reporter.nik = "Ani Lestari", "3274011234567890"
    reporter.save()
    ChannelIdentity.objects.create(
        reporter=reporter, kind="phone", value="+6281234567890", value_hash="h1"
    )
    ChannelIdentity.objects.create(
        reporter=reporter, kind="x", value="@ani_cirebon", value_hash="h2"
    )
    assert reporter.user is not None
    User.objects.filter(pk=reporter.user.pk).update(email="ani@example.id")
    make_report(title="Judul laporan rahasia")
    make_report(anonymous=True)
    text = "\n".join(
        ",".join(row)
        for row in _csv(national_client(cast, staff_client), "/kantor/verifikasi/unduh")
    )
    for personal in ("Ani", "3274011234567890", "81234567890", "ani@", "ani_cirebon", "ani"):
        assert personal not in text
    assert "Judul laporan rahasia" not in text
    assert "Ya" in text


def test_the_bounced_export_names_the_agency_and_neutralises_formulas(
    cast: Cast,
    staff_client: StaffClient,
    dispositioned: Callable[..., Report],
) -> None:
    report = dispositioned()
    services.report_bounce(
        actor=cast.agency_admin, report=report, reason='=HYPERLINK("http://x","klik")'
    )
    rows = _csv(national_client(cast, staff_client), "/kantor/dikembalikan/unduh")
    assert rows[0][-2:] == ["Dikembalikan oleh", "Alasan pengembalian"]
    assert len(rows) == 2
    assert rows[1][-2] == cast.kota.name
    assert rows[1][-1] == """'=HYPERLINK("http://x","klik")"""
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


@pytest.mark.parametrize("path", ["/kantor/verifikasi/unduh", "/kantor/dikembalikan/unduh"])
def test_only_national_admins_download(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport, path: str
) -> None:
    make_report()
    for actor in (cast.agency_admin, cast.liaison, cast.supervisor, cast.other_agency_admin):
        assert actor.user is not None
        assert staff_client(actor.user).get(path).status_code == 404
    assert cast.owner.user is not None
    assert staff_client(cast.owner.user).get(path).status_code == 302
    assert Client().get(path).status_code == 302
    assert national_client(cast, staff_client).post(path).status_code == 405


@pytest.mark.parametrize("rows", [1, 50])
def test_the_export_costs_a_fixed_number_of_queries(
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
    for path in ("/kantor/verifikasi/unduh", "/kantor/dikembalikan/unduh"):
        with django_assert_max_num_queries(9):
            assert len(_csv(client, path)) == 1 + rows
