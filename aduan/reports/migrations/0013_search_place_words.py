"""The search document also holds its region's place words (aduan.reports.search,
``place_word``: "wilayah32", "wilayah32x74", …, one for the region and each region
above it), so that a search within a province or regency is one match of the text
index. Recreates the functions and triggers of migration 0010 with the new
document and re-derives every report's document. Reversing leaves the documents as
they are: the place words are no word anyone searches for."""

# The SQL is built from constants of aduan.reports.search only.
# ruff: noqa: S608

import importlib

from django.db import migrations

from aduan.reports.search import SEARCH_TABLE, postgresql_document

_FUNCTIONS = ("reports_report_search_insert()", "reports_report_search_update()")


def _search_document_migration():
    return importlib.import_module("aduan.reports.migrations.0010_search_document")


def forwards(apps, schema_editor):
    search = _search_document_migration()
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in search.POSTGRESQL_CREATE:
            if any(f"CREATE FUNCTION {name}" in statement for name in _FUNCTIONS):
                statement = statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
                schema_editor.execute(statement, params=None)
        schema_editor.execute(
            f"""UPDATE {SEARCH_TABLE} s SET document = {postgresql_document("r")}
                FROM reports_report r WHERE r.id = s.report_id""",
            params=None,
        )
    elif vendor == "sqlite":
        # Its triggers only (the table stays); create_sqlite makes them again and
        # indexes every report anew.
        search._run(schema_editor, [s for s in search.SQLITE_DROP if "TRIGGER" in s])
        search.create_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_duplicate_pairs"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
