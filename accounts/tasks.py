from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email_task(invitation_id: int, token: str) -> None:
    from .emails import send_invitation_email

    send_invitation_email(invitation_id=invitation_id, token=token)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_erasure_confirmation_task(email: str, language: str, erased_at: str) -> None:
    """Takes the address, not the person's id: the erasure has already replaced it in the database."""
    from .emails import send_erasure_confirmation

    send_erasure_confirmation(email=email, language=language, erased_at=erased_at)


@shared_task(acks_late=True)
def apply_retention() -> dict:
    """Daily (beat: accounts.gdpr.setup_retention_schedule): delete what the retention settings no longer keep."""
    from .gdpr import apply_retention as apply

    return apply()
