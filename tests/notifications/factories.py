"""Factories and small builders for the reminder tests (model factories of other apps live in tests/factories.py)."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Delivery, Kind, Notification, NotificationPreference, ReminderRule
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from workshops.models import Meeting, MeetingInvitation

CPH = ZoneInfo("Europe/Copenhagen")


def cph(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A Copenhagen wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=CPH).astimezone(ZoneInfo("UTC"))


class ReminderRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderRule

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Kind.MILESTONE_BEFORE
    offset_days = 3
    send_time = time(9, 0)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Meeting.Kind.SPARRING
    title_da = factory.Sequence(lambda n: f"Sparring {n}")
    title_en = factory.Sequence(lambda n: f"Sparring session {n}")
    starts_at = factory.LazyFunction(lambda: cph(timezone.localdate() + timedelta(days=14), 10))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=3))
    place = "BLOXHUB, Bryghusgade 8, København K"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingInvitation

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    category = "milestones"
    title = factory.Sequence(lambda n: f"Milestone due in 3 days: Milestone {n}")
    body = "“Milestone” is due soon."
    url = "/programmes/"


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    category = "milestones"
    frequency = "daily"


def delivery_for(milestone, recipient, *, state=Delivery.State.SENT, kind=Kind.MILESTONE_BEFORE, offset=3,
                 **extra) -> Delivery:
    """A stored delivery about a milestone (for logs and the authorization matrix)."""
    rule, _ = ReminderRule.objects.get_or_create(programme=milestone.programme, kind=kind, offset_days=offset)
    send_at = cph(milestone.due_on - timedelta(days=offset))
    return Delivery.objects.create(
        rule=rule, programme=milestone.programme, kind=kind, recipient=recipient,
        target_type=ContentType.objects.get_for_model(milestone), target_id=milestone.pk,
        occurrence=milestone.due_on.isoformat(), send_at=send_at, state=state, claim_token=uuid.uuid4(),
        claimed_at=send_at, published_at=send_at, sent_at=send_at if state == Delivery.State.SENT else None,
        **extra)


def delivery_for_meeting(meeting, recipient, *, kind=Kind.MEETING_BEFORE, offset=1, **extra) -> Delivery:
    rule, _ = ReminderRule.objects.get_or_create(programme=meeting.programme, kind=kind, offset_days=offset)
    send_at = cph(meeting.starts_at.astimezone(CPH).date() - timedelta(days=offset))
    return Delivery.objects.create(
        rule=rule, programme=meeting.programme, kind=kind, recipient=recipient,
        target_type=ContentType.objects.get_for_model(meeting), target_id=meeting.pk,
        occurrence=meeting.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), send_at=send_at, state=Delivery.State.SENT,
        claim_token=uuid.uuid4(), claimed_at=send_at, published_at=send_at, sent_at=send_at, **extra)


def failed_delivery(programme) -> Delivery:
    milestone = MilestoneFactory(programme=programme)
    return delivery_for(milestone, UserFactory(), state=Delivery.State.FAILED, attempts=6,
                        last_error="SMTPServerDisconnected: Connection unexpectedly closed")
