"""The home page answers "what needs me now" for municipal staff and innovation advisors: their milestones,
outputs sent back, meetings to answer, unread notifications; advisors also their municipalities with stalled
signs and their next advisory sessions. Never other people's things, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import AdvisorySession, ProgressEntry, StageGateOutput
from notifications.models import Notification
from programmes.models import Milestone, Programme
from programmes.status import status_refresh
from tests.factories import MilestoneFactory, build_world
from tests.workshops.factories import InvitationFactory, MeetingFactory, PastMeetingFactory
from workshops.models import MeetingInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def partials_in_response_context(monkeypatch):
    """The sections are rendered in the page's kept part (a template partial, ``home.html#body``); partials
    do not send Django's ``template_rendered`` signal, so the test client would not see their context."""
    from django.test.utils import instrumented_test_render
    from template_partials.templatetags.partials import TemplateProxy

    monkeypatch.setattr(TemplateProxy, "_render", instrumented_test_render)


def _today():
    return timezone.localdate()


def _output(participation, title, state=StageGateOutput.State.RETURNED, kind=StageGateOutput.Kind.INSIGHTS):
    return StageGateOutput.objects.create(
        participation=participation, stage="discover", kind=kind, title=title, body="Opsummering",
        state=state, review_comment="Tilføj interessentkortet" if state == StageGateOutput.State.RETURNED else "",
        submitted_at=timezone.now(), reviewed_at=timezone.now())


def _things_for(side, label):
    """For one side of the world: something of every kind, for its first municipality and its people."""
    participation = side.participation
    MilestoneFactory(programme=side.programme, participation=participation, title_da=f"Testplan {label}",
                     title_en=f"Test plan {label}", due_on=_today() + timedelta(days=5))
    MilestoneFactory(programme=side.programme, participation=participation, title_da=f"Forsinket {label}",
                     title_en=f"Late {label}", due_on=_today() - timedelta(days=3))
    _output(participation, f"Indsigter {label}")
    for user in (side.users["staff"], side.users["advisor"]):
        InvitationFactory(meeting=MeetingFactory(programme=side.programme, title_en=f"Sparring {label}"), user=user)
        Notification.objects.create(recipient=user, category="escalations", title=f"Reminder {label}",
                                    url=reverse("home"))
    AdvisorySession.objects.create(participation=participation, held_on=_today() + timedelta(days=7),
                                   advisor=side.users["advisor"], topics=f"Advisory {label}")


def _section(response, key):
    return next(s for s in response.context["sections"] if s["key"] == key)


@pytest.fixture
def world():
    world = build_world()
    for side in (world.a, world.b):  # running now, so a test can stall
        Programme.objects.filter(pk=side.programme.pk).update(starts_on=_today() - timedelta(days=400),
                                                              ends_on=_today() + timedelta(days=300))
    _things_for(world.a, "A")
    _things_for(world.b, "B")
    return world


def test_staff_sees_what_needs_them_and_nothing_of_others(client, world):
    client.force_login(world.a.users["staff"])
    response = client.get(reverse("home"))
    html = response.content.decode()
    keys = [s["key"] for s in response.context["sections"]]
    assert keys == ["milestones", "returned", "meetings", "notifications", "staff"]

    milestones = _section(response, "milestones")
    assert {m.title for m in milestones["milestones"]} == {"Test plan A", "Late A"}
    assert milestones["count"] == 2 and milestones["overdue"] == 1
    assert [o.title for o in _section(response, "returned")["outputs"]] == ["Indsigter A"]
    assert [i.meeting.title for i in _section(response, "meetings")["invitations"]] == ["Sparring A"]
    assert [n.title for n in _section(response, "notifications")["notifications"]] == ["Reminder A"]
    for text in ("Test plan A", "Indsigter A", "Sparring A", "Reminder A", "Tilføj interessentkortet"):
        assert text in html
    for text in ("Test plan B", "Late B", "Indsigter B", "Sparring B", "Reminder B", "Advisory A"):
        assert text not in html
    # each item links to where it is acted on
    assert reverse("municipalities:stages", args=[world.a.participation.pk]) in html
    assert reverse("workshops:detail", args=[MeetingInvitation.objects.get(user=world.a.users["staff"]).meeting_id]) \
        in html
    assert reverse("notifications:open", args=[Notification.objects.get(recipient=world.a.users["staff"]).pk]) in html
    assert reverse("programmes:milestones", args=[world.a.programme.slug]) in html


