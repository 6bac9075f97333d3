"""Every write about meetings. Keyword-only, validated, atomic; mail goes out on commit through Celery.

Rules that need the database live here beside ``Meeting.clean()``: answers close when a meeting starts
or is cancelled, "yes" is refused when the meeting is full, attendance and published minutes wait for
the meeting to start. Moving a meeting (time or place) raises its SEQUENCE so calendar apps replace it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from circular_cities.uploads import clean_file
from programmes.models import Milestone
from programmes.status import status_refresh

from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Decision,
    Material,
    Meeting,
    MeetingInvitation,
    SkillAssessment,
)
from .permissions import can_view_meeting
from .selectors import assessing_participation, meeting_people, modules_attended, resolve_invitees

MEETING_FIELDS = ("kind", "title_da", "title_en", "description_da", "description_en", "starts_at", "ends_at",
                  "place", "online_url", "capacity", "cohort", "participation")
# A change to one of these is a new version for calendar apps (and a mail to the invitees).
RESCHEDULING_FIELDS = ("starts_at", "ends_at", "place", "online_url")
RSVP_SALT = "workshops.rsvp"


def _by(instance, by):
    """Record who made the change in the audit history, also outside a request (simple-history)."""
    if by is not None:
        instance._history_user = by
    return instance


def _audience(fields: dict) -> dict:
    """A meeting for one municipality belongs to that municipality's cohort."""
    participation = fields.get("participation")
    if participation is not None:
        fields["cohort"] = participation.cohort
    return fields


def _save_agenda(meeting: Meeting, agenda: list[dict] | None) -> None:
    if agenda is None:
        return
    meeting.agenda_items.all().delete()
    items = []
    for order, item in enumerate(agenda, start=1):
        agenda_item = AgendaItem(meeting=meeting, order=order, title=item["title"].strip(),
                                 duration_minutes=item.get("duration_minutes"),
                                 presenter=(item.get("presenter") or "").strip(),
                                 decision_needed=bool(item.get("decision_needed")))
        agenda_item.full_clean(exclude=["meeting"])
        items.append(agenda_item)
    AgendaItem.objects.bulk_create(items)


# --- Meetings ---------------------------------------------------------------------------------------------

@transaction.atomic
def meeting_create(*, programme, by, agenda: list[dict] | None = None, **fields) -> Meeting:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(programme=programme, organiser=by, **_audience(dict(fields)))
    meeting.full_clean()
    _by(meeting, by).save()
    _save_agenda(meeting, agenda)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, agenda: list[dict] | None = None, **fields) -> Meeting:
    """Change a meeting. Moving it (time, place or link) raises SEQUENCE and tells the invitees."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled and can no longer be changed."))
    fields = _audience(dict(fields))
    if "participation" in fields and fields["participation"] is None and "cohort" not in fields:
        fields["cohort"] = None
    moved = any(name in fields and getattr(meeting, name) != fields[name] for name in RESCHEDULING_FIELDS)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if moved:
        meeting.sequence += 1
    meeting.full_clean()
    _by(meeting, by).save()
    _save_agenda(meeting, agenda)
    if moved and not meeting.is_past:
        from .tasks import send_meeting_changed_task

        meeting_id = meeting.pk
        transaction.on_commit(lambda: send_meeting_changed_task.delay(meeting_id, "moved"))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Cancel: the meeting stays (with its UID) and is sent to calendars as cancelled."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting  # a double click changes nothing
    if meeting.has_started:
        raise ValidationError(_("The meeting has already started and can no longer be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()[:300]
    meeting.sequence += 1
    meeting.full_clean()
    _by(meeting, by).save()
    from .tasks import send_meeting_changed_task

    meeting_id = meeting.pk
    transaction.on_commit(lambda: send_meeting_changed_task.delay(meeting_id, "cancelled"))
    return meeting


# --- Invitations and answers ------------------------------------------------------------------------------

@transaction.atomic
def meeting_invite(*, meeting: Meeting, by, roles=(), participations=(), cohorts=(), people=()) -> int:
    """Invite by role, municipality, cohort or person. People already invited are left as they are.

    Returns how many were newly invited; they get an e-mail (unless the meeting is already over)."""
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled; nobody can be invited to it."))
    if not (roles or participations or cohorts or people):
        raise ValidationError(_("Choose whom to invite: a role, a municipality, a cohort or a person."))
    if people:  # one by one: only people with a role in the programme (the form's choices, meeting_people)
        allowed = set(meeting_people(meeting=meeting).filter(pk__in=[p.pk for p in people]).values_list(
            "pk", flat=True))
        strangers = [person for person in people if person.pk not in allowed]
        if strangers:
            raise ValidationError({"people": _(
                "Only people with a role in the programme can be invited: %(names)s.") % {
                "names": ", ".join(person.get_full_name() or person.email for person in strangers)}})
    chosen = resolve_invitees(meeting=meeting, roles=roles, participations=participations, cohorts=cohorts,
                              people=people)
    already = set(meeting.invitations.values_list("user_id", flat=True))
    new = [MeetingInvitation(meeting=meeting, user_id=user_id, via=entry["via"],
                             municipality_id=entry["municipality_id"], department=entry["department"][:150],
                             invited_by=by)
           for user_id, entry in chosen.items() if user_id not in already]
    created = MeetingInvitation.objects.bulk_create(new)
    if created and not meeting.has_started:
        from .tasks import send_meeting_invitations_task

        ids = [invitation.pk for invitation in created]
        transaction.on_commit(lambda: send_meeting_invitations_task.delay(ids))
    return len(created)


@transaction.atomic
def invitation_remove(*, invitation: MeetingInvitation) -> None:
    invitation.delete()


@transaction.atomic
def invitation_answer(*, invitation: MeetingInvitation, response: str) -> MeetingInvitation:
    """Yes / no / maybe. Closed once the meeting has started or is cancelled; "yes" needs a free seat."""
    if response not in (MeetingInvitation.Response.YES, MeetingInvitation.Response.NO,
                        MeetingInvitation.Response.MAYBE):
        raise ValidationError({"response": _("Answer yes, no or maybe.")})
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)  # one answer at a time per meeting
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled, so there is nothing to answer."))
    if meeting.has_started:
        raise ValidationError(_("The meeting has already taken place; answers are closed."))
    invitation = MeetingInvitation.objects.get(pk=invitation.pk)
    if response == MeetingInvitation.Response.YES and invitation.response != response and meeting.capacity:
        yes = meeting.invitations.filter(response=MeetingInvitation.Response.YES).count()
        if yes >= meeting.capacity:
            raise ValidationError({"response": _(
                "The meeting is full (%(capacity)d places). Answer maybe, and the organiser can make room.") % {
                "capacity": meeting.capacity}})
    if invitation.response != response:
        invitation.response = response
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["response", "responded_at"])
    return invitation


def rsvp_token(invitation: MeetingInvitation) -> str:
    """The secret in the e-mail's answer links: signed, names one invitation, nothing else."""
    return signing.dumps(invitation.pk, salt=RSVP_SALT, compress=False)


