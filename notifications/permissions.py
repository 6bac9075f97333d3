"""Who may manage reminders. Notifications themselves are personal: only the recipient sees them."""

from accounts.permissions import is_facilitator_of


def can_view_delivery_log(user, programme) -> bool:
    """What was sent to whom is the facilitators' (and admins') business, not the participants'."""
    return is_facilitator_of(user, programme.pk)


def can_edit_reminder_rules(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)


def can_retry_delivery(user, delivery) -> bool:
    return is_facilitator_of(user, delivery.programme_id)


def can_read_notification(user, notification) -> bool:
    return notification.recipient_id == user.pk
