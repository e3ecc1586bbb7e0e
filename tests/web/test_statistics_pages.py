"""The public statistics pages: national, a region, an agency and the rankings —
figures from the roll-ups, period filters (refused in Indonesian with a 400,
never a 500), 404 for what does not exist, every table downloadable as CSV and
XLSX, the rankings' movement, few queries, and no report ever shown: a
confidential one counts and appears nowhere."""

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Report
from aduan.stats.services import stats_rebuild
from tests.reports.conftest import Cast
from tests.stats.rows import handled

pytestmark = pytest.mark.django_db

PAGES = (
    "/statistik",
    "/statistik/wilayah/32",
    "/statistik/wilayah/32.74",
    "/statistik/instansi/pemda-32-74",
)


def rollup(day: date, received: int, *, agency: str = "", **fields: Any) -> None:
    """Figures as the roll-ups hold them (the report as a whole unless ``agency``),
    every report followed up, ``first_on_time`` of them on time (all by default)."""
    handled(agency, day, received, fields.pop("first_on_time", None), **fields)


def text_of(response: Any) -> str:
    """The page's words, tags taken out and spaces made single."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figure(response: Any, label: str) -> str:
    """The headline figure under ``label``."""
    html = response.content.decode()
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html)
    assert found, label
    return found.group(1)


def download(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:400]
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


# -- the figures pages ----------------------------------------------------------------


def test_the_national_page_shows_the_year_s_figures_and_its_provinces(client: Client) -> None:
    rollup(date(2025, 1, 1), 12, first_on_time=6)
    rollup(date(2025, 3, 1), 8, province="33", regency="33.01")
    rollup(date(2024, 12, 1), 100)  # the year before
    response = client.get("/statistik?tahun=2025")
    assert response.status_code == 200
    assert figure(response, "Laporan masuk") == "20"
    assert figure(response, "Tindak lanjut pertama tepat waktu") == "70,0%"
    page = response.content.decode()
    # Each chart is an image with a name, followed by its table and downloads.
    assert page.count('role="img"') == 6
    assert page.count("Lihat tabel data") == 5
    assert '<a href="/statistik/wilayah/32">Jawa Barat</a>' in page
    assert '<a href="/statistik/wilayah/33">Jawa Tengah</a>' in page
    assert 'href="/statistik/metodologi"' in page
    assert 'href="/statistik/peringkat?tahun=2025"' in page
    assert "?tahun=2025&amp;unduh=wilayah&amp;format=xlsx" in page
    assert '<a href="/statistik">Statistik</a>' in page  # in the site's menu


def test_a_province_holds_its_regencies_and_links_them(client: Client) -> None:
    rollup(date(2025, 1, 1), 12)
    rollup(date(2025, 1, 1), 3, regency="32.09")
    rollup(date(2025, 1, 1), 50, province="33", regency="33.01")  # elsewhere
    response = client.get("/statistik/wilayah/32?tahun=2025")
    assert response.status_code == 200
    assert figure(response, "Laporan masuk") == "15"
    page = response.content.decode()
    assert "<h1>Jawa Barat" in page
    assert '<a href="/statistik/wilayah/32.74">Kota Cirebon</a>' in page
    assert '<a href="/statistik/wilayah/32.09">Kabupaten Cirebon</a>' in page
    assert '<a href="/statistik/instansi/pemda-32">' in page  # its government's own figures
    assert 'href="/statistik/peringkat?papan=local&amp;provinsi=32&amp;tahun=2025"' in page


def test_a_regency_page_has_its_province_above_it(client: Client) -> None:
    rollup(date(2025, 2, 1), 4)
    rollup(date(2025, 2, 1), 9, regency="32.09")
    response = client.get("/statistik/wilayah/32.74?tahun=2025")
    assert response.status_code == 200
    assert figure(response, "Laporan masuk") == "4"
    page = response.content.decode()
    assert '<a href="/statistik/wilayah/32">Jawa Barat</a>' in page
    assert '<a href="/statistik/instansi/pemda-32-74">' in page
    assert "Laporan per kabupaten/kota" not in page  # nothing finer in the roll-ups


def test_an_agency_page_shows_what_it_held_and_links_its_report_card(client: Client) -> None:
    rollup(date(2025, 5, 1), 11, agency="pemda-32-74", completed=11, completed_on_time=11)
    rollup(date(2025, 5, 1), 30)  # the reports as a whole: not the agency's figures
    response = client.get("/statistik/instansi/pemda-32-74?tahun=2025")
    assert response.status_code == 200
    assert figure(response, "Laporan masuk") == "11"
    page = response.content.decode()
    assert "<h1>Pemerintah Kota Cirebon" in page
    assert 'href="/statistik/instansi/pemda-32-74/rapor/2025">Rapor 2025</a>' in page
    assert "Sangat Responsif" in page


def test_the_period_filters_choose_the_rows(client: Client) -> None:
    rollup(date(2025, 1, 1), 5)
    rollup(date(2025, 4, 1), 7)
    rollup(date(2025, 4, 10), 2, grain="d")
    rollup(date(2025, 4, 20), 3, grain="d")
    quarter = client.get("/statistik?tahun=2025&triwulan=2")
    assert figure(quarter, "Laporan masuk") == "7"
    assert "Triwulan II 2025" in text_of(quarter)
    month = client.get("/statistik?tahun=2025&bulan=1")
    assert figure(month, "Laporan masuk") == "5" and "Januari 2025" in text_of(month)
    span = client.get("/statistik?mulai=2025-04-05&sampai=2025-04-15")
    assert figure(span, "Laporan masuk") == "2"
    assert "5 April 2025 – 15 April 2025" in text_of(span)
    # The form shows what was asked, to be changed.
    assert 'name="mulai" value="2025-04-05"' in span.content.decode()


def test_the_default_period_is_this_year(client: Client) -> None:
    this_year = timezone.localdate().year
    rollup(date(this_year, 1, 1), 6)
    rollup(date(this_year - 1, 1, 1), 40)
    response = client.get("/statistik")
    assert figure(response, "Laporan masuk") == "6"
    assert f'<span class="stats-period">{this_year}</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tahun=abc", "Tahun harus ditulis dengan angka"),
        ("tahun=1999", "Tahun harus antara 2015"),
        ("tahun=2025&triwulan=5", "Triwulan harus 1 sampai 4"),
        ("tahun=2025&bulan=13", "Bulan harus 1 sampai 12"),
        ("tahun=2025&bulan=-1", "Bulan harus 1 sampai 12"),
        ("mulai=2025-01-01", "Isi tanggal awal dan akhir periode"),
        ("mulai=2025-02-30&sampai=2025-03-01", "Tanggal harus ditulis TTTT-BB-HH"),
        ("mulai=2025-03-01&sampai=2025-02-01", "Tanggal akhir harus sesudah tanggal awal"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused_in_indonesian(
    client: Client, query: str, message: str
) -> None:
    for page in (*PAGES, "/statistik/peringkat"):
        response = client.get(f"{page}?{query}")
        assert response.status_code == 400, page
        html = response.content.decode()
        assert message in html and 'role="alert"' in html
        assert 'name="tahun"' in html  # the form, to correct it
        assert 'href="/statistik/metodologi"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/statistik/wilayah/99",
        "/statistik/wilayah/32.99",
        "/statistik/wilayah/32.74.01",  # a district: the roll-ups hold nothing finer
        "/statistik/wilayah/jabar",
        "/statistik/instansi/tidak-ada",
    ],
)
def test_what_does_not_exist_is_not_found(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


# -- downloads -----------------------------------------------------------------------------


def test_every_table_downloads_as_csv_for_the_period_asked(client: Client) -> None:
    rollup(date(2025, 2, 1), 12)
    rollup(date(2024, 2, 1), 99)
    rows = download(client, "/statistik?tahun=2025&unduh=bulan&format=csv")
    assert rows[0][:3] == ["Bulan", "Laporan masuk", "Ditindaklanjuti"]
    assert rows[1][:2] == ["Jan 2025", "0"] and rows[2][:3] == ["Feb 2025", "12", "12"]
    assert len(rows) == 13
    response = client.get("/statistik/wilayah/32?tahun=2025&unduh=wilayah&format=csv")
    assert response["Content-Disposition"].endswith('-32-2025.csv"')
    for name in ("ringkasan", "triwulan", "kategori", "kanal", "jenis", "wilayah"):
        assert download(client, f"/statistik?tahun=2025&unduh={name}")[0], name
    summary = {row[0]: row[1] for row in download(client, "/statistik?tahun=2025&unduh=ringkasan")}
    assert summary["Laporan masuk"] == "12" and summary["Ditindaklanjuti"] == "100.0"


def test_a_table_downloads_as_xlsx(client: Client) -> None:
    rollup(date(2025, 2, 1), 12, channel="sms")
    response = client.get("/statistik/wilayah/32.74?tahun=2025&unduh=kanal&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kanal", "Laporan masuk")
    assert rows[1][:3] == ("SMS 1708", 12, 100)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("unduh=rahasia&format=csv", "Tabel “rahasia” tidak ada di halaman ini"),
        ("unduh=bulan&format=pdf", "Format unduhan harus csv atau xlsx"),
        ("unduh=wilayah", "Tabel “wilayah” tidak ada"),  # a regency has no sub-regions
    ],
)
def test_an_unknown_download_is_refused(client: Client, query: str, message: str) -> None:
    response = client.get(f"/statistik/wilayah/32.74?tahun=2025&{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


# -- the rankings ----------------------------------------------------------------------------


def test_the_provinces_board_is_the_default(client: Client) -> None:
    rollup(date(2025, 1, 1), 20, agency="pemda-32")
    rollup(date(2025, 1, 1), 20, agency="pemda-32-74")  # not a province
    response = client.get("/statistik/peringkat?tahun=2025")
    assert response.status_code == 200
    page = response.content.decode()
    # A row leads to the agency's own figures for the same period.
    assert (
        '<a href="/statistik/instansi/pemda-32?tahun=2025">Pemerintah Provinsi Jawa Barat</a>'
        in page
    )
    assert "pemda-32-74" not in page
    assert '<option value="provinces" selected>' in page


def test_a_province_s_board_ranks_with_movement_and_the_unranked_last(client: Client) -> None:
    for code, before, now in (
        ("pemda-32-74", 10, 20),  # 3rd, now 1st (shared): up 2
        ("pemda-32-09", 20, 10),  # 1st (shared), now 4th: down 3
        ("pemda-32-73", 20, 20),  # 1st (shared) in both years: the same
        ("pemda-32-01", 0, 15),  # not ranked before: new
    ):
        if before:
            rollup(date(2024, 1, 1), 20, agency=code, first_on_time=before)
        rollup(date(2025, 1, 1), 20, agency=code, first_on_time=now)
    rollup(date(2025, 1, 1), 3, agency="pemda-32-02")  # too few: not ranked
    response = client.get("/statistik/peringkat?papan=local&provinsi=32&tahun=2025")
    assert response.status_code == 200
    rows = download(
        client, "/statistik/peringkat?papan=local&provinsi=32&tahun=2025&unduh=peringkat"
    )
    header, body = rows[0], rows[1:]
    assert header == [
        "Peringkat",
        "Kode instansi",
        "Instansi",
        "Indeks",
        "Kategori",
        "Laporan masuk",
        "% ditindaklanjuti",
        "Peringkat sebelumnya",
        "Perubahan",
    ]
    shown = [(row[0], row[1], row[8]) for row in body if row[5] != "0"]
    assert shown == [
        ("1", "pemda-32-73", "tetap"),  # an equal index and as many reports: by name
        ("1", "pemda-32-74", "naik 2"),
        ("3", "pemda-32-01", "baru"),
        ("4", "pemda-32-09", "turun 3"),
        ("", "pemda-32-02", "–"),
    ]
    unranked = [row for row in body if row[0] == ""]
    assert all(row[4] == "Data belum cukup" for row in unranked)
    assert body[-len(unranked) :] == unranked  # the unranked last
    page = response.content.decode()
    assert "Kabupaten dan kota di Jawa Barat" in page
    assert (
        '<a href="/statistik/instansi/pemda-32-74?tahun=2025">Pemerintah Kota Cirebon</a>' in page
    )
    assert "naik 2" in page and "turun 3" in page and "baru" in page
    assert 'href="/statistik/metodologi"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("papan=local", "Pilih provinsi untuk peringkat kabupaten dan kota"),
        ("papan=local&provinsi=99", "Provinsi tidak dikenal"),
        ("papan=local&provinsi=32.74", "Provinsi tidak dikenal"),
        ("papan=semua", "Papan peringkat tidak dikenal"),
    ],
)
def test_a_board_that_does_not_exist_is_refused(client: Client, query: str, message: str) -> None:
    response = client.get(f"/statistik/peringkat?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_central_bodies_and_state_companies_have_boards(client: Client) -> None:
    ministry = Agency.objects.filter(kind="ministry").first()
    company = Agency.objects.filter(kind="state_company").first()
    assert ministry is not None and company is not None
    rollup(date(2025, 1, 1), 12, agency=ministry.code)
    rollup(date(2025, 1, 1), 12, agency=company.code)
    central = client.get("/statistik/peringkat?papan=central&tahun=2025").content.decode()
    companies = client.get("/statistik/peringkat?papan=state_companies&tahun=2025").content.decode()
    assert f'href="/statistik/instansi/{ministry.code}?tahun=2025"' in central
    assert f'href="/statistik/instansi/{company.code}?' not in central
    assert f'href="/statistik/instansi/{company.code}?tahun=2025"' in companies


# -- privacy and cost ------------------------------------------------------------------------


def at(day: str, hour: int = 9) -> datetime:
    """A moment on ``day`` in WIB."""
    return datetime.fromisoformat(day).replace(hour=hour - 7, tzinfo=UTC)


def test_a_confidential_report_counts_and_never_appears(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    title = "Pungutan liar di kantor kelurahan Pekalipan"
    body = "Petugas meminta uang tambahan untuk surat keterangan domisili."
    report = make_report(title=title, body=body, confidential=True, now=at("2025-03-03", 8))
    services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        unit_id=cast.pupr.pk,
        now=at("2025-03-03"),
    )
    stats_rebuild()
    pages = [f"{page}?tahun=2025" for page in (*PAGES, "/statistik/peringkat")] + [
        "/statistik/peringkat?papan=local&provinsi=32&tahun=2025"
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in (title, body, "Pekalipan", report.tracking_number):
            assert secret not in html, (url, secret)
    for url in PAGES:
        assert figure(client.get(f"{url}?tahun=2025"), "Laporan masuk") == "1", url
    for url in PAGES:
        for name in ("ringkasan", "bulan", "kategori", "kanal", "jenis"):
            rows = download(client, f"{url}?tahun=2025&unduh={name}")
            assert title not in str(rows) and report.tracking_number not in str(rows)


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/statistik?tahun=2025", 10),
        ("/statistik/wilayah/32?tahun=2025", 10),
        ("/statistik/wilayah/32.74?tahun=2025", 10),
        ("/statistik/instansi/pemda-32-74?tahun=2025", 10),
        ("/statistik/peringkat?tahun=2025", 3),
        ("/statistik/peringkat?papan=local&provinsi=32&tahun=2025", 3),
        ("/statistik?tahun=2025&unduh=bulan&format=csv", 1),
    ],
)
def test_each_page_reads_a_few_grouped_queries(
    client: Client, django_assert_max_num_queries: Any, url: str, most: int
) -> None:
    for month in range(1, 13):
        rollup(date(2025, month, 1), 12, agency="pemda-32-74")
        rollup(date(2025, month, 1), 12, regency="32.09")
        rollup(date(2025, month, 1), 12)
    client.get(url)  # reference data read once into memory, as a running site keeps it
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200


def test_the_methodology_leads_to_the_figures_and_every_page_to_it(client: Client) -> None:
    page = client.get("/statistik/metodologi").content.decode()
    assert 'href="/statistik"' in page and 'href="/statistik/peringkat"' in page
    for url in (*PAGES, "/statistik/peringkat"):
        assert 'href="/statistik/metodologi"' in client.get(url).content.decode(), url


def test_the_pages_work_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    rollup(date(2025, 1, 1), 12)
    for url in (*PAGES, "/statistik/peringkat"):
        response = client.get(f"{url}?tahun=2025")
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
