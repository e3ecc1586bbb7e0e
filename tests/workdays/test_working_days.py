"""Counting working days on the national calendar (no database needed). Expected
dates are worked out by hand from the 2025/2026 holiday lists checked below."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aduan.workdays.calendar import WorkCalendar, national_holidays

NATIONAL = WorkCalendar()

# The Nyepi + Idul Fitri 1447 H break: Wed 18 March to Tue 24 March 2026 are all off.
LEBARAN_2026 = {
    date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    date(2026, 3, 19): "Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 21): "Hari Raya Idul Fitri",
    date(2026, 3, 22): "Hari kedua dari Hari Raya Idul Fitri",
    date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
}
YEAR_END_2025 = {
    date(2025, 12, 25): "Hari Raya Natal",
    date(2025, 12, 26): "Cuti Bersama Hari Raya Natal",
    date(2026, 1, 1): "Tahun Baru Masehi",
}


def test_it_knows_the_lebaran_and_year_end_holidays_the_expectations_rely_on() -> None:
    for day in {**LEBARAN_2026, **YEAR_END_2025}:
        assert day in national_holidays(day.year), day
    # …and that the days around them are ordinary working days.
    for day in (date(2026, 3, 17), date(2026, 3, 25), date(2025, 12, 31), date(2026, 1, 2)):
        assert day not in national_holidays(day.year), day


def test_it_builds_each_years_holidays_once() -> None:
    assert national_holidays(2026) is national_holidays(2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 17), True),  # Tuesday
        (date(2026, 3, 18), False),  # cuti bersama
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2025, 12, 26), False),  # cuti bersama Natal
    ],
)
def test_it_tells_working_days_from_days_off(day: date, working: bool) -> None:
    assert NATIONAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # From Friday 13 March: Mon 16 = 1, Tue 17 = 2, 18–24 off, Wed 25 = 3, Fri 27 = 5.
        (date(2026, 3, 13), 3, date(2026, 3, 25)),
        (date(2026, 3, 13), 5, date(2026, 3, 27)),
        # From Tuesday 17 March: 18–24 off, Wed 25 = 1, Fri 27 = 3, Mon 30 = 4, Tue 31 = 5.
        (date(2026, 3, 17), 3, date(2026, 3, 27)),
        (date(2026, 3, 17), 5, date(2026, 3, 31)),
        # Across the year end from Wednesday 24 December 2025: 25–26 off, weekend,
        # Mon 29 = 1, Tue 30 = 2, Wed 31 = 3, 1 January off, Fri 2 = 4, Mon 5 = 5.
        (date(2025, 12, 24), 3, date(2025, 12, 31)),
        (date(2025, 12, 24), 4, date(2026, 1, 2)),
        (date(2025, 12, 24), 5, date(2026, 1, 5)),
        # Filed on a holiday or a weekend: the clock starts on the next working day.
        (date(2026, 3, 21), 1, date(2026, 3, 25)),
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
    ],
)
def test_it_adds_working_days_after_the_start(start: date, days: int, expected: date) -> None:
    assert NATIONAL.add_working_days(start, days) == expected


@pytest.mark.parametrize("days", [0, -1])
def test_it_refuses_fewer_than_one_working_day(days: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        NATIONAL.add_working_days(date(2026, 3, 13), days)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 13), date(2026, 3, 13), 0),  # the start never counts
        (date(2026, 3, 16), date(2026, 3, 13), 0),  # end before start
        (date(2026, 3, 13), date(2026, 3, 15), 0),  # Friday to Sunday
        (date(2026, 3, 13), date(2026, 3, 16), 1),  # Friday to Monday
        (date(2026, 3, 2), date(2026, 3, 9), 5),  # Monday to Monday
        (date(2026, 3, 14), date(2026, 3, 15), 0),  # a weekend on its own
        (date(2026, 3, 17), date(2026, 3, 24), 0),  # the whole Lebaran break
        # 16, 17, 25, 26, 27, 30, 31
        (date(2026, 3, 13), date(2026, 3, 31), 7),
        # 29, 30, 31, 2, 5
        (date(2025, 12, 24), date(2026, 1, 5), 5),
    ],
)
def test_it_counts_working_days_between(start: date, end: date, expected: int) -> None:
    assert NATIONAL.working_days_between(start, end) == expected


def test_a_regional_holiday_counts_once_and_only_on_a_weekday() -> None:
    nyepi, saturday, thursday = date(2026, 3, 19), date(2026, 3, 28), date(2026, 3, 26)
    calendar = WorkCalendar(frozenset({nyepi, saturday, thursday}))
    assert not calendar.is_working_day(thursday)
    # 16, 17, 25, 27, 30, 31: only the Thursday is lost.
    assert calendar.working_days_between(date(2026, 3, 13), date(2026, 3, 31)) == 6
    assert calendar.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 30)


calendars = st.builds(
    WorkCalendar,
    st.frozensets(st.dates(date(2024, 1, 1), date(2028, 6, 30)), max_size=30),
)
starts = st.dates(date(2024, 1, 1), date(2027, 12, 31))


# No deadline: the first example of a year builds that year's holidays.
@settings(deadline=None)
@given(calendar=calendars, start=starts, days=st.integers(1, 60))
def test_adding_then_counting_gives_back_the_days(
    calendar: WorkCalendar, start: date, days: int
) -> None:
    end = calendar.add_working_days(start, days)
    assert calendar.is_working_day(end)
    assert calendar.working_days_between(start, end) == days
    # The day before the deadline is still short of it.
    assert calendar.working_days_between(start, end - timedelta(days=1)) == days - 1


@settings(deadline=None)
@given(calendar=calendars, start=starts, length=st.integers(0, 800))
def test_counting_agrees_with_walking_day_by_day(
    calendar: WorkCalendar, start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    walked = sum(
        calendar.is_working_day(start + timedelta(days=offset)) for offset in range(1, length + 1)
    )
    assert calendar.working_days_between(start, end) == walked
