"""Celery tasks of the programmes app: ids (or nothing) in, a service does the work."""

from celery import shared_task


@shared_task(acks_late=True)
def status_refresh_all_task() -> int:
    """Shortly after midnight: every participation's status row for the new day (overdue, stalled)."""
    from .status import status_refresh_all

    return status_refresh_all()
