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


def test_a_table_no_model_owns_is_named() -> None:
    table = Region._meta.db_table
    assert _statistics(table, forget=True) == 0
    planner_statistics_refresh(table)
    assert _statistics(table) > 0


@pytest.mark.django_db(transaction=True)
def test_postgresql_vacuums_when_no_transaction_is_open() -> None:
    """After a bulk load outside a transaction (seed_demo, load_reference_data) the
    tables are vacuumed too: a GIN index's pending list emptied, the visibility map
    set, whether autovacuum runs on the server or not."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no VACUUM worth doing after a load")
    table = Region._meta.db_table

    def vacuums() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = %s::regclass",
                [table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    before = vacuums()
    planner_statistics_refresh(Region)
    assert vacuums() == before + 1
