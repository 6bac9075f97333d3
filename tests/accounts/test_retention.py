"""Retention: the daily clean-up deletes what the settings no longer keep, and nothing else."""

from datetime import timedelta
from io import StringIO
from uuid import uuid4

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts import gdpr
from accounts.models import DeletionRequest, Invitation, Role
from accounts.services import invitation_create
from accounts.tasks import apply_retention
from notifications.models import Category, Delivery, Notification
from notifications.services import reminder_rules_ensure
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def retention(settings):
    settings.RETENTION_INVITATION_DAYS = 90
    settings.RETENTION_READ_NOTIFICATION_DAYS = 30
    settings.RETENTION_UNREAD_NOTIFICATION_DAYS = 365
    settings.RETENTION_REMINDER_LOG_DAYS = 180
    settings.RETENTION_DELETION_REQUEST_DAYS = 1000
    settings.RETENTION_ADMIN_LOG_DAYS = 700
    return settings


def invitation(email, **dates):
    created, _token = invitation_create(email=email, role=Role.OBSERVER, programme=ProgrammeFactory(),
                                        invited_by=None)
    Invitation.objects.filter(pk=created.pk).update(**dates)
    return created


def test_invitations_go_some_time_after_they_were_used_expired_or_revoked(retention):
    old_accepted = invitation("a@example.org", accepted_at=days_ago(91), expires_at=days_ago(100))
    recent_accepted = invitation("b@example.org", accepted_at=days_ago(10), expires_at=days_ago(5))
    old_expired = invitation("c@example.org", expires_at=days_ago(91))
    recently_expired = invitation("d@example.org", expires_at=days_ago(3))
    old_revoked = invitation("e@example.org", revoked_at=days_ago(120))
    pending = invitation("f@example.org")
    counts = gdpr.apply_retention(now=NOW)
    assert counts["invitations"] == 3
    left = set(Invitation.objects.values_list("pk", flat=True))
    assert left == {recent_accepted.pk, recently_expired.pk, pending.pk}
    assert not {old_accepted.pk, old_expired.pk, old_revoked.pk} & left


def test_read_notifications_go_sooner_than_unread_ones(retention):
    person = UserFactory()

    def note(**fields):
        return Notification.objects.create(recipient=person, category=Category.MEETINGS, title="x", **fields)

    old_read = note(created_at=days_ago(60), read_at=days_ago(31))
    recent_read = note(created_at=days_ago(60), read_at=days_ago(29))
    old_unread = note(created_at=days_ago(366))
    unread = note(created_at=days_ago(200))
    counts = gdpr.apply_retention(now=NOW)
    assert counts["read notifications"] == 1 and counts["unread notifications"] == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk, unread.pk}
    assert not Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk]).exists()


def test_only_finished_old_reminders_leave_the_log(retention):
    person = UserFactory()
    programme = ProgrammeFactory()
    rule = reminder_rules_ensure(programme=programme)[0]

    def delivery(occurrence, state, send_at):
        return Delivery.objects.create(rule=rule, programme=programme, kind=rule.kind, recipient=person,
                                       target_type=ContentType.objects.get_for_model(programme), target_id=1,
                                       occurrence=occurrence, send_at=send_at, state=state, claim_token=uuid4(),
                                       claimed_at=send_at)

    old_sent = delivery("1", Delivery.State.SENT, days_ago(181))
    old_claimed = delivery("2", Delivery.State.CLAIMED, days_ago(181))  # never sent: the sweeper's business
    recent_sent = delivery("3", Delivery.State.SENT, days_ago(20))
    counts = gdpr.apply_retention(now=NOW)
    assert counts["reminder log"] == 1
    assert set(Delivery.objects.values_list("pk", flat=True)) == {old_claimed.pk, recent_sent.pk}
    assert not Delivery.objects.filter(pk=old_sent.pk).exists()


def test_handled_deletion_requests_and_old_admin_log_go(retention):
    person = UserFactory()
    old = DeletionRequest.objects.create(user=person, outcome=DeletionRequest.Outcome.DECLINED,
                                         handled_at=days_ago(1001))
    open_request = DeletionRequest.objects.create(user=person, requested_at=days_ago(2000))
    entry = LogEntry.objects.log_actions(user_id=person.pk, queryset=[person], action_flag=CHANGE,
                                         single_object=True)
    LogEntry.objects.filter(pk=entry.pk).update(action_time=days_ago(701))
    recent_entry = LogEntry.objects.log_actions(user_id=person.pk, queryset=[person], action_flag=CHANGE,
                                                single_object=True)
    counts = gdpr.apply_retention(now=NOW)
    assert counts["deletion requests"] == 1 and counts["admin log"] == 1
    assert list(DeletionRequest.objects.values_list("pk", flat=True)) == [open_request.pk]
    assert not DeletionRequest.objects.filter(pk=old.pk).exists()
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent_entry.pk]


def test_expired_sessions_and_stale_session_records_go(retention):
    person = UserFactory()
    store = SessionStore()
    store.set_expiry(60)
    store.create()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=days_ago(1))
    UserSession.objects.create(user=person, ip="127.0.0.1", session_key="old", last_seen_at=days_ago(2))
    UserSession.objects.create(user=person, ip="127.0.0.1", session_key="new", last_seen_at=NOW)
    counts = gdpr.apply_retention(now=NOW)
    assert counts["expired sessions"] == 1 and counts["session records"] == 1
    assert Session.objects.filter(session_key=store.session_key).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["new"]


def test_the_task_takes_no_objects_and_returns_counts(retention):
    invitation("old@example.org", expires_at=days_ago(400))
    counts = apply_retention.delay().get()
    assert counts["invitations"] == 1 and set(counts) >= {"read notifications", "reminder log", "admin log"}


def test_the_clean_up_is_scheduled_daily():
    """Installed by the accounts data migration, like the reminder engine's schedule; safe to run again."""
    task = PeriodicTask.objects.get(name=gdpr.RETENTION_TASK)
    assert task.task == "accounts.tasks.apply_retention" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    PeriodicTask.objects.filter(name=gdpr.RETENTION_TASK).delete()  # e.g. after a flush
    call_command("setup_retention_schedule", stdout=StringIO())
    gdpr.setup_retention_schedule()
    assert PeriodicTask.objects.filter(name=gdpr.RETENTION_TASK).count() == 1
