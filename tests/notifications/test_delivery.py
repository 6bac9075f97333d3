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
from notifications.services import delivery_send, digest_dispatch, digest_send, publish_deliveries
from tests.factories import MilestoneFactory, build_side
from tests.notifications.factories import InvitationFactory, MeetingFactory, PreferenceFactory, cph

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + timedelta(days=40)


class BrokenSMTP(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class CutOffAfterDataSMTP(BaseEmailBackend):
    """The server received the message, then the connection broke before it said so: the sender cannot know
    whether it arrived, and sends again."""

    tried = []

    def send_messages(self, messages):
        CutOffAfterDataSMTP.tried.extend(m.message()["Message-ID"] for m in messages)
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


def test_a_digest_sent_again_after_a_broken_attempt_has_the_same_message_id(side, staff, scan_at, settings):
    PreferenceFactory(user=staff, category="milestones", frequency="daily")
    scan_at(milestone_reminder(side, staff))
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.CutOffAfterDataSMTP"
    CutOffAfterDataSMTP.tried = []
    with pytest.raises(SMTPServerDisconnected):
        digest_send(user_id=staff.pk, frequency="daily", now=timezone.now())
    assert Notification.objects.get(recipient=staff).emailed_at is None  # nothing marked: it will be tried again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest_send(user_id=staff.pk, frequency="daily", now=timezone.now()) == 1
    (message,) = mail.outbox
    assert CutOffAfterDataSMTP.tried == [message.extra_headers["Message-ID"]]
    assert message.extra_headers["Message-ID"].startswith("<digest.daily.")


def test_different_digests_have_different_message_ids(side, staff, scan_at):
    PreferenceFactory(user=staff, category="milestones", frequency="daily")
    now = milestone_reminder(side, staff)
    scan_at(now)
    digest_send(user_id=staff.pk, frequency="daily", now=now)
    MilestoneFactory(programme=side.programme, due_on=SOON + timedelta(days=1), owner=staff)
    scan_at(now + timedelta(days=1))
    digest_send(user_id=staff.pk, frequency="daily", now=now + timedelta(days=1))
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] != second.extra_headers["Message-ID"]


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


# --- An attempt whose outcome is unknown (issue 16) ----------------------------------------------------------------

class WorkerDied(BaseException):
    """Stands in for SIGKILL: nothing after the send runs (it is not an error the service catches)."""


class AcceptedThenDied(BaseEmailBackend):
    """The mail server accepted the message, then the worker died before recording that."""

    sent: list = []

    def send_messages(self, messages):
        AcceptedThenDied.sent += [m.message() for m in messages]
        raise WorkerDied


class Accepting(BaseEmailBackend):
    """Records each message as the server received it, and what the database looked like at that moment."""

    sent: list = []
    seen: list = []

    def send_messages(self, messages):
        from django.db import connection

        from notifications.models import Delivery as D

        Accepting.seen.append((connection.in_atomic_block, list(D.objects.values_list("attempts",
                                                                                        "attempt_started_at"))))
        Accepting.sent += [m.message() for m in messages]
        return len(messages)


class LockProbe(BaseEmailBackend):
    """Tries to lock the delivery rows from another connection while the server has the message."""

    result: list = []

    def send_messages(self, messages):
        import threading

        from django.db import DatabaseError, connections, transaction

        result = []

        def probe():  # another connection, as another worker or the sweeper would have
            try:
                with transaction.atomic():
                    result.append(list(Delivery.objects.select_for_update(nowait=True).values_list("pk")))
            except DatabaseError as error:
                result.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(10)
        LockProbe.result = result
        return len(messages)


@pytest.fixture
def backends(settings):
    AcceptedThenDied.sent, Accepting.sent, Accepting.seen = [], [], []

    def use(name):
        settings.EMAIL_BACKEND = f"tests.notifications.test_delivery.{name}"

    return use


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_talked_to_with_no_transaction_open_and_the_attempt_already_committed(side, staff,
                                                                                                backends):
    backends("Accepting")
    delivery = claimed(milestone_reminder(side, staff))
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now()) == Delivery.State.SENT
    ((in_transaction, rows),) = Accepting.seen
    assert in_transaction is False
    ((attempts, started),) = rows
    assert attempts == 1 and started is not None  # recorded before the server was contacted
    delivery.refresh_from_db()
    assert delivery.attempt_started_at is None and delivery.unknown_outcomes == 0 and not delivery.may_be_twice


