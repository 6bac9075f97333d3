"""Load the 98 Danish municipalities (reference data) with their official codes and regions."""

from django.db import migrations

from municipalities.data import DANISH_MUNICIPALITIES


def load_municipalities(apps, schema_editor):
    """Create or update every Danish municipality, keyed by its official code (idempotent)."""
    Municipality = apps.get_model("municipalities", "Municipality")
    for code, name, region in DANISH_MUNICIPALITIES:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            # Adopt a pre-existing row without a code (e.g. entered by hand) rather than
            # colliding with the (name, country) unique constraint.
            municipality = Municipality.objects.filter(name=name, country="DK", code="").first()
        if municipality is None:
            municipality = Municipality(code=code)
        municipality.code = code
        municipality.name = name
        municipality.region = region
        municipality.country = "DK"
        municipality.save()


def unload_municipalities(apps, schema_editor):
    Municipality = apps.get_model("municipalities", "Municipality")
    Municipality.objects.filter(code__in=[code for code, _name, _region in DANISH_MUNICIPALITIES]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_municipalities, unload_municipalities),
    ]
