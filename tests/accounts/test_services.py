from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Invitation, Role, RoleAssignment, User
from accounts.permissions import scope_of
from accounts.services import (
    InvitationUnusable,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    role_assign,
)
from tests.factories import (
    MunicipalityFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_invitation_mail_carries_a_working_one_time_link(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    inviter = UserFactory(full_name="Frida Facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invitation_create(email="Ny.Person@Example.org", role=Role.OBSERVER,
                                              programme=programme, invited_by=inviter, language="en")
    assert invitation.email == "ny.person@example.org"
    assert invitation.token_hash != token  # only the hash is stored
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@example.org"]
    assert f"/people/invite/{token}/" in message.body
    assert "Frida Facilitator" in message.body
    assert "Observer" in message.subject
    assert message.alternatives and f"/people/invite/{token}/" in message.alternatives[0][0]


def test_invitation_mail_is_in_the_invitees_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(email="a@example.org", role=Role.OBSERVER, programme=ProgrammeFactory(),
                          invited_by=UserFactory(), language="da")
    assert "inviteret" in mail.outbox[0].subject


def test_accepting_creates_a_verified_account_with_the_role():
    programme = ProgrammeFactory()
    _invitation, token = invitation_create(email="new@example.org", role=Role.FACILITATOR, programme=programme,
                                           invited_by=None)
    user = invitation_accept(token=token, full_name="Nina Ny", password="a-long-good-password-1")
    assert user.check_password("a-long-good-password-1")
    assert EmailAddress.objects.get(user=user).verified
    assert programme.pk in scope_of(user).facilitator_programmes


def test_a_link_works_once():
    _invitation, token = invitation_create(email="x@example.org", role=Role.OBSERVER,
                                           programme=ProgrammeFactory(), invited_by=None)
    invitation_accept(token=token, full_name="X", password="a-long-good-password-1")
    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(token=token, full_name="X", password="a-long-good-password-1")
    assert error.value.reason == "accepted"
    assert User.objects.filter(email="x@example.org").count() == 1


def test_an_expired_link_creates_nothing():
    invitation, token = invitation_create(email="late@example.org", role=Role.OBSERVER,
                                          programme=ProgrammeFactory(), invited_by=None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(token=token, full_name="Late", password="a-long-good-password-1")
    assert error.value.reason == "expired"
    assert not User.objects.filter(email="late@example.org").exists()


def test_revoked_and_resent_links():
    invitation, old_token = invitation_create(email="r@example.org", role=Role.OBSERVER,
                                              programme=ProgrammeFactory(), invited_by=None)
    invitation, new_token = invitation_resend(invitation=invitation, by=UserFactory())
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=old_token, full_name="R", password="a-long-good-password-1")
    invitation_revoke(invitation=invitation)
    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(token=new_token, full_name="R", password="a-long-good-password-1")
    assert error.value.reason == "revoked"


def test_existing_person_gets_the_new_role_added():
    person = UserFactory(email="known@example.org")
    programme = ProgrammeFactory()
    _invitation, token = invitation_create(email="known@example.org", role=Role.POLITICIAN, programme=programme,
                                           invited_by=None, position="Borgmester")
    invitation_accept(token=token, user=person)
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.programme, assignment.position) == (Role.POLITICIAN, programme, "Borgmester")


def test_someone_else_cannot_use_another_persons_invitation():
    _invitation, token = invitation_create(email="intended@example.org", role=Role.OBSERVER,
                                           programme=ProgrammeFactory(), invited_by=None)
    with pytest.raises(ValidationError):
        invitation_accept(token=token, user=UserFactory(email="other@example.org"))
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize("role,scope,field", [
    (Role.FACILITATOR, {}, "programme"),
    (Role.STAFF, {}, "participation"),
    (Role.POLITICIAN, {}, "programme"),
])
def test_a_role_needs_its_scope(role, scope, field):
    with pytest.raises(ValidationError) as error:
        invitation_create(email="s@example.org", role=role, invited_by=None, **scope)
    assert field in error.value.message_dict
    assert not Invitation.objects.exists()


def test_role_assign_twice_changes_nothing():
    user, programme = UserFactory(), ProgrammeFactory()
    first = role_assign(user=user, role=Role.OBSERVER, programme=programme)
    second = role_assign(user=user, role=Role.OBSERVER, programme=programme)
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_scope_of_staff_covers_their_own_participation_only():
    municipality = MunicipalityFactory()
    own = ParticipationFactory(municipality=municipality)
    other = ParticipationFactory(cohort=own.cohort)
    same_municipality_elsewhere = ParticipationFactory(municipality=municipality)  # another programme
    staff = UserFactory()
    role = role_assign(user=staff, role=Role.STAFF, participation=own, department="Miljø")
    assert (role.municipality, role.programme) == (municipality, own.cohort.programme)
    scope = scope_of(staff)
    assert scope.staff_participations == {own.pk}
    assert other.pk not in scope.own_participation_ids
    assert same_municipality_elsewhere.pk not in scope.own_participation_ids
    assert scope.programme_ids == {own.cohort.programme_id}


def test_a_staff_role_without_a_participation_opens_no_programme():
    """A staff role of a municipality from before teams were per programme, for a municipality in no
    programme then: it is kept, but a later enrolment of the municipality does not put the person on the team."""
    municipality = MunicipalityFactory()
    legacy = RoleAssignmentFactory(role=Role.STAFF, municipality=municipality, department="Miljø")
    ParticipationFactory(municipality=municipality)
    scope = scope_of(legacy.user)
    assert scope.staff_municipalities == {municipality.pk}
    assert not scope.staff_participations and not scope.programme_ids


def test_the_scope_is_read_from_the_database_not_a_cache(settings, django_assert_num_queries):
    """Permissions never come from a cache: a fresh user object (a new request) reads its roles again, even with
    the data cache switched on."""
    settings.DATA_CACHE_SECONDS = 300
    programme = ProgrammeFactory()
    user = UserFactory()
    role_assign(user=user, role=Role.OBSERVER, programme=programme)
    assert programme.pk in scope_of(User.objects.get(pk=user.pk)).observer_programmes
    RoleAssignment.objects.filter(user=user).update(ends_on=timezone.localdate() - timedelta(days=1))  # no signal
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        scope_of(fresh)
        scope_of(fresh)  # once per request: kept on the user object
    assert programme.pk not in scope_of(fresh).observer_programmes


def test_ended_roles_give_no_access():
    user, programme = UserFactory(), ProgrammeFactory()
    role_assign(user=user, role=Role.POLITICIAN, programme=programme,
                starts_on=timezone.localdate() - timedelta(days=400), ends_on=timezone.localdate() - timedelta(days=1))
    assert programme.pk not in scope_of(user).programme_ids
