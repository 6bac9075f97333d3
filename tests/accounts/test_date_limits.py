"""A politician's term and spending take dates the platform can handle, in the form and in the service."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def _member(world):
    return RoleAssignment.objects.get(user=world.a.users["politician"], role=Role.POLITICIAN)


@pytest.mark.parametrize("year", [1, 9999])
def test_the_service_refuses_a_term_in_year_0001_or_9999(world, year):
    member = _member(world)
    member.municipality = world.a.participation.municipality
    member.save()
    before = member.starts_on
    with pytest.raises(ValidationError) as refused:
        services.politician_update(member=member, municipality=member.municipality, position="Formand",
                                   starts_on=date(year, 1, 1), ends_on=None)
    assert "starts_on" in refused.value.error_dict
    member.refresh_from_db()
    assert member.starts_on == before


def test_the_form_refuses_it_in_danish(client, world):
    member = _member(world)
    client.cookies["django_language"] = "da"
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("accounts:follow-group-edit", args=[world.a.programme.slug, member.pk]),
                           {"municipality": world.a.participation.municipality_id, "position": "Formand",
                            "starts_on": "9999-01-01"})
    assert response.status_code == 200
    assert "Angiv en dato mellem 01.01.2000 og 31.12.2099." in response.text
    member.refresh_from_db()
    assert member.starts_on != date(9999, 1, 1)