def test_staff_lists_leave_out_what_is_done(client, world):
    staff = world.a.users["staff"]
    # the output was submitted again after it was sent back
    _output(world.a.participation, "Indsigter A, ny udgave", state=StageGateOutput.State.SUBMITTED)
    MeetingInvitation.objects.filter(user=staff).update(response=MeetingInvitation.Response.YES)
    InvitationFactory(meeting=PastMeetingFactory(programme=world.a.programme, title_en="Old sparring"), user=staff)
    Notification.objects.filter(recipient=staff).update(read_at=timezone.now())
    Milestone.objects.filter(participation=world.a.participation).update(status=Milestone.Status.DONE)
    client.force_login(staff)
    response = client.get(reverse("home"))
    for key, items in (("milestones", "milestones"), ("returned", "outputs"), ("meetings", "invitations"),
                       ("notifications", "notifications")):
        section = _section(response, key)
        assert section[items] == [] and section["count"] == 0, key
    html = response.content.decode()
    assert "No output is waiting for changes." in html
    assert "You have answered every invitation to the meetings ahead." in html
    assert "You have read all your notifications." in html
    assert "Old sparring" not in html


def test_advisor_sees_their_municipalities_with_signs_and_next_sessions(client, world):
    advisor = world.a.users["advisor"]
    AdvisorySession.objects.create(participation=world.a.participation, held_on=_today() - timedelta(days=7),
                                   advisor=advisor, topics="Held last week")
    client.force_login(advisor)
    response = client.get(reverse("home"))
    html = response.content.decode()
    keys = [s["key"] for s in response.context["sections"]]
    assert keys == ["milestones", "returned", "meetings", "notifications", "publications", "advisor", "sessions"]
    advised = _section(response, "advisor")
    assert [p.municipality.name for p in advised["participations"]] == ["By a1"]
    assert advised["stalled"] == 1  # its milestone is overdue
    assert "A milestone is overdue" in html
    assert [s.topics for s in _section(response, "sessions")["sessions"]] == ["Advisory A"]
    assert reverse("municipalities:advisory", args=[world.a.participation.pk]) in html
    assert [o.title for o in _section(response, "returned")["outputs"]] == ["Indsigter A"]
    for text in ("By a2", "By b1", "Advisory B", "Held last week", "Indsigter B", "Reminder B", "Late B"):
        assert text not in html


def test_advisor_on_track_municipality_shows_on_track(client, world):
    advisor = world.a.users["advisor"]
    Milestone.objects.filter(participation=world.a.participation).update(status=Milestone.Status.DONE)
    ProgressEntry.objects.create(participation=world.a.participation, happened_on=_today() - timedelta(days=2),
                                 what_happened="Workshop", state=ProgressEntry.State.PUBLISHED,
                                 published_at=timezone.now())
    status_refresh(participation_ids=[world.a.participation.pk])  # as the services do (programmes/status.py)
    client.force_login(advisor)
    response = client.get(reverse("home"))
    assert _section(response, "advisor")["stalled"] == 0
    assert "On track" in response.content.decode()


def test_empty_states_for_a_new_advisor(client):
    world = build_world()
    client.force_login(world.a.users["advisor"])
    html = client.get(reverse("home")).content.decode()
    assert "Nothing is due in the next 30 days." in html
    assert "No advisory session is planned." in html


def _more_of_everything(world, n):
    for side, label in ((world.a, "A"), (world.b, "B")):
        for i in range(n):
            _things_for(side, f"{label}{i}")
            _output(side.participation, f"Plan {label}{i}", kind=StageGateOutput.Kind.TEST_PLAN)


@pytest.mark.parametrize("role", ["staff", "advisor"])
def test_queries_do_not_grow_with_the_data(client, world, role, django_assert_num_queries, settings):
    user = world.a.users[role]
    client.force_login(user)
    client.get(reverse("home"))  # warm up: the session, the site's caches
    expected = {"staff": QUERIES_STAFF, "advisor": QUERIES_ADVISOR}[role]
    if settings.SESSION_ENGINE.endswith("cached_db"):  # with Redis (production, CI): the session from the cache
        expected -= 1
    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    _more_of_everything(world, 12)
    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    assert _section(response, "milestones")["count"] == 26
    assert len(_section(response, "milestones")["milestones"]) == 10
    assert _section(response, "notifications")["count"] == 13
    assert len(_section(response, "notifications")["notifications"]) == 5


QUERIES_STAFF = 11  # the staff's scope is one query since staff roles name their participation; one for reviews to do
QUERIES_ADVISOR = 13  # the publications waiting for review too; and the reviews to do
