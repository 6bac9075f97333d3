"""Stored full-text vectors kept by PostgreSQL triggers, for migrations (issue 22: search at national scale).

A vector computed at query time costs ``to_tsvector`` for every row PostgreSQL reads (measured on the bench: 3 ms
for the 12 programmes' descriptions, 10 ms for 408 decisions when a common word makes the planner read the
table). Stored, it is read, not computed. A ``BEFORE INSERT OR UPDATE`` trigger fills the column, so
``bulk_create``, ``update()`` and raw SQL keep it right, and a whole ``save()`` (which writes back the vector it
read) has it made anew. The expression is the one ``SearchVector(*fields, config="danish")`` builds, as
municipalities migration 0009 does for progress entries. Does nothing on another database (SQLite keeps NULL).
"""

from __future__ import annotations

CONFIG = "danish"


def expression(fields: tuple[str, ...], row: str = "NEW") -> str:
    texts = " || ' ' || ".join(f"COALESCE({row}.{name}, '')" for name in fields)
    return f"to_tsvector('{CONFIG}'::regconfig, {texts})"


def create(schema_editor, table: str, column: str, fields: tuple[str, ...]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    name = f"{table}_{column}"
    schema_editor.execute(f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            NEW.{column} := {expression(fields)};
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql""")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    schema_editor.execute(f"""
        CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {", ".join(fields)}, {column}
        ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()""")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name}_gin ON {table} USING gin ({column})")


def fill(schema_editor, table: str, vectors: list[tuple[str, tuple[str, ...]]]) -> None:
    """The existing rows' vectors: after every ``create`` of the migration (an index cannot be made on a table
    with the pending trigger events an UPDATE leaves in the migration's transaction)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f"{column} = {expression(fields, table)}" for column, fields in vectors)
    schema_editor.execute(f"UPDATE {table} SET {columns}")  # noqa: S608 — names from migrations, no input


def drop(schema_editor, table: str, column: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    name = f"{table}_{column}"
    schema_editor.execute(f"DROP INDEX IF EXISTS {name}_gin")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
