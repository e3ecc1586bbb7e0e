"""Statistics through the API (``/api/v1/stats/...``): the same figures, index and
rankings as the public pages, for anyone — they hold no report and no person."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from aduan.agencies.api import AgencyBrief
from aduan.agencies.models import Agency
from aduan.lib.errors import InvalidInput, NotFound
from aduan.lib.problems import problem_responses
from aduan.regions.api import REGION_CODE
from aduan.regions.codes import format_region_code
from aduan.regions.models import Region
from aduan.stats.index import Category, index_of
from aduan.stats.metrics import Metrics, Period, Scope, Spread, metrics, period_parse
from aduan.stats.models import COUNTERS
from aduan.stats.rankings import Board, Row, ranking

router = Router(tags=["statistics"])


class PeriodQuery(Schema):
    year: int | None = Field(default=None, description="The year (this one by default).")
    quarter: int | None = Field(default=None, ge=1, le=4)
    month: int | None = Field(default=None, ge=1, le=12)
    start: date | None = Field(default=None, description="A custom span: its first day …")
    end: date | None = Field(default=None, description="… and its last day.")

    def period(self) -> Period:
        return period_parse(
            year=self.year, quarter=self.quarter, month=self.month, start=self.start, end=self.end
        )


class PeriodOut(Schema):
    start: date
    end: date


class IndexOut(Schema):
    value: float | None = Field(description="0–100; null when there are too few reports.")
    category: Category
    category_label: str


class FiguresOut(Schema):
    received: int
    dispositioned: int
    followed_up: int
    followed_up_pct: float | None
    first_on_time: int
    first_on_time_pct: float | None
    first_late: int
    completed: int
    completed_on_time: int
    completed_on_time_pct: float | None
    completed_late: int
    closed: int
    closed_pct: float | None
    bounced: int
    bounce_pct: float | None
    reopened: int
    reopen_pct: float | None
    archived: int
    rating_count: int
    rating_average: float | None
    satisfied_pct: float | None
    first_waiting: int = Field(
        description="Reports whose first follow-up is not due yet (deadline ahead): "
        "neither on time nor late, out of the shares."
    )
    completion_waiting: int = Field(description="Reports whose completion is not due yet.")


class SpreadOut(Schema):
    count: int
    median: int | None = Field(description="Working days.")
    p90: int | None = Field(description="Working days, 90th percentile.")


class MetricsOut(Schema):
    period: PeriodOut
    agency: AgencyBrief | None
    region: str
    figures: FiguresOut
    first_follow_up_days: SpreadOut
    completion_days: SpreadOut
    backlog_now: int
    overdue_now: int
    index: IndexOut


class RankingRowOut(Schema):
    rank: int | None = Field(description="null: not ranked (insufficient data).")
    previous_rank: int | None
    movement: int | None = Field(description="Places gained since the period before.")
    agency: AgencyBrief
    index: float | None
    category: Category
    category_label: str
    received: int
    followed_up_pct: float | None


class RankingOut(Schema):
    period: PeriodOut
    board: Board
    region: str
    rows: list[RankingRowOut]


class MetricsQuery(PeriodQuery):
    agency: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[^\x00]*$",
        description="An agency's id or code; all reports when not given.",
    )
    region: str | None = Field(
        default=None,
        description="A region code; includes sub-regions.",
        json_schema_extra=REGION_CODE,
    )


class RankingQuery(PeriodQuery):
    region: str | None = Field(
        default=None,
        description=(
            "A province (or a place in it): ranks its regencies' and cities' governments. "
            "Without it, the board below."
        ),
        json_schema_extra=REGION_CODE,
    )
    board: Board = Field(default=Board.PROVINCES, description="When no region is given.")


# The plain counts of the roll-ups that the figures show as they are.
_COUNTS = tuple(name for name in COUNTERS if name in FiguresOut.model_fields)


def _figures(figures: Metrics) -> FiguresOut:
    return FiguresOut(
        **{name: figures.counts.get(name, 0) for name in _COUNTS},
        closed=figures.closed,
        followed_up_pct=figures.followed_up_pct,
        first_on_time_pct=figures.first_on_time_pct,
        completed_on_time_pct=figures.completed_on_time_pct,
        closed_pct=figures.closed_pct,
        bounce_pct=figures.bounce_pct,
        reopen_pct=figures.reopen_pct,
        rating_average=figures.rating_average,
        satisfied_pct=figures.satisfied_pct,
    )


def _region(raw: str | None) -> str:
    if not raw:
        return ""
    code = format_region_code(raw, field="region")
    if not Region.objects.filter(code=code).exists():
        raise NotFound(code="region_not_found")
    return code


def _agency(raw: str | None) -> Agency | None:
    if not raw:
        return None
    by_id = raw.isascii() and raw.isdigit() and len(raw) < 10
    found = Agency.objects.filter(pk=int(raw)) if by_id else Agency.objects.filter(code=raw)
    agency = found.first()
    if agency is None:
        raise NotFound(code="agency_not_found")
    return agency


@router.get(
    "/metrics",
    response=MetricsOut,
    summary="Figures for an agency, region and period",
    openapi_extra=problem_responses(404),
)
def stats_metrics(request: HttpRequest, query: Query[MetricsQuery]) -> MetricsOut:
    period = query.period()
    agency = _agency(query.agency)
    region = _region(query.region)
    figures = metrics(Scope(agency_id=agency.pk if agency else 0, region=region), period)
    index = index_of(figures)
    return MetricsOut(
        period=PeriodOut(start=period.start, end=period.end),
        agency=AgencyBrief.from_orm(agency) if agency else None,
        region=region,
        figures=_figures(figures),
        first_follow_up_days=_spread(figures.first),
        completion_days=_spread(figures.completion),
        backlog_now=figures.backlog,
        overdue_now=figures.overdue,
        index=IndexOut(
            value=index.value, category=index.category, category_label=index.category.label
        ),
    )


def _spread(spread: Spread) -> SpreadOut:
    return SpreadOut(count=spread.count, median=spread.median, p90=spread.p90)


@router.get(
    "/rankings",
    response=RankingOut,
    summary="Agencies ranked by the index",
    openapi_extra=problem_responses(404),
)
def stats_rankings(request: HttpRequest, query: Query[RankingQuery]) -> RankingOut:
    period = query.period()
    region = _region(query.region)
    board = Board.LOCAL if region else query.board
    if board == Board.LOCAL and not region:
        raise InvalidInput(
            _("Pilih provinsi untuk peringkat kabupaten dan kota."),
            code="region_required",
            field="region",
        )
    rows = ranking(board, period, province=region[:2])
    return RankingOut(
        period=PeriodOut(start=period.start, end=period.end),
        board=board,
        region=region[:2],
        rows=[_row(row) for row in rows],
    )


def _row(row: Row) -> RankingRowOut:
    return RankingRowOut(
        rank=row.rank,
        previous_rank=row.previous_rank,
        movement=row.movement,
        agency=AgencyBrief.from_orm(row.agency),
        index=row.index.value,
        category=row.index.category,
        category_label=row.index.category.label,
        received=row.figures.received,
        followed_up_pct=row.figures.followed_up_pct,
    )
