from django.db import migrations


def create_schedule(apps, schema_editor):
    from programmes.status import setup_status_schedule

    setup_status_schedule(apps)


def remove_schedule(apps, schema_editor):
    from programmes.status import NIGHTLY_TASK

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NIGHTLY_TASK).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0002_participation_status"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
