"""PostgreSQL: the search GIN indexes without a pending list (``fastupdate = off``).

With fastupdate on, rows written in bulk (a reindex, an import, a fresh database) wait
in the index's pending list until a vacuum; every search then scans that list row by
row, and the planner, seeing the index that slow, reads the whole table instead. The
catalogue is written rarely and read on every search, so each write updates the index
itself. The pending list already there is merged now.
"""

from django.db import migrations

INDEXES = (
    "catalog_search_name_idx",
    "catalog_search_vector_idx",
    "catalog_search_initials_trgm",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_review_steps")]
    operations = [migrations.RunPython(forwards, backwards)]
