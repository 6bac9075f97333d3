"""The beat schedule exists in every migrated database (the embedded `make run` too) and can be set up again."""

import importlib
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from notifications.schedule import DAILY, SCAN, SWEEP, WEEKLY, setup_reminder_schedule

pytestmark = pytest.mark.django_db


def test_setup_creates_the_scan_sweeper_and_digests_once(settings):
    settings.REMINDER_SCAN_EVERY_SECONDS = 120
    setup_reminder_schedule()
    call_command("setup_reminder_schedule", stdout=StringIO())
    tasks = {t.name: t for t in PeriodicTask.objects.filter(name__in=[SCAN, SWEEP, DAILY, WEEKLY])}
    assert set(tasks) == {SCAN, SWEEP, DAILY, WEEKLY}
    assert tasks[SCAN].task == "notifications.tasks.reminder_scan_task" and tasks[SCAN].enabled
    assert tasks[SCAN].interval.every == 120
    assert tasks[SWEEP].task == "notifications.tasks.reminder_sweep_task"
    assert (tasks[DAILY].crontab.hour, str(tasks[DAILY].crontab.timezone)) == ("7", "Europe/Copenhagen")
    assert tasks[WEEKLY].crontab.day_of_week == "1" and tasks[WEEKLY].args == '["weekly"]'


def test_the_data_migration_uses_the_same_setup():
    migration = importlib.import_module("notifications.migrations.0002_reminder_schedule")
    assert migration.Migration.operations[0].code is migration.create_schedule


def test_the_scan_task_claims_with_the_real_clock(django_capture_on_commit_callbacks):
    from notifications.tasks import reminder_scan_task, reminder_sweep_task

    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_scan_task.apply().get() == 0
        assert reminder_sweep_task.apply().get() == 0


def test_anonymous_pages_do_not_count_notifications(client, django_assert_num_queries):
    from notifications.context_processors import notifications

    class Request:
        user = type("Anonymous", (), {"is_authenticated": False})()

    with django_assert_num_queries(0):
        assert notifications(Request()) == {}
