"""Daily beat entries as django-celery-beat rows, made idempotently by the data migrations that need them."""

from django.apps import apps as global_apps
from django.conf import settings
from django.utils import timezone


def daily_task(*, name: str, task: str, hour: int, minute: int, apps=None) -> str:
    """A PeriodicTask ``name`` running ``task`` every day at ``hour``:``minute`` in the platform's time zone
    (Europe/Copenhagen); ``apps``: a migration's app registry, or the global one. Tells a running beat."""
    apps = apps or global_apps
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
        minute=str(minute), hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE)[0]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "interval": None, "args": "[]", "enabled": True})
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})
    return name
