"""An agency's yearly report card: the plain sentences, every figure beside the
year before, its board, the PDF of the same page, the figures as CSV and XLSX,
refusals in Indonesian (never a 500), and no report ever shown — a confidential
one counts and appears nowhere."""

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Report
from aduan.stats.cards import report_card, whole_percent
from aduan.stats.services import stats_update_due
from tests.reports.conftest import Cast
from tests.stats.rows import durations
from tests.stats.rows import rollup_row as month

pytestmark = pytest.mark.django_db

KOTA = "pemda-32-74"
CARD = "/statistik/instansi/pemda-32-74/rapor/2020"


@pytest.fixture
def kota_2020(db: None) -> None:
    """Kota Cirebon in 2020, and in 2019 for the comparison."""
    month(
        KOTA,
        date(2020, 3, 1),
        received=1234,
        dispositioned=1234,
        followed_up=1233,
        first_on_time=1110,
        first_late=100,
        completed=717,
        completed_on_time=617,
        completed_late=100,
        bounced=12,
        reopened=6,
        closed_confirmed=500,
        rating_count=100,
        rating_sum=420,
        satisfied=80,
    )
    durations(KOTA, date(2020, 3, 1), "first", {2: 600, 3: 400, 7: 210})
    durations(KOTA, date(2020, 3, 1), "completion", {10: 717})
    month(KOTA, date(2019, 6, 1), received=1000, followed_up=900, first_on_time=800)
    durations(KOTA, date(2019, 6, 1), "first", {4: 800})


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def figure_row(label: str, *cells: str) -> str:
    return f'<th scope="row">{label}</th>' + "".join(f'<td class="numeric">{c}</td>' for c in cells)


def test_it_says_the_year_in_plain_sentences(client: Client, kota_2020: None) -> None:
    page = page_text(client, CARD)
    # 1,233 of 1,234 is 99.9%: "99%", never "100%" while one report waits.
    assert "Pada 2020 tercatat 1.234 laporan masuk; 1.233 telah ditindaklanjuti (99%)." in page
    # (50 × 99.92 + 30 × 89.95 + 10 × 50 + 10 × 80) / 100 = 89.9; alone of Jawa Barat
    # with enough reports.
    assert (
        "Kota Cirebon tergolong Responsif dengan indeks 89,9 dan menempati peringkat 1 dari "
        "27 kabupaten/kota di Jawa Barat." in page
    )
    assert "26 di antaranya belum diperingkat karena datanya belum cukup." in page
    assert "<h1>Pemerintah Kota Cirebon</h1>" in page


def test_it_shows_every_figure_beside_the_year_before(client: Client, kota_2020: None) -> None:
    page = page_text(client, CARD)
    assert '<th scope="col" class="numeric">2020</th>' in page
    assert '<th scope="col" class="numeric">2019</th>' in page
    for row in (
        figure_row("Laporan masuk", "1.234", "1.000", "+234"),
        figure_row("Ditindaklanjuti", "1.233", "900", "+333"),
        figure_row("Ditindaklanjuti (%)", "99,9", "90,0", "+9,9"),
        figure_row("Tindak lanjut pertama tepat waktu (%)", "90,0", "80,0", "+10,0"),
        figure_row("Selesai tepat waktu (%)", "50,0", "0,0", "+50,0"),
        figure_row("Ditutup (%)", "40,5", "0,0", "+40,5"),
        figure_row("Dikembalikan, bukan wewenang (%)", "1,0", "0,0", "+1,0"),
        figure_row("Dibuka kembali (%)", "0,8", "–", "–"),
        figure_row("Median hari kerja sampai tindak lanjut pertama", "3", "4", "−1"),
        figure_row("Persentil ke-90 hari kerja sampai tindak lanjut pertama", "7", "4", "+3"),
        figure_row("Median hari kerja sampai selesai", "10", "–", "–"),
        figure_row("Persentil ke-90 hari kerja sampai selesai", "10", "–", "–"),
        figure_row("Rata-rata nilai (1–5)", "4,2", "–", "–"),
        figure_row("Pelapor puas (%)", "80,0", "–", "–"),
        figure_row("Indeks responsivitas (0–100)", "89,9", "76,7", "+13,2"),
    ):
        assert row in page
    assert "<dd>89,9</dd>" in page and "<dd>Responsif</dd>" in page and "<dd>1 dari 27</dd>" in page


