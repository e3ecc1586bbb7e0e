"""The figures of DESIGN.md §8 for one agency (or every report, agency 0), one
region (a province or a regency/city, with everything in it) and one period,
read from the roll-ups: a month, a quarter or a year from the monthly rows, any
other span from the daily ones. Medians and 90th percentiles come from the
counts of working days, so they are exact, not estimates. Backlog and overdue
are "now", read from the open reports."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput
from aduan.reports.models import OPEN_STATES, Report
from aduan.stats.models import ALL, COUNTERS, Duration, Grain, Rollup


@dataclass(frozen=True, slots=True)
class Period:
    """A span of whole days, both ends included."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Self:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Self:
        first = date(year, 3 * quarter - 2, 1)
        return cls(first, _month_end(date(year, 3 * quarter, 1)))

    @classmethod
    def month(cls, year: int, month: int) -> Self:
        first = date(year, month, 1)
        return cls(first, _month_end(first))

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.end)

    def rollup_filter(self) -> Q:
        """The roll-up rows that sum to the period: its whole months from the
        monthly rows, only the days at its ends from the daily ones (a span of half
        a year reads some forty days, not every one)."""
        first = self.start if self.start.day == 1 else _month_end(self.start) + timedelta(days=1)
        end_month = self.end.replace(day=1)
        last = end_month if self.end == _month_end(self.end) else _months_before(end_month, 1)
        if first > last:  # no whole month inside: the days alone
            return Q(grain=Grain.DAY, day__gte=self.start, day__lte=self.end)
        where = Q(grain=Grain.MONTH, day__gte=first, day__lte=last)
        if self.start < first:
            where |= Q(grain=Grain.DAY, day__gte=self.start, day__lt=first)
        if self.end > _month_end(last):
            where |= Q(grain=Grain.DAY, day__gt=_month_end(last), day__lte=self.end)
        return where

    def previous(self) -> "Period":
        """The period of the same length just before (a year before a year, the
        month before a month), for the movement in rankings."""
        if self.whole_months:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = _months_before(self.start, months)
            return Period(first, self.start - timedelta(days=1))
        length = self.end - self.start
        return Period(self.start - length - timedelta(days=1), self.start - timedelta(days=1))


# Quarters as people write them: "Triwulan II 2026".
ROMAN = ("I", "II", "III", "IV")


def period_kind(period: Period) -> str:
    """ "year", "quarter", "month" or "span"."""
    start, end = period.start, period.end
    if not period.whole_months or start.year != end.year:
        return "span"
    months = end.month - start.month + 1
    if months == 12:
        return "year"
    if months == 3 and start.month % 3 == 1:
        return "quarter"
    return "month" if months == 1 else "span"


