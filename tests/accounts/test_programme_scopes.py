"""Issue 14.1: roles granted inside a programme stop at the programme.

Two programmes share a municipality (tests/factories.py ``build_world``: Fællesby takes part in A and in B, each
with its own team and advisor). The facilitator of B enrols a municipality, invites staff for it, and tries to
reach programme A's local test of the same municipality and A's team there: every step is refused or stays in
programme B.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Role, RoleAssignment
from accounts.permissions import can_invite_to, scope_of
from municipalities.models import ProgressEntry
from programmes.models import Participation
from tests.factories import MunicipalityFactory, ParticipationFactory, advisor_of, staff_of
from tests.municipalities.factories_local import entry_with_photo

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user, language="da") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def team_row(participation, user) -> RoleAssignment:
    return RoleAssignment.objects.get(role=Role.STAFF, participation=participation, user=user)


def test_cross_programme_attack_is_refused_or_stays_in_the_attackers_programme(world, requires_postgres,
                                                                               django_capture_on_commit_callbacks):
    roskilde = MunicipalityFactory(name="Roskilde (test)")
    a_roskilde = ParticipationFactory(cohort=world.a.cohort, municipality=roskilde)
    victim = staff_of(a_roskilde, user__email="victim@roskilde.example", department="Klima og Miljø")
    draft = entry_with_photo(a_roskilde, victim, publish=False, learnings="Fortroligt udkast")
    photo = draft.photos.get()
    attacker = client_of(world.b.users["facilitator"])

    # 1. The facilitator of B enrols Roskilde in B's cohort: a participation of B, nothing more.
    response = attacker.post(reverse("municipalities:enrol", args=[world.b.cohort.pk]), {"municipality": roskilde.pk})
    assert response.status_code == 302
    b_roskilde = Participation.objects.get(cohort=world.b.cohort, municipality=roskilde)
    assert a_roskilde.pk not in scope_of(world.b.users["facilitator"]).own_participation_ids

    # ... and cannot enrol it, or anything else, in A's cohort.
    assert attacker.post(reverse("municipalities:enrol", args=[world.a.cohort.pk]),
                         {"municipality": MunicipalityFactory().pk}).status_code == 404

    # 2. Invites a new staff member for Roskilde: the invitation is for B's participation only.
    with django_capture_on_commit_callbacks(execute=True):
        response = attacker.post(reverse("accounts:team-invite", args=[b_roskilde.pk]), {
            "invite-full_name": "Mallory Muldvarp", "invite-email": "mallory@example.org",
            "invite-department": "Teknik", "invite-responsibility": "", "invite-language": "da"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="mallory@example.org")
    assert (invitation.participation, invitation.programme) == (b_roskilde, world.b.programme)
    # Inviting staff for A's Roskilde, by the team page or the general invitation form, is refused.
    assert attacker.post(reverse("accounts:team-invite", args=[a_roskilde.pk]), {
        "invite-full_name": "M", "invite-email": "m2@example.org", "invite-department": "Teknik",
        "invite-language": "da"}).status_code == 404
    response = attacker.post(reverse("accounts:invitation-create"), {
        "email": "m3@example.org", "language": "da", "role": Role.STAFF, "participation": a_roskilde.pk,
        "department": "Teknik"})
    assert response.status_code == 200 and response.context["form"].errors["participation"]
    response = attacker.post(reverse("accounts:invitation-create"), {
        "email": "m4@example.org", "language": "da", "role": Role.STAFF, "municipality": roskilde.pk,
        "department": "Teknik"})
    assert response.status_code == 200 and response.context["form"].errors["participation"]
    assert not Invitation.objects.filter(email__in=["m2@example.org", "m3@example.org", "m4@example.org"]).exists()
    assert not can_invite_to(world.b.users["facilitator"], role=Role.STAFF, programme_id=None,
                             participation=a_roskilde)

    # The new person accepts and is on the team of Roskilde in B, and nowhere else.
    token = re.search(r"/invite/([^/\s]+)/", mail.outbox[-1].body).group(1)
    anonymous = Client()
    response = anonymous.post(reverse("accounts:invitation-accept", args=[token]), {
        "full_name": "Mallory Muldvarp", "password1": "en-lang-adgangskode-42",
        "password2": "en-lang-adgangskode-42"})
    assert response.status_code == 302
    newcomer = RoleAssignment.objects.get(user__email="mallory@example.org").user
    assert list(RoleAssignment.objects.filter(user=newcomer).values_list("role", "participation_id")) == [
        (Role.STAFF, b_roskilde.pk)]
    assert anonymous.get(reverse("municipalities:participation", args=[b_roskilde.pk])).status_code == 200

    # 3. She reads Roskilde's draft and photo in programme A: not found.
    assert anonymous.get(reverse("municipalities:participation", args=[a_roskilde.pk])).status_code == 404
    assert anonymous.get(reverse("municipalities:progress-list", args=[a_roskilde.pk])).status_code == 404
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    assert anonymous.get(reverse("municipalities:photo", args=[photo.pk])).status_code == 404
    assert anonymous.get(reverse("municipalities:photo-thumbnail", args=[photo.pk])).status_code == 404

    # 4. She edits the draft there: not found, nothing changed.
    response = anonymous.post(reverse("municipalities:progress-edit", args=[draft.pk]), {
        "happened_on": "2022-05-02", "what_happened": "Overskrevet", "status": "blocked"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert (draft.what_happened, draft.state) == ("Prøvehandling på havnen", ProgressEntry.State.DRAFT)

    # 5. The facilitator of B edits and removes A's team member: not found, by A's participation or by B's.
    member = team_row(a_roskilde, victim)
    for participation in (a_roskilde, b_roskilde):
        assert attacker.post(reverse("accounts:team-member-edit", args=[participation.pk, member.pk]), {
            "member-department": "Hacket", "member-responsibility": ""}).status_code == 404
        assert attacker.post(reverse("accounts:team-member-remove", args=[participation.pk, member.pk]),
                             **HTMX).status_code == 404
    member.refresh_from_db()
    assert member.department == "Klima og Miljø"
    # The victim keeps her access to programme A.
    victim_client = client_of(victim)
    assert victim_client.get(reverse("municipalities:participation", args=[a_roskilde.pk])).status_code == 200
    assert victim_client.get(draft.get_absolute_url()).status_code == 200


def test_a_team_in_one_programme_gives_nothing_in_the_other(world):
    """The shared municipality: each programme's staff and advisor see and write their own participation only."""
    a_part, b_part = world.a.shared_participation, world.b.shared_participation
    draft = entry_with_photo(a_part, world.a.shared_users["staff"], publish=False)
    for role in ("staff", "advisor"):
        outsider = client_of(world.b.shared_users[role])
        assert outsider.get(reverse("municipalities:participation", args=[b_part.pk])).status_code == 200, role
        assert outsider.get(reverse("municipalities:participation", args=[a_part.pk])).status_code == 404, role
        assert outsider.get(draft.get_absolute_url()).status_code == 404, role
        insider = client_of(world.a.shared_users[role])
        assert insider.get(draft.get_absolute_url()).status_code == 200, role
    # The team list of each participation shows its own team only.
    page = client_of(world.a.users["facilitator"]).get(
        reverse("municipalities:participation", args=[a_part.pk])).text
    assert world.a.shared_users["staff"].full_name in page
    assert world.b.shared_users["staff"].full_name not in page


