"""Reminders to applicants whose application is still a draft, ``DRAFT_REMINDER_DAYS`` before the deadline.

Reviewers and facilitators have accounts and are reminded by the reminder engine (notifications/engine.py,
``CallSource``). Applicants have none, so this daily scan follows the engine's pattern on its own small table:
claim each reminder under a unique constraint (application, address, deadline), send on commit, and only for
deadlines still ahead (a historical call never sends stale mail)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ApplicantReminder, Application

DRAFT_REMINDER_DAYS = 3


@transaction.atomic
def remind_applicants(*, now=None) -> int:
    now = now or timezone.now()
    drafts = (Application.objects.filter(state=Application.State.DRAFT, call__deadline__gt=now,
                                         call__deadline__lte=now + timedelta(days=DRAFT_REMINDER_DAYS))
              .select_related("call").prefetch_related("editors"))
    claims = [ApplicantReminder(application=application, email=editor.email,
                                occurrence=application.call.deadline.isoformat())
              for application in drafts for editor in application.editors.all() if editor.confirmed_at]
    if not claims:
        return 0
    before = set(ApplicantReminder.objects.filter(
        application__in={c.application for c in claims}).values_list("application_id", "email", "occurrence"))
    ApplicantReminder.objects.bulk_create(claims, ignore_conflicts=True)
    new = [c for c in claims if (c.application.pk, c.email, c.occurrence) not in before]
    ids = list(ApplicantReminder.objects.filter(
        application__in={c.application for c in new}, sent_at__isnull=True).values_list("pk", flat=True))
    from .tasks import send_applicant_reminder_task

    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_applicant_reminder_task.delay(pk))
    return len(new)


def send_applicant_reminder(*, reminder_id: int) -> bool:
    """Idempotent: sends only while the reminder is unsent and the application still a draft before the
    deadline."""
    from .emails import send_draft_reminder

    with transaction.atomic():
        reminder = (ApplicantReminder.objects.select_for_update(of=("self",))
                    .select_related("application__call", "application__municipality").filter(pk=reminder_id).first())
        if reminder is None or reminder.sent_at is not None:
            return False
        application = reminder.application
        if application.state != Application.State.DRAFT or timezone.now() > application.call.deadline:
            return False
        send_draft_reminder(application=application, email=reminder.email)
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        return True


DAILY_TASK = "calls: reminders to applicants with drafts"


def setup_applicant_reminder_schedule(apps=None) -> str:
    """The daily beat entry of ``calls.tasks.remind_applicants``, 09:00 in Copenhagen (idempotent; called by a
    data migration)."""
    from circular_cities.schedule import daily_task

    return daily_task(name=DAILY_TASK, task="calls.tasks.remind_applicants", hour=9, minute=0, apps=apps)
