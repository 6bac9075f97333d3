"""PostgreSQL's pg_trgm and unaccent (names: "kobenhavn" finds København) and GIN indexes on exactly the
full-text expressions ``search.selectors`` searches (``to_tsvector('danish', …)`` of the fields of
``FULL_TEXT_FIELDS``), so a search is an index lookup at national scale.

Every operation here does nothing on another database (the embedded SQLite run): Django's
``TrigramExtension``/``UnaccentExtension`` already skip other vendors, and the indexes are made by
``RunPython`` only on PostgreSQL. The indexes live on other apps' tables but are not part of their models'
state (so their ``makemigrations`` never sees them); they are named ``search_*``."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# model label → (index name, fields). The same fields, in the same order, as search.selectors.FULL_TEXT_FIELDS
# (tests/search/test_search.py compares them). Progress entries keep a stored vector instead (municipalities 0008).
INDEXES = {
    "programmes.Programme": [("search_programme_fts", ("name_da", "name_en", "description_da", "description_en"))],
    "programmes.LocalChallenge": [("search_challenge_fts", ("title", "problem_statement"))],
    "programmes.Milestone": [("search_milestone_fts", ("title_da", "title_en", "description"))],
    "workshops.Meeting": [("search_meeting_fts", ("title_da", "title_en", "description_da", "description_en")),
                          ("search_minutes_fts", ("minutes",))],
    "workshops.AgendaItem": [("search_agenda_fts", ("title",))],
    "workshops.Decision": [("search_decision_fts", ("text",))],
    "workshops.ActionItem": [("search_action_fts", ("text",))],
}


def _indexes(apps):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for label, indexes in INDEXES.items():
        model = apps.get_model(label)
        for name, fields in indexes:
            yield model, GinIndex(SearchVector(*fields, config="danish"), name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_translated_names_in_the_admin"),
        ("municipalities", "0009_progress_search_vector"),
        ("workshops", "0004_translated_names_in_the_admin"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
