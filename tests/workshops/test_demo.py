import pytest

from programmes.demo import load_demo
from workshops.demo import CALENDAR, load_meetings_demo
from workshops.models import ActionItem, Meeting, MeetingInvitation, SkillAssessment

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Meeting.objects.count(), Meeting.history.count(), MeetingInvitation.objects.count(),
            SkillAssessment.objects.count(),
            ActionItem.objects.filter(milestone__isnull=False).count(),
            sorted(Meeting.objects.values_list("starts_at", "title_da", "minutes", "sequence", "status")))


def test_the_whole_calendar_loads_with_answers_attendance_and_minutes_and_twice_changes_nothing():
    programme = load_demo()["programme"]  # loads the meeting calendar too
    meetings = Meeting.objects.filter(programme=programme)
    assert meetings.count() == len(CALENDAR)
    kinds = {kind: meetings.filter(kind=kind).count() for kind in Meeting.Kind.values}
    assert kinds[Meeting.Kind.LEARNING_MODULE] == 8 and kinds[Meeting.Kind.SPARRING] >= 8
    assert kinds[Meeting.Kind.FOLLOW_GROUP] >= 9 and kinds[Meeting.Kind.COMMUNITY] >= 3
    first, last = meetings.order_by("starts_at").first(), meetings.order_by("starts_at").last()
    assert first.starts_at.date().isoformat() == "2021-08-31" and last.starts_at.date() <= programme.ends_on
    held = meetings.filter(status=Meeting.Status.SCHEDULED)
    assert not held.filter(minutes_published_at__isnull=True).exists()  # the whole programme is in the past
    assert MeetingInvitation.objects.filter(meeting__in=held, attended=True).count() > 200
    assert MeetingInvitation.objects.filter(meeting__in=held, response="no").exists()
    assert meetings.filter(status=Meeting.Status.CANCELLED).count() == 1
    assert SkillAssessment.objects.filter(programme=programme).values("stage").distinct().count() == 3
    before = _snapshot()
    load_meetings_demo(programme)
    load_demo()
    assert _snapshot() == before
