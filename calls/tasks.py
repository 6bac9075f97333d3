"""Ids in, a function of calls.emails does the work (sent after the transaction commits)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_link_email_task(call_id: int, email: str, language: str, token: str) -> None:
    from .emails import send_link_email

    send_link_email(call_id=call_id, email=email, language=language, token=token)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_applicant_email_task(application_id: int, kind: str) -> None:
    from .emails import send_applicant_email

    send_applicant_email(application_id=application_id, kind=kind)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_assigned_task(review_id: int) -> None:
    from .emails import send_review_assigned

    send_review_assigned(review_id=review_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reviewer_added_task(reviewer_id: int) -> None:
    from .emails import send_reviewer_added

    send_reviewer_added(reviewer_id=reviewer_id)


@shared_task(acks_late=True)
def remind_applicants() -> int:
    """Daily (beat, made by migration calls.0002): drafts three days before the deadline."""
    from .reminders import remind_applicants as scan

    return scan()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_applicant_reminder_task(reminder_id: int) -> None:
    from .reminders import send_applicant_reminder

    send_applicant_reminder(reminder_id=reminder_id)
