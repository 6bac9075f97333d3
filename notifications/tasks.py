"""Celery tasks: the clock is read here, once, and passed on; services do the work.

Beat runs ``reminder_scan_task`` and ``reminder_sweep_task`` every few minutes and the digests daily and
weekly (PeriodicTasks from ``notifications.schedule``, created by a data migration)."""

import os
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True)
def reminder_scan_task() -> int:
    from .services import run_scan

    return len(run_scan(now=timezone.now()).claimed)


@shared_task(acks_late=True, ignore_result=True)
def reminder_sweep_task() -> int:
    from .services import run_sweep

    return len(run_sweep(now=timezone.now()))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(SMTPException, OSError),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=5, ignore_result=True)
def send_delivery_task(self, delivery_id: int) -> str:
    """Idempotent: safe to run twice or after a crash (see services.delivery_send)."""
    from .services import delivery_send

    # Only the reliability tests set this: a slow send, so that a worker can be killed in the middle of it.
    slow = float(os.environ["REMINDER_TEST_SEND_DELAY"]) if os.environ.get("REMINDER_TEST_SEND_DELAY") else 0
    return delivery_send(delivery_id=delivery_id, now=timezone.now(),
                         final_attempt=self.request.retries >= self.max_retries, slow=slow)


@shared_task(acks_late=True, ignore_result=True)
def digest_dispatch_task(frequency: str) -> int:
    from .services import digest_dispatch

    return len(digest_dispatch(frequency=frequency))


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5,
             ignore_result=True)
def send_digest_task(user_id: int, frequency: str) -> int:
    from .services import digest_send

    return digest_send(user_id=user_id, frequency=frequency, now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600,
             retry_jitter=True, max_retries=5, ignore_result=True)
def send_notification_email_task(notification_id: int) -> bool:
    """Idempotent: a notification is e-mailed at most once (see services.notification_email_send)."""
    from .services import notification_email_send

    return notification_email_send(notification_id=notification_id, now=timezone.now())