def test_it_reads_few_queries(
    client: Client, kota_2020: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(16):
        client.get(CARD)


def test_the_pdf_is_the_same_card(client: Client, kota_2020: None) -> None:
    response = client.get(f"{CARD}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapor-pemda-32-74-2020.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Pada 2020 tercatat 1.234 laporan masuk; 1.233 telah ditindaklanjuti (99%)." in text
    assert "menempati peringkat 1 dari 27 kabupaten/kota di Jawa Barat." in text
    assert "Unduh" not in text  # the page's links stay on the page
    assert "dari angka yang sama dengan halaman" in text


def test_the_figures_download_as_csv_and_xlsx(client: Client, kota_2020: None) -> None:
    response = client.get(CARD, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "angka-rapor-pemda-32-74-2020.csv" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "Angka,2020,2019,Perubahan"
    assert "Laporan masuk,1234,1000,234" in lines
    assert "Ditindaklanjuti (%),99.9,90.0,9.9" in lines
    assert "Rata-rata nilai (1–5),4.2,," in lines

    response = client.get(CARD, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Angka", "2020", "2019", "Perubahan"]
    assert ["Laporan masuk", 1234, 1000, 234] in rows
    assert ["Indeks responsivitas (0–100)", 89.9, 76.7, 13.2] in rows


def test_an_unknown_download_format_is_refused(client: Client, kota_2020: None) -> None:
    response = client.get(CARD, {"format": "pdf"})
    assert response.status_code == 400
    assert "Format unduhan harus csv atau xlsx." in response.content.decode()


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_an_unknown_agency_is_not_found(client: Client, suffix: str) -> None:
    response = client.get(f"/statistik/instansi/pemda-99-99/rapor/2020{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize("year", [2014, 2999, 99999999999999999999])
@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_a_year_outside_the_statistics_is_refused_in_indonesian(
    client: Client, year: int, suffix: str
) -> None:
    response = client.get(f"/statistik/instansi/{KOTA}/rapor/{year}{suffix}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    last = timezone.localdate().year + 1
    assert f"Tahun harus antara 2015 dan {last}." in response.content.decode()


def test_a_year_without_reports_says_so(client: Client, kota_2020: None) -> None:
    page = page_text(client, "/statistik/instansi/pemda-32-74/rapor/2018")
    assert "Pada 2018 belum ada laporan masuk." in page
    assert "tergolong" not in page and "tercatat" not in page
    assert "<dd>Data belum cukup</dd>" in page and "<dd>Belum diperingkat</dd>" in page
    assert figure_row("Laporan masuk", "0", "0", "0") in page
    assert figure_row("Ditindaklanjuti (%)", "–", "–", "–") in page
    # Its PDF says the same.
    response = client.get("/statistik/instansi/pemda-32-74/rapor/2018.pdf")
    assert "Pada 2018 belum ada laporan masuk." in pdf_text(response.content)


def test_too_few_reports_give_no_index_and_no_rank(client: Client) -> None:
    month(KOTA, date(2021, 5, 1), received=4, followed_up=4, first_on_time=4)
    page = page_text(client, "/statistik/instansi/pemda-32-74/rapor/2021")
    assert "Pada 2021 tercatat 4 laporan masuk; 4 telah ditindaklanjuti (100%)." in page
    assert (
        "Data 2021 belum cukup untuk menilai Kota Cirebon: indeks dan peringkat memerlukan "
        "sedikitnya 10 laporan masuk." in page
    )
    assert "tergolong" not in page and "menempati" not in page
    assert "<dd>Data belum cukup</dd>" in page and "<dd>Belum diperingkat</dd>" in page


def test_a_province_is_ranked_among_the_provinces(client: Client) -> None:
    month("pemda-32", date(2022, 1, 1), received=20, followed_up=20, first_on_time=20)
    month("pemda-33", date(2022, 1, 1), received=20, followed_up=20, first_on_time=10)
    card = report_card(agency=Agency.objects.get(code="pemda-33"), year=2022)
    provinces = Agency.objects.filter(kind="province", is_active=True).count()
    # (50 × 100 + 30 × 50) / 90 = 72.2
    assert card.sentences[1] == (
        f"Provinsi Jawa Tengah tergolong Cukup Responsif dengan indeks 72,2 dan menempati "
        f"peringkat 2 dari {provinces} provinsi."
    )
    assert (card.rank, card.board_size) == (2, provinces)


def test_the_national_admin_has_no_board(client: Client) -> None:
    month(
        "nasional",
        date(2022, 1, 1),
        received=20,
        followed_up=20,
        first_on_time=20,
        completed=20,
        completed_on_time=20,
    )
    page = page_text(client, "/statistik/instansi/nasional/rapor/2022")
    assert "Admin Nasional tergolong Sangat Responsif dengan indeks 100,0." in page
    assert "Peringkat" not in page


def test_a_percentage_is_whole_and_honest() -> None:
    assert whole_percent(134, 134) == 100
    assert whole_percent(1, 2) == 50
    assert whole_percent(1, 8) == 13  # 12.5: half up
    assert whole_percent(999, 1000) == 99  # not all of them
    assert whole_percent(1, 1000) == 1  # not none of them
    assert whole_percent(0, 5) == 0


def at(day: str, hour: int = 10) -> datetime:
    """A moment in Jakarta (UTC+7)."""
    return datetime.fromisoformat(day).replace(hour=hour - 7, tzinfo=UTC)


def test_a_confidential_report_counts_and_never_appears(
    client: Client, cast: Cast, make_report: Callable[..., Report]
) -> None:
    report = make_report(
        title="Pungutan liar di kantor kelurahan Pekalipan",
        body="Petugas meminta uang tambahan untuk surat keterangan domisili.",
        confidential=True,
        now=at("2025-03-03", 8),
    )
    services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        unit_id=cast.pupr.pk,
        now=at("2025-03-03"),
    )
    report = Report.objects.get(pk=report.pk)
    services.report_follow_up(
        actor=cast.liaison, report=report, text="Sedang kami periksa.", now=at("2025-03-04")
    )
    while stats_update_due():
        pass
    html = page_text(client, "/statistik/instansi/pemda-32-74/rapor/2025")
    pdf = pdf_text(client.get("/statistik/instansi/pemda-32-74/rapor/2025.pdf").content)
    csv = b"".join(
        client.get(
            "/statistik/instansi/pemda-32-74/rapor/2025", {"format": "csv"}
        ).streaming_content  # type: ignore[attr-defined]
    ).decode()
    sentence = "Pada 2025 tercatat 1 laporan masuk; 1 telah ditindaklanjuti (100%)."
    assert sentence in html and sentence in pdf
    for shown in (html, pdf, csv):
        for secret in (
            "Pungutan liar",
            "Pekalipan",
            "uang tambahan",
            "Sedang kami periksa",
            report.tracking_number,
        ):
            assert secret not in shown
