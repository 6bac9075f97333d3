"""Stored full-text vectors for programmes, local challenges and milestones (issue 22: search at national scale),
kept by triggers (``circular_cities.stored_vectors``), with GIN indexes. They replace the expression indexes of
search migration 0001 for these kinds (search 0002 drops those). The fields are the ones
``search.selectors.FULL_TEXT_FIELDS`` names (a test compares them)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

from circular_cities import stored_vectors

# table → (column, fields)
VECTORS = {
    "programmes_programme": ("search_vector", ("name_da", "name_en", "description_da", "description_en")),
    "programmes_localchallenge": ("search_vector", ("title", "problem_statement")),
    "programmes_milestone": ("search_vector", ("title_da", "title_en", "description")),
}


def forwards(apps, schema_editor):
    for table, (column, fields) in VECTORS.items():
        stored_vectors.create(schema_editor, table, column, fields)
    for table, (column, fields) in VECTORS.items():
        stored_vectors.fill(schema_editor, table, [(column, fields)])


def backwards(apps, schema_editor):
    for table, (column, _fields) in VECTORS.items():
        stored_vectors.drop(schema_editor, table, column)


class Migration(migrations.Migration):

    dependencies = [("programmes", "0006_translated_names_in_the_admin")]

    operations = [
        migrations.AddField("localchallenge", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("milestone", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.AddField("programme", "search_vector", SearchVectorField(editable=False, null=True)),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
