"""The staff dashboards (/kantor/statistik): who opens them, each role seeing only
its own agency or scope, the figures on hand-made roll-ups and reports, the units
and the supervised agencies compared, the downloads, the period's errors, and a
fixed number of queries."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from aduan.accounts.models import User
from aduan.agencies.models import Agency, Unit
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.tracking import tracking_number_display
from aduan.stats.metrics import Period
from aduan.stats.rankings import Board, ranking, ranking_of
from tests.backoffice.conftest import StaffClient, client_of
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport
from tests.stats.rows import handled, rollup_row

pytestmark = pytest.mark.django_db

URL = "/kantor/statistik"
STAFF = (
    "national",
    "agency_admin",
    "liaison",
    "other_liaison",
    "supervisor",
    "other_agency_admin",
    "other_supervisor",
)


def table(client: Client, query: str) -> list[list[str]]:
    """A dashboard table downloaded as CSV: its header, then its rows."""
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw)))


def by_first(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows[1:]}


@pytest.fixture
def late(dispositioned: Callable[..., Report]) -> Callable[..., Report]:
    """A report disposed to Kota Cirebon's Dinas PUPR 40 days ago: overdue."""

    def make(**overrides: Any) -> Report:
        return dispositioned(now=timezone.now() - timedelta(days=40), **overrides)

    return make


def recent_span() -> str:
    """A period of the last 60 days, holding the reports made in a test."""
    today = timezone.localdate()
    return f"mulai={today - timedelta(days=60)}&sampai={today}"


# -- access ---------------------------------------------------------------------------


def test_every_staff_role_opens_it_and_nobody_else(cast: Cast, staff_client: StaffClient) -> None:
    for role in STAFF:
        assert client_of(staff_client, getattr(cast, role)).get(URL).status_code == 200, role
    for client in (client_of(staff_client, cast.owner), Client()):
        for path in (URL, f"{URL}?unduh=angka&format=csv"):
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith("/kantor/masuk")
    # A staff member who has not passed the second factor is sent to sign in.
    assert cast.agency_admin.user is not None
    half = Client()
    half.force_login(cast.agency_admin.user)
    assert half.get(URL).status_code == 302


def test_the_back_office_links_to_it_with_this_years_figures(
    cast: Cast, staff_client: StaffClient
) -> None:
    handled("pemda-32-74", timezone.localdate().replace(day=1), 12, 12)
    html = client_of(staff_client, cast.agency_admin).get("/kantor/").content.decode()
    assert f'href="{URL}"' in html
    assert "Laporan diterima" in html and "<dd>12</dd>" in html
    supervisor = client_of(staff_client, cast.supervisor).get("/kantor/").content.decode()
    assert f'href="{URL}"' in supervisor and "<dd>12</dd>" not in supervisor


# -- an agency's own figures ----------------------------------------------------------


def test_an_agency_sees_its_own_figures_and_never_anothers(
    cast: Cast, staff_client: StaffClient
) -> None:
    handled("pemda-32-74", date(2024, 1, 1), 20, 20)
    handled("pemda-32-09", date(2024, 1, 1), 30, 10, regency="32.09")
    for role, received, name, other in [
        ("agency_admin", "20", "Pemerintah Kota Cirebon", "Pemerintah Kabupaten Cirebon"),
        ("liaison", "20", "Pemerintah Kota Cirebon", "Pemerintah Kabupaten Cirebon"),
        ("other_agency_admin", "30", "Pemerintah Kabupaten Cirebon", "Pemerintah Kota Cirebon"),
    ]:
        client = client_of(staff_client, getattr(cast, role))
        html = client.get(f"{URL}?tahun=2024").content.decode()
        assert f"Statistik: {name}" in html and other not in html, role
        figures = by_first(table(client, "tahun=2024&unduh=angka&format=csv"))
        assert figures["Laporan diterima"][0] == received, role


