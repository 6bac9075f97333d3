"""Factories for meetings. Meetings are in the future unless a test says otherwise."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import ProgrammeFactory, UserFactory
from workshops.models import ActionItem, Decision, Meeting, MeetingInvitation


def _in_days(days: int, hour: int = 10):
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Meeting.Kind.SPARRING
    title_da = factory.Sequence(lambda n: f"Sparring {n}")
    title_en = factory.Sequence(lambda n: f"Sparring session {n}")
    description_da = "Tværkommunal sparring om de lokale tests."
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=3))
    place = "BLOXHUB, Bryghusgade 8, København K"


class PastMeetingFactory(MeetingFactory):
    starts_at = factory.LazyFunction(lambda: _in_days(-14))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingInvitation

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(PastMeetingFactory)
    text = "Kommunerne deler deres testdesign inden næste modul."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(PastMeetingFactory)
    text = "Send testdesign til facilitatorerne"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
