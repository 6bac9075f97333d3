"""Every write about a municipality in a programme: enrolment, advisor, local challenge and plan."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import forget_scope
from accounts.services import role_assign
from circular_cities.uploads import clean_image
from programmes.models import Cohort, LocalChallenge, Milestone, Organisation, Participation
from programmes.status import status_refresh

from .models import (
    MAX_PHOTOS_PER_ENTRY,
    REQUIRED_OUTPUTS,
    STAGE_ORDER,
    AdvisorySession,
    AgreedAction,
    EntryComment,
    Indicator,
    Measurement,
    Municipality,
    PartnerInvolvement,
    ProgressEntry,
    ProgressPhoto,
    StageGateOutput,
)
from .permissions import can_review_publication
from .selectors import active_q
from .storage import private_storage


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
    status_refresh(participation_ids=[participation.pk])
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation) -> None:
    """Take a municipality out of a cohort. Its challenge, milestones and advisor assignments go with it;
    the audit history keeps the record (and the admin can recover it)."""
    try:
        participation.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(_(
            "%(municipality)s cannot be withdrawn while other records depend on its participation."
        ) % {"municipality": participation.municipality}) from None


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


# --- Local tests ---------------------------------------------------------------------------------------------

def _check_milestones(participation: Participation, milestones) -> list:
    milestones = list(milestones or [])
    if any(m.participation_id not in (None, participation.pk) or m.programme_id != participation.cohort.programme_id
           for m in milestones):
        raise ValidationError({"milestones": _("A milestone belongs to another municipality or programme.")})
    return milestones


def _check_photo_count(entry: ProgressEntry | None, photos) -> None:
    has = entry.photos.count() if entry is not None and entry.pk else 0
    adding = len([p for p in photos or [] if p])
    if has + adding > MAX_PHOTOS_PER_ENTRY:
        if has:
            message = _("An entry can have at most %(limit)d photos. This one has %(has)d, so add at most "
                        "%(left)d more.") % {"limit": MAX_PHOTOS_PER_ENTRY, "has": has,
                                              "left": max(MAX_PHOTOS_PER_ENTRY - has, 0)}
        else:
            message = _("An entry can have at most %(limit)d photos; you chose %(count)d.") % {
                "limit": MAX_PHOTOS_PER_ENTRY, "count": adding}
        raise ValidationError({"photos": message}, code="too_many_photos")


def _clean_photos(photos) -> list:
    """Check and re-encode every photo before anything is written: one bad file refuses the whole entry."""
    cleaned = []
    for upload in photos or []:
        try:
            cleaned.append(clean_image(upload))
        except ValidationError as error:
            name = getattr(upload, "name", "") or _("the photo")
            raise ValidationError({"photos": _("%(name)s: %(problem)s") % {
                "name": name, "problem": " ".join(error.messages)}}) from None
    return cleaned


def _store_photos(entry: ProgressEntry, cleaned: list, by) -> list[ProgressPhoto]:
    """Save the cleaned photos; if anything fails, remove the files already written and re-raise."""
    stored: list[ProgressPhoto] = []
    written: list[str] = []
    try:
        for result in cleaned:
            photo = ProgressPhoto(entry=entry, content_type=result.content_type, width=result.width,
                                  height=result.height, uploaded_by=by)
            photo.image.save(result.image.name, result.image, save=False)
            written.append(photo.image.name)
            photo.thumbnail.save(result.thumbnail.name, result.thumbnail, save=False)
            written.append(photo.thumbnail.name)
            photo.full_clean()
            photo.save()
            stored.append(photo)
    except Exception:
        _delete_files(written)
        raise
    return stored


def _delete_files(names) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            private_storage().delete(name)


def _measure(entry: ProgressEntry, measurements) -> None:
    for indicator, value in measurements or []:
        if indicator.participation_id != entry.participation_id:
            raise ValidationError({"indicator": _("The indicator belongs to another municipality.")})
        measurement = Measurement(indicator=indicator, measured_on=entry.happened_on, value=value, entry=entry)
        try:
            measurement.full_clean()
        except ValidationError as error:
            # The entry's date may lie up to a year before the programme, a measurement's may not: say so at the
            # value, the field the form shows, rather than as a bare date range above the form.
            errors = error.message_dict
            if "measured_on" in errors:
                errors.setdefault("value", []).extend(
                    _("The measurement takes the entry's date: %(problem)s") % {"problem": problem}
                    for problem in errors.pop("measured_on"))
            raise ValidationError(errors) from None
        measurement.save()


def progress_entry_save(*, participation: Participation, by, entry: ProgressEntry | None = None, happened_on,
                        what_happened: str, learnings: str = "", blockers: str = "", next_steps: str = "",
                        status: str = ProgressEntry.Status.ON_TRACK, milestones=(), photos=(), captions=(),
                        measurements=(), partners=(), publish: bool = False) -> ProgressEntry:
    """Write a new progress entry (a draft unless ``publish``) or change one. Photos are checked first;
    a refused photo or an invalid field leaves nothing behind, neither rows nor files.

    ``measurements``: (indicator, value) pairs measured on the entry's date; ``partners``: (organisation name,
    sector, role) for the organisations that took part, registered as partner involvements from that date."""
    if entry is not None and entry.state == ProgressEntry.State.WITHDRAWN:
        raise ValidationError(_("A withdrawn progress entry is kept as it was and cannot be changed."))
    milestones = _check_milestones(participation, milestones)
    _check_photo_count(entry, photos)
    cleaned = _clean_photos(photos)
    written: list[str] = []
    try:
        with transaction.atomic():
            if entry is None:
                entry = ProgressEntry(participation=participation, author=by)
            public_before = [getattr(entry, name) for name in PUBLIC_FIELDS]
            entry.happened_on = happened_on
            entry.what_happened = (what_happened or "").strip()
            entry.learnings = (learnings or "").strip()
            entry.blockers = (blockers or "").strip()
            entry.next_steps = (next_steps or "").strip()
            entry.status = status
            if publish and entry.state != ProgressEntry.State.PUBLISHED:
                entry.state = ProgressEntry.State.PUBLISHED
                entry.published_at = timezone.now()
                _set_review(entry, by)
            elif entry.is_published and ([getattr(entry, name) for name in PUBLIC_FIELDS] != public_before
                                         or measurements or partners):
                _set_review(entry, by)  # what goes out changed: a second pair of eyes again
            entry._change_reason = "save"
            entry.full_clean()
            entry.save()
            entry.milestones.set(milestones)
            stored = _store_photos(entry, cleaned, by)
            written = [n for p in stored for n in (p.image.name, p.thumbnail.name)]
            for photo, caption in zip(stored, captions or [], strict=False):
                if caption:
                    photo.caption = caption[:200]
                    photo.save(update_fields=["caption"])
            _measure(entry, measurements)
            for name, sector, role in partners or []:
                organisation = organisation_get_or_create(name=name, kind=SECTOR_ORGANISATION_KIND[sector])
                partner_involvement_add(participation=participation, organisation=organisation, sector=sector,
                                        role=role, starts_on=entry.happened_on, entry=entry)
            status_refresh(participation_ids=[participation.pk])
    except Exception:
        _delete_files(written)
        if entry is not None and entry.pk and not ProgressEntry.objects.filter(pk=entry.pk).exists():
            entry.pk = None
        raise
    return entry


# What an entry shows outside the programme (reports/funder.py ``open_data``): a change sends it to review again.
PUBLIC_FIELDS = ("happened_on", "what_happened", "learnings", "status")


def _set_review(entry: ProgressEntry, by) -> None:
    """On publishing (or changing what a published entry shows): accepted at once when the programme reviews
    nothing or the person may accept it themselves (a facilitator, the advisor); otherwise it waits."""
    if not entry.participation.cohort.programme.publication_review or can_review_publication(
            by, entry.participation):
        entry.review = ProgressEntry.Review.ACCEPTED
        entry.reviewed_by = by
        entry.reviewed_at = timezone.now()
    else:
        entry.review = ProgressEntry.Review.PENDING
        entry.reviewed_by = None
        entry.reviewed_at = None


@transaction.atomic
def progress_entry_publish(*, entry: ProgressEntry, by) -> ProgressEntry:
    if entry.state == ProgressEntry.State.PUBLISHED:
        return entry  # a double click changes nothing
    if entry.state == ProgressEntry.State.WITHDRAWN:
        raise ValidationError(_("A withdrawn progress entry cannot be published again. Write a new one."))
    entry.state = ProgressEntry.State.PUBLISHED
    entry.published_at = timezone.now()
    _set_review(entry, by)
    entry.full_clean()
    entry.save(update_fields=["state", "published_at", "review", "reviewed_by", "reviewed_at", "updated_at"])
    status_refresh(participation_ids=[entry.participation_id])
    return entry


@transaction.atomic
def progress_entry_accept(*, entry: ProgressEntry, by) -> ProgressEntry:
    """A facilitator or the advisor lets a published entry out of the programme: into the open data and onto
    the public showcase."""
    entry = ProgressEntry.objects.select_for_update().select_related("participation__cohort__programme").get(
        pk=entry.pk)
    if entry.state != ProgressEntry.State.PUBLISHED:
        raise ValidationError(_("Only a published progress entry can be accepted for publication."))
    if entry.review == ProgressEntry.Review.ACCEPTED:
        return entry  # accepted by someone else a moment ago, or a double click
    entry.review = ProgressEntry.Review.ACCEPTED
    entry.reviewed_by = by
    entry.reviewed_at = timezone.now()
    entry._change_reason = "accepted"
    entry.full_clean()
    entry.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])
    return entry


@transaction.atomic
def progress_entry_withdraw(*, entry: ProgressEntry, by, reason: str = "") -> ProgressEntry:
    """Take an entry back. It leaves the programme's pages, the reports and the open data, but is kept (with
    its photos, measurements and partners) and stays in the history; a published one needs a reason."""
    entry = ProgressEntry.objects.select_for_update().select_related("participation__cohort__programme").get(
        pk=entry.pk)
    if entry.state == ProgressEntry.State.WITHDRAWN:
        return entry  # a double click changes nothing
    reason = (reason or "").strip()
    if entry.state == ProgressEntry.State.PUBLISHED and not reason:
        raise ValidationError({"reason": _("Say why the published entry is withdrawn. Everyone who could read "
                                           "it will see the reason in the history.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    entry.state = ProgressEntry.State.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.withdrawn_by = by
    entry.withdrawal_reason = reason
    entry._change_reason = "withdrawn"
    entry.full_clean()
    entry.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    status_refresh(participation_ids=[entry.participation_id])  # it may have been the latest published one
    return entry


@transaction.atomic
def entry_comment_add(*, entry: ProgressEntry, by, body: str) -> EntryComment:
    comment = EntryComment(entry=entry, author=by, body=(body or "").strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def indicator_create(*, participation: Participation, name: str, unit: str, baseline=None, target=None,
                     direction: str = Indicator.Direction.HIGHER) -> Indicator:
    if Indicator.objects.filter(participation=participation, name=(name or "").strip()).exists():
        raise ValidationError({"name": _("The municipality already has an indicator with this name.")})
    indicator = Indicator(participation=participation, name=(name or "").strip(), unit=(unit or "").strip(),
                          baseline=baseline, target=target, direction=direction)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def measurement_update(*, measurement: Measurement, measured_on, value, by=None) -> Measurement:
    measurement.measured_on = measured_on
    measurement.value = value
    measurement.full_clean()
    measurement.save(update_fields=["measured_on", "value"])
    _entry_figures_changed(measurement.entry, by)
    return measurement


def _entry_figures_changed(entry: ProgressEntry | None, by) -> None:
    """A measurement or partner of a published entry changed: it goes out with the entry (the open data), so the
    entry needs a second pair of eyes again (``_set_review``)."""
    if entry is None or by is None or not entry.is_published:
        return
    _set_review(entry, by)
    entry._change_reason = "figures changed"
    entry.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    measurement.delete()


@transaction.atomic
def partner_involvement_update(*, involvement: PartnerInvolvement, organisation: Organisation, sector: str,
                               role: str, starts_on, ends_on=None, by=None) -> PartnerInvolvement:
    involvement.organisation = organisation
    involvement.sector = sector
    involvement.role = (role or "").strip()
    involvement.starts_on = starts_on
    involvement.ends_on = ends_on
    involvement.full_clean()
    involvement.save(update_fields=["organisation", "sector", "role", "starts_on", "ends_on"])
    _entry_figures_changed(involvement.entry, by)
    return involvement


@transaction.atomic
def partner_save(*, participation: Participation, by, organisation_name: str, sector: str, role: str, starts_on,
                 ends_on=None, involvement: PartnerInvolvement | None = None) -> PartnerInvolvement:
    """Add a partner involvement (or change ``involvement``) with the organisation of that name, found or made in
    the same transaction: a refused involvement leaves no new organisation behind."""
    organisation = organisation_get_or_create(name=organisation_name, kind=SECTOR_ORGANISATION_KIND[sector])
    if involvement is None:
        return partner_involvement_add(participation=participation, organisation=organisation, sector=sector,
                                       role=role, starts_on=starts_on, ends_on=ends_on)
    return partner_involvement_update(involvement=involvement, organisation=organisation, sector=sector, role=role,
                                      starts_on=starts_on, ends_on=ends_on, by=by)


@transaction.atomic
def partner_involvement_delete(*, involvement: PartnerInvolvement) -> None:
    involvement.delete()


@transaction.atomic
def measurement_add(*, indicator: Indicator, measured_on, value, entry: ProgressEntry | None = None) -> Measurement:
    measurement = Measurement(indicator=indicator, measured_on=measured_on, value=value, entry=entry)
    measurement.full_clean()
    measurement.save()
    return measurement


@transaction.atomic
def partner_involvement_add(*, participation: Participation, organisation: Organisation, sector: str, role: str,
                            starts_on, ends_on=None, entry: ProgressEntry | None = None) -> PartnerInvolvement:
    if entry is not None and entry.participation_id != participation.pk:
        raise ValidationError({"entry": _("The progress entry belongs to another municipality.")})
    involvement = PartnerInvolvement(participation=participation, organisation=organisation, sector=sector,
                                     role=(role or "").strip(), starts_on=starts_on, ends_on=ends_on, entry=entry)
    involvement.full_clean()
    involvement.save()
    return involvement


SECTOR_ORGANISATION_KIND = {"industry": "company", "business": "company", "research": "research",
                            "civil_society": "civil_society", "public": "public_body"}


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"organisation": _("Give the organisation's name.")})
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        organisation.full_clean()
        organisation.save()
    return organisation


@transaction.atomic
def stage_output_submit(*, participation: Participation, by, stage: str, kind: str, title: str, body: str = "",
                        link: str = "") -> StageGateOutput:
    output = StageGateOutput(participation=participation, stage=stage, kind=kind, title=(title or "").strip(),
                             body=(body or "").strip(), link=(link or "").strip(), submitted_by=by,
                             submitted_at=timezone.now())
    if kind not in REQUIRED_OUTPUTS.get(stage, []):
        raise ValidationError({"kind": _("This output is not required in the chosen stage.")})
    output.full_clean()
    output.save()
    from .tasks import stage_output_submitted_notify_task

    transaction.on_commit(lambda: stage_output_submitted_notify_task.delay(output.pk))
    return output


@transaction.atomic
def stage_output_review(*, output: StageGateOutput, by, accept: bool, comment: str = "") -> StageGateOutput:
    """Accept an output or send it back with a comment. When every required output of the municipality's
    current stage is accepted, the municipality moves on to the next stage."""
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"review_comment": _("Say what should change before you send the output back.")})
    output = StageGateOutput.objects.select_for_update().get(pk=output.pk)
    output.state = StageGateOutput.State.ACCEPTED if accept else StageGateOutput.State.RETURNED
    output.reviewed_by = by
    output.reviewed_at = timezone.now()
    output.review_comment = comment
    output.full_clean()
    output.save()
    if accept:
        participation = Participation.objects.select_for_update().get(pk=output.participation_id)
        _advance_stage(participation)
    from .tasks import stage_output_reviewed_notify_task

    transaction.on_commit(lambda: stage_output_reviewed_notify_task.delay(output.pk))
    return output


# --- Who hears about stage gates (from the tasks, after commit) ---------------------------------------------

def _stage_output(output_id: int) -> StageGateOutput | None:
    return (StageGateOutput.objects.select_related("participation__municipality", "participation__cohort__programme",
                                                   "submitted_by", "reviewed_by")
            .filter(pk=output_id).first())


def _stages_url(output: StageGateOutput) -> str:
    from django.urls import reverse

    return reverse("municipalities:stages", args=[output.participation_id]) + f"#output-{output.pk}"


def stage_output_submitted_notify(*, output_id: int) -> int:
    """The facilitators of the output's programme (only that programme's) hear that it waits for their review;
    not the person who submitted it, even when they facilitate."""
    from accounts.selectors import facilitators_of
    from notifications.models import Category
    from notifications.services import notify

    output = _stage_output(output_id)
    if output is None or output.state != StageGateOutput.State.SUBMITTED:
        return 0  # gone, or reviewed before the task ran
    participation = output.participation

    def build():
        title = _("%(municipality)s submitted “%(title)s” for review") % {
            "municipality": participation.municipality, "title": output.title}
        facts = _("Output: %(output)s. Stage: %(stage)s. Programme: %(programme)s.") % {
            "output": output.get_kind_display(), "stage": output.get_stage_display(),
            "programme": participation.cohort.programme.name}
        ask = _("It waits for your review: accept it, or send it back with a comment.")
        return title, "\n\n".join(part for part in (facts, output.body[:500], ask) if part)

    return len(notify(recipients=facilitators_of(programme_id=participation.cohort.programme_id),
                      category=Category.STAGE_GATES, build=build, url=_stages_url(output),
                      actor=output.submitted_by))


def stage_output_reviewed_notify(*, output_id: int) -> int:
    """The person who submitted the output hears that it was accepted or sent back (with the comment), if they
    still take part in the local test; not when they reviewed it themselves."""
    from notifications.models import Category
    from notifications.services import notify
    from programmes.permissions import can_view_participation

    output = _stage_output(output_id)
    if output is None or output.state == StageGateOutput.State.SUBMITTED or output.submitted_by is None:
        return 0
    submitter, participation = output.submitted_by, output.participation
    if not can_view_participation(submitter, participation):
        return 0  # left the team since: the municipality's page is no longer theirs
    accepted = output.state == StageGateOutput.State.ACCEPTED
    reviewer = output.reviewed_by.get_full_name() if output.reviewed_by else ""

    def build():
        values = {"title": output.title, "output": output.get_kind_display(), "stage": output.get_stage_display(),
                  "reviewer": reviewer or _("A facilitator")}
        if accepted:
            title = _("Accepted: “%(title)s”") % values
            paragraphs = [_("%(reviewer)s accepted it (%(output)s, stage: %(stage)s).") % values]
            if participation.stage != output.stage:
                paragraphs.append(_("%(municipality)s has moved on to the next stage: %(stage)s.") % {
                    "municipality": participation.municipality, "stage": participation.get_stage_display()})
        else:
            title = _("Sent back for changes: “%(title)s”") % values
            paragraphs = [_("%(reviewer)s sent it back for changes (%(output)s, stage: %(stage)s). Submit it "
                            "again when it is ready.") % values]
        if output.review_comment:
            paragraphs.append(_("Comment: %(comment)s") % {"comment": output.review_comment})
        return title, "\n\n".join(paragraphs)

    return len(notify(recipients=[submitter], category=Category.STAGE_GATES, build=build, url=_stages_url(output),
                      actor=output.reviewed_by))


def _advance_stage(participation: Participation) -> None:
    stage = participation.stage
    accepted = set(StageGateOutput.objects.filter(participation=participation, stage=stage,
                                                  state=StageGateOutput.State.ACCEPTED).values_list("kind", flat=True))
    index = STAGE_ORDER.index(stage)
    if set(REQUIRED_OUTPUTS[stage]) <= accepted and index + 1 < len(STAGE_ORDER):
        participation.stage = STAGE_ORDER[index + 1]
        participation.full_clean()
        participation.save(update_fields=["stage"])


@transaction.atomic
def advisory_session_log(*, participation: Participation, advisor, held_on, attendees: str = "", topics: str,
                         advice: str = "") -> AdvisorySession:
    session = AdvisorySession(participation=participation, advisor=advisor, held_on=held_on,
                              attendees=(attendees or "").strip(), topics=(topics or "").strip(),
                              advice=(advice or "").strip())
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def agreed_action_add(*, session: AdvisorySession, text: str, owner=None, due_on) -> AgreedAction:
    action = AgreedAction(session=session, text=(text or "").strip(), owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def agreed_action_to_milestone(*, action: AgreedAction) -> Milestone:
    """Turn an agreed action into a milestone of the municipality (once)."""
    action = AgreedAction.objects.select_for_update().select_related(
        "session__participation__cohort__programme").get(pk=action.pk)
    if action.milestone_id:
        return action.milestone
    participation = action.session.participation
    milestone = Milestone(programme=participation.cohort.programme, participation=participation,
                          title_da=action.text, owner=action.owner, due_on=action.due_on)
    milestone.full_clean()
    milestone.save()
    status_refresh(participation_ids=[participation.pk])
    action.milestone = milestone
    action.save(update_fields=["milestone"])
    return milestone
