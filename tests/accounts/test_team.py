"""The cross-departmental team of a municipality: invite, edit, remove (services and views)."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Invitation, Role, RoleAssignment
from accounts.permissions import scope_of
from accounts.services import invitation_accept, team_member_invite, team_member_remove, team_member_update
from tests.factories import ParticipationFactory, staff_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def member_of(user, municipality):
    return RoleAssignment.objects.get(user=user, role=Role.STAFF, municipality=municipality)


# --- Services -----------------------------------------------------------------------------------

def test_invited_team_member_gets_the_staff_role_with_department_on_acceptance(django_capture_on_commit_callbacks):
    participation = ParticipationFactory()
    inviter = staff_of(participation.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = team_member_invite(participation=participation, email="Ny@Kommune.dk",
                                               full_name="Nina Ny", department="Indkøb",
                                               responsibility="Udbud", invited_by=inviter)
    assert invitation.role == Role.STAFF and invitation.email == "ny@kommune.dk"
    assert len(mail.outbox) == 1
    user = invitation_accept(token=token, full_name="Nina Ny", password="en-lang-adgangskode-42")
    member = member_of(user, participation.municipality)
    assert (member.department, member.responsibility) == ("Indkøb", "Udbud")
    assert participation.pk in scope_of(user).staff_participations


def test_inviting_someone_already_on_the_team_or_invited_is_refused():
    participation = ParticipationFactory()
    colleague = staff_of(participation.municipality)
    inviter = staff_of(participation.municipality)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        team_member_invite(participation=participation, email=colleague.email.upper(), full_name="X",
                           department="Indkøb", invited_by=inviter)
    assert "is already on the team" in caught.value.message_dict["email"][0]
    team_member_invite(participation=participation, email="ny@example.org", full_name="Ny",
                       department="Indkøb", invited_by=inviter)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        team_member_invite(participation=participation, email="ny@example.org", full_name="Ny",
                           department="Indkøb", invited_by=inviter)
    assert "already waiting for an answer" in caught.value.message_dict["email"][0]
    assert Invitation.objects.count() == 1


def test_member_details_change_and_the_department_is_required():
    participation = ParticipationFactory()
    member = member_of(staff_of(participation.municipality), participation.municipality)
    team_member_update(member=member, department="Klima", responsibility="Data")
    member.refresh_from_db()
    assert (member.department, member.responsibility) == ("Klima", "Data")
    with pytest.raises(ValidationError):
        team_member_update(member=member, department="  ", responsibility="")
    member.refresh_from_db()
    assert member.department == "Klima"


def test_removing_a_member_ends_their_access_and_keeps_the_history():
    participation = ParticipationFactory()
    person = staff_of(participation.municipality)
    remover = staff_of(participation.municipality)
    member = member_of(person, participation.municipality)
    pk = member.pk
    team_member_remove(member=member, by=remover)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    assert participation.pk not in scope_of(person).staff_participations
    deleted = RoleAssignment.history.get(id=pk, history_type="-")
    assert (deleted.user_id, deleted.department) == (person.pk, "Teknik og Miljø")


def test_nobody_removes_themselves():
    participation = ParticipationFactory()
    person = staff_of(participation.municipality)
    with pytest.raises(ValidationError):
        team_member_remove(member=member_of(person, participation.municipality), by=person)
    assert RoleAssignment.objects.filter(user=person, role=Role.STAFF).exists()


# --- Views --------------------------------------------------------------------------------------

def test_staff_invite_a_colleague_inline(client, world):
    participation = world.a.participation
    login(client, world.a.users["staff"])
    response = client.post(reverse("accounts:team-invite", args=[participation.pk]), {
        "invite-full_name": "Ole Olsen", "invite-email": "ole@example.org", "invite-department": "Erhverv",
        "invite-responsibility": "Virksomhedskontakt", "invite-language": "da"}, **HTMX)
    assert response.status_code == 200
    assert "Invitation sent to ole@example.org." in response.text
    assert "Invited, waiting for an answer" in response.text and "Ole Olsen" in response.text
    invitation = Invitation.objects.get(email="ole@example.org")
    assert (invitation.role, invitation.municipality, invitation.invited_by) == (
        Role.STAFF, participation.municipality, world.a.users["staff"])


def test_invite_errors_are_shown_in_the_team_section_and_nothing_is_sent(client, world):
    login(client, world.a.users["facilitator"])
    response = client.post(reverse("accounts:team-invite", args=[world.a.participation.pk]), {
        "invite-full_name": "Ole", "invite-email": "not-an-address", "invite-department": "",
        "invite-language": "da"}, **HTMX)
    assert response.status_code == 200
    assert "Give the department the person works in." in response.text
    assert "Enter a valid email address." in response.text
    assert "<details class=\"invite\" open>" in response.text
    assert not Invitation.objects.exists()


def test_edit_a_member_inline_and_without_javascript(client, world):
    participation = world.a.participation
    member = member_of(world.a.users["staff"], participation.municipality)
    url = reverse("accounts:team-member-edit", args=[participation.pk, member.pk])
    login(client, world.a.users["facilitator"])
    form = client.get(url, **HTMX)
    assert 'name="member-department"' in form.text and 'class="editing"' in form.text
    response = client.post(url, {"member-department": "Klima og Miljø", "member-responsibility": "Projektleder"},
                           **HTMX)
    assert "Klima og Miljø" in response.text and 'class="editing"' not in response.text
    assert client.get(url).status_code == 200  # a page of its own without JavaScript
    response = client.post(url, {"member-department": "Indkøb", "member-responsibility": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.department == "Indkøb"


def test_a_member_of_another_municipality_is_not_found(client, world):
    other_member = member_of(world.b.users["staff"], world.b.participation.municipality)
    login(client, world.a.users["facilitator"])
    url = reverse("accounts:team-member-edit", args=[world.a.participation.pk, other_member.pk])
    assert client.get(url).status_code == 404
    url = reverse("accounts:team-member-remove", args=[world.a.participation.pk, other_member.pk])
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=other_member.pk).exists()


def test_remove_a_member(client, world):
    participation = world.a.participation
    person = staff_of(participation.municipality, user__full_name="Gitte Går")
    member = member_of(person, participation.municipality)
    login(client, world.a.users["staff"])
    pk = member.pk
    response = client.post(reverse("accounts:team-member-remove", args=[participation.pk, pk]), **HTMX)
    assert "Gitte Går was removed from the team." in response.text
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    assert client.get(reverse("municipalities:participation", args=[participation.pk])).status_code == 200
    person.refresh_from_db()
    login(client, person)
    assert client.get(reverse("municipalities:participation", args=[participation.pk])).status_code == 404


def test_removing_yourself_is_refused_with_a_message(client, world):
    participation = world.a.participation
    staff = world.a.users["staff"]
    member = member_of(staff, participation.municipality)
    login(client, staff)
    response = client.post(reverse("accounts:team-member-remove", args=[participation.pk, member.pk]), **HTMX)
    assert "You cannot remove yourself from the team." in response.text
    assert RoleAssignment.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["advisor", "politician", "observer"])
def test_read_only_roles_cannot_change_the_team(client, world, role):
    participation = world.a.participation
    member = member_of(world.a.users["staff"], participation.municipality)
    login(client, world.a.users[role])
    page = client.get(reverse("municipalities:participation", args=[participation.pk]))
    assert page.status_code == 200 and "Invite a team member" not in page.text
    assert client.post(reverse("accounts:team-invite", args=[participation.pk]), {
        "invite-full_name": "X", "invite-email": "x@example.org", "invite-department": "Y",
        "invite-language": "da"}).status_code == 403
    assert client.post(reverse("accounts:team-member-edit", args=[participation.pk, member.pk]),
                       {"member-department": "Z"}).status_code == 403
    assert client.post(reverse("accounts:team-member-remove", args=[participation.pk, member.pk])).status_code == 403
    assert not Invitation.objects.exists()
    member.refresh_from_db()
    assert member.department == "Teknik og Miljø"


def test_staff_of_another_municipality_cannot_see_the_team_forms(client, world):
    login(client, world.a.users["staff"])
    other = world.a.other_participation
    assert client.get(reverse("accounts:team-invite", args=[other.pk])).status_code == 404


def test_an_ended_staff_role_is_not_on_the_team(client, world):
    participation = world.a.participation
    former = staff_of(participation.municipality, starts_on="2021-01-01", ends_on="2021-12-31")
    login(client, world.a.users["facilitator"])
    page = client.get(reverse("municipalities:participation", args=[participation.pk])).text
    assert f'id="member-{member_of(former, participation.municipality).pk}"' not in page
    assert f'id="member-{member_of(world.a.users["staff"], participation.municipality).pk}"' in page
