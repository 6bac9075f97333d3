"""The worker's heartbeat for ``/health/?detail=1`` (operations/health.py, check ``worker``).

Beat queues ``worker_heartbeat_task`` every WORKER_HEARTBEAT_EVERY_SECONDS (``CELERY_BEAT_SCHEDULE`` in settings;
django-celery-beat's DatabaseScheduler copies it into its table as beat starts), and a worker records a heartbeat
as soon as it is ready, so the health report does not wait for the first one."""

from celery import shared_task
from celery.signals import worker_ready

from .health import record_worker_heartbeat


@shared_task(ignore_result=True)
def worker_heartbeat_task() -> None:
    record_worker_heartbeat()


@worker_ready.connect
def heartbeat_when_ready(**_kwargs) -> None:
    record_worker_heartbeat()
