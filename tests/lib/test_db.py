"""Planner statistics are refreshed after bulk loads, on both databases."""

import pytest
from django.db import connection, transaction

from aduan.lib.db import planner_statistics_refresh
from aduan.regions.models import Region


def _analysed(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = %s AND last_analyze IS NOT NULL",
                [table],
            )
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.django_db(transaction=True)
def test_statistics_are_gathered_outside_a_transaction_only() -> None:
    table = Region._meta.db_table
    with connection.cursor() as cursor:  # forget what the reference data load gathered
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT pg_stat_reset_single_table_counters(%s::regclass)", [table])
    assert not _analysed(table)
    with transaction.atomic():
        planner_statistics_refresh(Region)  # skipped: ANALYZE must not hold a transaction
    assert not _analysed(table)
    planner_statistics_refresh(Region)
    assert _analysed(table)