def test_the_figures_and_their_trend_against_the_period_before(
    cast: Cast, staff_client: StaffClient
) -> None:
    handled("pemda-32-74", date(2024, 1, 1), 20, 20)
    handled("pemda-32-74", date(2024, 2, 1), 10, 5)
    handled("pemda-32-74", date(2023, 1, 1), 10, 10, followed_up=10)
    handled("pemda-32-74", date(2023, 2, 1), 4, 0, followed_up=2)
    client = client_of(staff_client, cast.agency_admin)

    header, *rows = table(client, "tahun=2024&unduh=angka&format=csv")
    assert header == ["Angka", "2024", "2023"]
    figures = {row[0]: row[1:] for row in rows}
    assert figures["Laporan diterima"] == ["30", "14"]
    assert figures["Ditindaklanjuti"] == ["30", "12"]
    assert figures["Tindak lanjut pertama tepat waktu (%)"] == ["83.3", "71.4"]
    # (50 × 100 + 30 × 83.3 + 10 × 0) / 90; the year before (50 × 85.7 + 30 × 71.4) / 90.
    assert figures["Indeks responsivitas"] == ["83.3", "71.4"]
    assert figures["Kategori"] == ["Responsif", "Cukup Responsif"]
    assert figures["Tunggakan sekarang (belum selesai)"] == ["0", ""]

    monthly = by_first(table(client, "tahun=2024&unduh=bulanan&format=csv"))
    assert len(monthly) == 12
    # received, before; followed up %; on time %, before; index, before.
    assert monthly["Jan 2024"] == ["20", "10", "100.0", "100.0", "100.0", "88.9", "88.9"]
    assert monthly["Feb 2024"] == ["10", "4", "100.0", "50.0", "0.0", "72.2", ""]
    assert monthly["Mar 2024"] == ["0", "0", "", "", "", "", ""]

    quarters = by_first(table(client, "tahun=2024&unduh=triwulan&format=csv"))
    assert quarters["TW I 2024"][:2] == ["30", "14"]
    assert quarters["TW II 2024"][:2] == ["0", "0"]

    # A month is compared with the month before; it has no quarterly table.
    header, *rows = table(client, "tahun=2024&bulan=2&unduh=angka&format=csv")
    assert header == ["Angka", "Februari 2024", "Januari 2024"]
    assert {row[0]: row[1:] for row in rows}["Laporan diterima"] == ["10", "20"]
    assert client.get(f"{URL}?tahun=2024&bulan=2&unduh=triwulan").status_code == 400
    html = client.get(f"{URL}?tahun=2024").content.decode()
    assert "Tren per bulan" in html and "Tren per triwulan" in html
    assert '<td class="num">83,3</td>' in html  # as Indonesian writes it


def test_the_units_compared_with_the_liaisons_own_highlighted(
    cast: Cast,
    staff_client: StaffClient,
    late: Callable[..., Report],
    dispositioned: Callable[..., Report],
    make_report: MakeReport,
) -> None:
    late(title="Got tersumbat")
    followed = dispositioned(title="Jalan rusak")
    services.report_follow_up(actor=cast.liaison, report=followed, text="Sudah kami periksa.")
    for unit_id in (cast.dishub.pk, None):  # one to Dishub, one to no unit yet
        services.report_dispose(
            actor=cast.national, report=make_report(), agency_id=cast.kota.pk, unit_id=unit_id
        )

    query = f"{recent_span()}&unduh=unit&format=csv"
    admin = client_of(staff_client, cast.agency_admin)
    header, *rows = table(admin, query)
    assert header == [
        "Unit kerja",
        "Diterima",
        "Ditindaklanjuti",
        "Ditindaklanjuti (%)",
        "Selesai tepat waktu",
        "Terlambat sekarang",
    ]
    units = {row[0]: row[1:] for row in rows}
    assert units[cast.pupr.name] == ["2", "1", "50.0", "0", "1"]
    assert units[cast.dishub.name] == ["1", "0", "0.0", "0", "0"]
    assert units["Belum diteruskan ke unit kerja"] == ["1", "0", "0.0", "0", "0"]
    # Every active unit of the agency, none of another's.
    assert set(units) - {"Belum diteruskan ke unit kerja"} == set(
        Unit.objects.filter(agency=cast.kota, is_active=True).values_list("name", flat=True)
    )

    # Each liaison sees the agency's units, its own pointed out.
    for actor, own in ((cast.liaison, cast.pupr), (cast.other_liaison, cast.dishub)):
        html = client_of(staff_client, actor).get(f"{URL}?{recent_span()}").content.decode()
        assert html.count('<tr class="mine">') == 1
        assert f'<tr class="mine"><th scope="row">{own.name} <span class="meta">(unit Anda)' in html
        assert by_first(table(client_of(staff_client, actor), query)) == units
    assert '<tr class="mine">' not in admin.get(f"{URL}?{recent_span()}").content.decode()

    # Kabupaten Cirebon's admin sees its own units, all at zero.
    other = by_first(table(client_of(staff_client, cast.other_agency_admin), query))
    assert other and all(row == ["0", "0", "", "0", "0"] for row in other.values())


