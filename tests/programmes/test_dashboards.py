"""The dashboards (issue 7): the politicians' overview and the facilitators' cohort dashboard."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ProgressEntry
from programmes.lights import traffic_light
from programmes.models import Milestone, Participation
from programmes.status import status_refresh
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ParticipationFactory,
    PhaseFactory,
    advisor_of,
    build_world,
    facilitator_of,
    politician_of,
    staff_of,
)
from tests.programmes.helpers import url_name
from tests.workshops.factories import InvitationFactory, MeetingFactory, PastMeetingFactory
from workshops.models import Meeting, MeetingInvitation

pytestmark = pytest.mark.django_db

OVERDUE = date(2022, 6, 1)  # the factories' programme ran 2021–2024, so an open milestone then is overdue


# --- The traffic-light rule -------------------------------------------------------------------------------

@pytest.mark.parametrize(("overdue", "status", "colour", "reason"), [
    (0, None, "green", "no progress report yet"),
    (0, "on_track", "green", "says on track"),
    (1, None, "amber", "One milestone is overdue"),
    (0, "at_risk", "amber", "at risk"),
    (1, "on_track", "amber", "One milestone is overdue"),
    (2, None, "red", "2 milestones are overdue"),
    (5, "on_track", "red", "5 milestones are overdue"),
    (0, "blocked", "red", "blocked"),
    (1, "blocked", "red", "blocked"),
    (1, "at_risk", "amber", "One milestone is overdue"),
])
def test_traffic_light_rule(overdue, status, colour, reason):
    light = traffic_light(overdue=overdue, latest_status=status)
    assert light.colour == colour
    assert reason in light.reason
    assert light.label and light.shape == {"green": "circle", "amber": "triangle", "red": "square"}[colour]


# --- Who may see what -------------------------------------------------------------------------------------

@pytest.fixture
def world():
    return build_world()


def _get(client, user, name, programme, **params):
    client.force_login(user)
    return client.get(reverse(url_name(name), args=[programme.slug]), params)


@pytest.mark.parametrize("name", ["dashboard", "cohort-dashboard"])
def test_politician_of_another_programme_gets_404(client, world, name):
    assert _get(client, world.b.users["politician"], name, world.a.programme).status_code == 404


def test_politician_reads_the_overview_but_not_the_cohort_dashboard(client, world):
    politician = world.a.users["politician"]
    assert _get(client, politician, "dashboard", world.a.programme).status_code == 200
    assert _get(client, politician, "cohort-dashboard", world.a.programme).status_code == 403


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_facilitator_and_admin_see_both_dashboards(client, world, role):
    user = world.user(role)
    for name in ("dashboard", "cohort-dashboard"):
        assert _get(client, user, name, world.a.programme).status_code == 200


def test_staff_see_only_their_own_municipality_on_the_overview(client, world):
    response = _get(client, world.a.users["staff"], "dashboard", world.a.programme)
    cards = [card.participation for card in response.context["cards"]]
    assert cards == [world.a.participation]


def test_cohort_dashboard_link_only_for_facilitators(client, world):
    url = reverse("dashboards:cohort", args=[world.a.programme.slug])
    politician_page = _get(client, world.a.users["politician"], "detail", world.a.programme).content.decode()
    assert reverse("dashboards:programme", args=[world.a.programme.slug]) in politician_page
    assert url not in politician_page
    assert url in _get(client, world.a.users["facilitator"], "detail", world.a.programme).content.decode()


# --- What the overview shows ------------------------------------------------------------------------------

def _progress(participation, status, *, published=True, days_ago=1, text="Vi har testet genbrugspladsen."):
    entry = ProgressEntry.objects.create(
        participation=participation, happened_on=timezone.localdate() - timedelta(days=days_ago),
        what_happened=text, status=status,
        state=ProgressEntry.State.PUBLISHED if published else ProgressEntry.State.DRAFT,
        published_at=timezone.now() if published else None)
    status_refresh(participation_ids=[participation.pk])  # as the services do (programmes/status.py)
    return entry


def test_overview_shows_a_light_per_municipality_with_reason_stage_and_latest_published_news(client, world):
    a = world.a
    for _ in range(2):
        MilestoneFactory(programme=a.programme, participation=a.participation, due_on=OVERDUE)
    MilestoneFactory(programme=a.programme, participation=a.other_participation, due_on=OVERDUE,
                     status=Milestone.Status.DONE)
    _progress(a.other_participation, ProgressEntry.Status.AT_RISK, days_ago=10, text="Old news")
    _progress(a.other_participation, ProgressEntry.Status.ON_TRACK, days_ago=2, text="Published news")
    _progress(a.other_participation, ProgressEntry.Status.BLOCKED, published=False, text="Draft news")
    Participation.objects.filter(pk=a.other_participation.pk).update(stage=Participation.Stage.DEVELOP)

    response = _get(client, a.users["politician"], "dashboard", a.programme)
    cards = {card.participation.pk: card for card in response.context["cards"]}
    assert cards[a.participation.pk].light.colour == "red"
    assert cards[a.other_participation.pk].light.colour == "green"
    html = response.content.decode()
    assert "2 milestones are overdue." in html
    assert "Published news" in html and "Draft news" not in html and "Old news" not in html
    assert str(Participation.Stage.DEVELOP.label) in html
    assert 'class="chart timeline-chart"' in html


def test_overview_lists_upcoming_follow_group_meetings_and_published_minutes(client, world):
    a = world.a
    MeetingFactory(programme=a.programme, kind=Meeting.Kind.FOLLOW_GROUP, title_en="Next follow-group")
    MeetingFactory(programme=a.programme, kind=Meeting.Kind.SPARRING, title_en="Sparring only")
    MeetingFactory(programme=world.b.programme, kind=Meeting.Kind.FOLLOW_GROUP, title_en="Other programme")
    PastMeetingFactory(programme=a.programme, kind=Meeting.Kind.FOLLOW_GROUP, title_en="Minutes are out",
                       minutes="Referat", minutes_published_at=timezone.now())
    PastMeetingFactory(programme=a.programme, kind=Meeting.Kind.FOLLOW_GROUP, title_en="Minutes not out",
                       minutes="Kladde")
    response = _get(client, a.users["politician"], "dashboard", a.programme)
    assert [m.title_en for m in response.context["upcoming_meetings"]] == ["Next follow-group"]
    assert [m.title_en for m in response.context["minutes_meetings"]] == ["Minutes are out"]
    html = response.content.decode()
    assert reverse("workshops:detail", args=[response.context["minutes_meetings"][0].pk]) in html


# --- The cohort dashboard ---------------------------------------------------------------------------------

def test_cohort_dashboard_filters_by_status_and_cohort_and_answers_htmx_with_the_body(client, world):
    a = world.a
    for _ in range(2):
        MilestoneFactory(programme=a.programme, participation=a.participation, due_on=OVERDUE)
    second = CohortFactory(programme=a.programme, name="Hold 2")
    late = ParticipationFactory(cohort=second, municipality=MunicipalityFactory(name="Senby"))
    client.force_login(a.users["facilitator"])
    url = reverse("dashboards:cohort", args=[a.programme.slug])

    everything = client.get(url)
    assert {c.participation.pk for c in everything.context["cards"]} == {
        a.participation.pk, a.other_participation.pk, a.shared_participation.pk, late.pk}
    red = client.get(url, {"status": "red"})
    assert [c.participation.pk for c in red.context["cards"]] == [a.participation.pk]
    assert len(red.context["overdue_milestones"]) == 2
    green = client.get(url, {"status": "green"})
    assert green.context["overdue_milestones"] == []
    by_cohort = client.get(url, {"cohort": second.pk})
    assert [c.participation.pk for c in by_cohort.context["cards"]] == [late.pk]

    partial = client.get(url, {"cohort": second.pk}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="dashboard-body">') and "<html" not in body
    assert "Senby" in body

    # A filter that makes no sense is ignored rather than an error.
    assert client.get(url, {"cohort": "x", "status": "purple"}).status_code == 200


def test_cohort_dashboard_counts_answers_attendance_and_advisor_workload(client, world):
    a = world.a
    advisor = world.a.users["advisor"]
    advisor_of(a.other_participation, user=advisor)
    meeting = MeetingFactory(programme=a.programme, cohort=a.cohort)
    for response in ("yes", "yes", "maybe", "no", "pending"):
        InvitationFactory(meeting=meeting, response=response)
    for _ in range(2):
        past = PastMeetingFactory(programme=a.programme)
        InvitationFactory(meeting=past, municipality=a.participation.municipality, attended=True)
        InvitationFactory(meeting=past, municipality=a.participation.municipality, attended=True)
    skipped = PastMeetingFactory(programme=a.programme)
    InvitationFactory(meeting=skipped, municipality=a.participation.municipality, attended=False)

    response = _get(client, a.users["facilitator"], "cohort-dashboard", a.programme)
    [shown] = response.context["upcoming_meetings"]
    assert (shown.yes_count, shown.maybe_count, shown.no_count, shown.pending_count) == (2, 1, 1, 1)
    attendance = {row["card"].participation.pk: (row["attended"], row["invited"])
                  for row in response.context["attendance"]}
    assert attendance == {a.participation.pk: (2, 3), a.other_participation.pk: (0, 0),
                          a.shared_participation.pk: (0, 0)}
    assert dict(response.context["workload"]) == {advisor: 2, a.shared_users["advisor"]: 1}


# --- Queries do not grow with the data --------------------------------------------------------------------

def _programme_with(n: int):
    """A programme with n municipalities, each with an advisor, overdue milestones, progress, meetings and
    attendance."""
    cohort = CohortFactory()
    programme = cohort.programme
    PhaseFactory(programme=programme)
    MilestoneFactory(programme=programme, due_on=OVERDUE)
    for i in range(n):
        participation = ParticipationFactory(cohort=cohort)
        advisor_of(participation)
        staff = staff_of(participation.municipality)
        for _ in range(i % 3):
            MilestoneFactory(programme=programme, participation=participation, due_on=OVERDUE)
        _progress(participation, ProgressEntry.Status.AT_RISK if i % 2 else ProgressEntry.Status.ON_TRACK)
        follow = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP)
        InvitationFactory(meeting=follow, user=staff, response=MeetingInvitation.Response.YES)
        past = PastMeetingFactory(programme=programme, participation=participation, minutes="Referat",
                                  minutes_published_at=timezone.now())
        InvitationFactory(meeting=past, user=staff, municipality=participation.municipality, attended=True)
    return programme


@pytest.mark.parametrize(("name", "role"), [("dashboard", "politician"), ("cohort-dashboard", "facilitator")])
def test_dashboard_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, name, role):
    make = {"politician": politician_of, "facilitator": facilitator_of}[role]
    counts = []
    for n in (1, 10):
        programme = _programme_with(n)
        client.force_login(make(programme))
        with django_assert_max_num_queries(18) as queries:
            response = client.get(reverse(url_name(name), args=[programme.slug]))
        assert response.status_code == 200
        assert len(response.context["cards"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
