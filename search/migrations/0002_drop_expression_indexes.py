"""The kinds of migration 0001's expression indexes now have stored vectors with their own GIN indexes
(programmes 0007, workshops 0005; issue 22): their expression indexes only cost writes, so they go."""

from django.db import migrations

DROPPED = ("search_programme_fts", "search_challenge_fts", "search_milestone_fts", "search_meeting_fts",
           "search_minutes_fts", "search_agenda_fts", "search_decision_fts", "search_action_fts")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    import importlib

    importlib.import_module("search.migrations.0001_extensions_and_indexes").create_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_extensions_and_indexes"),
        ("programmes", "0007_stored_search_vectors"),
        ("workshops", "0005_stored_search_vectors"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