def test_staff_of_b_cannot_edit_or_remove_a_colleague_of_the_same_municipality_in_a(world):
    colleague = team_row(world.a.shared_participation, world.a.shared_users["staff2"])
    b_staff = client_of(world.b.shared_users["staff"])
    for participation in (world.a.shared_participation, world.b.shared_participation):
        assert b_staff.post(reverse("accounts:team-member-edit", args=[participation.pk, colleague.pk]), {
            "member-department": "X"}).status_code == 404
        assert b_staff.post(reverse("accounts:team-member-remove", args=[participation.pk, colleague.pk])
                            ).status_code == 404
    assert RoleAssignment.objects.filter(pk=colleague.pk, department="Indkøb a").exists()


def test_removing_someone_from_a_team_leaves_their_place_in_the_other_programme(world):
    """A person on the team of the same municipality in both programmes: A's facilitator removes her from A's
    team; she stays on B's, and A's facilitator never sees B's row."""
    person = world.a.shared_users["staff2"]
    staff_of(world.b.shared_participation, user=person)
    b_row_pk = team_row(world.b.shared_participation, person).pk
    a_row = team_row(world.a.shared_participation, person)
    facilitator_a = client_of(world.a.users["facilitator"], language="en")
    response = facilitator_a.post(reverse("accounts:team-member-remove",
                                          args=[world.a.shared_participation.pk, a_row.pk]), **HTMX)
    assert "was removed from the team" in response.text
    assert not RoleAssignment.objects.filter(pk=a_row.pk).exists()
    assert RoleAssignment.objects.filter(pk=b_row_pk).exists()
    scope = scope_of(type(person).objects.get(pk=person.pk))
    assert scope.staff_participations == {world.b.shared_participation.pk}


def test_team_services_refuse_a_member_of_another_team(world):
    from django.core.exceptions import ValidationError

    from accounts.services import team_member_remove, team_member_update

    member = team_row(world.a.shared_participation, world.a.shared_users["staff"])
    with pytest.raises(ValidationError):
        team_member_update(member=member, department="X", responsibility="", participation=world.b.shared_participation)
    with pytest.raises(ValidationError):
        team_member_remove(member=member, by=world.b.users["facilitator"], participation=world.b.shared_participation)
    member.refresh_from_db()
    assert member.department == "Miljø a"


def test_an_advisor_of_one_programme_is_not_the_advisor_of_the_other(world):
    advisor = world.b.shared_users["advisor"]
    assert world.a.shared_participation.pk not in scope_of(advisor).advisor_participations
    # Assigning the same person in A as well is a separate assignment, for A only.
    advisor_of(world.a.shared_participation, user=advisor)
    fresh = type(advisor).objects.get(pk=advisor.pk)
    assert scope_of(fresh).advisor_participations == {world.a.shared_participation.pk,
                                                      world.b.shared_participation.pk}


def test_the_invitation_form_invites_staff_to_one_participation_of_the_facilitators_programme(world):
    facilitator = client_of(world.b.users["facilitator"], language="en")
    response = facilitator.post(reverse("accounts:invitation-create"), {
        "email": "ny@example.org", "language": "da", "role": Role.STAFF,
        "participation": world.b.shared_participation.pk, "department": "Teknik"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny@example.org")
    assert (invitation.participation, invitation.programme, invitation.municipality) == (
        world.b.shared_participation, world.b.programme, world.shared_municipality)
    # Programme B's facilitators see it in their list; programme A's do not.
    assert "ny@example.org" in facilitator.get(reverse("accounts:invitation-list")).text
    assert "ny@example.org" not in client_of(world.a.users["facilitator"]).get(
        reverse("accounts:invitation-list")).text
    assert client_of(world.a.users["facilitator"]).post(
        reverse("accounts:invitation-revoke", args=[invitation.pk])).status_code == 404
