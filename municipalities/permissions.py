"""Predicates about municipalities in programmes: enrolment, advisors, challenge, team and follow-group.

Seeing a participation is decided by ``programmes.permissions.can_view_participation``; these
predicates only answer what a person who sees it may do with it.
"""

from accounts.permissions import is_facilitator_of
from programmes.permissions import can_edit_participation, can_view_programme


def can_enrol(user, cohort) -> bool:
    """Facilitators of the programme (and admins) enrol and withdraw municipalities."""
    return is_facilitator_of(user, cohort.programme_id)


def can_withdraw_participation(user, participation) -> bool:
    return is_facilitator_of(user, participation.cohort.programme_id)


def can_assign_advisor(user, participation) -> bool:
    return is_facilitator_of(user, participation.cohort.programme_id)


def can_edit_challenge(user, participation) -> bool:
    """The municipality's own staff and the facilitators describe the local challenge and the plan."""
    return can_edit_participation(user, participation)


def can_view_participation_history(user, participation) -> bool:
    """The audit trail (who changed what) is for the facilitators of the programme."""
    return is_facilitator_of(user, participation.cohort.programme_id)


def can_manage_team(user, participation) -> bool:
    """Staff of the municipality and the facilitators manage the cross-departmental team."""
    return can_edit_participation(user, participation)


def can_view_follow_group(user, programme) -> bool:
    return can_view_programme(user, programme)


def can_manage_follow_group(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)
