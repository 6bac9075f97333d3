"""Predicates about programmes and the municipalities taking part in them."""

from accounts.permissions import is_facilitator, is_facilitator_of, scope_of


def can_view_programme(user, programme) -> bool:
    scope = scope_of(user)
    return scope.is_admin or programme.pk in scope.programme_ids


def can_create_programme(user) -> bool:
    return is_facilitator(user)


def can_edit_programme(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)


def can_view_participation(user, participation) -> bool:
    scope = scope_of(user)
    if scope.is_admin or participation.pk in scope.own_participation_ids:
        return True
    return participation.cohort.programme_id in (
        scope.facilitator_programmes | scope.observer_programmes | scope.politician_programmes
    )


def can_edit_participation(user, participation) -> bool:
    """Staff of the municipality and the programme's facilitators edit; advisors advise, others read."""
    scope = scope_of(user)
    return participation.pk in scope.staff_participations or is_facilitator_of(
        user, participation.cohort.programme_id
    )
