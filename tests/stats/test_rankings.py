"""Rankings: best index first, equals sharing a rank, too few reports listed but
not ranked, the movement since the period before, and only the board's agencies."""

from datetime import date
from typing import Any

import pytest

from aduan.stats.metrics import Period
from aduan.stats.rankings import Board, ranking
from tests.stats.rows import handled

pytestmark = pytest.mark.django_db


def names(rows: Any) -> list[tuple[int | None, str]]:
    return [(row.rank, row.agency.code) for row in rows if row.figures.received]


def test_the_best_index_ranks_first_and_equals_share_a_rank() -> None:
    handled("pemda-32-74", date(2026, 1, 1), 20, 20)
    handled("pemda-32-09", date(2026, 1, 1), 20, 10)
    handled("pemda-32-73", date(2026, 1, 1), 40, 20)  # the same index as 32-09
    handled("pemda-32-01", date(2026, 1, 1), 5, 5)  # too few
    handled("pemda-33-01", date(2026, 1, 1), 50, 50)  # Jawa Tengah: another board
    board = ranking(Board.LOCAL, Period.year(2026), province="32")
    assert names(board) == [
        (1, "pemda-32-74"),
        (2, "pemda-32-73"),  # more reports first between equals
        (2, "pemda-32-09"),
        (None, "pemda-32-01"),
    ]
    # Nothing completed yet: (50 × 100 + 30 × 100 + 10 × 0) / 90, no rating to weigh.
    assert board[0].index.value == pytest.approx(88.9, abs=0.05)
    assert board[1].index.value == board[2].index.value


def test_the_movement_is_against_the_period_before() -> None:
    handled("pemda-32-74", date(2025, 12, 1), 20, 10)
    handled("pemda-32-09", date(2025, 12, 1), 20, 20)
    handled("pemda-32-74", date(2026, 1, 1), 20, 20)
    handled("pemda-32-09", date(2026, 1, 1), 20, 10)
    board = ranking(Board.LOCAL, Period.month(2026, 1), province="32")
    rows = {row.agency.code: row for row in board if row.figures.received}
    assert (rows["pemda-32-74"].rank, rows["pemda-32-74"].movement) == (1, 1)
    assert (rows["pemda-32-09"].rank, rows["pemda-32-09"].movement) == (2, -1)


def test_provinces_and_central_bodies_have_boards_of_their_own() -> None:
    handled("pemda-32", date(2026, 1, 1), 20, 20)
    handled("pemda-32-74", date(2026, 1, 1), 20, 20)
    provinces = ranking(Board.PROVINCES, Period.year(2026))
    assert names(provinces) == [(1, "pemda-32")]
    assert {row.agency.kind for row in provinces} == {"province"}
    central = ranking(Board.CENTRAL, Period.year(2026))
    assert {row.agency.kind for row in central} <= {"ministry", "institution"}
    with pytest.raises(ValueError, match="within a province"):
        ranking(Board.LOCAL, Period.year(2026))
