"""Predicates about municipalities in programmes: enrolment, advisors, challenge, team and follow-group.

Seeing a participation is decided by ``programmes.permissions.can_view_participation``; these
predicates only answer what a person who sees it may do with it.
"""

from accounts.permissions import is_facilitator_of, scope_of
from programmes.permissions import can_edit_participation, can_view_participation, can_view_programme


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


# --- Local tests: progress, photos, indicators, partners, stage gates, advice ----------------------------------

def _programme_id(participation) -> int:
    return participation.cohort.programme_id


def works_on(user, participation) -> bool:
    """Staff of the municipality, its advisor and the programme's facilitators: the people doing the test."""
    scope = scope_of(user)
    return (participation.pk in scope.staff_participations or participation.pk in scope.advisor_participations
            or is_facilitator_of(user, _programme_id(participation)))


def can_view_drafts(user, participation) -> bool:
    return works_on(user, participation)


def can_view_entry(user, entry) -> bool:
    """Published entries: whoever sees the municipality. Drafts and withdrawn entries: its staff, its advisor,
    the facilitators."""
    participation = entry.participation
    if not can_view_participation(user, participation):
        return False
    return entry.state == "published" or can_view_drafts(user, participation)


def can_write_progress(user, participation) -> bool:
    """Staff of the municipality and the facilitators log progress, photos, indicators and partners."""
    return can_edit_participation(user, participation)


def can_edit_entry(user, entry) -> bool:
    """A withdrawn entry is kept as it was: nobody edits it any more."""
    return entry.state != "withdrawn" and can_write_progress(user, entry.participation)


def can_withdraw_entry(user, entry) -> bool:
    """Staff of the municipality and the facilitators (who write entries) withdraw them."""
    return can_edit_entry(user, entry)


def can_review_publication(user, participation) -> bool:
    """The second pair of eyes before an entry leaves the programme: the programme's facilitators and the
    municipality's own advisor."""
    return participation.pk in scope_of(user).advisor_participations or is_facilitator_of(
        user, _programme_id(participation))


def _in_withdrawn_entry(record) -> bool:
    return record.entry_id is not None and record.entry.state == "withdrawn"


def can_change_partner(user, involvement) -> bool:
    """Who logs progress edits and removes a partner involvement, unless a withdrawn entry (kept as it was)
    registered it."""
    return not _in_withdrawn_entry(involvement) and can_write_progress(user, involvement.participation)


def can_change_measurement(user, measurement) -> bool:
    return not _in_withdrawn_entry(measurement) and can_write_progress(user, measurement.indicator.participation)


def can_comment_entry(user, entry) -> bool:
    """The advisor, the staff and the facilitators discuss an entry; read-only roles do not."""
    return works_on(user, entry.participation)


def can_submit_stage_output(user, participation) -> bool:
    return can_edit_participation(user, participation)


def can_review_stage_output(user, participation) -> bool:
    return is_facilitator_of(user, _programme_id(participation))


def can_view_advisory(user, participation) -> bool:
    return works_on(user, participation)


def can_log_advisory(user, participation) -> bool:
    """The municipality's own advisor (and the facilitators) log advisory sessions and agreed actions."""
    return participation.pk in scope_of(user).advisor_participations or is_facilitator_of(
        user, _programme_id(participation))


def can_view_my_municipalities(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.advisor_participations or scope.facilitator_programmes)


def can_view_publication_queue(user) -> bool:
    """The entries waiting for a second pair of eyes, listed for those who give it (``can_review_publication``):
    the facilitators and the advisors."""
    return can_view_my_municipalities(user)
