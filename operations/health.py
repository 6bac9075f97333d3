"""Health checks for monitoring (``/health/?detail=1``; the plain ``/health/`` only asks the database).

Each check returns a dict with ``status`` ("ok", "warn", "fail" or "unknown") and what it measured. A check
never raises: a dependency that is down is a "fail" with the reason, so one broken service does not hide the
state of the others.
"""

from __future__ import annotations

import functools
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from operations.backup import _app_version, _git_commit


def _timed(check):
    started = time.monotonic()
    try:
        result = check()
    except Exception as error:  # a monitoring endpoint reports failures, it does not raise them
        result = {"status": "fail", "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    from django.db.migrations.executor import MigrationExecutor

    pending = len(MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()))
    return {"status": "ok" if not pending else "warn", "vendor": connection.vendor, "pending_migrations": pending}


def check_cache() -> dict:
    key = "health:probe"
    value = str(time.time())
    cache.set(key, value, 30)
    if cache.get(key) != value:
        return {"status": "fail", "error": "the cache did not return what was stored"}
    return {"status": "ok", "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def queue_name() -> str:
    return getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")


def check_broker() -> dict:
    """Can we reach the Celery broker, and how many tasks wait in the default queue?"""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
            # Celery's Redis transport keeps a queue as a list named after it (priority 0; other priorities,
            # if ever used, get their own lists).
            length = client.llen(queue_name())
        finally:
            client.close()
        return {"status": "ok", "transport": "redis", "queue": queue_name(), "queue_length": length}
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        length = sum(1 for path in folder.iterdir() if path.is_file()) if folder.is_dir() else 0
        return {"status": "ok" if folder.is_dir() else "fail", "transport": "filesystem", "queue_length": length}
    return {"status": "unknown", "transport": url.split("://", 1)[0]}


def check_beat() -> dict:
    """When beat last queued the reminder scan (django-celery-beat records it), against its interval."""
    from django_celery_beat.models import PeriodicTask

    from notifications.schedule import SCAN

    task = PeriodicTask.objects.filter(name=SCAN).select_related("interval").first()
    if task is None:
        return {"status": "fail", "error": "the reminder scan is not scheduled (run setup_reminder_schedule)"}
    if not task.enabled:
        return {"status": "warn", "error": "the reminder scan is disabled"}
    if task.last_run_at is None:
        return {"status": "unknown", "last_run_at": None, "error": "beat has not queued the scan yet"}
    every = task.interval.schedule.run_every if task.interval else timedelta(hours=1)
    # Beat writes last_run_at to the database every few minutes, not on every run: allow for that.
    allowed = every * 3 + timedelta(minutes=5)
    age = timezone.now() - task.last_run_at
    return {"status": "ok" if age <= allowed else "fail", "last_run_at": task.last_run_at.isoformat(),
            "age_seconds": int(age.total_seconds()), "allowed_seconds": int(allowed.total_seconds())}


# The worker's heartbeat: beat queues ``operations.tasks.worker_heartbeat_task`` every
# WORKER_HEARTBEAT_EVERY_SECONDS (CELERY_BEAT_SCHEDULE), and a worker records one as it starts; each run stores the
# time in the cache (Redis, or the shared file cache of the embedded run), so it proves that a worker takes tasks
# from the broker, whatever the broker is.
WORKER_HEARTBEAT_KEY = "operations:worker-heartbeat"


def record_worker_heartbeat(*, now=None) -> None:
    """Store the time of the worker's latest heartbeat (called by the worker only)."""
    cache.set(WORKER_HEARTBEAT_KEY, (now or timezone.now()).isoformat(), timeout=None)


def check_worker() -> dict:
    """When a worker last ran the heartbeat task, against WORKER_SILENT_AFTER_SECONDS."""
    allowed = settings.WORKER_SILENT_AFTER_SECONDS
    stored = cache.get(WORKER_HEARTBEAT_KEY)
    if stored is None:
        return {"status": "unknown", "last_heartbeat_at": None, "allowed_seconds": allowed,
                "error": "no heartbeat from a worker yet"}
    last = datetime.fromisoformat(stored)
    age = int((timezone.now() - last).total_seconds())
    result = {"status": "ok", "last_heartbeat_at": last.isoformat(), "age_seconds": age, "allowed_seconds": allowed}
    if age > allowed:
        local = timezone.localtime(last)
        result.update(status="fail", error=(
            f"worker silent since {local:%d.%m.%Y %H:%M:%S} ({age} s): no worker ran the heartbeat task that beat "
            f"queues every {settings.WORKER_HEARTBEAT_EVERY_SECONDS} s (is the worker running? is beat?)"))
    return result


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "beat": check_beat,
          "worker": check_worker}


@functools.cache
def _version() -> tuple[str | None, str | None]:
    return _app_version(), _git_commit()


def detailed_health() -> tuple[dict, bool]:
    """(report, healthy). Healthy unless a check failed; "warn" and "unknown" are reported, not failed."""
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    failed = [name for name, result in checks.items() if result["status"] == "fail"]
    report = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks,
              "version": _version()[0], "commit": _version()[1], "time": timezone.now().isoformat()}
    return report, not failed


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True
