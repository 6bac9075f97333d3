from django.db import migrations


def create_schedule(apps, schema_editor):
    from calls.reminders import setup_applicant_reminder_schedule

    setup_applicant_reminder_schedule(apps)


def remove_schedule(apps, schema_editor):
    from calls.reminders import DAILY_TASK

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DAILY_TASK).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0002_applicant_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
