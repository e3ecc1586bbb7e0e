"""Rankings by the responsiveness index (DESIGN.md §8): the regencies' and cities'
governments within a province (the source's "Kota Cirebon, best of West Java"),
the provinces' governments nationally, the ministries and other central bodies,
and the state companies — each agency on what it held in the period, with its
movement since the period before. An agency with too few reports is listed, as
"insufficient data", but not ranked."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from aduan.agencies.models import Agency
from aduan.stats.index import Index, index_of
from aduan.stats.metrics import Metrics, Period, region_level, summed
from aduan.stats.models import Rollup


class Board(StrEnum):
    LOCAL = "local"  # regencies and cities, within one province
    PROVINCES = "provinces"
    CENTRAL = "central"  # ministries and other central bodies
    STATE_COMPANIES = "state_companies"


_KINDS = {
    Board.LOCAL: (Agency.Kind.REGENCY, Agency.Kind.CITY),
    Board.PROVINCES: (Agency.Kind.PROVINCE,),
    Board.CENTRAL: (Agency.Kind.MINISTRY, Agency.Kind.INSTITUTION),
    Board.STATE_COMPANIES: (Agency.Kind.STATE_COMPANY,),
}


@dataclass(frozen=True, slots=True)
class Row:
    rank: int | None  # None: not ranked (insufficient data)
    agency: Agency
    index: Index
    figures: Metrics
    previous_rank: int | None = None

    @property
    def movement(self) -> int | None:
        """Places gained since the period before (negative: lost); None when either
        period gave no rank."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def ranking(board: Board, period: Period, *, province: str = "") -> list[Row]:
    """The board for the period, best first, the unranked last (four queries)."""
    return ranking_of(_agencies(board, province), period)


def ranking_of(agencies: Sequence[Agency], period: Period) -> list[Row]:
    """Any agencies ranked among themselves as a board ranks its own — a
    supervisor's regencies and cities, say — best first, the unranked last, with
    the movement since the period before (two queries)."""
    listed = list(agencies)
    current = _ranked(listed, period)
    before = {row.agency.pk: row.rank for row in _ranked(listed, period.previous())}
    return [
        Row(
            rank=row.rank,
            agency=row.agency,
            index=row.index,
            figures=row.figures,
            previous_rank=before.get(row.agency.pk),
        )
        for row in current
    ]


def _agencies(board: Board, province: str) -> list[Agency]:
    where = Q(kind__in=_KINDS[board], is_active=True)
    if board == Board.LOCAL:
        if not province:
            raise ValueError("the local board is ranked within a province")
        where &= Q(region__code__startswith=f"{province}.")
    return list(Agency.objects.filter(where).order_by("name"))


def _ranked(agencies: list[Agency], period: Period) -> list[Row]:
    rows_of = Rollup.objects.filter(
        region_level(""),  # each agency's figures everywhere
        period.rollup_filter(),
        agency_id__in=[agency.pk for agency in agencies],
    )
    counts = dict(summed(rows_of, "agency_id"))
    rows = []
    for agency in agencies:
        figures = Metrics(counts=counts.get(agency.pk, {}))
        rows.append(Row(rank=None, agency=agency, index=index_of(figures), figures=figures))
    # Best index first; between equals, more reports handled first, then by name.
    rows.sort(key=lambda r: (r.index.value is None, -(r.index.value or 0), -r.figures.received))
    ranked: list[Row] = []
    previous: Row | None = None
    for position, row in enumerate(rows, start=1):
        if not row.index.ranked:
            ranked.append(row)
            continue
        same = previous is not None and previous.index.value == row.index.value
        rank = previous.rank if same and previous is not None else position
        row = Row(rank=rank, agency=row.agency, index=row.index, figures=row.figures)
        ranked.append(row)
        previous = row
    return ranked
