"""A politician's home is their dashboard at a glance (issue 15.15): the traffic lights of the programmes they
follow, the next follow-group meeting and the decisions on its agenda; never another programme's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Milestone
from tests.factories import MilestoneFactory, ParticipationFactory, build_world, politician_of
from tests.workshops.factories import DecisionFactory, MeetingFactory, PastMeetingFactory
from workshops.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db


def _late(participation, n=1):
    for i in range(n):
        MilestoneFactory(programme=participation.cohort.programme, participation=participation,
                         title_da=f"Forsinket {i}", due_on=timezone.localdate() - timedelta(days=5 + i),
                         status=Milestone.Status.PLANNED)


def _follow_group_meeting(programme, title, decision):
    meeting = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, title_da=title, title_en=title)
    AgendaItem.objects.create(meeting=meeting, order=1, title=decision, decision_needed=True)
    AgendaItem.objects.create(meeting=meeting, order=2, title="Eventuelt")
    return meeting


@pytest.fixture
def world():
    world = build_world()
    _late(world.a.participation, 2)  # red
    _late(world.a.other_participation, 1)  # amber
    _follow_group_meeting(world.a.programme, "Følgegruppemøde A", "Skal testen videreføres i A?")
    _follow_group_meeting(world.b.programme, "Følgegruppemøde B", "Skal testen videreføres i B?")
    return world


def _danish(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "da"
    return client.get(reverse("home")).content.decode()


def test_politician_home_shows_lights_next_meeting_and_its_decisions_in_danish(client, world):
    html = _danish(client, world.a.users["politician"])
    assert "Din følgegruppe på et øjeblik" in html
    assert "Program a" in html and "Program b" not in html
    assert str(world.a.participation.municipality) in html and str(world.b.participation.municipality) not in html
    assert "Kræver opmærksomhed" in html and "Hold øje" in html  # red first, then amber
    assert html.index(str(world.a.participation.municipality)) < html.index(
        str(world.a.other_participation.municipality))
    assert "Følgegruppemøde A" in html and "Skal testen videreføres i A?" in html
    assert "Følgegruppemøde B" not in html and "Skal testen videreføres i B?" not in html
    assert "Eventuelt" not in html  # only the agenda items that need a decision
    assert reverse("dashboards:programme", args=[world.a.programme.slug]) in html


def test_without_a_meeting_ahead_the_latest_one_and_its_decisions_are_shown(client):
    world = build_world()
    meeting = PastMeetingFactory(programme=world.a.programme, kind=Meeting.Kind.FOLLOW_GROUP,
                                 title_da="Afsluttende møde")
    DecisionFactory(meeting=meeting, text="Følgegruppen anbefaler løsningen til alle kommuner.")
    html = _danish(client, world.a.users["politician"])
    assert "Der er ikke planlagt noget følgegruppemøde endnu." in html
    assert "Afsluttende møde" in html and "Følgegruppen anbefaler løsningen til alle kommuner." in html


@pytest.mark.parametrize("role", ["observer", "staff", "facilitator"])
def test_other_roles_get_no_follow_group_picture(client, world, role):
    html = _danish(client, world.a.users[role])
    assert "Din følgegruppe på et øjeblik" not in html
    assert "Skal testen videreføres i A?" not in html


def test_queries_do_not_grow_with_municipalities_or_meetings(client, world, django_assert_max_num_queries):
    politician = world.a.users["politician"]
    client.force_login(politician)
    client.get(reverse("home"))
    with django_assert_max_num_queries(20) as first:
        assert client.get(reverse("home")).status_code == 200
    baseline = len(first.captured_queries)
    cohort = world.a.participation.cohort
    for _i in range(10):
        participation = ParticipationFactory(cohort=cohort)
        _late(participation, 2)
        _follow_group_meeting(world.a.programme, "Endnu et møde", "Endnu en beslutning")
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("home"))
    glance = next(s for s in response.context["sections"] if s["key"] == "politician")["glances"][0]
    assert glance["municipality_count"] == 13 and len(glance["cards"]) == 6  # with the municipality A shares with B


def test_a_politician_of_several_programmes_sees_each(client, world):
    politician = world.a.users["politician"]
    politician_of(world.b.programme, user=politician)
    html = _danish(client, politician)
    assert "Skal testen videreføres i A?" in html and "Skal testen videreføres i B?" in html
