"""Small things users notice (issue 15.14) on the people pages: "Invite an advisor" opens the invitation form
filled in, and a finished programme's follow-group is shown as a former one."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from programmes.models import Programme
from tests.factories import RoleAssignmentFactory, build_world

pytestmark = pytest.mark.django_db


def _get(client, user, url, language="da"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _selected(page, name):
    option = page.select_one(f"select[name={name}] option[selected]")
    return option["value"] if option else None


def test_invite_an_advisor_opens_the_form_with_role_programme_and_municipality(client):
    world = build_world()  # programme A's advisor pool is empty: the advisor page offers to invite one
    participation = world.a.participation
    page = _get(client, world.a.users["facilitator"], reverse("municipalities:advisor-edit", args=[participation.pk]))
    link = page.find("a", string="Inviter en rådgiver")
    assert link is not None
    form = _get(client, world.a.users["facilitator"], link["href"])
    assert _selected(form, "role") == Role.ADVISOR
    assert _selected(form, "programme") == str(world.a.programme.pk)
    assert _selected(form, "participation") == str(participation.pk)


def test_a_link_with_another_programmes_ids_fills_in_nothing_of_it(client):
    world = build_world()
    other = world.b.participation
    url = reverse("accounts:invitation-create") + (
        f"?role=advisor&programme={world.b.programme.pk}&participation={other.pk}")
    form = _get(client, world.a.users["facilitator"], url)
    assert _selected(form, "programme") is None and _selected(form, "participation") is None
    assert form.find("option", value=str(other.pk)) is None  # B's municipality is not even offered
    bad = _get(client, world.a.users["facilitator"], reverse("accounts:invitation-create")
               + "?role=king&programme=x&participation=99999999999999999999999")
    assert _selected(bad, "role") is None


def test_a_finished_programmes_follow_group_members_are_former(client):
    world = build_world()
    programme = world.a.programme
    Programme.objects.filter(pk=programme.pk).update(starts_on=date(2021, 8, 31), ends_on=date(2024, 2, 29))
    page = _get(client, world.a.users["facilitator"], reverse("accounts:follow-group", args=[programme.slug]))
    row = page.select_one(f"#politician-{world.a.users['politician'].roles.get().pk}")
    assert "former" in row.get("class", []) and "Tidligere" in row.get_text()
    assert "Nuværende" not in page.select_one("table").get_text()


def test_a_running_programmes_follow_group_members_are_current(client):
    world = build_world()
    programme = world.a.programme
    today = timezone.localdate()
    Programme.objects.filter(pk=programme.pk).update(starts_on=today - timedelta(days=100),
                                                     ends_on=today + timedelta(days=100))
    RoleAssignmentFactory(role=Role.POLITICIAN, programme=programme, ends_on=today - timedelta(days=1),
                          starts_on=today - timedelta(days=90), position="Byrådsmedlem")
    page = _get(client, world.a.users["facilitator"], reverse("accounts:follow-group", args=[programme.slug]))
    text = page.select_one("table").get_text()
    assert "Nuværende" in text and "Tidligere" in text