def rsvp_token_invitation_id(token: str) -> int | None:
    """The invitation a signed answer link names (whether or not it still exists); None for a forged link."""
    try:
        pk = signing.loads(token, salt=RSVP_SALT)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def invitation_from_rsvp_token(token: str) -> MeetingInvitation | None:
    """The invitation of an e-mail's answer link, while the link may still be used. The link needs no login, so
    it expires with what it stands for: None once the meeting is over, at once when the invitation is withdrawn
    (deleted) or the person deactivated (or erased), and for a forged link."""
    pk = rsvp_token_invitation_id(token)
    if pk is None:
        return None
    invitation = MeetingInvitation.objects.select_related(
        "meeting__programme", "meeting__participation__municipality", "meeting__cohort", "user").filter(
        pk=pk, user__is_active=True, meeting__ends_at__gt=timezone.now()).first()
    # and at once when the person no longer has a place in the programme (a team member removed, a term ended)
    if invitation is not None and not can_view_meeting(invitation.user, invitation.meeting, invited=True):
        return None
    return invitation


# --- Attendance and minutes -------------------------------------------------------------------------------

def _after_start(meeting: Meeting, message: str) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if not meeting.has_started:
        raise ValidationError(message)


@transaction.atomic
def attendance_record(*, meeting: Meeting, by, attended_user_ids, walk_ins=()) -> int:
    """Who came: every invitee is marked as came / did not come; people who came without an invitation
    are added. Returns how many came."""
    _after_start(meeting, _("Attendance can be recorded once the meeting has started."))
    attended = {int(pk) for pk in attended_user_ids}
    for person in walk_ins:
        attended.add(person.pk)
    known = set(meeting.invitations.values_list("user_id", flat=True))
    extra = [p for p in walk_ins if p.pk not in known]
    if extra:
        chosen = resolve_invitees(meeting=meeting, people=extra)
        MeetingInvitation.objects.bulk_create([
            MeetingInvitation(meeting=meeting, user_id=p.pk, via=MeetingInvitation.Via.ATTENDANCE,
                              municipality_id=chosen[p.pk]["municipality_id"],
                              department=chosen[p.pk]["department"][:150], invited_by=by)
            for p in extra])
    meeting.invitations.filter(user_id__in=attended).update(attended=True)
    meeting.invitations.exclude(user_id__in=attended).update(attended=False)
    return meeting.invitations.filter(attended=True).count()


