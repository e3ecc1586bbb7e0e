"""Database chores that do not depend on the vendor."""

from django.db import connection, models


def planner_statistics_refresh(*tables: type[models.Model] | str) -> None:
    """Both databases plan from table statistics. After a bulk load they are stale
    (PostgreSQL) or missing (SQLite never gathers them by itself): without them
    SQLite sorts the whole public feed instead of walking its date index. Tables are
    models or, for tables no model owns (a search index), names.

    On PostgreSQL the tables are also vacuumed when no transaction is open: after a
    bulk load a GIN index's pending list is full and the visibility map empty, so
    every text search reads the list and index-only scans read the table, until
    autovacuum comes by (a server may run without it). Call it after the load's
    transaction: PostgreSQL's ANALYZE holds a lock until commit, and VACUUM cannot
    run inside a transaction at all (then it only analyses)."""
    names = [table if isinstance(table, str) else table._meta.db_table for table in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{verb} {', '.join(names)}")
        else:
            for name in names:
                cursor.execute(f"ANALYZE {name}")
