"""A list filtered by an address that no longer fits (an old link, another programme's municipality) says that
the filter was left out, in Danish, and shows the list without it; a filter that fits says nothing."""

import pytest
from django.urls import reverse

from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

NOTICE = "Et filter i adressen kunne ikke bruges (måske fra et gammelt link), så det er udeladt."


@pytest.fixture
def facilitator(world):
    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    return user


def test_the_milestones_of_a_programme_filtered_by_another_programmes_municipality(client, world, facilitator):
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation, title_da="A's milepæl")
    MilestoneFactory(programme=world.b.programme, participation=world.b.participation, title_da="B's milepæl")
    client.force_login(facilitator)
    url = reverse("programmes:milestones", args=[world.a.programme.slug])
    page = client.get(url, {"where": world.b.participation.pk}).content.decode()
    assert NOTICE in page and "A&#x27;s milepæl" in page and "B&#x27;s milepæl" not in page
    fitting = client.get(url, {"where": world.a.participation.pk}).content.decode()
    assert NOTICE not in fitting and "A&#x27;s milepæl" in fitting


@pytest.mark.parametrize("name, query", [
    ("dashboards:cohort", {"cohort": "999999"}),
    ("workshops:list", {"when": "yesterday-ish"}),
    ("notifications:deliveries", {"state": "lost"}),
])
def test_a_programme_list_with_a_filter_that_does_not_fit(client, world, facilitator, name, query):
    client.force_login(facilitator)
    url = reverse(name, args=[world.a.programme.slug])
    response = client.get(url, query)
    assert response.status_code == 200 and NOTICE in response.content.decode()
    assert NOTICE not in client.get(url).content.decode()


def test_the_programme_list_with_a_status_that_does_not_exist(client, facilitator):
    client.force_login(facilitator)
    assert NOTICE in client.get(reverse("programmes:list"), {"status": "forgotten"}).content.decode()
    assert NOTICE not in client.get(reverse("programmes:list"), {"status": ""}).content.decode()
