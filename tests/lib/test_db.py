"""Planner statistics are gathered after bulk loads, on both databases."""

import pytest
from django.db import connection

from aduan.lib.db import planner_statistics_refresh
from aduan.regions.models import Region

pytestmark = pytest.mark.django_db


def _statistics(table: str, *, forget: bool = False) -> int:
    """How many statistics rows the planner has for ``table`` (after forgetting them,
    in this test's transaction only, when asked)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if forget:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            if forget:
                cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table])
            cursor.execute(
                "SELECT count(*) FROM pg_statistic WHERE starelid = %s::regclass", [table]
            )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def test_statistics_are_gathered() -> None:
    table = Region._meta.db_table
    assert _statistics(table, forget=True) == 0
    planner_statistics_refresh(Region)
    assert _statistics(table) > 0
