"""Small things users notice (issue 15.14) on the programme pages: the milestone table's columns say which is the
municipality and which is the person responsible."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import MilestoneFactory, build_world, staff_of

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


def _owner_options(page, name):
    return {option.get_text() for option in page.select(f"select[name='{name}'] option") if option.get("value")}


def test_add_and_edit_forms_offer_the_same_owners(client):
    world = build_world()
    milestone = MilestoneFactory(programme=world.a.programme, participation=world.a.participation)
    staff_of(world.a.other_participation.municipality, user__full_name="Ny Medarbejder")  # joins after the start
    client.force_login(world.a.users["facilitator"])
    listing = BeautifulSoup(client.get(reverse("programmes:milestone-add", args=[world.a.programme.slug])).content,
                            "html.parser")
    edit = BeautifulSoup(client.get(reverse("programmes:milestone-edit", args=[milestone.pk])).content,
                         "html.parser")
    offered = _owner_options(listing, "milestone-new-owner")
    assert "Ny Medarbejder" in offered and str(world.b.users["staff"]) not in offered
    assert offered == _owner_options(edit, f"milestone-{milestone.pk}-owner")