# -- the overdue list -----------------------------------------------------------------


def test_the_overdue_list_is_the_back_offices_for_each_role(
    cast: Cast, staff_client: StaffClient, late: Callable[..., Report]
) -> None:
    assert cast.owner.user is not None
    cast.owner.user.first_name, cast.owner.user.last_name = "Siti", "Rahmawati"
    cast.owner.user.save()
    shown = late(title="Got tersumbat")
    secret = late(title="Pungli perizinan", confidential=True)
    for role, sees in {
        "national": {shown, secret},
        "agency_admin": {shown, secret},
        "liaison": {shown, secret},
        "other_liaison": set(),
        "supervisor": {shown, secret},
        "other_agency_admin": set(),
        "other_supervisor": set(),
    }.items():
        html = client_of(staff_client, getattr(cast, role)).get(URL).content.decode()
        found = {r for r in (shown, secret) if tracking_number_display(r.tracking_number) in html}
        assert found == sees, role
        assert "Rahmawati" not in html, role
        if sees:
            assert f"{len(sees)} laporan melewati batas waktu" in html, role
            assert 'href="/kantor/terlambat"' in html, role
            assert "terlambat" in html and 'class="due overdue"' in html, role
    # The supervisor sees the confidential report by its number only, as on its list.
    html = client_of(staff_client, cast.supervisor).get(URL).content.decode()
    assert "Got tersumbat" in html and "Pungli perizinan" not in html
    assert "Laporan rahasia" in html
    assert f'href="/kantor/laporan/{secret.tracking_number}"' not in html
    agency = client_of(staff_client, cast.agency_admin).get(URL).content.decode()
    assert "Pungli perizinan" in agency  # its own report, as its inbox shows it


# -- a supervisor's scope and the national boards -------------------------------------


def test_a_supervisor_compares_the_agencies_it_supervises(
    cast: Cast, staff_client: StaffClient, late: Callable[..., Report]
) -> None:
    handled("pemda-32-74", date(2024, 1, 1), 20, 20)
    handled("pemda-32-09", date(2024, 1, 1), 30, 10, regency="32.09")
    handled("pemda-32-09", date(2023, 1, 1), 30, 30, regency="32.09")
    handled("pemda-33-01", date(2024, 1, 1), 50, 50, regency="33.01")  # Jawa Tengah
    late()
    supervisor = client_of(staff_client, cast.supervisor)
    header, *rows = table(supervisor, "tahun=2024&unduh=instansi&format=csv")
    assert header == [
        "Peringkat",
        "Instansi",
        "Diterima",
        "Ditindaklanjuti (%)",
        "Tindak lanjut pertama tepat waktu (%)",
        "Indeks",
        "Kategori",
        "Perubahan peringkat",
        "Tunggakan sekarang",
        "Terlambat sekarang",
    ]
    agencies = {row[1]: row for row in rows}
    jabar = Agency.objects.filter(supervisor__code="pemda-32", is_active=True)
    assert set(agencies) == set(jabar.values_list("name", flat=True))
    assert agencies["Pemerintah Kota Cirebon"] == [
        "1",
        "Pemerintah Kota Cirebon",
        "20",
        "100.0",
        "100.0",
        "88.9",
        "Responsif",
        "",
        "1",
        "1",
    ]
    kabupaten = agencies["Pemerintah Kabupaten Cirebon"]
    assert kabupaten[0] == "2" and kabupaten[7] == "-1" and kabupaten[8:] == ["0", "0"]
    # Too few reports: listed, not ranked.
    bandung = agencies["Pemerintah Kota Bandung"]
    assert (bandung[0], bandung[6], bandung[7]) == ("", "Data belum cukup", "")
    # Jawa Tengah's supervisor sees its own province's agencies, none of these.
    other = table(client_of(staff_client, cast.other_supervisor), "tahun=2024&unduh=instansi")
    assert not {row[1] for row in other[1:]} & set(agencies)
    html = supervisor.get(f"{URL}?tahun=2024").content.decode()
    assert "Instansi yang diawasi dibandingkan" in html and "Angka utama" not in html
    assert '<td class="num">−1</td>' in html  # a place lost, with a real minus sign