def period_text(period: Period) -> str:
    """The period in words: "2026", "Triwulan II 2026", "Maret 2026", or
    "5 Januari 2026 – 10 Februari 2026"."""
    start, kind = period.start, period_kind(period)
    if kind == "year":
        return str(start.year)
    if kind == "quarter":
        return gettext("Triwulan %(quarter)s %(year)s") % {
            "quarter": ROMAN[(start.month - 1) // 3],
            "year": start.year,
        }
    if kind == "month":
        return date_format(start, "F Y")
    return f"{date_format(period.start, 'j F Y')} – {date_format(period.end, 'j F Y')}"


def period_over(period: Period, *, now: datetime | None = None) -> bool:
    """Whether the period has ended (in WIB): its figures no longer grow with new
    reports, though a late follow-up of one of its reports still changes them."""
    return period.end < timezone.localdate(now or timezone.now())


def period_standing(
    period: Period, *, waiting: int | None = None, now: datetime | None = None
) -> str:
    """What a reader must know to read the period's figures right: when they were
    computed ("as of"), and for a period not over, that it is not, and how many of
    its reports are not due yet (neither on time nor late: out of the shares)."""
    now = now or timezone.now()
    moment = date_format(timezone.localtime(now), "j F Y, H.i")
    as_of = gettext("Angka per %(moment)s WIB.") % {"moment": moment}
    if period_over(period, now=now):
        return as_of
    if period.start > timezone.localdate(now):
        return gettext("Periode ini belum dimulai.")
    text = gettext("Periode ini belum berakhir (sampai %(end)s). %(as_of)s") % {
        "end": date_format(period.end, "j F Y"),
        "as_of": as_of,
    }
    if waiting:
        text += " " + ngettext(
            "%(count)s laporan belum melewati batas waktunya: belum dihitung tepat waktu "
            "atau terlambat.",
            "%(count)s laporan belum melewati batas waktunya: belum dihitung tepat waktu "
            "atau terlambat.",
            waiting,
        ) % {"count": waiting}
    return text


# The first year with reports to count, and a span no statistics page reads beyond.
FIRST_YEAR = 2015
MAX_DAYS = 366 * 12


def period_parse(
    *,
    year: int | None = None,
    quarter: int | None = None,
    month: int | None = None,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> Period:
    """The period a page or API call asks for: a custom span (``start`` and
    ``end``), else a month or a quarter of a year, else a year (this one by
    default). Refused, with a reason the user can act on, when it makes no sense."""
    today = today or timezone.localdate()
    if start is not None or end is not None:
        if start is None or end is None:
            raise InvalidInput(
                _("Isi tanggal awal dan akhir periode."), code="period_incomplete", field="start"
            )
        if end < start or (end - start).days > MAX_DAYS:
            raise InvalidInput(
                _("Tanggal akhir harus sesudah tanggal awal, paling lama 12 tahun."),
                code="period_invalid",
                field="end",
            )
        # The years a year may be (below): a span at the calendar's ends (0001,
        # 9999) would overflow when it is compared with the span before it.
        if start.year < FIRST_YEAR or end.year > today.year + 1:
            raise InvalidInput(
                _("Tahun harus antara %(first)s dan %(last)s.")
                % {"first": FIRST_YEAR, "last": today.year + 1},
                code="period_invalid",
                field="start" if start.year < FIRST_YEAR else "end",
            )
        return Period(start, end)
    year = year if year is not None else today.year
    if not FIRST_YEAR <= year <= today.year + 1:
        raise InvalidInput(
            _("Tahun harus antara %(first)s dan %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year + 1},
            code="period_invalid",
            field="year",
        )
    if month is not None:
        if not 1 <= month <= 12:
            raise InvalidInput(_("Bulan harus 1 sampai 12."), code="period_invalid", field="month")
        return Period.month(year, month)
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise InvalidInput(
                _("Triwulan harus 1 sampai 4."), code="period_invalid", field="quarter"
            )
        return Period.quarter(year, quarter)
    return Period.year(year)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: an agency (0: every report, wherever it went) and a region
    code prefix ("" everywhere, "32" a province, "32.74" a regency or city)."""

    agency_id: int = 0
    region: str = ""

    def rollup_filter(self) -> Q:
        return Q(agency_id=self.agency_id) & region_level(self.region)


def region_level(region: str) -> Q:
    """The roll-up rows that hold a region's figures whole: the nation's ("" ),
    a province's ("32") or a regency's or city's ("32.74") — one level, so that
    nothing is counted twice."""
    if not region:
        return Q(province=ALL, regency=ALL)
    if len(region) == 2:
        return Q(province=region, regency=ALL)
    return Q(province=region[:2], regency=region[:5])


def subregion_level(region: str) -> Q:
    """The rows of the level below: each province's (nationally), each regency's
    and city's (in a province)."""
    if not region:
        return Q(regency=ALL) & ~Q(province=ALL)
    return Q(province=region[:2]) & ~Q(regency=ALL)


@dataclass(frozen=True, slots=True)
class Spread:
    """Working days: how many were measured, the median and the 90th percentile."""

    count: int = 0
    median: int | None = None
    p90: int | None = None


@dataclass(frozen=True, slots=True)
class Metrics:
    counts: dict[str, int] = field(default_factory=dict)
    first: Spread = Spread()
    completion: Spread = Spread()
    backlog: int = 0
    overdue: int = 0

    @property
    def received(self) -> int:
        return self.counts.get("received", 0)

    def share(self, name: str, of: str = "received") -> float | None:
        """``name`` as a percentage of ``of`` (None when there is nothing to divide)."""
        return _percent(self.counts.get(name, 0), self.counts.get(of, 0))

    # Only what is due counts: a report whose deadline has not passed yet is
    # neither on time nor late, so it is out of these shares' denominators (an
    # unfinished month is not marked down for the reports it just received).
    @property
    def first_due(self) -> int:
        """Reports whose first follow-up was due by now (made, or deadline passed)."""
        return self.received - self.counts.get("first_waiting", 0)

    @property
    def completion_due(self) -> int:
        """Reports whose completion was due by now."""
        return self.received - self.counts.get("completion_waiting", 0)

    @property
    def waiting(self) -> int:
        """Reports received whose first follow-up is not due yet."""
        return self.counts.get("first_waiting", 0)

    @property
    def followed_up_pct(self) -> float | None:
        return _percent(self.counts.get("followed_up", 0), self.first_due)

    @property
    def first_on_time_pct(self) -> float | None:
        return _percent(self.counts.get("first_on_time", 0), self.first_due)

    @property
    def completed_on_time_pct(self) -> float | None:
        return _percent(self.counts.get("completed_on_time", 0), self.completion_due)

    @property
    def closed(self) -> int:
        return sum(
            self.counts.get(name, 0)
            for name in ("closed_confirmed", "closed_auto", "closed_intervened")
        )

    @property
    def closed_pct(self) -> float | None:
        return 100 * self.closed / self.received if self.received else None

    @property
    def bounce_pct(self) -> float | None:
        return self.share("bounced")

    @property
    def reopen_pct(self) -> float | None:
        return self.share("reopened", of="completed")

    @property
    def rating_average(self) -> float | None:
        count = self.counts.get("rating_count", 0)
        return self.counts.get("rating_sum", 0) / count if count else None

    @property
    def satisfied_pct(self) -> float | None:
        return self.share("satisfied", of="rating_count")


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole > 0 else None


def metrics(scope: Scope, period: Period, *, now: datetime | None = None) -> Metrics:
    """Every figure for the scope and period (three queries, whatever the span)."""
    rows = Rollup.objects.filter(scope.rollup_filter(), period.rollup_filter())
    sums = rows.aggregate(**{name: Sum(name) for name in COUNTERS})
    counts = {name: int(value or 0) for name, value in sums.items()}
    durations = (
        Duration.objects.filter(scope.rollup_filter(), period.rollup_filter())
        .values_list("measure", "days")
        .annotate(total=Sum("count"))
        .order_by("measure", "days")
    )
    spreads: dict[str, list[tuple[int, int]]] = {"first": [], "completion": []}
    for measure, days, total in durations:
        if total:
            spreads[measure].append((days, int(total)))
    backlog, overdue = _open_now(scope, now or timezone.now())
    return Metrics(
        counts=counts,
        first=_spread(spreads["first"]),
        completion=_spread(spreads["completion"]),
        backlog=backlog,
        overdue=overdue,
    )


def _spread(counted: list[tuple[int, int]]) -> Spread:
    """The median and 90th percentile (nearest rank) of values given with counts,
    in ascending order."""
    total = sum(count for _days, count in counted)
    if not total:
        return Spread()

    def rank(tenths: int) -> int:
        wanted = max(1, -(-total * tenths // 10))  # ceil(total × tenths / 10), in integers
        seen = 0
        for days, count in counted:
            seen += count
            if seen >= wanted:
                return days
        return counted[-1][0]

    return Spread(count=total, median=rank(5), p90=rank(9))


def _open_now(scope: Scope, now: datetime) -> tuple[int, int]:
    """Open reports now, and those of them past their deadline."""
    reports = Report.objects.filter(state__in=OPEN_STATES)
    if scope.agency_id:
        reports = reports.filter(agency_id=scope.agency_id)
    if scope.region:
        reports = reports.filter(region__code__startswith=scope.region)
    backlog = reports.count()
    overdue = reports.filter(deadline_at__lt=now).count()
    return backlog, overdue


def summed(rows: QuerySet[Rollup], key: str) -> Iterator[tuple[Any, dict[str, int]]]:
    """Each value of the field ``key`` among the rows, with every counter summed
    over the rows that have it — kept in the cache for STATS_CACHE_SECONDS, under
    the query itself (the same question, the same answer)."""
    grouped = rows.values_list(key).annotate(*(Sum(name) for name in COUNTERS)).order_by()
    sql, params = grouped.query.sql_with_params()
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()

    def summed() -> list[tuple[Any, dict[str, int]]]:
        return [
            (value, {name: int(total or 0) for name, total in zip(COUNTERS, sums, strict=True)})
            for value, *sums in grouped
        ]

    seconds = settings.STATS_CACHE_SECONDS
    if not seconds:
        yield from summed()
        return
    found = cache.get_or_set(f"stats:sums:{digest}", summed, seconds)
    yield from found or []
