"""The source's story as a test (DESIGN.md §1): in the demo data, Pemerintah Kota
Cirebon received 134 reports in 2020 and followed up every one on time; it ranks
first among the regencies and cities of Jawa Barat, *Sangat Responsif*."""

import io
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from pypdf import PdfReader

from aduan.agencies.models import Agency
from aduan.demo.reports import demo_reports_create
from aduan.stats.cards import report_card
from aduan.stats.index import Category
from aduan.stats.metrics import Period, Scope, metrics
from aduan.stats.rankings import Board, ranking
from aduan.stats.services import stats_rebuild

COUNT = 1500
YEAR_2020 = Period.year(2020)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: pytest.FixtureDef[object]) -> Iterator[int]:
    """The demo reports and their statistics, made once and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        created = demo_reports_create(count=COUNT, seed=11)
        stats_rebuild()
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def kota(seeded: int, db: None) -> Agency:
    return Agency.objects.get(code="pemda-32-74")


def test_kota_cirebon_followed_up_all_134_reports_of_2020(kota: Agency) -> None:
    figures = metrics(Scope(agency_id=kota.pk), YEAR_2020)
    assert figures.received == 134
    assert figures.counts["followed_up"] == 134 and figures.followed_up_pct == 100
    assert figures.counts["first_on_time"] == 134


def test_kota_cirebon_ranks_first_in_jawa_barat(kota: Agency) -> None:
    board = ranking(Board.LOCAL, YEAR_2020, province="32")
    first = board[0]
    assert (first.rank, first.agency) == (1, kota)
    assert first.index.category == Category.SANGAT_RESPONSIF
    # The others of the province are listed, unranked where they had too few reports.
    assert {row.agency.region_id[:3] for row in board if row.agency.region_id} == {"32."}
    assert all(row.rank is None or row.index.value is not None for row in board)
    assert (
        len(board)
        == Agency.objects.filter(
            kind__in=("regency", "city"), region__code__startswith="32."
        ).count()
    )


def test_kota_cirebon_report_card_of_2020_says_so(kota: Agency, client: Client) -> None:
    received = "Pada 2020 tercatat 134 laporan masuk; 134 telah ditindaklanjuti (100%)."
    standing = (
        "Kota Cirebon tergolong Sangat Responsif dengan indeks 96,8 dan menempati peringkat 1 "
        "dari 27 kabupaten/kota di Jawa Barat."
    )
    card = report_card(agency=kota, year=2020)
    assert card.sentences[:2] == (received, standing)
    assert (card.index.category, card.rank, card.board_size) == (Category.SANGAT_RESPONSIF, 1, 27)
    page = client.get("/statistik/instansi/pemda-32-74/rapor/2020").content.decode()
    assert received in page and standing in page
    pdf = client.get("/statistik/instansi/pemda-32-74/rapor/2020.pdf").content
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert received in text and standing in text
