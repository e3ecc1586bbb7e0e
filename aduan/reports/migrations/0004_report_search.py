"""The full-text search index of reports and the public feed's index.

PostgreSQL: a GIN index on the very expression aduan.reports.search queries, and a
partial index on the feed's order limited to what the public may see.

SQLite: an FTS5 table over title and body whose content stays in reports_report
(external content), kept in step by triggers, so rows inserted in bulk are indexed
like any other. Note: a later migration that makes SQLite rebuild reports_report (an
AlterField, for one) drops these triggers with the old table; it must run
``create_sqlite`` from this module again.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
    """CREATE INDEX report_search ON reports_report
       USING gin (to_tsvector('indonesian'::regconfig, title || ' ' || body))""",
    """CREATE INDEX report_public_feed ON reports_report (submitted_at DESC, id DESC)
       WHERE NOT is_confidential
         AND state IN ('dispositioned', 'in_progress', 'answered', 'closed')""",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS report_public_feed",
    "DROP INDEX IF EXISTS report_search",
]

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS reports_report_fts USING fts5(
         title, body,
         content='reports_report', content_rowid='id',
         tokenize='unicode61 remove_diacritics 2'
       )""",
    """CREATE TRIGGER IF NOT EXISTS reports_report_fts_insert
       AFTER INSERT ON reports_report BEGIN
         INSERT INTO reports_report_fts (rowid, title, body)
         VALUES (new.id, new.title, new.body);
       END""",
    """CREATE TRIGGER IF NOT EXISTS reports_report_fts_delete
       AFTER DELETE ON reports_report BEGIN
         INSERT INTO reports_report_fts (reports_report_fts, rowid, title, body)
         VALUES ('delete', old.id, old.title, old.body);
       END""",
    """CREATE TRIGGER IF NOT EXISTS reports_report_fts_update
       AFTER UPDATE OF title, body ON reports_report
       WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
         INSERT INTO reports_report_fts (reports_report_fts, rowid, title, body)
         VALUES ('delete', old.id, old.title, old.body);
         INSERT INTO reports_report_fts (rowid, title, body)
         VALUES (new.id, new.title, new.body);
       END""",
    # Index the reports already there.
    "INSERT INTO reports_report_fts (reports_report_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reports_report_fts_update",
    "DROP TRIGGER IF EXISTS reports_report_fts_delete",
    "DROP TRIGGER IF EXISTS reports_report_fts_insert",
    "DROP TABLE IF EXISTS reports_report_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_sqlite(schema_editor):
    _run(schema_editor, SQLITE_CREATE)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        create_sqlite(schema_editor)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_reporter_reply"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
