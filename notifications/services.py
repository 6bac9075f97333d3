"""Every write about reminders and notifications.

The reminder life cycle (DESIGN.md §5):

1. ``run_scan`` (beat, every few minutes) claims due reminders as Delivery rows and publishes one
   ``send_delivery_task`` per claim after commit (``publish_deliveries``). A broker that is down leaves the
   claims waiting; nothing is lost.
2. ``delivery_send`` (the send task) records the attempt in one committed step (returning at once if it was
   already handled, checking again that the reminder still applies: ``engine.recheck``), talks to the mail
   server with no transaction open, and records the outcome in another step. A worker killed half-way
   leaves the attempt "started"; the retry sends again with the same Message-ID and the log says so.
3. ``run_sweep`` (beat) publishes again the claims that were queued long ago and never sent.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import engine
from .models import (
    KIND_CATEGORY,
    MANDATORY_CATEGORIES,
    Category,
    Delivery,
    Frequency,
    Kind,
    Notification,
    NotificationPreference,
    ReminderRule,
)

logger = logging.getLogger(__name__)

DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


# --- Publishing, scanning, sweeping ----------------------------------------------------------------------------

def publish_deliveries(delivery_ids: list[int]) -> int:
    """Queue one send task per delivery. Stops at the first broker error: the rest stay claimed and the
    sweeper queues them again later. Returns how many were queued."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import send_delivery_task

    published = 0
    for pk in delivery_ids:
        try:
            send_delivery_task.apply_async((pk,), retry=False)
        except (BrokerError, OSError) as exc:
            logger.warning("Reminders: could not queue delivery %s (%s); %d left for the sweeper.",
                           pk, exc, len(delivery_ids) - published)
            break
        published += 1
    return published


def run_scan(*, now: datetime) -> engine.ScanResult:
    result = engine.scan(now=now)
    if result.claimed or result.conflicts:
        logger.info("Reminders: %d due, %d claimed, %d already claimed, %d taken by a parallel scan (%.0f ms)",
                    result.due, len(result.claimed), result.already, result.conflicts, result.seconds * 1000)
    return result


def sweep_after() -> timedelta:
    return timedelta(seconds=settings.REMINDER_SWEEP_AFTER_SECONDS)


def run_sweep(*, now: datetime, older_than: timedelta | None = None) -> list[int]:
    """Queue again the claims that were queued more than ``older_than`` ago and are still waiting."""
    older_than = sweep_after() if older_than is None else older_than
    with transaction.atomic():
        ids = engine.stuck_claims(now=now, older_than=older_than, lease=send_lease())
        if ids:
            Delivery.objects.filter(pk__in=ids).update(published_at=now)
            transaction.on_commit(lambda: publish_deliveries(ids), robust=True)
    if ids:
        logger.warning("Reminders: queued %d waiting claims again.", len(ids))
    return ids


# --- Sending one reminder -------------------------------------------------------------------------------------

def frequency_for(user, category: str) -> str:
    """How the person wants this category; escalations and briefings are never off."""
    frequency = (NotificationPreference.objects.filter(user=user, category=category)
                 .values_list("frequency", flat=True).first()) or Frequency.IMMEDIATELY
    if frequency == Frequency.OFF and category in MANDATORY_CATEGORIES:
        return Frequency.IMMEDIATELY
    return frequency


def send_lease() -> timedelta:
    """How long an attempt that was recorded as started counts as still talking to the mail server. Longer
    than any SMTP conversation can last (``EMAIL_TIMEOUT`` per step); after it, the attempt is taken to have
    died and its outcome is unknown."""
    return timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS)


def _content(delivery: Delivery, target):
    from .content import reminder_content

    with translation.override(delivery.recipient.language or settings.LANGUAGE_CODE):
        return reminder_content(delivery, target, delivery.recipient)