def test_a_provinces_admin_sees_its_own_agency_not_the_regencies(
    cast: Cast, staff_client: StaffClient, late: Callable[..., Report]
) -> None:
    """The access policy gives a province's admin its own reports (and its
    sub-agencies'), not those of the regencies it supervises: so does the
    dashboard."""
    jabar = Agency.objects.get(code="pemda-32")
    admin = User.objects.create(username="admin.jabar", role="agency_admin", agency=jabar)
    late(title="Got tersumbat")
    handled("pemda-32-74", date(2024, 1, 1), 20, 20)
    client = verified_client(admin)
    html = client.get(f"{URL}?tahun=2024").content.decode()
    assert "Statistik: Pemerintah Provinsi Jawa Barat" in html
    assert "Instansi yang diawasi" not in html and "Got tersumbat" not in html
    assert client.get(f"{URL}?unduh=instansi").status_code == 400
    figures = by_first(table(client, "tahun=2024&unduh=angka"))
    assert figures["Laporan diterima"][0] == "0"


def test_the_national_admin_sees_the_nation_and_the_boards(
    cast: Cast, staff_client: StaffClient
) -> None:
    handled("pemda-32", date(2024, 1, 1), 20, 20, regency="32.73")
    handled("pemda-33", date(2024, 1, 1), 20, 10, regency="33.74")
    # The reports as a whole: the national figures.
    rollup_row("", date(2024, 1, 1), regency="32.73", received=45)
    national = client_of(staff_client, cast.national)
    provinces = table(national, "tahun=2024&unduh=provinsi&format=csv")[1:]
    assert [row[:3] for row in provinces[:2]] == [
        ["1", "Pemerintah Provinsi Jawa Barat", "20"],
        ["2", "Pemerintah Provinsi Jawa Tengah", "20"],
    ]
    assert [row[1] for row in provinces] == [
        row.agency.name for row in ranking(Board.PROVINCES, Period.year(2024))
    ]
    assert by_first(table(national, "tahun=2024&unduh=angka"))["Laporan diterima"] == ["45", "0"]
    for name in ("pusat", "bumn", "bulanan", "triwulan"):
        assert national.get(f"{URL}?tahun=2024&unduh={name}").status_code == 200, name
    # The boards are the national admin's; no other role is offered them.
    admin = client_of(staff_client, cast.agency_admin)
    assert admin.get(f"{URL}?tahun=2024&unduh=provinsi").status_code == 400


def test_ranking_of_ranks_any_agencies_among_themselves() -> None:
    handled("pemda-32-74", date(2024, 1, 1), 20, 10)
    handled("pemda-32-09", date(2024, 1, 1), 20, 20, regency="32.09")
    handled("pemda-32-09", date(2023, 1, 1), 20, 0, regency="32.09")
    handled("pemda-32-74", date(2023, 1, 1), 20, 20)
    agencies = list(Agency.objects.filter(code__in=["pemda-32-74", "pemda-32-09"]))
    rows = ranking_of(agencies, Period.year(2024))
    assert [(row.agency.code, row.rank, row.movement) for row in rows] == [
        ("pemda-32-09", 1, 1),
        ("pemda-32-74", 2, -1),
    ]
    # The boards rank the same way as before.
    local = [r for r in ranking(Board.LOCAL, Period.year(2024), province="32") if r.rank]
    assert [(r.agency.code, r.rank) for r in local] == [("pemda-32-09", 1), ("pemda-32-74", 2)]


# -- downloads and errors -------------------------------------------------------------


