"""The skills self-assessment is found from the programme and the municipality's pages, and its averages never
reveal a few people's own answers (issue 15.16); every page has a favicon."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from tests.factories import build_world, staff_of
from workshops import services
from workshops.selectors import skills_overview

pytestmark = pytest.mark.django_db


def _hrefs(client, user, url):
    client.force_login(user)
    client.cookies["django_language"] = "da"
    response = client.get(url)
    assert response.status_code == 200
    return response, [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("a[href]")]


@pytest.mark.parametrize("role", ["staff", "advisor", "facilitator", "politician", "observer"])
def test_the_skills_page_is_linked_from_the_programme_and_the_municipality(client, role):
    world = build_world()
    skills = reverse("workshops:skills", args=[world.a.programme.slug])
    user = world.a.users[role]
    assert skills in _hrefs(client, user, world.a.programme.get_absolute_url())[1]
    assert skills in _hrefs(client, user, reverse("municipalities:participation", args=[world.a.participation.pk]))[1]
    assert client.get(skills).status_code == 200


def test_another_programmes_people_get_no_link_and_404(client):
    world = build_world()
    skills = reverse("workshops:skills", args=[world.a.programme.slug])
    client.force_login(world.b.users["staff"])
    assert client.get(skills).status_code == 404


def _row(world, label):
    groups = skills_overview(user=world.a.users["facilitator"], programme=world.a.programme)
    return next(row for row in groups[0]["rows"] if row.label == label)


def test_averages_of_fewer_than_three_answers_are_not_shown():
    world = build_world()
    programme, municipality = world.a.programme, world.a.participation.municipality
    people = [world.a.users["staff"], staff_of(municipality), staff_of(municipality)]
    for person in people[:2]:
        services.skill_assessment_save(user=person, programme=programme, stage="before", systems_thinking=1,
                                       circular_models=5)
    own = _row(world, str(municipality))
    assert own.score("systems_thinking", "before") is None and own.values["before"][2] == 2
    services.skill_assessment_save(user=people[2], programme=programme, stage="before", systems_thinking=4,
                                   circular_models=2)
    assert _row(world, str(municipality)).score("systems_thinking", "before") == 2.0


def test_every_page_names_the_favicon(client):
    world = build_world()
    response, _links = _hrefs(client, world.a.users["staff"], reverse("home"))
    icon = BeautifulSoup(response.content, "html.parser").select_one("link[rel=icon]")
    assert icon is not None and icon["href"].endswith("favicon.svg")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_text().startswith("<svg")