def _notify(delivery: Delivery, content, *, now: datetime, frequency: str, emailed: bool) -> None:
    Notification.objects.create(
        recipient=delivery.recipient, category=KIND_CATEGORY[delivery.kind], title=content.title[:300],
        body=content.body, url=content.url, delivery=delivery, created_at=now,
        digest=frequency if frequency in DIGESTS else "", emailed_at=now if emailed else None)


def _mark_sent(delivery: Delivery, *, channel: str, subject: str, now: datetime) -> None:
    delivery.channel, delivery.subject = channel, subject[:300]
    delivery.state, delivery.sent_at = Delivery.State.SENT, now
    delivery.attempt_started_at, delivery.last_error = None, ""
    delivery.save(update_fields=["state", "sent_at", "attempts", "attempt_started_at", "unknown_outcomes",
                                 "last_error", "channel", "subject", "updated_at"])


def delivery_send(*, delivery_id: int, now: datetime, final_attempt: bool = False, slow: float = 0) -> str:
    """Send one claimed reminder. Returns the delivery's state afterwards.

    Three steps, so that no transaction or row lock is held while the mail server is talked to:

    1. (committed) lock the row, return if it was handled already or another attempt is under way, check
       again that the reminder applies, and record the attempt (``attempts``, ``attempt_started_at``);
    2. the SMTP conversation, with the delivery's own Message-ID (the same on every attempt);
    3. (committed) the outcome: the notification and "sent", or the error for a retry.

    A worker that dies between 1 and 3 leaves ``attempt_started_at`` set. Once the lease has run out, the
    next attempt (the sweeper re-queues the claim) counts that attempt's outcome as unknown and sends again
    with the same Message-ID: at least once, a repeat recognisable (docs/reliability.md). Without e-mail
    (digest or notification centre only) there is no mail server and everything happens in step 1.

    ``slow`` (seconds) lets the tests kill a worker after the attempt started, before the mail server."""
    from .emails import reminder_email

    try:
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update(of=("self",)).select_related("rule", "recipient")
                        .filter(pk=delivery_id).first())
            if delivery is None:
                return ""
            if delivery.state != Delivery.State.CLAIMED:
                return delivery.state  # sent, skipped or given up before: nothing to do
            if delivery.attempt_started_at is not None:
                if delivery.attempt_started_at > now - send_lease():
                    return delivery.state  # another attempt is talking to the mail server right now
                delivery.unknown_outcomes += 1
                logger.warning("Reminders: delivery %s: the attempt started at %s never recorded its outcome; "
                               "sending again with the same Message-ID.", delivery_id, delivery.attempt_started_at)
            reason, target = engine.recheck(delivery, now=now)
            if reason:
                delivery.state, delivery.skip_reason, delivery.attempt_started_at = Delivery.State.SKIPPED, reason, None
                delivery.save(update_fields=["state", "skip_reason", "attempt_started_at", "unknown_outcomes",
                                             "updated_at"])
                return delivery.state
            delivery.attempts += 1
            frequency = frequency_for(delivery.recipient, KIND_CATEGORY[delivery.kind])
            if frequency != Frequency.IMMEDIATELY:
                content = _content(delivery, target)
                _notify(delivery, content, now=now, frequency=frequency, emailed=False)
                channel = {Frequency.DAILY: Delivery.Channel.DAILY, Frequency.WEEKLY: Delivery.Channel.WEEKLY}.get(
                    frequency, Delivery.Channel.APP)
                _mark_sent(delivery, channel=channel, subject=content.title, now=now)
                return delivery.state
            # rendered before the attempt is recorded: a template error undoes this step, as it always did
            content = _content(delivery, target)
            message = reminder_email(delivery=delivery, target=target, user=delivery.recipient, content=content)
            delivery.attempt_started_at = now
            delivery.save(update_fields=["attempts", "attempt_started_at", "unknown_outcomes", "updated_at"])

        # Step 2: only the SMTP conversation; no transaction, no lock.
        if slow:
            time.sleep(slow)
        message.send()
    except (SMTPException, OSError) as exc:
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.CLAIMED).update(
            attempt_started_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000], published_at=now,
            state=Delivery.State.FAILED if final_attempt else Delivery.State.CLAIMED)
        if final_attempt:
            logger.error("Reminders: gave up on delivery %s: %s", delivery_id, exc)
            return Delivery.State.FAILED
        raise  # the task retries with back-off

    with transaction.atomic():  # Step 3: the outcome
        delivery = Delivery.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=delivery_id)
        if delivery.state != Delivery.State.CLAIMED:
            return delivery.state  # an attempt running beside this one (past its lease) recorded it first
        _notify(delivery, content, now=now, frequency=Frequency.IMMEDIATELY, emailed=True)
        _mark_sent(delivery, channel=Delivery.Channel.EMAIL, subject=content.title, now=now)
    return delivery.state


