"""Celery tasks: ids in, a function in emails.py does the work (each mail in the invitee's language)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_invitations_task(invitation_ids: list[int]) -> None:
    from .emails import send_meeting_invitations

    send_meeting_invitations(invitation_ids=invitation_ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_changed_task(meeting_id: int, change: str) -> None:
    from .emails import send_meeting_changed

    send_meeting_changed(meeting_id=meeting_id, change=change)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_minutes_published_task(meeting_id: int) -> None:
    from .emails import send_minutes_published

    send_minutes_published(meeting_id=meeting_id)
