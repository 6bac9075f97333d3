"""Small things users notice (issue 15.14) on the local-test pages: politicians and observers are not sent to the
advisory page that answers them 403, and an agreed action turned into a milestone stays the municipality's."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from municipalities.models import AdvisorySession, AgreedAction
from programmes.models import Milestone
from tests.factories import build_world

pytestmark = pytest.mark.django_db


def _links(client, user, url):
    client.force_login(user)
    client.cookies["django_language"] = "da"
    response = client.get(url)
    assert response.status_code == 200
    return [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("a[href]")]


@pytest.mark.parametrize("role", ["politician", "observer"])
def test_read_only_roles_get_no_link_to_the_advisory_page(client, role):
    world = build_world()
    participation = world.a.participation
    advisory = reverse("municipalities:advisory", args=[participation.pk])
    user = world.a.users[role]
    for name in ("participation", "progress-list", "stages"):
        assert advisory not in _links(client, user, reverse(f"municipalities:{name}", args=[participation.pk]))
    assert client.get(advisory).status_code == 403  # what the link would have led to


@pytest.mark.parametrize("role", ["staff", "advisor", "facilitator"])
def test_the_people_doing_the_test_keep_the_link(client, role):
    world = build_world()
    participation = world.a.participation
    advisory = reverse("municipalities:advisory", args=[participation.pk])
    assert advisory in _links(client, world.a.users[role], reverse("municipalities:participation",
                                                                   args=[participation.pk]))
    assert client.get(advisory).status_code == 200


def test_an_agreed_action_made_a_milestone_stays_the_municipalitys(client):
    world = build_world()
    participation = world.a.participation
    session = AdvisorySession.objects.create(participation=participation, advisor=world.a.users["advisor"],
                                             held_on=date(2022, 2, 8), topics="Testplan")
    action = AgreedAction.objects.create(session=session, text="Aftal testsite", owner=world.a.users["staff"],
                                         due_on=date(2022, 3, 1))
    client.force_login(world.a.users["advisor"])
    response = client.post(reverse("municipalities:action-milestone", args=[action.pk]))
    assert response.status_code == 302
    milestone = Milestone.objects.get(title_da="Aftal testsite")
    assert milestone.participation == participation and milestone.programme == world.a.programme
    page = client.get(reverse("programmes:milestones", args=[world.a.programme.slug]),
                      {"where": str(participation.pk)}).content.decode()
    assert "Aftal testsite" in page
