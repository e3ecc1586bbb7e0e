"""The search document of a report (aduan.reports.search, "the search"): its title,
text, category names and place names, stemmed as Indonesian, written by triggers on
reports_report so that rows inserted in bulk, and a category or region corrected at
verification, are found at once without any code having to call anything.

Replaces the search of migration 0004 (title and text only, unstemmed on SQLite).
PostgreSQL: the table reports_report_search (tsvector, GIN index), written by
statement-level triggers on insert, delete and truncate and a row trigger on update.
SQLite: the FTS5 table reports_report_fts, written by triggers that call the SQL
function aduan_search_text (Sastrawi, registered on every connection by the reports
app). Note: a later migration that makes SQLite rebuild reports_report (an
AlterField, for one) drops these triggers with the old table; it must run
``create_sqlite`` from this module again.
"""

# The SQL is built from constants of aduan.reports.search only.
# ruff: noqa: S608

import importlib

from django.db import migrations

from aduan.reports.search import (
    FTS_TABLE,
    SEARCH_TABLE,
    postgresql_document,
    register_sqlite_functions,
    sqlite_document_insert,
)

_CHANGED = {
    "sqlite": " OR ".join(
        f"old.{column} IS NOT new.{column}"
        for column in ("title", "body", "category_id", "region_id")
    ),
    "postgresql": " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}"
        for column in ("title", "body", "category_id", "region_id")
    ),
}

POSTGRESQL_CREATE = [
    "DROP INDEX IF EXISTS report_search",
    f"""CREATE TABLE {SEARCH_TABLE} (
         report_id bigint PRIMARY KEY,
         document tsvector NOT NULL
       )""",
    f"""CREATE FUNCTION reports_report_search_insert() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO {SEARCH_TABLE} (report_id, document)
         SELECT r.id, {postgresql_document("r")} FROM inserted r
         ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document;
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION reports_report_search_update() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO {SEARCH_TABLE} (report_id, document)
         VALUES (NEW.id, {postgresql_document("NEW")})
         ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document;
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION reports_report_search_delete() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         DELETE FROM {SEARCH_TABLE} WHERE report_id IN (SELECT id FROM deleted);
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION reports_report_search_truncate() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         TRUNCATE {SEARCH_TABLE};
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER reports_report_search_insert AFTER INSERT ON reports_report
       REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
       EXECUTE FUNCTION reports_report_search_insert()""",
    f"""CREATE TRIGGER reports_report_search_update
       AFTER UPDATE OF title, body, category_id, region_id ON reports_report
       FOR EACH ROW WHEN ({_CHANGED["postgresql"]})
       EXECUTE FUNCTION reports_report_search_update()""",
    """CREATE TRIGGER reports_report_search_delete AFTER DELETE ON reports_report
       REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
       EXECUTE FUNCTION reports_report_search_delete()""",
    """CREATE TRIGGER reports_report_search_truncate AFTER TRUNCATE ON reports_report
       FOR EACH STATEMENT EXECUTE FUNCTION reports_report_search_truncate()""",
    # Index the reports already there.
    f"""INSERT INTO {SEARCH_TABLE} (report_id, document)
       SELECT r.id, {postgresql_document("r")} FROM reports_report r""",
    f"CREATE INDEX report_search_document ON {SEARCH_TABLE} USING gin (document)",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_report_search_truncate ON reports_report",
    "DROP TRIGGER IF EXISTS reports_report_search_delete ON reports_report",
    "DROP TRIGGER IF EXISTS reports_report_search_update ON reports_report",
    "DROP TRIGGER IF EXISTS reports_report_search_insert ON reports_report",
    "DROP FUNCTION IF EXISTS reports_report_search_truncate()",
    "DROP FUNCTION IF EXISTS reports_report_search_delete()",
    "DROP FUNCTION IF EXISTS reports_report_search_update()",
    "DROP FUNCTION IF EXISTS reports_report_search_insert()",
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
]

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
         title, body, places,
         tokenize='unicode61 remove_diacritics 2'
       )""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_report_fts_insert
       AFTER INSERT ON reports_report BEGIN
         DELETE FROM {FTS_TABLE} WHERE rowid = new.id;
         {sqlite_document_insert("new")};
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_report_fts_delete
       AFTER DELETE ON reports_report BEGIN
         DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_report_fts_update
       AFTER UPDATE OF title, body, category_id, region_id ON reports_report
       WHEN {_CHANGED["sqlite"]} BEGIN
         DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
         {sqlite_document_insert("new")};
       END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reports_report_fts_update",
    "DROP TRIGGER IF EXISTS reports_report_fts_delete",
    "DROP TRIGGER IF EXISTS reports_report_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_sqlite(schema_editor):
    """The FTS table and its triggers, then the reports already there indexed."""
    schema_editor.connection.ensure_connection()
    register_sqlite_functions(connection=schema_editor.connection)
    _run(schema_editor, SQLITE_CREATE)
    _run(schema_editor, [f"DELETE FROM {FTS_TABLE}"])
    schema_editor.execute(sqlite_document_insert("r", "FROM reports_report r"), params=None)


def _previous():
    return importlib.import_module("aduan.reports.migrations.0004_report_search")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        _run(schema_editor, _previous().SQLITE_DROP)
        create_sqlite(schema_editor)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)
        _run(schema_editor, _previous().POSTGRESQL_CREATE[:1])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
        _previous().create_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_classify_action"),
        ("categories", "0001_initial"),
        ("regions", "0002_name_search"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
