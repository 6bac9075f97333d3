"""The periodic tasks of the reminder engine, as django-celery-beat rows (beat uses the DatabaseScheduler).

Created by the data migration ``0002_reminder_schedule`` (so the embedded ``make run`` and every deployment
have them after ``migrate``) and by ``manage.py setup_reminder_schedule`` (idempotent, e.g. after a
database was flushed). The intervals come from REMINDER_SCAN_EVERY_SECONDS / REMINDER_SWEEP_EVERY_SECONDS."""

from django.apps import apps as global_apps
from django.conf import settings

SCAN = "notifications: reminder scan"
SWEEP = "notifications: re-queue stuck reminders"
DAILY = "notifications: daily digest"
WEEKLY = "notifications: weekly digest"


def setup_reminder_schedule(apps=global_apps) -> list[str]:
    """Create or update the four periodic tasks. ``apps``: the migration's app registry, or the global one."""
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")

    def every(seconds: int):
        return interval_model.objects.get_or_create(every=seconds, period="seconds")[0]

    def at(hour: int, day_of_week: str):
        return crontab_model.objects.get_or_create(
            minute="0", hour=str(hour), day_of_week=day_of_week, day_of_month="*", month_of_year="*",
            timezone=settings.TIME_ZONE)[0]

    tasks = [
        (SCAN, "notifications.tasks.reminder_scan_task", {"interval": every(settings.REMINDER_SCAN_EVERY_SECONDS)},
         "[]"),
        (SWEEP, "notifications.tasks.reminder_sweep_task",
         {"interval": every(settings.REMINDER_SWEEP_EVERY_SECONDS)}, "[]"),
        (DAILY, "notifications.tasks.digest_dispatch_task", {"crontab": at(7, "*")}, '["daily"]'),
        (WEEKLY, "notifications.tasks.digest_dispatch_task", {"crontab": at(7, "1")}, '["weekly"]'),
    ]
    for name, task, schedule, args in tasks:
        defaults = {"task": task, "args": args, "enabled": True, "interval": None, "crontab": None, **schedule}
        task_model.objects.update_or_create(name=name, defaults=defaults)
    # Tell a running beat that the schedule changed (what PeriodicTask's signals do outside migrations).
    changed_model = apps.get_model("django_celery_beat", "PeriodicTasks")
    from django.utils import timezone

    changed_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return [name for name, *_rest in tasks]
