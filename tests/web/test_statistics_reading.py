"""Statistics that read right (issue 19, Build 6), as the pages show them: an
unfinished period counts only what is due and says it is not over, a past period
says when its figures were computed, a ranking row leads to the agency's figures
for the same period, the window's title names the place once, and the staff
dashboard shows its year and no "no data" drawing above a full table."""

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import verified_client
from tests.reports.conftest import Cast
from tests.stats.rows import handled

pytestmark = pytest.mark.django_db


def test_the_nation_s_page_says_statistik_once(client: Client) -> None:
    national = client.get("/statistik?tahun=2025").content.decode()
    assert "<title>Statistik nasional 2025 — aduan</title>" in national
    assert "Statistik Statistik" not in national
    province = client.get("/statistik/wilayah/32?tahun=2025").content.decode()
    assert "<title>Statistik Jawa Barat 2025 — aduan</title>" in province
    agency = client.get("/statistik/instansi/pemda-32-74?tahun=2025").content.decode()
    assert "<title>Statistik Pemerintah Kota Cirebon 2025 — aduan</title>" in agency


def test_a_past_period_says_as_of_when(client: Client) -> None:
    handled("", date(2025, 3, 1), 12)
    page = client.get("/statistik?tahun=2025").content.decode()
    today = timezone.localdate()
    assert re.search(rf"Angka per {today.day} \w+ {today.year}, \d\d\.\d\d WIB\.", page)
    assert "belum berakhir" not in page


def test_the_current_month_says_it_is_not_over_and_counts_only_what_is_due(
    client: Client,
) -> None:
    today = timezone.localdate()
    # 12 reports this month: 4 were due and followed up on time, 8 are within their
    # deadline. Counted against all 12 this read 33%; it reads 100%.
    handled(
        "",
        today.replace(day=1),
        12,
        followed_up=4,
        first_waiting=8,
        completion_waiting=12,
    )
    page = client.get(f"/statistik?tahun={today.year}&bulan={today.month}").content.decode()
    assert "Periode ini belum berakhir" in page
    assert "8 laporan belum melewati batas waktunya" in page
    assert "<dt>Ditindaklanjuti</dt><dd>100,0%</dd>" in page
    assert "<dt>Tindak lanjut pertama tepat waktu</dt><dd>100,0%</dd>" in page
    assert "<dt>Selesai tepat waktu</dt><dd>–</dd>" in page  # nothing due yet


def test_a_ranking_row_leads_to_the_agency_s_month(client: Client) -> None:
    handled("pemda-32-74", date(2025, 3, 1), 12)
    page = client.get(
        "/statistik/peringkat?papan=local&provinsi=32&tahun=2025&bulan=3"
    ).content.decode()
    assert 'href="/statistik/instansi/pemda-32-74?tahun=2025&amp;bulan=3"' in page
    agency = client.get("/statistik/instansi/pemda-32-74?tahun=2025&bulan=3").content.decode()
    assert "Maret 2025" in agency


def test_the_dashboard_shows_its_year_and_no_empty_drawing_above_a_full_table(
    cast: Cast,
) -> None:
    assert cast.national.user is not None
    client = verified_client(cast.national.user)
    # Provinces with reports, each too few for an index: a full table, no index.
    handled("pemda-32", date(2025, 3, 1), 3)
    handled("pemda-33", date(2025, 3, 1), 2, regency="33.01")
    page = client.get("/kantor/statistik").content.decode()
    year = timezone.localdate().year
    assert re.search(rf'<input type="number" name="tahun" value="{year}"', page)
    page = client.get("/kantor/statistik?tahun=2025").content.decode()
    assert "Angka per" in page and "belum berakhir" not in page
    provinces = page[page.index('id="tabel-provinsi"') :]
    provinces = provinces[: provinces.index("</section>")]
    assert "Pemerintah Provinsi Jawa Barat" in provinces
    assert "Belum ada data" not in provinces
