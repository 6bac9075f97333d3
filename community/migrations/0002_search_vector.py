"""Stored full-text search vectors for library items, threads and answers (issue 7: community search).

On PostgreSQL a trigger fills ``search_vector`` on every insert and update (so ``bulk_create``, ``update()``
and raw SQL keep it right too), the existing rows are filled here, and a GIN index makes a search an index
lookup. The vector is the one ``community.selectors`` used to compute per row at query time: each field
weighted, in its language's configuration and in ``simple`` (words as written). On SQLite the column stays
NULL and search falls back to ``icontains``.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

# (table, [(field, weight, language configuration)])
ITEM = ("community_libraryitem", [("title_da", "A", "danish"), ("title_en", "A", "english"),
                                  ("summary_da", "B", "danish"), ("summary_en", "B", "english"),
                                  ("body_da", "C", "danish"), ("body_en", "C", "english")])
THREAD = ("community_thread", [("title", "A", "danish"), ("title", "A", "english"),
                               ("body", "B", "danish"), ("body", "B", "english")])
POST = ("community_post", [("body", "B", "danish"), ("body", "B", "english")])


def _expression(fields, row="NEW"):
    parts = []
    for name, weight, config in fields:
        for cfg in (config, "simple"):
            parts.append(f"setweight(to_tsvector('{cfg}'::regconfig, COALESCE({row}.{name}, '')), '{weight}')")
    return " || ".join(parts)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields in (ITEM, THREAD, POST):
        columns = sorted({name for name, _w, _c in fields})
        schema_editor.execute(f"""
            CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger AS $$
            BEGIN
                NEW.search_vector := {_expression(fields)};
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql""")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"""
            CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF {", ".join(columns)}
            ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()""")
        schema_editor.execute(f"UPDATE {table} SET search_vector = {_expression(fields, table)}")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _fields in (ITEM, THREAD, POST):
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")


class Migration(migrations.Migration):

    dependencies = [("community", "0001_initial")]

    operations = [
        migrations.AddField("libraryitem", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("thread", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("post", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
