"""Participation changes are visible in the admin too: participation, local challenge and roles."""

import pytest

from accounts.models import Role, RoleAssignment
from municipalities.services import challenge_save, participation_update
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def test_admin_shows_the_history_of_participations_challenges_and_roles(client, world):
    participation = world.a.participation
    challenge = challenge_save(participation=participation, title="Madspild", problem_statement="P",
                               material_stream="food", strategy="R2", sdgs=[12])
    participation_update(participation=participation, action_plan_url="https://example.org/plan", solution_model="")
    staff_role = RoleAssignment.objects.get(user=world.a.users["staff"], role=Role.STAFF)
    client.force_login(AdminFactory())
    for url in (
        f"/admin/programmes/participation/{participation.pk}/history/",
        f"/admin/accounts/roleassignment/{staff_role.pk}/history/",
        "/admin/municipalities/historicallocalchallenge/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    changes = client.get("/admin/municipalities/historicallocalchallenge/", {"q": "Madspild"})
    assert challenge.title in changes.text
    assert client.get("/admin/municipalities/historicallocalchallenge/add/").status_code == 403