@transaction.atomic
def delivery_retry(*, delivery: Delivery, now: datetime) -> Delivery:
    """Try a failed delivery again (facilitators, admin)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != Delivery.State.FAILED:
        raise ValidationError(_("Only a failed reminder can be sent again."))
    delivery.state, delivery.published_at = Delivery.State.CLAIMED, now
    delivery.save(update_fields=["state", "published_at", "updated_at"])
    pk = delivery.pk
    transaction.on_commit(lambda: publish_deliveries([pk]), robust=True)
    return delivery


# --- Notifications about what someone did (not reminders) ------------------------------------------------------

@transaction.atomic
def notify(*, recipients, category: str, build, url: str = "", actor=None, now: datetime | None = None
           ) -> list[Notification]:
    """Tell each person about something that happened (a stage-gate output submitted, an answer, a report):
    a notification in their centre, and an e-mail at once or in their digest as they chose for ``category``.

    ``build()`` returns (title, body); it is called once per person with that person's language active. The
    actor never hears about their own action, and nor does a deactivated person. The e-mails go out from a
    task per notification after the transaction commits (``notification_email_send``)."""
    from django.utils import timezone

    if category not in Category.values:
        raise ValueError(f"Unknown notification category: {category!r}")
    now = now or timezone.now()
    actor_id = getattr(actor, "pk", None)
    created, to_mail, seen = [], [], set()
    for user in recipients:
        if user.pk in seen or user.pk == actor_id or not user.is_active:
            continue
        seen.add(user.pk)
        frequency = frequency_for(user, category)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title, body = build()
        notification = Notification.objects.create(
            recipient=user, category=category, title=str(title)[:300], body=str(body or ""), url=(url or "")[:500],
            created_at=now, digest=frequency if frequency in DIGESTS else "")
        created.append(notification)
        if frequency == Frequency.IMMEDIATELY:
            to_mail.append(notification.pk)
    if to_mail:
        transaction.on_commit(lambda: publish_notification_emails(to_mail), robust=True)
    return created


def publish_notification_emails(notification_ids: list[int]) -> int:
    """Queue one e-mail task per notification. A broker that is down loses only the e-mail: the notification
    itself is stored and shown in the centre."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import send_notification_email_task

    published = 0
    for pk in notification_ids:
        try:
            send_notification_email_task.apply_async((pk,), retry=False)
        except (BrokerError, OSError) as exc:
            logger.warning("Notifications: could not queue the e-mail of notification %s (%s).", pk, exc)
            continue
        published += 1
    return published


def notification_email_send(*, notification_id: int, now: datetime) -> bool:
    """E-mail one notification at once, at most once: the row is locked while the mail goes out and marked
    e-mailed in the same transaction. Returns whether a mail went out."""
    from .emails import send_notification_email

    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                        .filter(pk=notification_id).first())
        if notification is None or notification.emailed_at is not None or notification.digest:
            return False
        user = notification.recipient
        if not user.is_active or frequency_for(user, notification.category) != Frequency.IMMEDIATELY:
            return False  # left the platform, or switched the category off since
        send_notification_email(notification=notification)
        notification.emailed_at = now
        notification.save(update_fields=["emailed_at"])
    return True


# --- Digests --------------------------------------------------------------------------------------------------

