"""The municipality pages make the same number of queries with 1× and 10× the data."""

from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services import invitation_create
from municipalities.models import Municipality
from municipalities.services import advisor_assign, challenge_save, participation_enrol, participation_update
from tests.factories import MilestoneFactory, PhaseFactory, RoleAssignmentFactory, staff_of

pytestmark = pytest.mark.django_db
SEQUENCE = count()


def grow_participation(world, times: int):
    """Add ``times`` team members, invitations, milestones, advisor changes and challenge edits."""
    participation = world.a.participation
    programme = world.a.programme
    phase = PhaseFactory(programme=programme)
    for n in range(times):
        staff_of(participation.municipality, department=f"Afdeling {n}", responsibility="Test")
        invitation_create(email=f"invited-{next(SEQUENCE)}@example.org", role=Role.STAFF,
                          participation=participation, department="Indkøb", invited_by=None)
        MilestoneFactory(programme=programme, participation=participation, phase=phase,
                         owner=world.a.users["staff"])
        for strategy in ("R2", "R3"):  # a change of each kind in every source, even at 1×
            challenge_save(participation=participation, title=f"Udfordring {n}", problem_statement="P",
                           material_stream="food", strategy=strategy, sdgs=[2, 12])
        participation_update(participation=participation, action_plan_url=f"https://example.org/{n}",
                             solution_model=f"Model {n}")
        advisor = RoleAssignmentFactory(role=Role.ADVISOR, programme=programme, participation=None).user
        advisor_assign(participation=participation, advisor=advisor)


def queries_of(client, url, **params) -> int:
    """How many queries one GET makes (the page must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


# The pages' own reads are a fixed handful (the history: two per source); the rest is the session,
# the person's scope and the navigation, which other apps may extend. What matters: 10× the data
# costs no more queries than 1×.
@pytest.mark.parametrize("role, ceiling", [("facilitator", 20), ("staff", 14)])
def test_participation_page_queries_do_not_grow(client, world, role, ceiling, django_assert_max_num_queries):
    url = reverse("municipalities:participation", args=[world.a.participation.pk])
    client.force_login(world.a.users[role])
    grow_participation(world, 1)
    baseline = queries_of(client, url)
    assert baseline <= ceiling
    grow_participation(world, 10)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('<tr id="member-') == 12  # the world's staff member and the 11 added


def test_history_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    url = reverse("municipalities:participation-history", args=[world.a.participation.pk])
    client.force_login(world.a.users["facilitator"])
    grow_participation(world, 1)
    baseline = queries_of(client, url)
    assert baseline <= 16
    grow_participation(world, 10)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_enrol_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    url = reverse("municipalities:enrol", args=[world.a.cohort.pk])
    client.force_login(world.a.users["facilitator"])
    municipalities = list(Municipality.objects.filter(country="DK").order_by("code"))
    participation_enrol(cohort=world.a.cohort, municipality=municipalities[0])
    baseline = queries_of(client, url, q="a")
    assert baseline <= 12
    for municipality in municipalities[1:11]:
        participation = participation_enrol(cohort=world.a.cohort, municipality=municipality)
        advisor_assign(participation=participation, advisor=RoleAssignmentFactory(
            role=Role.ADVISOR, programme=world.a.programme, participation=None).user)
    with django_assert_max_num_queries(baseline):
        assert client.get(url, {"q": "a"}).status_code == 200
