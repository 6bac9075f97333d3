"""Small things users notice (issue 15.14) on the programme pages: the milestone table's columns say which is the
municipality and which is the person responsible."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import MilestoneFactory, build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, whose, owner", [("da", "Program eller kommune", "Ansvarlig person"),
                                                    ("en", "Programme or municipality", "Person responsible")])
def test_milestone_table_headings_say_which_column_is_which(client, language, whose, owner):
    world = build_world()
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation,
                     owner=world.a.users["staff"])
    client.force_login(world.a.users["facilitator"])
    client.cookies["django_language"] = language
    page = BeautifulSoup(client.get(reverse("programmes:milestones", args=[world.a.programme.slug])).content,
                         "html.parser")
    headings = [th.get_text(strip=True) for th in page.select("#milestone-list thead th")]
    assert whose in headings and owner in headings
    assert len(set(headings)) == len(headings)  # no two columns with the same name
