"""Database chores that do not depend on the vendor."""

from django.db import connection, models


def planner_statistics_refresh(*tables: type[models.Model]) -> None:
    """Both databases plan from table statistics. After a bulk load they are stale
    (PostgreSQL) or missing (SQLite never gathers them by itself): without them
    SQLite sorts the whole public feed instead of walking its date index. Call it
    after the load's transaction: PostgreSQL's ANALYZE holds a lock until commit."""
    names = [table._meta.db_table for table in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(names)}")
        else:
            for name in names:
                cursor.execute(f"ANALYZE {name}")