def test_every_table_downloads_as_csv_and_xlsx(cast: Cast, staff_client: StaffClient) -> None:
    handled("pemda-32-74", date(2024, 1, 1), 20, 20)
    client = client_of(staff_client, cast.agency_admin)
    html = client.get(f"{URL}?tahun=2024").content.decode()
    for name in ("angka", "bulanan", "triwulan", "unit"):
        assert f'href="?tahun=2024&amp;unduh={name}&amp;format=xlsx"' in html, name
        rows = table(client, f"tahun=2024&unduh={name}&format=csv")
        response = client.get(f"{URL}?tahun=2024&unduh={name}&format=xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"].endswith('-pemda-32-74-2024.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        cells = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        assert len(cells) == len(rows) and cells[0] == rows[0], name
    response = client.get(f"{URL}?tahun=2024&unduh=angka")  # CSV unless asked otherwise
    assert (
        response["Content-Disposition"] == 'attachment; filename="angka-utama-pemda-32-74-2024.csv"'
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tahun=dua-ribu", "Tahun: Masukkan keseluruhan angka"),
        ("tahun=1999", "Tahun harus antara 2015 dan"),
        ("tahun=99999999999999999999999", "Tahun harus antara"),
        ("bulan=13", "Bulan: Masukkan pilihan yang valid"),
        ("triwulan=0", "Triwulan: Masukkan pilihan yang valid"),
        ("mulai=2024-01-01", "Isi tanggal awal dan akhir periode."),
        ("mulai=2024-02-01&sampai=2024-01-01", "Tanggal akhir harus sesudah tanggal awal"),
        ("mulai=2024-02-30&sampai=2024-03-01", "Atau dari tanggal: Masukkan tanggal yang valid"),
        ("mulai=2000-01-01&sampai=2024-01-01", "paling lama 12 tahun"),
        ("unduh=rahasia", "Tabel yang diminta tidak ada di halaman ini."),
        ("unduh={table}&format=pdf", "Format unduhan harus csv atau xlsx."),
        ("tahun=1999&unduh={table}&format=csv", "Tahun harus antara"),
    ],
)
def test_a_period_or_download_that_makes_no_sense_is_refused(
    cast: Cast, staff_client: StaffClient, query: str, message: str
) -> None:
    # Each role with one of the tables its dashboard has.
    for role, name in (("agency_admin", "unit"), ("supervisor", "instansi"), ("national", "pusat")):
        client = client_of(staff_client, getattr(cast, role))
        response = client.get(f"{URL}?{query.format(table=name)}")
        assert response.status_code == 400, (role, query)
        html = response.content.decode()
        assert message in html, (role, html[-2000:])
        assert 'role="alert"' in html


def test_a_custom_span_reads_the_daily_roll_ups(cast: Cast, staff_client: StaffClient) -> None:
    for day, received in ((date(2024, 1, 10), 3), (date(2024, 1, 20), 4), (date(2024, 2, 5), 5)):
        rollup_row("pemda-32-74", day, grain="d", received=received)
    client = client_of(staff_client, cast.agency_admin)
    monthly = by_first(table(client, "mulai=2024-01-15&sampai=2024-02-10&unduh=bulanan"))
    assert [(month, row[0]) for month, row in monthly.items()] == [
        ("Jan 2024", "4"),
        ("Feb 2024", "5"),
    ]
    header = table(client, "mulai=2024-01-15&sampai=2024-02-10&unduh=angka")[0]
    assert header == [
        "Angka",
        "15 Januari 2024 – 10 Februari 2024",
        "19 Desember 2023 – 14 Januari 2024",
    ]


# -- queries --------------------------------------------------------------------------


@pytest.mark.parametrize("reports", [1, 12])
def test_each_dashboard_runs_a_fixed_number_of_queries(
    cast: Cast,
    staff_client: StaffClient,
    late: Callable[..., Report],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    reports: int,
) -> None:
    for n in range(reports):
        late(confidential=n % 3 == 0)
        handled("pemda-32-74", date(2024, 1 + n, 1), 10 + n, n)
    for role, bound in (
        ("agency_admin", 22),
        ("liaison", 22),
        ("supervisor", 14),
        ("national", 27),
    ):
        client = client_of(staff_client, getattr(cast, role))
        client.get(URL)  # reference data memoised, as in a running server
        with django_assert_max_num_queries(bound):
            html = client.get(f"{URL}?tahun=2024").content.decode()
        assert html.count('class="due overdue"') == min(reports, 10), role


def test_figures_are_written_as_indonesian_writes_them() -> None:
    from django.utils import translation

    from aduan.backoffice.dashboard.views import _text

    with translation.override("id"):
        assert _text(5 / 11 * 100) == "45,5"  # rounded, not cut
        assert _text(1234567) == "1.234.567"
        assert _text(-2, signed=True) == "−2" and _text(3, signed=True) == "+3"
        assert _text(None) == "–" and _text("Responsif") == "Responsif"
