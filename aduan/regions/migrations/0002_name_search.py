from django.db import migrations, models

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS region_name_trgm "
    "ON regions_region USING gin (UPPER(name) gin_trgm_ops)"
)


def trigram_index_create(apps, schema_editor):
    # `name__icontains` on PostgreSQL is UPPER(name) LIKE UPPER('%…%'): a trigram
    # index on UPPER(name) answers it without scanning every village.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(TRIGRAM_INDEX)


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS region_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="region",
            index=models.Index(fields=["level", "name"], name="region_level_name"),
        ),
        migrations.RunPython(trigram_index_create, trigram_index_drop),
    ]
