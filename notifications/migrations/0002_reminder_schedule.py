"""The beat schedule of the reminder engine (scan, sweeper, digests) as django-celery-beat PeriodicTasks, so
every database that is migrated (the embedded `make run` too) has it. See notifications/schedule.py."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    from notifications.schedule import setup_reminder_schedule

    setup_reminder_schedule(apps)


def remove_schedule(apps, schema_editor):
    from notifications.schedule import DAILY, SCAN, SWEEP, WEEKLY

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SCAN, SWEEP, DAILY, WEEKLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
