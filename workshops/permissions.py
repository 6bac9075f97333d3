"""Who may see and do what with meetings.

Seeing a meeting (:func:`can_view_meeting`, mirrored for lists by ``selectors.meeting_visibility``):

* **admins** see every meeting;
* a **follow-group meeting** is for the programme's politicians and facilitators: political briefings
  are not spread to everybody in the programme;
* a meeting for **one municipality** (a local test meeting) is for that municipality's staff and
  innovation advisor, and for the programme's facilitators, observers and politicians (who see every
  municipality of the programme anyway);
* a meeting for **one cohort** is for the programme's facilitators, observers, politicians and advisor
  pool, and for the staff of the municipalities in that cohort;
* a meeting for the **whole programme** is for everybody with a role in the programme;
* and **whoever is invited** sees the meeting they are invited to, whatever their role in the programme
  (e.g. a municipal team member invited to present at a follow-group meeting) — as long as they still
  hold a role in the programme: a politician whose term has ended no longer sees the follow-group.

Everybody else gets 404. Doing things:

* the programme's **facilitators** (and admins) organise: create, change, cancel, invite, record
  attendance, write and publish minutes, add materials;
* an **invitee** answers their own invitation (yes / no / maybe) — politicians too: answering one's own
  invitation is not editing the meeting. Everybody else who sees the meeting gets 403 on writes;
* **minutes** are read by the organisers while drafted, and by everybody who sees the meeting once
  published (the follow-group's minutes are what its politicians read);
* **skills** self-assessments are written by municipal staff about themselves; the chart shows averages
  only, to everybody who sees the programme.
"""

from accounts.permissions import is_facilitator_of, scope_of


def can_view_meeting(user, meeting, *, invited: bool | None = None) -> bool:
    """``invited``: pass it when already known, else it is looked up (one query) only if needed."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    programme_id = meeting.programme_id
    whole = scope.facilitator_programmes | scope.observer_programmes | scope.politician_programmes
    from .models import Meeting

    if meeting.kind == Meeting.Kind.FOLLOW_GROUP:
        by_role = programme_id in (scope.facilitator_programmes | scope.politician_programmes)
    elif meeting.participation_id:
        by_role = meeting.participation_id in scope.own_participation_ids or programme_id in whole
    elif meeting.cohort_id:
        by_role = programme_id in (whole | scope.advisor_programmes) or _staff_in_cohort(scope, meeting.cohort_id)
    else:
        by_role = programme_id in scope.programme_ids
    if by_role:
        return True
    if programme_id not in scope.programme_ids:
        return False
    if invited is None:
        invited = user.is_authenticated and meeting.invitations.filter(user=user).exists()
    return invited


def _staff_in_cohort(scope, cohort_id) -> bool:
    if not scope.staff_participations:
        return False
    from programmes.models import Participation

    return Participation.objects.filter(pk__in=scope.staff_participations, cohort_id=cohort_id).exists()


def can_create_meeting(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)


def can_organise_meeting(user, meeting) -> bool:
    """Change, cancel, invite, attendance, minutes and materials: the programme's facilitators."""
    return is_facilitator_of(user, meeting.programme_id)


def can_answer_invitation(user, invitation) -> bool:
    return invitation is not None and invitation.user_id == user.pk


def can_read_minutes(user, meeting) -> bool:
    """Call only for a user who may see the meeting."""
    return meeting.minutes_are_published or can_organise_meeting(user, meeting)


def can_view_skills(user, programme) -> bool:
    scope = scope_of(user)
    return scope.is_admin or programme.pk in scope.programme_ids


def can_assess_skills(user, programme) -> bool:
    """Participants (municipal staff in the programme) assess their own skills."""
    return programme.pk in scope_of(user).staff_programmes
