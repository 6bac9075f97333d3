"""Every write about a municipality in a programme: enrolment, advisor, local challenge and plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import forget_scope
from accounts.services import role_assign
from programmes.models import Cohort, LocalChallenge, Participation

from .models import Municipality
from .selectors import active_q


def _already_enrolled(cohort: Cohort, municipality: Municipality) -> ValidationError:
    return ValidationError({"municipality": _("%(municipality)s already takes part in %(cohort)s.") % {
        "municipality": municipality, "cohort": cohort}})


def _default_joined_on(cohort: Cohort):
    """Today, but within the cohort's (or else the programme's) dates when they are known."""
    day = timezone.localdate()
    starts = cohort.starts_on or cohort.programme.starts_on
    ends = cohort.ends_on or cohort.programme.ends_on
    if ends and day > ends:
        day = ends
    if starts and day < starts:
        day = starts
    return day


@transaction.atomic
def participation_enrol(*, cohort: Cohort, municipality: Municipality, joined_on=None) -> Participation:
    """Enrol a municipality in a cohort. A municipality takes part in a cohort once."""
    if Participation.objects.filter(cohort=cohort, municipality=municipality).exists():
        raise _already_enrolled(cohort, municipality)
    participation = Participation(cohort=cohort, municipality=municipality,
                                  joined_on=joined_on or _default_joined_on(cohort))
    participation.full_clean(validate_constraints=False)  # the unique constraint is checked above and below
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:  # enrolled by someone else a moment ago
        raise _already_enrolled(cohort, municipality) from None
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation) -> None:
    """Take a municipality out of a cohort. Its challenge, milestones and advisor assignments go with it;
    the audit history keeps the record (and the admin can recover it)."""
    participation.delete()


@transaction.atomic
def participation_update(*, participation: Participation, action_plan_url: str, solution_model: str) -> Participation:
    values = {"action_plan_url": action_plan_url.strip(), "solution_model": solution_model.strip()}
    if all(getattr(participation, name) == value for name, value in values.items()):
        return participation  # nothing changed: no empty entry in the history
    for name, value in values.items():
        setattr(participation, name, value)
    participation.full_clean()
    participation.save(update_fields=list(values))
    return participation


@transaction.atomic
def challenge_save(*, participation: Participation, title: str, problem_statement: str, material_stream: str,
                   strategy: str, sdgs: list[int]) -> LocalChallenge:
    """Describe the municipality's local challenge, or change the description."""
    values = {"title": title.strip(), "problem_statement": problem_statement.strip(),
              "material_stream": material_stream, "strategy": strategy, "sdgs": sorted(set(sdgs or []))}
    challenge = LocalChallenge.objects.select_for_update().filter(participation=participation).first()
    if challenge is None:
        challenge = LocalChallenge(participation=participation)
    elif all(getattr(challenge, name) == value for name, value in values.items()):
        return challenge
    for name, value in values.items():
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save()
    return challenge


def in_advisor_pool(user: User, programme) -> bool:
    return RoleAssignment.objects.filter(
        active_q(), user=user, role=Role.ADVISOR, programme=programme, participation__isnull=True
    ).exists()


@transaction.atomic
def advisor_assign(*, participation: Participation, advisor: User | None) -> RoleAssignment | None:
    """Make ``advisor`` the municipality's innovation advisor, replacing whoever advised it before.

    The advisor must be in the programme's advisor pool. ``None`` leaves the municipality without one.
    The old assignment is deleted (its history stays in the audit trail), so access ends at once."""
    programme = participation.cohort.programme
    if advisor is not None and not in_advisor_pool(advisor, programme):
        raise ValidationError({"advisor": _(
            "%(person)s is not an innovation advisor in %(programme)s. Choose someone from the programme's "
            "advisor pool."
        ) % {"person": advisor, "programme": programme}})
    kept = None
    today = timezone.localdate()
    for assignment in RoleAssignment.objects.select_for_update().filter(role=Role.ADVISOR, participation=participation
                                                                        ).select_related("user"):
        current = assignment.ends_on is None or assignment.ends_on >= today
        if advisor is not None and assignment.user_id == advisor.pk and current and kept is None:
            kept = assignment
        else:
            assignment.delete()
            forget_scope(assignment.user)
    if advisor is not None and kept is None:
        kept = role_assign(user=advisor, role=Role.ADVISOR, programme=programme, participation=participation)
    return kept
