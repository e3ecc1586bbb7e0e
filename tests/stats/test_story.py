"""The source's story as a test (DESIGN.md §1): in the demo data, Pemerintah Kota
Cirebon received 134 reports in 2020 and followed up every one on time; it ranks
first among the regencies and cities of Jawa Barat, *Sangat Responsif*."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from aduan.agencies.models import Agency
from aduan.demo.reports import demo_reports_create
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
