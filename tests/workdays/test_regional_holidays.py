"""Holidays an admin adds for a region apply to it and every region inside it."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import Client

from aduan.workdays.calendar import WorkCalendar, region_lineage
from aduan.workdays.models import RegionalHoliday

pytestmark = pytest.mark.django_db

AssertNumQueries = Callable[[int], AbstractContextManager[Any]]

JAWA_BARAT, KOTA_CIREBON, KEJAKSAN = "32", "32.74", "32.74.01.1001"
JAWA_TENGAH, KOTA_SEMARANG = "33", "33.74"
MONDAY = date(2026, 4, 13)  # an ordinary working day nationally


def _holiday(region_code: str, day: date = MONDAY) -> RegionalHoliday:
    return RegionalHoliday.objects.create(region_id=region_code, date=day, name="Libur daerah")


def test_the_chosen_day_is_a_national_working_day() -> None:
    assert WorkCalendar().is_working_day(MONDAY)


def test_lineage_runs_from_the_province_to_the_region_itself() -> None:
    assert region_lineage(KEJAKSAN) == ["32", "32.74", "32.74.01", "32.74.01.1001"]
    assert region_lineage(JAWA_BARAT) == ["32"]


@pytest.mark.parametrize("region_code", [JAWA_BARAT, KOTA_CIREBON, KEJAKSAN])
def test_a_province_holiday_applies_inside_the_province(region_code: str) -> None:
    _holiday(JAWA_BARAT)
    calendar = WorkCalendar.for_region(region_code)
    assert not calendar.is_working_day(MONDAY)
    # Friday 10 April: the next working day is Tuesday, not Monday.
    assert calendar.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 14)


@pytest.mark.parametrize("region_code", [JAWA_TENGAH, KOTA_SEMARANG, None])
def test_a_province_holiday_does_not_apply_elsewhere(region_code: str | None) -> None:
    _holiday(JAWA_BARAT)
    calendar = WorkCalendar.for_region(region_code)
    assert calendar.is_working_day(MONDAY)
    assert calendar.add_working_days(date(2026, 4, 10), 1) == MONDAY


def test_a_city_holiday_does_not_apply_to_its_province() -> None:
    _holiday(KOTA_CIREBON)
    assert not WorkCalendar.for_region(KEJAKSAN).is_working_day(MONDAY)
    assert WorkCalendar.for_region(JAWA_BARAT).is_working_day(MONDAY)


def test_holidays_of_every_level_above_add_up() -> None:
    _holiday(JAWA_BARAT, date(2026, 4, 13))
    _holiday(KOTA_CIREBON, date(2026, 4, 14))
    _holiday("32.74.01", date(2026, 4, 15))
    _holiday(KEJAKSAN, date(2026, 4, 16))
    _holiday(KOTA_SEMARANG, date(2026, 4, 17))  # another city: no effect
    calendar = WorkCalendar.for_region(KEJAKSAN)
    assert calendar.regional_holidays == {date(2026, 4, d) for d in (13, 14, 15, 16)}
    # Friday 10 April: 13–16 off, so the first working day is Friday 17 April.
    assert calendar.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 17)


def test_a_region_calendar_takes_one_query(
    django_assert_num_queries: AssertNumQueries,
) -> None:
    _holiday(JAWA_BARAT)
    with django_assert_num_queries(1):
        calendar = WorkCalendar.for_region(KEJAKSAN)
    with django_assert_num_queries(0):
        for start in (date(2026, 1, 2), date(2026, 3, 13), date(2026, 12, 20)):
            calendar.add_working_days(start, 60)
            calendar.working_days_between(start, date(2027, 6, 30))


def test_the_national_calendar_takes_no_query(
    django_assert_num_queries: AssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        assert WorkCalendar.for_region(None) == WorkCalendar()


def test_a_region_has_one_holiday_per_day() -> None:
    _holiday(KOTA_CIREBON)
    with pytest.raises(IntegrityError), transaction.atomic():
        _holiday(KOTA_CIREBON)
    _holiday(JAWA_BARAT)  # the same day on another region is fine


def test_it_reads_as_its_date_name_and_region() -> None:
    assert str(_holiday(KOTA_CIREBON)) == "2026-04-13 Libur daerah (32.74)"


def test_admins_manage_them_in_the_django_admin(admin_client: Client) -> None:
    assert admin.site.is_registered(RegionalHoliday)
    _holiday(KOTA_CIREBON)
    response = admin_client.get("/admin/workdays/regionalholiday/", {"q": "Cirebon"})
    assert response.status_code == 200
    assert b"Libur daerah" in response.content