@transaction.atomic
def minutes_save(*, meeting: Meeting, by, minutes: str) -> Meeting:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    meeting.minutes = minutes.strip()
    meeting.full_clean()
    _by(meeting, by).save(update_fields=["minutes", "updated_at"])
    return meeting


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by) -> Meeting:
    """Show the minutes, decisions and actions to everybody who sees the meeting, and mail the invitees."""
    _after_start(meeting, _("Minutes can be published once the meeting has started."))
    if not (meeting.minutes.strip() or meeting.decisions.exists() or meeting.action_items.exists()):
        raise ValidationError(_("Write the minutes, or record a decision or an action, before publishing."))
    first_time = meeting.minutes_published_at is None
    meeting.minutes_published_at = timezone.now()
    _by(meeting, by).save(update_fields=["minutes_published_at", "updated_at"])
    if first_time:
        from .tasks import send_minutes_published_task

        meeting_id = meeting.pk
        transaction.on_commit(lambda: send_minutes_published_task.delay(meeting_id))
    return meeting


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str) -> Decision:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    decision = Decision(meeting=meeting, text=text.strip(), order=_next_order(meeting.decisions.all()))
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    decision.delete()


@transaction.atomic
def action_add(*, meeting: Meeting, text: str, owner, due_on, make_milestone: bool = False) -> ActionItem:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    action = ActionItem(meeting=meeting, text=text.strip(), owner=owner, due_on=due_on,
                        order=_next_order(meeting.action_items.all()))
    action.full_clean()
    action.save()
    if make_milestone:
        action_make_milestone(action=action)
    return action


@transaction.atomic
def action_delete(*, action: ActionItem) -> None:
    action.delete()  # a milestone made from it stays: it lives on in the programme's plan


@transaction.atomic
def action_make_milestone(*, action: ActionItem) -> Milestone:
    """Turn an action into a milestone of the programme (or of the meeting's municipality). Once."""
    if action.milestone_id:
        return action.milestone
    meeting = action.meeting
    milestone = Milestone(
        programme=meeting.programme, participation=meeting.participation, title_da=action.text[:200],
        owner=action.owner, due_on=action.due_on,
        description=_("Agreed at %(meeting)s on %(date)s.") % {
            "meeting": meeting.title, "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")},
    )
    try:
        milestone.full_clean()
    except ValidationError as error:
        # The milestone's rules speak of its due day; on the action form that is the "due" field.
        messages = [m for ms in getattr(error, "message_dict", {"": error.messages}).values() for m in ms]
        raise ValidationError({"due_on": messages}) from error
    milestone.save()
    if milestone.participation_id:
        status_refresh(participation_ids=[milestone.participation_id])
    action.milestone = milestone
    action.save(update_fields=["milestone"])
    return milestone


# --- Materials --------------------------------------------------------------------------------------------

@transaction.atomic
def material_add(*, meeting: Meeting, by, upload, title: str = "") -> Material:
    """Check the file by its content (circular_cities/uploads.py) and store it under a random name. A refused
    file raises ValidationError on the ``file`` field and nothing is stored."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    try:
        # Full resolution (a plan or a poster must stay readable); the name must say what the file is,
        # because people download it again under that name.
        checked = clean_file(upload, match_name=True, display_size=None)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    content = checked.file.read()
    original = (upload.name or "file").rsplit("/", 1)[-1][:255]
    material = Material(meeting=meeting, title=(title.strip() or original)[:200], original_name=original,
                        content_type=checked.content_type, size=len(content), kind=checked.kind,
                        uploaded_by=by)
    material.full_clean(exclude=["file"])
    material.file.save(f"meetings/{uuid.uuid4().hex}.{checked.extension}", ContentFile(content),
                       save=False)
    name = material.file.name
    try:  # should the database write fail, do not leave the file behind
        material.save()
    except Exception:
        material.file.storage.delete(name)
        raise
    return material


@transaction.atomic
def material_delete(*, material: Material) -> None:
    name, storage = material.file.name, material.file.storage
    material.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Calendar feeds ---------------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user) -> tuple[CalendarFeed, str]:
    """A new secret feed link; the previous one stops working. Returns the feed and the raw token."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    return feed, token


@transaction.atomic
def feed_revoke(*, user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def feed_user_by_token(token: str):
    """The active, unrevoked feed's owner, or None: an unknown or revoked token tells nothing more."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=hash_token(token),
                                                              revoked_at__isnull=True).first()
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)  # at most one write an hour
    return feed.user


# --- Skills -----------------------------------------------------------------------------------------------

@transaction.atomic
def skill_assessment_save(*, user, programme, stage: str, systems_thinking: int, circular_models: int,
                          comment: str = "") -> SkillAssessment:
    """Save the participant's answer for a stage (answering the same stage again replaces it), linked to the
    learning modules they had attended by then."""
    participation = assessing_participation(user=user, programme=programme)
    if participation is None:
        raise ValidationError(_("Only participants from a municipality in the programme assess their skills."))
    assessment = SkillAssessment.objects.filter(user=user, programme=programme, stage=stage).first() or \
        SkillAssessment(user=user, programme=programme, stage=stage)
    assessment.participation = participation
    assessment.systems_thinking = systems_thinking
    assessment.circular_models = circular_models
    assessment.comment = comment.strip()
    assessment.submitted_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    assessment.modules.set(modules_attended(user=user, programme=programme, until=assessment.submitted_at))
    return assessment
