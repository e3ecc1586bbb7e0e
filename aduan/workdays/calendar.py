"""Working-day arithmetic for report deadlines (DESIGN.md §4).

A working day is Monday–Friday, minus Indonesia's national public holidays and cuti
bersama (the `holidays` package), minus the holidays an admin added for the region or
any region containing it. Deadlines are counted in the local dates of the responsible
region's time zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura).
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

import holidays

from aduan.workdays.models import RegionalHoliday

# A deadline lasts through the last second of its final local day.
END_OF_DAY = time(23, 59, 59)

# "government" is the category in which the package keeps cuti bersama.
_NATIONAL_CATEGORIES = ("public", "government")

_SATURDAY = 5


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[date]:
    """Indonesia's public holidays and cuti bersama in `year`; built once per process
    per year, as the package computes them (lunar dates included) on every build."""
    days = holidays.country_holidays(
        "ID", years=year, categories=_NATIONAL_CATEGORIES, language="id"
    )
    return frozenset(days)


def region_lineage(region_code: str) -> list[str]:
    """The codes of every region containing this one, province first, ending with the
    code itself: "32.74.01" gives ["32", "32.74", "32.74.01"]."""
    parts = region_code.split(".")
    return [".".join(parts[: end + 1]) for end in range(len(parts))]


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware `moment` in `zone`. A naive one is refused rather
    than read as the server's local time."""
    if moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no local date: {moment.isoformat()}")
    return moment.astimezone(zone).date()


def _weekdays_through(day: date) -> int:
    """How many Mondays–Fridays there are from 0001-01-01 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def _is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """The working days of one region: national holidays come from the cached
    `national_holidays`; only the region's own extra days are held here, so a calendar
    is cheap to build and can be reused for every deadline of that region."""

    regional_holidays: frozenset[date] = frozenset()

    @classmethod
    def for_region(cls, region_code: str | None) -> Self:
        """The calendar of a region, with the holidays added for it and for every
        region containing it, read in one query; `None` gives the national calendar
        without touching the database."""
        if region_code is None:
            return cls()
        days = RegionalHoliday.objects.filter(
            region_id__in=region_lineage(region_code)
        ).values_list("date", flat=True)
        return cls(frozenset(days))

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a weekday that is neither a national nor a regional holiday."""
        return (
            not _is_weekend(day)
            and day not in national_holidays(day.year)
            and day not in self.regional_holidays
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`; `start` itself never counts, so a
        report filed on a holiday starts its clock on the next working day."""
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        day, remaining = start, days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days d there are with start < d <= end (0 if end <= start).

        Counted without walking the days, since elapsed-time metrics may span years:
        the weekdays in the range minus the holidays that fall on one of them.
        """
        if end <= start:
            return 0
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        return weekdays - len(self._weekday_holidays(start, end))

    def _weekday_holidays(self, start: date, end: date) -> set[date]:
        """The holidays with start < d <= end that fall on a weekday, each once even
        when it is both national and regional."""
        national = (national_holidays(year) for year in range(start.year, end.year + 1))
        candidates = self.regional_holidays.union(*national)
        return {day for day in candidates if start < day <= end and not _is_weekend(day)}


def deadline_at(start: datetime, days: int, *, zone: ZoneInfo, calendar: WorkCalendar) -> datetime:
    """When a clock of `days` working days started at `start` runs out: 23:59:59 in
    `zone` on the `days`-th working day after the local date of `start`. The local date
    decides, so the same instant can give a later deadline in WIT than in WIB."""
    last_day = calendar.add_working_days(local_date(start, zone), days)
    return datetime.combine(last_day, END_OF_DAY, tzinfo=zone)


def working_days_elapsed(
    start: datetime, end: datetime, *, zone: ZoneInfo, calendar: WorkCalendar
) -> int:
    """How many working days passed from `start` to `end`, counted on their local dates
    in `zone` (the day of `start` not included)."""
    return calendar.working_days_between(local_date(start, zone), local_date(end, zone))
