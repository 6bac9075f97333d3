"""Channels and preferences: the e-mail (HTML and text, language, unsubscribe, .ics and answer links), the
notification centre, digests, "off", failures and retries, the broker being down, the sweeper."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from notifications import engine
from notifications.models import Delivery, Kind, Notification, NotificationPreference
from notifications.services import delivery_send, digest_dispatch, publish_deliveries
from tests.factories import MilestoneFactory, build_side
from tests.notifications.factories import InvitationFactory, MeetingFactory, PreferenceFactory, cph

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + timedelta(days=40)


class BrokenSMTP(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def side():
    return build_side("a")


@pytest.fixture
def staff(side):
    return side.users["staff"]


def milestone_reminder(side, owner, **kwargs):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=owner, title_da="Lokal udfordring beskrevet",
                     title_en="Local challenge described", **kwargs)
    return cph(SOON - timedelta(days=3))


def claimed(now) -> Delivery:
    ids = engine.scan(now=now, claims=engine.DatabaseClaims(publish=False)).claimed
    assert len(ids) == 1
    return Delivery.objects.get(pk=ids[0])


# --- E-mail ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, title", [("da", "Lokal udfordring beskrevet"),
                                             ("en", "Local challenge described")])
def test_reminder_mail_is_html_and_text_in_the_recipients_language(side, staff, scan_at, language, title):
    staff.language = language
    staff.save()
    scan_at(milestone_reminder(side, staff))
    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert title in message.subject
    assert title in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and title in html and f'lang="{language}"' in html
    assert SOON.strftime("%d.%m.%Y") in message.body


def test_every_reminder_mail_has_an_unsubscribe_link_that_works_without_login(side, staff, scan_at, client):
    scan_at(milestone_reminder(side, staff))
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    url = header.strip("<>")
    assert url.startswith("https://cc.example.org/notifications/unsubscribe/")
    assert url in message.body and url in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix("https://cc.example.org")
    assert client.get(path).status_code == 200
    assert not NotificationPreference.objects.exists()  # looking at the link changes nothing
    client.post(path, {"List-Unsubscribe": "One-Click"})
    assert NotificationPreference.objects.get(user=staff, category="milestones").frequency == "off"


def test_meeting_reminder_carries_the_ics_and_the_persons_answer_links(side, staff, scan_at):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 10), title_da="Sparring om test")
    InvitationFactory(meeting=meeting, user=staff)
    scan_at(cph(SOON - timedelta(days=7)))
    (message,) = mail.outbox
    name, content, mimetype = message.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and f"UID:meeting-{meeting.pk}@" in content
    assert "/meetings/answer/" in message.body and "answer=yes" in message.body and "answer=no" in message.body
    assert "answer=maybe" in message.alternatives[0][0]


def test_escalation_mail_cannot_be_unsubscribed_but_points_to_the_digest(side, staff, scan_at, client):
    due = timezone.localdate() - timedelta(days=5)
    MilestoneFactory(programme=side.programme, due_on=due, owner=staff)
    NotificationPreference.objects.create(user=staff, category="escalations", frequency="off")  # e.g. by admin
    scan_at(cph(due + timedelta(days=1)))
    (message,) = mail.outbox  # "off" does not apply to escalations
    assert "List-Unsubscribe-Post" not in message.extra_headers
    path = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("https://cc.example.org")
    client.cookies["django_language"] = "en"  # the unsubscribe page speaks the visitor's language
    response = client.post(path)
    assert "cannot be switched off" in response.content.decode()


# --- Preferences ----------------------------------------------------------------------------------------------

def test_immediately_means_mail_and_notification(side, staff, scan_at):
    scan_at(milestone_reminder(side, staff))
    notification = Notification.objects.get(recipient=staff)
    assert notification.emailed_at is not None and notification.digest == ""
    assert notification.url == f"/programmes/{side.programme.slug}/milestones/"
    assert Delivery.objects.get().channel == Delivery.Channel.EMAIL


def test_daily_digest_collects_reminders_into_one_mail(side, staff, scan_at, django_capture_on_commit_callbacks):
    PreferenceFactory(user=staff, category="milestones", frequency="daily")
    MilestoneFactory(programme=side.programme, due_on=SOON + timedelta(days=1), owner=staff)
    now = milestone_reminder(side, staff)
    scan_at(now)
    scan_at(now + timedelta(days=1))
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=staff, digest="daily", emailed_at__isnull=True).count() == 2
    assert Delivery.objects.filter(channel=Delivery.Channel.DAILY, state="sent").count() == 2
    assert digest_dispatch(frequency="daily") == [staff.pk]
    (message,) = mail.outbox
    assert "2" in message.subject
    assert "Local challenge described" in message.body or "Lokal udfordring beskrevet" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    assert digest_dispatch(frequency="daily") == []  # each notification goes in one digest
    assert len(mail.outbox) == 1


def test_off_means_only_the_notification_centre(side, staff, scan_at):
    PreferenceFactory(user=staff, category="milestones", frequency="off")
    scan_at(milestone_reminder(side, staff))
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=staff, emailed_at__isnull=True, digest="").count() == 1
    assert Delivery.objects.get().channel == Delivery.Channel.APP


# --- Failures ---------------------------------------------------------------------------------------------------

def test_smtp_failure_keeps_the_claim_for_a_retry_and_records_the_error(side, staff, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenSMTP"
    delivery = claimed(milestone_reminder(side, staff))
    with pytest.raises(SMTPServerDisconnected):
        delivery_send(delivery_id=delivery.pk, now=timezone.now())
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.CLAIMED and delivery.attempts == 1
    assert "Connection unexpectedly closed" in delivery.last_error
    assert not Notification.objects.exists()  # nothing half-done


def test_the_last_attempt_marks_the_delivery_failed(side, staff, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenSMTP"
    delivery = claimed(milestone_reminder(side, staff))
    with pytest.raises(SMTPServerDisconnected):
        delivery_send(delivery_id=delivery.pk, now=timezone.now())
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now(), final_attempt=True) == Delivery.State.FAILED
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 2


def test_the_send_task_is_acked_late_and_retried_on_mail_errors():
    from notifications.tasks import send_delivery_task

    assert send_delivery_task.acks_late and send_delivery_task.reject_on_worker_lost
    assert issubclass(SMTPServerDisconnected, send_delivery_task.autoretry_for)
    assert send_delivery_task.max_retries == 5 and send_delivery_task.retry_backoff


def test_broker_down_at_publish_time_leaves_the_claim_for_the_sweeper(side, staff, monkeypatch, sweep_at):
    from kombu.exceptions import OperationalError

    from notifications.tasks import send_delivery_task

    delivery = claimed(milestone_reminder(side, staff))

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(send_delivery_task, "apply_async", broker_down)
    assert publish_deliveries([delivery.pk]) == 0
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.CLAIMED
    monkeypatch.undo()
    assert sweep_at(timezone.now(), older_than=timedelta(minutes=15)) == []  # claimed "now": not stuck yet
    assert sweep_at(delivery.published_at + timedelta(minutes=16), older_than=timedelta(minutes=15)) == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert len(mail.outbox) == 1


def test_sweeper_leaves_sent_and_skipped_deliveries_alone(side, staff, sweep_at):
    delivery = claimed(milestone_reminder(side, staff))
    delivery_send(delivery_id=delivery.pk, now=timezone.now())
    later = timezone.now() + timedelta(hours=1)
    assert sweep_at(later, older_than=timedelta(minutes=1)) == []
    assert len(mail.outbox) == 1


def test_rsvp_nudge_kind_is_in_the_meetings_category(side, staff, scan_at):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 10))
    InvitationFactory(meeting=meeting, user=staff)
    scan_at(cph(SOON - timedelta(days=3)))
    notification = Notification.objects.get(delivery__kind=Kind.RSVP_NUDGE)
    assert notification.category == "meetings"
    assert notification.url == f"/meetings/{meeting.pk}/"
