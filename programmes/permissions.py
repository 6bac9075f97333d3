"""Predicates about programmes and the municipalities taking part in them."""

from accounts.permissions import is_facilitator, is_facilitator_of, scope_of


def can_view_programme(user, programme) -> bool:
    scope = scope_of(user)
    return scope.is_admin or programme.pk in scope.programme_ids


def can_create_programme(user) -> bool:
    return is_facilitator(user)


def can_edit_programme(user, programme) -> bool:
    """Facilitators of the programme set it up: details, cohorts, phases, milestones and budget."""
    return is_facilitator_of(user, programme.pk)


def sees_whole_programme(user, programme) -> bool:
    """Facilitators, observers and politicians see every municipality; staff and advisors only their own."""
    scope = scope_of(user)
    return scope.is_admin or programme.pk in (
        scope.facilitator_programmes | scope.observer_programmes | scope.politician_programmes
    )


def can_view_budget(user, programme) -> bool:
    """The budget is for the people who run, fund or oversee the programme, not for the municipalities in it."""
    return sees_whole_programme(user, programme)


def can_view_history(user, programme) -> bool:
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


def can_view_milestone(user, milestone) -> bool:
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if milestone.participation_id is None:
        return milestone.programme_id in scope.programme_ids
    return milestone.participation_id in scope.own_participation_ids or milestone.programme_id in (
        scope.facilitator_programmes | scope.observer_programmes | scope.politician_programmes
    )


def can_edit_milestone(user, milestone) -> bool:
    return is_facilitator_of(user, milestone.programme_id)


def can_complete_milestone(user, milestone) -> bool:
    """Facilitators tick off any milestone; municipal staff tick off their own municipality's."""
    if is_facilitator_of(user, milestone.programme_id):
        return True
    return milestone.participation_id is not None and milestone.participation_id in scope_of(
        user
    ).staff_participations


def can_view_cohort_dashboard(user, programme) -> bool:
    """The cohort dashboard (workload, attendance, overdue work) is for the programme's facilitators."""
    return is_facilitator_of(user, programme.pk)


