"""accounts/migrations/0009: staff roles of a municipality become roles of its participations, and back.

The migration's functions run here against today's models (they only use ``apps.get_model`` and the ORM)."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import Invitation, Role, RoleAssignment
from accounts.permissions import scope_of
from tests.factories import (
    MunicipalityFactory,
    ParticipationFactory,
    RoleAssignmentFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.django_db
migration = importlib.import_module("accounts.migrations.0009_staff_roles_per_participation")


def legacy_staff(municipality, **kwargs):
    """A staff role as it was stored before teams were per programme: a municipality, no participation."""
    kwargs.setdefault("department", "Klima og Miljø")
    return RoleAssignmentFactory(role=Role.STAFF, municipality=municipality, **kwargs)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_nobody_loses_access_they_had_within_a_programme_and_back_again():
    municipality = MunicipalityFactory()
    in_a = ParticipationFactory(municipality=municipality)
    in_b = ParticipationFactory(municipality=municipality)
    elsewhere = ParticipationFactory()
    lonely = MunicipalityFactory()  # takes part in no programme
    role = legacy_staff(municipality, responsibility="Projektleder", starts_on=date(2021, 9, 1),
                        ends_on=timezone.localdate() + timedelta(days=30))
    idle = legacy_staff(lonely)

    migration.split_staff_roles(apps, None)

    rows = RoleAssignment.objects.filter(user=role.user).order_by("pk")
    assert [(r.participation_id, r.programme_id, r.municipality_id) for r in rows] == [
        (in_a.pk, in_a.cohort.programme_id, municipality.pk), (in_b.pk, in_b.cohort.programme_id, municipality.pk)]
    assert rows[0].pk == role.pk  # the existing row (and its audit history) takes the first participation
    assert {(r.department, r.responsibility, r.starts_on, r.ends_on) for r in rows} == {
        ("Klima og Miljø", "Projektleder", role.starts_on, role.ends_on)}
    scope = scope_of(fresh(role.user))
    assert scope.staff_participations == {in_a.pk, in_b.pk}
    assert elsewhere.pk not in scope.own_participation_ids
    idle.refresh_from_db()
    assert (idle.participation_id, idle.municipality_id) == (None, lonely.pk)  # kept, opens no programme

    migration.split_staff_roles(apps, None)  # a second run finds nothing left to split
    assert RoleAssignment.objects.filter(user=role.user).count() == 2

    migration.fold_staff_roles(apps, None)
    back = RoleAssignment.objects.get(user=role.user)
    assert (back.pk, back.participation_id, back.programme_id, back.municipality_id) == (
        role.pk, None, None, municipality.pk)


def test_waiting_staff_invitations_get_the_participation_of_the_inviters_programme():
    municipality = MunicipalityFactory()
    first = ParticipationFactory(municipality=municipality)
    second = ParticipationFactory(municipality=municipality)
    inviter = facilitator_of(second.cohort.programme)
    stranger = UserFactory()
    common = {"role": Role.STAFF, "municipality": municipality, "department": "Indkøb",
              "expires_at": timezone.now() + timedelta(days=7)}
    by_facilitator = Invitation.objects.create(email="a@example.org", token_hash="a" * 64, invited_by=inviter,
                                               **common)
    by_stranger = Invitation.objects.create(email="b@example.org", token_hash="b" * 64, invited_by=stranger,
                                            **common)

    migration.split_staff_roles(apps, None)

    by_facilitator.refresh_from_db()
    by_stranger.refresh_from_db()
    assert (by_facilitator.participation, by_facilitator.programme_id) == (second, second.cohort.programme_id)
    assert by_stranger.participation == first

    migration.fold_staff_roles(apps, None)
    by_facilitator.refresh_from_db()
    assert (by_facilitator.participation_id, by_facilitator.municipality_id) == (None, municipality.pk)
