"""Full-text index over SearchDocument's name_tokens and tokens (jieba segments).

SQLite: an FTS5 table with external content, kept in step by triggers.
PostgreSQL: a stored generated tsvector ('simple' config: segments are already words)
with a GIN index, and pg_trgm for the pinyin-initials LIKE.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE catalog_search_fts USING fts5("
    "name_tokens, tokens, content='catalog_searchdocument', content_rowid='id')",
    "CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_searchdocument BEGIN "
    "INSERT INTO catalog_search_fts(rowid, name_tokens, tokens) "
    "VALUES (new.id, new.name_tokens, new.tokens); END",
    "CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_searchdocument BEGIN "
    "INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name_tokens, tokens) "
    "VALUES ('delete', old.id, old.name_tokens, old.tokens); END",
    "CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_searchdocument BEGIN "
    "INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name_tokens, tokens) "
    "VALUES ('delete', old.id, old.name_tokens, old.tokens); "
    "INSERT INTO catalog_search_fts(rowid, name_tokens, tokens) "
    "VALUES (new.id, new.name_tokens, new.tokens); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS catalog_search_au",
    "DROP TRIGGER IF EXISTS catalog_search_ad",
    "DROP TRIGGER IF EXISTS catalog_search_ai",
    "DROP TABLE IF EXISTS catalog_search_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE catalog_searchdocument ADD COLUMN name_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', name_tokens)) STORED",
    "ALTER TABLE catalog_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', name_tokens || ' ' || tokens)) STORED",
    "CREATE INDEX catalog_search_name_idx ON catalog_searchdocument USING GIN (name_vector)",
    "CREATE INDEX catalog_search_vector_idx ON catalog_searchdocument USING GIN (search_vector)",
    "CREATE INDEX catalog_search_initials_trgm ON catalog_searchdocument "
    "USING GIN (initials gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS catalog_search_initials_trgm",
    "DROP INDEX IF EXISTS catalog_search_vector_idx",
    "DROP INDEX IF EXISTS catalog_search_name_idx",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS name_vector",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_and_bundles")]
    operations = [migrations.RunPython(forwards, backwards)]
