"""Deadlines and elapsed working days on the local dates of WIB, WITA and WIT."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from aduan.workdays.calendar import WorkCalendar, deadline_at, working_days_elapsed

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
NATIONAL = WorkCalendar()


def test_it_ends_at_the_last_second_of_the_local_day() -> None:
    filed = datetime(2026, 3, 13, 10, 0, tzinfo=WIB)  # Friday before Lebaran
    deadline = deadline_at(filed, 3, zone=WIB, calendar=NATIONAL)
    assert deadline == datetime(2026, 3, 25, 23, 59, 59, tzinfo=WIB)
    assert deadline.tzinfo is WIB and deadline.utcoffset() is not None
    assert deadline.astimezone(UTC) == datetime(2026, 3, 25, 16, 59, 59, tzinfo=UTC)


def test_it_runs_across_the_year_end() -> None:
    filed = datetime(2025, 12, 24, 9, 0, tzinfo=WIB)
    # 25, 26 December and 1 January off: 29, 30, 31, 2, 5.
    assert deadline_at(filed, 5, zone=WIB, calendar=NATIONAL) == datetime(
        2026, 1, 5, 23, 59, 59, tzinfo=WIB
    )


# 16:30 UTC on Monday 5 January 2026 is 23:30 WIB but already Tuesday 00:30 WITA and
# 01:30 WIT; 15:30 UTC is still Monday in WITA. Three working days after Monday end on
# Thursday 8 January, after Tuesday on Friday 9 January.
@pytest.mark.parametrize(
    ("instant", "zone", "last_day"),
    [
        (datetime(2026, 1, 5, 16, 30, tzinfo=UTC), WIB, date(2026, 1, 8)),
        (datetime(2026, 1, 5, 16, 30, tzinfo=UTC), WITA, date(2026, 1, 9)),
        (datetime(2026, 1, 5, 16, 30, tzinfo=UTC), WIT, date(2026, 1, 9)),
        (datetime(2026, 1, 5, 15, 30, tzinfo=UTC), WIB, date(2026, 1, 8)),
        (datetime(2026, 1, 5, 15, 30, tzinfo=UTC), WITA, date(2026, 1, 8)),
        (datetime(2026, 1, 5, 15, 30, tzinfo=UTC), WIT, date(2026, 1, 9)),
    ],
)
def test_the_local_date_of_the_start_decides(
    instant: datetime, zone: ZoneInfo, last_day: date
) -> None:
    deadline = deadline_at(instant, 3, zone=zone, calendar=NATIONAL)
    assert deadline == datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)
    assert deadline.tzinfo is zone


def test_the_same_local_deadline_comes_earlier_further_east() -> None:
    filed = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # Monday morning in every zone
    deadlines = [deadline_at(filed, 3, zone=zone, calendar=NATIONAL) for zone in (WIB, WITA, WIT)]
    assert [d.astimezone(UTC).hour for d in deadlines] == [16, 15, 14]


def test_it_accepts_a_start_given_in_another_zone() -> None:
    filed_wib = datetime(2026, 3, 17, 8, 0, tzinfo=WIB)
    deadline = deadline_at(filed_wib.astimezone(UTC), 5, zone=WIB, calendar=NATIONAL)
    assert deadline == datetime(2026, 3, 31, 23, 59, 59, tzinfo=WIB)


def test_it_refuses_a_naive_start() -> None:
    naive = datetime(2026, 3, 13, 10, 0)  # noqa: DTZ001 - the invalid input under test
    with pytest.raises(ValueError, match="naive"):
        deadline_at(naive, 3, zone=WIB, calendar=NATIONAL)


def test_it_refuses_a_deadline_of_no_working_days() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        deadline_at(datetime(2026, 3, 13, tzinfo=WIB), 0, zone=WIB, calendar=NATIONAL)


def test_it_counts_working_days_elapsed_over_lebaran() -> None:
    start = datetime(2026, 3, 13, 9, 0, tzinfo=WIB)
    end = datetime(2026, 3, 31, 8, 0, tzinfo=WIB)
    # 16, 17, 25, 26, 27, 30, 31 March.
    assert working_days_elapsed(start, end, zone=WIB, calendar=NATIONAL) == 7
    assert working_days_elapsed(end, start, zone=WIB, calendar=NATIONAL) == 0


def test_elapsed_days_use_the_local_dates() -> None:
    start = datetime(2026, 1, 5, 23, 30, tzinfo=WIB)  # Tuesday 01:30 in WIT
    end = datetime(2026, 1, 6, 8, 0, tzinfo=WIB)  # Tuesday 10:00 in WIT
    assert working_days_elapsed(start, end, zone=WIB, calendar=NATIONAL) == 1
    assert working_days_elapsed(start, end, zone=WIT, calendar=NATIONAL) == 0


def test_a_report_is_due_exactly_when_its_elapsed_days_reach_the_allowance() -> None:
    filed = datetime(2026, 3, 17, 14, 0, tzinfo=WITA)
    deadline = deadline_at(filed, 5, zone=WITA, calendar=NATIONAL)
    assert working_days_elapsed(filed, deadline, zone=WITA, calendar=NATIONAL) == 5


def test_elapsed_days_refuse_a_naive_end() -> None:
    naive = datetime(2026, 3, 13, 10, 0)  # noqa: DTZ001 - the invalid input under test
    with pytest.raises(ValueError, match="naive"):
        working_days_elapsed(datetime(2026, 3, 13, tzinfo=WIB), naive, zone=WIB, calendar=NATIONAL)