@pytest.mark.django_db(transaction=True)
def test_the_row_is_not_locked_while_the_mail_server_talks(side, staff, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.LockProbe"
    delivery = claimed(milestone_reminder(side, staff))
    delivery_send(delivery_id=delivery.pk, now=timezone.now())
    assert LockProbe.result == [[(delivery.pk,)]]  # locked rows would raise "could not obtain lock"


def test_every_attempt_carries_the_same_message_id(side, staff, backends, settings):
    backends("AcceptedThenDied")
    delivery = claimed(milestone_reminder(side, staff))
    started = timezone.now()
    with pytest.raises(WorkerDied):
        delivery_send(delivery_id=delivery.pk, now=started)
    backends("Accepting")
    assert delivery_send(delivery_id=delivery.pk, now=started + timedelta(seconds=settings.REMINDER_SEND_LEASE_SECONDS
                                                                          + 1)) == Delivery.State.SENT
    (first,), (second,) = AcceptedThenDied.sent, Accepting.sent
    assert first["Message-ID"] == second["Message-ID"] == delivery.message_id
    assert delivery.message_id.startswith(f"<reminder.{delivery.pk}.") and delivery.message_id.endswith(
        "@cc.example.org>")


def test_a_worker_dying_mid_send_resends_once_after_the_lease_and_says_so(side, staff, backends, settings,
                                                                         sweep_at, task_clock):
    settings.REMINDER_SEND_LEASE_SECONDS = 600
    backends("AcceptedThenDied")
    delivery = claimed(milestone_reminder(side, staff))
    started = timezone.now()
    with pytest.raises(WorkerDied):
        delivery_send(delivery_id=delivery.pk, now=started)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.CLAIMED and delivery.attempts == 1
    assert delivery.attempt_started_at == started and not Notification.objects.exists()

    backends("Accepting")
    # a second task while the attempt may still be talking to the server (a late redelivery): nothing
    assert delivery_send(delivery_id=delivery.pk, now=started + timedelta(seconds=30)) == Delivery.State.CLAIMED
    assert Accepting.sent == []
    # the sweeper leaves it alone until the lease has run out, then queues it again; the retry sends once more
    assert sweep_at(started + timedelta(minutes=5), older_than=timedelta(seconds=1)) == []
    later = max(started, delivery.published_at) + timedelta(minutes=11)
    task_clock(later)  # the re-queued task runs then
    assert sweep_at(later, older_than=timedelta(minutes=1)) == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2 and delivery.unknown_outcomes == 1
    assert delivery.may_be_twice and not delivery.may_be_missing
    assert [m["Message-ID"] for m in Accepting.sent] == [AcceptedThenDied.sent[0]["Message-ID"]]
    assert Notification.objects.filter(delivery=delivery).count() == 1  # the notification once
    # and nothing more, however often the task comes again
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(hours=1)) == Delivery.State.SENT
    assert len(Accepting.sent) == 1


def test_an_unknown_attempt_that_no_longer_applies_is_not_resent_and_may_not_have_arrived(side, staff, backends):
    backends("AcceptedThenDied")
    delivery = claimed(milestone_reminder(side, staff))
    started = timezone.now()
    with pytest.raises(WorkerDied):
        delivery_send(delivery_id=delivery.pk, now=started)
    from programmes.models import Milestone

    Milestone.objects.filter(pk=delivery.target_id).update(status=Milestone.Status.DONE, completed_at=started)
    backends("Accepting")
    assert delivery_send(delivery_id=delivery.pk, now=started + timedelta(hours=1)) == Delivery.State.SKIPPED
    delivery.refresh_from_db()
    assert Accepting.sent == [] and delivery.unknown_outcomes == 1 and delivery.may_be_missing
    assert delivery.attempt_started_at is None