def digest_dispatch(*, frequency: str) -> list[int]:
    """Queue one digest per person with notifications waiting for this digest."""
    from .tasks import send_digest_task

    user_ids = sorted(set(Notification.objects.filter(digest=frequency, emailed_at__isnull=True)
                          .values_list("recipient_id", flat=True)))
    for user_id in user_ids:
        send_digest_task.delay(user_id, frequency)
    return user_ids


def digest_send(*, user_id: int, frequency: str, now: datetime) -> int:
    """One e-mail with everything waiting for this person's digest; each notification goes in one digest.

    A reminder is checked again as the digest goes out, as a reminder sent at once is (``engine.recheck``): one
    that no longer applies (the person has left the programme, the milestone is done, the meeting moved or was
    answered) is left out of the mail. It stays in the notification centre, where it was put when it was due."""
    from accounts.models import User

    from .emails import send_digest_email

    with transaction.atomic():
        items = list(Notification.objects.select_for_update(of=("self",)).select_related("delivery__rule").filter(
            recipient_id=user_id, digest=frequency, emailed_at__isnull=True).order_by("created_at", "id"))
        if not items:
            return 0
        user = User.objects.get(pk=user_id)
        lines = [n for n in items if n.delivery is None or engine.recheck(n.delivery, now=now)[0] is None]
        if user.is_active and lines:
            send_digest_email(user=user, notifications=lines, frequency=frequency)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    return len(items)


# --- The notification centre and preferences -------------------------------------------------------------------

def notification_mark_read(*, notification: Notification, now: datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user, now: datetime) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)
    return marked


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> None:
    """``choices`` maps a category to a frequency. Escalations and briefings cannot be switched off."""
    errors = {}
    for category, frequency in choices.items():
        if category not in Category.values or frequency not in Frequency.values:
            errors[category] = _("Choose one of the options.")
        elif category in MANDATORY_CATEGORIES and frequency == Frequency.OFF:
            errors[category] = _("This kind of reminder cannot be switched off.")
    if errors:
        raise ValidationError(errors)
    for category, frequency in choices.items():
        NotificationPreference.objects.update_or_create(user=user, category=category,
                                                        defaults={"frequency": frequency})


@transaction.atomic
def unsubscribe(*, user, category: str) -> bool:
    """The link in every e-mail: switch the category off. False for those that cannot be switched off."""
    if category in MANDATORY_CATEGORIES or category not in Category.values:
        return False
    NotificationPreference.objects.update_or_create(user=user, category=category,
                                                    defaults={"frequency": Frequency.OFF})
    return True


# --- Reminder rules ----------------------------------------------------------------------------------------------

def reminder_rules_ensure(*, programme) -> list[ReminderRule]:
    """The programme's rules, every one of them stored (the defaults too), so each can be edited."""
    return engine.RuleBook(materialise=True).all_rules([programme.pk])[programme.pk]


def _check_rule(rule: ReminderRule) -> None:
    rule.full_clean(validate_constraints=False)
    clash = ReminderRule.objects.filter(programme_id=rule.programme_id, kind=rule.kind,
                                        offset_days=rule.offset_days).exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError({"offset_days": _("This programme already has this reminder with that number of "
                                                "days.")})


@transaction.atomic
def rule_update(*, rule: ReminderRule, by=None, offset_days: int, send_time, enabled: bool) -> ReminderRule:
    rule.offset_days, rule.send_time, rule.enabled = offset_days, send_time, enabled
    _check_rule(rule)
    if by is not None:
        rule._history_user = by
    rule.save()
    return rule


@transaction.atomic
def rule_add(*, programme, by=None, kind: str, offset_days: int, send_time) -> ReminderRule:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of reminder.")})
    reminder_rules_ensure(programme=programme)  # adding one must not hide the defaults of its kind
    rule = ReminderRule(programme=programme, kind=kind, offset_days=offset_days, send_time=send_time)
    _check_rule(rule)
    if by is not None:
        rule._history_user = by
    rule.save()
    return rule

