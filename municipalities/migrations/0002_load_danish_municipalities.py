"""Load the 98 Danish municipalities (reference data) with their official codes and regions."""

from django.db import migrations

from municipalities.data import DANISH_MUNICIPALITIES, load_reference


def load_municipalities(apps, schema_editor):
    """Create or update every Danish municipality, keyed by its official code (idempotent)."""
    load_reference(apps.get_model("municipalities", "Municipality"))


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
