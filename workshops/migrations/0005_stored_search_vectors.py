"""Stored full-text vectors for meetings (their texts, and apart from them the minutes, which fewer people may
read), agenda items, decisions and action items (issue 22: search at national scale), kept by triggers
(``circular_cities.stored_vectors``), with GIN indexes. They replace the expression indexes of search migration
0001 (search 0002 drops those). The fields are the ones ``search.selectors.FULL_TEXT_FIELDS`` names (a test
compares them)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

from circular_cities import stored_vectors

# table → [(column, fields)]
VECTORS = {
    "workshops_meeting": [("search_vector", ("title_da", "title_en", "description_da", "description_en")),
                          ("minutes_search_vector", ("minutes",))],
    "workshops_agendaitem": [("search_vector", ("title",))],
    "workshops_decision": [("search_vector", ("text",))],
    "workshops_actionitem": [("search_vector", ("text",))],
}


def forwards(apps, schema_editor):
    for table, vectors in VECTORS.items():
        for column, fields in vectors:
            stored_vectors.create(schema_editor, table, column, fields)
    for table, vectors in VECTORS.items():
        stored_vectors.fill(schema_editor, table, vectors)


def backwards(apps, schema_editor):
    for table, vectors in VECTORS.items():
        for column, _fields in vectors:
            stored_vectors.drop(schema_editor, table, column)


class Migration(migrations.Migration):

    dependencies = [("workshops", "0004_translated_names_in_the_admin")]

    operations = [
        migrations.AddField("actionitem", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("agendaitem", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("decision", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("meeting", "minutes_search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("meeting", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
