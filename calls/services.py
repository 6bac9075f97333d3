"""Every write about open calls: the call, applying, reviewing and deciding.

The deadline is checked here, inside the transaction, against the server's clock: a submit or a change one
second after the deadline is refused and nothing of it is stored."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.services import team_member_invite
from circular_cities.uploads import clean_file
from municipalities.services import challenge_save, participation_enrol, participation_withdraw

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    Application,
    ApplicationEditor,
    ApplicationFile,
    Call,
    Criterion,
    Question,
    Review,
    Reviewer,
    Score,
)

LINK_SALT = "calls.applicant-link"
LINK_MAX_AGE = 3 * 24 * 3600  # a confirmation link works for three days
EDITOR_LIMIT = 10  # people who can edit one application: the contact and the colleagues they invite
CHALLENGE_FIELDS = ("challenge_title", "problem_statement", "material_stream", "strategy", "sdgs")
REQUIRED_CHALLENGE_FIELDS = ("challenge_title", "problem_statement", "material_stream", "strategy")
CALL_FIELDS = ("title_da", "title_en", "text_da", "text_en", "eligibility_da", "eligibility_en", "opens_at",
               "deadline", "assessment_ends_on", "places", "cohort")


def _deadline_text(call: Call) -> str:
    return formats.date_format(timezone.localtime(call.deadline), "d.m.Y H:i")


def check_open(call: Call, now=None) -> None:
    """Refuse anything an applicant writes outside the call's opening hours (server clock, Copenhagen time)."""
    now = now or timezone.now()
    if now < call.opens_at:
        raise ValidationError(_("The call has not opened yet."), code="not_open")
    if now > call.deadline:
        raise ValidationError(_("The deadline (%(deadline)s) has passed. Nothing was saved.")
                              % {"deadline": _deadline_text(call)}, code="deadline")


# --- The call ------------------------------------------------------------------------------------------------

@transaction.atomic
def call_create(*, programme, by, cohort, title_da: str, text_da: str, eligibility_da: str, opens_at, deadline,
                places: int = 6, title_en: str = "", text_en: str = "", eligibility_en: str = "",
                assessment_ends_on=None) -> Call:
    call = Call(programme=programme, cohort=cohort, created_by=by, title_da=title_da.strip(),
                title_en=title_en.strip(), text_da=text_da, text_en=text_en, eligibility_da=eligibility_da,
                eligibility_en=eligibility_en, opens_at=opens_at, deadline=deadline,
                assessment_ends_on=assessment_ends_on, places=places)
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def call_update(*, call: Call, **fields) -> Call:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"call_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(call, name, value.strip() if name.startswith("title") else value)
    call.full_clean()
    call.save()
    return call


def _recorded_as(row, by) -> None:
    """The call's history (the audit) names ``by`` for this row's next save or delete; without ``by`` the request
    middleware's user is recorded (django-simple-history's documented ``_history_user``)."""
    if by is not None:
        row._history_user = by


@transaction.atomic
def criterion_add(*, call: Call, name_da: str, weight: int, name_en: str = "", by=None) -> Criterion:
    if call.reviewers.filter(reviews__submitted_at__isnull=False).exists():
        raise ValidationError(_("Criteria cannot be added once reviews have been submitted."))
    criterion = Criterion(call=call, name_da=name_da.strip(), name_en=name_en.strip(), weight=weight,
                          order=call.criteria.count() + 1)
    criterion.full_clean()
    _recorded_as(criterion, by)
    criterion.save()
    return criterion


@transaction.atomic
def question_add(*, call: Call, kind: str, label_da: str, label_en: str = "", required: bool = False,
                 choices_da: str = "", choices_en: str = "", by=None) -> Question:
    question = Question(call=call, kind=kind, label_da=label_da.strip(), label_en=label_en.strip(),
                        required=required, choices_da=choices_da, choices_en=choices_en,
                        order=call.questions.count() + 1)
    question.full_clean()
    _recorded_as(question, by)
    question.save()
    return question


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by) -> None:
    """Remove a criterion added by mistake: refused once any review has scored it (the scores would go too). The
    call's history records the removal and who made it."""
    criterion = Criterion.objects.select_for_update().select_related("call").get(pk=criterion.pk)
    if criterion.scores.exists():
        raise ValidationError(_("“%(criterion)s” cannot be removed: a review has already scored it.")
                              % {"criterion": criterion.name}, code="scored")
    call = criterion.call
    _recorded_as(criterion, by)
    criterion.delete()
    _renumber(call.criteria.all())


def _has_answer(answers: dict, key: str) -> bool:
    return (answers or {}).get(key) not in (None, "", [])


@transaction.atomic
def question_remove(*, question: Question, by) -> None:
    """Remove a question added by mistake: refused once an application to the call has been submitted, or any
    application has answered it (an answer or a file). The call's history records the removal and who made it."""
    question = Question.objects.select_for_update().select_related("call").get(pk=question.pk)
    call = question.call
    applications = call.applications.select_for_update(of=("self",))
    if applications.filter(state=Application.State.SUBMITTED).exists():
        raise ValidationError(_("“%(question)s” cannot be removed: applications to the call have already been "
                                "submitted.") % {"question": question.label}, code="submitted")
    key = str(question.pk)
    if question.files.exists() or any(_has_answer(answers, key)
                                      for answers in applications.values_list("answers", flat=True)):
        raise ValidationError(_("“%(question)s” cannot be removed: an application has already answered it.")
                              % {"question": question.label}, code="answered")
    _recorded_as(question, by)
    question.delete()
    _renumber(call.questions.all())


def _renumber(rows) -> None:
    """Close the gap a removal left. Written without ``save()``: the order is bookkeeping, and the history should
    show the removal, not a "changed" record for every row after it."""
    moved = []
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            moved.append(row)
    if moved:
        type(moved[0]).objects.bulk_update(moved, ["order"])


# --- Applying without an account ----------------------------------------------------------------------------

def make_link_token(payload: dict) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(payload)


def read_link_token(token: str) -> dict:
    try:
        return signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("The link has expired. Ask for a new one."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("The link is not valid. Ask for a new one."), code="bad_link") from None


def _already_applied(call: Call, municipality) -> ValidationError:
    return ValidationError({"municipality": _(
        "%(municipality)s has already applied to this call. Ask the colleague who started the application to "
        "invite you.") % {"municipality": municipality}}, code="already_applied")


def _send_link(*, email: str, language: str, payload: dict, call: Call) -> None:
    from .tasks import send_link_email_task

    token = make_link_token(payload)
    transaction.on_commit(lambda: send_link_email_task.delay(call.pk, email, language, token))


@transaction.atomic
def application_request_link(*, call: Call, municipality, email: str, name: str, language: str = "da") -> None:
    """Step one of applying: send a link that confirms the address. Nothing is stored until it is opened."""
    check_open(call)
    email = email.strip().lower()
    if not municipality.is_danish:
        raise ValidationError({"municipality": _("Only Danish municipalities may apply.")})
    existing = Application.objects.filter(call=call, municipality=municipality).first()
    if existing and not existing.editors.filter(email__iexact=email).exists():
        raise _already_applied(call, municipality)
    _send_link(email=email, language=language, call=call,
               payload={"c": call.pk, "m": municipality.pk, "e": email, "n": name.strip()[:150], "l": language})


@transaction.atomic
def application_confirm(*, token: str) -> tuple[Application, str]:
    """The applicant opened the link: the address is confirmed. The municipality's application is created on the
    first confirmation (one per municipality and call); a colleague's link opens the application they were
    invited to. Returns the application and the confirmed address."""
    from municipalities.models import Municipality

    payload = read_link_token(token)
    email = payload["e"]
    if "a" in payload:  # a colleague's invitation
        application = Application.objects.select_related("call").filter(pk=payload["a"]).first()
        editor = application and application.editors.filter(email__iexact=email).first()
        if editor is None:
            raise ValidationError(_("The link is not valid. Ask for a new one."), code="bad_link")
    else:
        call = Call.objects.filter(pk=payload["c"]).first()
        municipality = Municipality.objects.filter(pk=payload["m"]).first()
        if call is None or municipality is None:
            raise ValidationError(_("The link is not valid. Ask for a new one."), code="bad_link")
        application = Application.objects.filter(call=call, municipality=municipality).first()
        if application is None:
            check_open(call)
            application = Application(call=call, municipality=municipality, contact_name=payload["n"] or email,
                                      contact_email=email, language=payload["l"])
            application.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    application.save()
            except IntegrityError:
                raise _already_applied(call, municipality) from None
            ApplicationEditor.objects.create(application=application, email=email, name=payload["n"])
        editor = application.editors.filter(email__iexact=email).first()
        if editor is None:
            raise _already_applied(call, municipality)
    if editor.confirmed_at is None:
        editor.confirmed_at = timezone.now()
        editor.save(update_fields=["confirmed_at"])
    return application, email


def mail_domain(email: str) -> str:
    """The organisation part of an address's domain: ``mim.aarhus.dk`` and ``aarhus.dk`` are both ``aarhus.dk``
    (only Danish municipalities apply, so the last two labels name the organisation)."""
    return ".".join(email.rpartition("@")[2].lower().split(".")[-2:])


@transaction.atomic
def editor_invite(*, application: Application, email: str, name: str = "", by_email: str) -> ApplicationEditor:
    """A colleague from the same municipality may edit too: they get their own link. The colleague's address is
    at the inviting applicant's own mail domain (the municipality's, as they confirmed it by opening their link),
    is not their own nor an address that can edit already, and an application has at most ``EDITOR_LIMIT``
    people who can edit it."""
    check_open(application.call)
    application = _locked(application)  # two invitations at once cannot pass the limit together
    email = email.strip().lower()
    by_email = by_email.strip().lower()
    if email == by_email:
        raise ValidationError({"email": _("This is your own address: you can already edit the application. "
                                          "Give your colleague's address.")}, code="own_address")
    if application.editors.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s can already edit this application.") % {"email": email}},
                              code="already_editor")
    if mail_domain(email) != mail_domain(by_email):
        raise ValidationError({"email": _("Invite a colleague from your municipality: the address must be at "
                                          "%(domain)s, like your own.") % {"domain": mail_domain(by_email)}},
                              code="other_domain")
    if application.editors.count() >= EDITOR_LIMIT:
        raise ValidationError({"email": _("At most %(limit)s people can edit an application, and that many can "
                                          "already.") % {"limit": EDITOR_LIMIT}}, code="editor_limit")
    editor = ApplicationEditor(application=application, email=email, name=name.strip(), invited_by_email=by_email)
    editor.full_clean()
    editor.save()
    _send_link(email=email, language=application.language, call=application.call,
               payload={"a": application.pk, "e": email})
    return editor


def _locked(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",)).select_related("call", "municipality")
            .get(pk=application.pk))


def _clean_answers(call: Call, answers: dict) -> dict:
    """Keep answers to the call's own questions only, each in the shape its kind takes."""
    cleaned, errors = {}, {}
    for question in call.questions.all():
        key = str(question.pk)
        if question.kind == Question.Kind.FILE or key not in answers:
            continue
        value = answers[key]
        if question.kind == Question.Kind.NUMBER and value not in (None, ""):
            try:
                value = float(str(value).replace(",", "."))
            except ValueError:
                errors[f"q{key}"] = _("Give a number.")
                continue
        elif question.kind == Question.Kind.YES_NO:
            value = {"yes": True, "no": False, True: True, False: False}.get(value)
        elif question.kind == Question.Kind.CHOICE and value not in ("", None):
            if value not in {stored for stored, _label in question.choice_list()}:
                errors[f"q{key}"] = _("Choose one of the choices.")
                continue
        elif isinstance(value, str):
            limit = 200 if question.kind == Question.Kind.SHORT_TEXT else 20_000
            if len(value) > limit:
                errors[f"q{key}"] = _("Write at most %(limit)s characters.") % {"limit": limit}
                continue
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply_data(application: Application, data: dict) -> list[str]:
    changed = []
    for name in ("contact_name", "contact_department", *CHALLENGE_FIELDS):
        if name in data:
            value = data[name]
            value = value.strip() if isinstance(value, str) else value
            if name == "sdgs":
                value = sorted({int(n) for n in value or []})
            if getattr(application, name) != value:
                setattr(application, name, value)
                changed.append(name)
    if "answers" in data:
        answers = {**application.answers, **_clean_answers(application.call, data["answers"])}
        if answers != application.answers:
            application.answers = answers
            changed.append("answers")
    return changed


@transaction.atomic
def application_save(*, application: Application, data: dict, by_email: str) -> Application:
    """Save what the applicant has written so far (a draft, or a change to a submitted application) while the
    call is open."""
    application = _locked(application)
    check_open(application.call)
    changed = _apply_data(application, data)
    if changed:
        application.full_clean(validate_constraints=False)
        application.save(update_fields=[*changed, "updated_at"])
    return application


@transaction.atomic
def application_upload(*, application: Application, question: Question, upload, by_email: str) -> ApplicationFile:
    """Attach a file to a file question (replacing an earlier one). The platform's file checks apply."""
    application = _locked(application)
    check_open(application.call)
    if question.call_id != application.call_id or question.kind != Question.Kind.FILE:
        raise ValidationError(_("This question does not take a file."))
    cleaned = clean_file(upload, match_name=False)
    old = ApplicationFile.objects.filter(application=application, question=question).first()
    name = (getattr(upload, "name", "") or "").replace("\n", " ").strip()[:200] or cleaned.file.name
    stored = ApplicationFile(application=application, question=question, content_type=cleaned.content_type,
                             name=name, uploaded_by_email=by_email)
    stored.file.save(cleaned.file.name, cleaned.file, save=False)
    if old is not None:
        old_name = old.file.name
        old.delete()
        transaction.on_commit(lambda: stored.file.storage.delete(old_name))
    stored.full_clean()
    stored.save()
    return stored


def missing_answers(application: Application) -> dict:
    """What a submission still needs: field or question key → message."""
    missing = {}
    for name in (*REQUIRED_CHALLENGE_FIELDS, "contact_name", "contact_department"):
        if not getattr(application, name):
            missing[name] = _("This field is required.")
    file_questions = set(application.files.values_list("question_id", flat=True))
    for question in application.call.questions.all():
        if not question.required:
            continue
        if question.kind == Question.Kind.FILE:
            answered = question.pk in file_questions
        else:
            answered = application.answers.get(str(question.pk)) not in (None, "")
        if not answered:
            missing[f"q{question.pk}"] = _("This question must be answered.")
    return missing


@transaction.atomic
def application_submit(*, application: Application, by_email: str, data: dict | None = None,
                       now=None) -> Application:
    """Submit (with what was written last). Refused after the deadline; a receipt goes to the contact."""
    application = _locked(application)
    check_open(application.call, now)
    changed = _apply_data(application, data or {})
    application.full_clean(validate_constraints=False)
    missing = missing_answers(application)
    if missing:
        raise ValidationError(missing)
    first_time = application.state == Application.State.DRAFT
    application.state = Application.State.SUBMITTED
    application.submitted_at = now or timezone.now()
    application.save(update_fields=[*changed, "state", "submitted_at", "updated_at"])
    if first_time:
        from .tasks import send_applicant_email_task

        transaction.on_commit(lambda: send_applicant_email_task.delay(application.pk, "receipt"))
    return application


# --- Assessment ----------------------------------------------------------------------------------------------

def _make_reviewer(*, call: Call, user, by, tell: bool) -> Reviewer:
    reviewer, created = Reviewer.objects.get_or_create(call=call, user=user, defaults={"added_by": by})
    if created and tell:
        from .tasks import send_reviewer_added_task

        transaction.on_commit(lambda: send_reviewer_added_task.delay(reviewer.pk))
    return reviewer


@transaction.atomic
def reviewer_add(*, call: Call, user, by) -> Reviewer:
    """Make one of the programme's facilitators a reviewer of the call. Anybody else is invited by name and
    e-mail (``reviewer_invite``): an account that is neither is refused."""
    from .selectors import programme_facilitators

    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    if not programme_facilitators(call.programme).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Only the programme's facilitators can be added from the list. Invite "
                                         "an external reviewer by name and e-mail.")})
    return _make_reviewer(call=call, user=user, by=by, tell=by is not None and by.pk != user.pk)


@transaction.atomic
def reviewer_remove(*, reviewer: Reviewer, by) -> None:
    """Remove a reviewer added by mistake, with their unstarted assignments. Refused once they have saved a
    review: scores, a comment, a conflict-of-interest declaration or a submitted review. The reviewer's and the
    reviews' history records the removal."""
    from django.db.models import Q

    reviewer = Reviewer.objects.select_for_update().select_related("user").get(pk=reviewer.pk)
    reviews = Review.objects.select_for_update().filter(reviewer=reviewer)
    started = (Q(submitted_at__isnull=False) | Q(conflict_of_interest=True) | ~Q(comment="")
               | Q(scores__isnull=False))
    if Review.objects.filter(started, reviewer=reviewer).exists():
        raise ValidationError(_("%(name)s cannot be removed: they have already saved a review.")
                              % {"name": reviewer.user}, code="reviewed")
    for review in reviews:
        review.delete()
    reviewer.delete()


@transaction.atomic
def reviewer_invite(*, call: Call, email: str, full_name: str = "", language: str = "", by):
    """Invite an external reviewer to this call by name and e-mail (in the language chosen for them). A person
    who already has an account is simply added and told by e-mail; anybody else gets the platform's invitation
    (``accounts.Invitation`` without a role): accepting it creates the account and makes them a reviewer of this
    call (``reviewer_invitation_accepted``), who sees only the applications assigned to them.

    Returns the ``Reviewer`` for an existing account, else the ``ReviewerInvitation``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.validators import validate_email

    from accounts.services import invitation_create

    from .models import ReviewerInvitation

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.is_active:
            raise ValidationError({"email": _("This account is not active.")})
        if call.reviewers.filter(user=user).exists():
            raise ValidationError({"email": _("%(email)s already reviews this call.") % {"email": email}})
        return _make_reviewer(call=call, user=user, by=by, tell=True)
    if call.reviewer_invitations.filter(invitation__email__iexact=email, invitation__accepted_at__isnull=True,
                                        invitation__revoked_at__isnull=True,
                                        invitation__expires_at__gt=timezone.now()).exists():
        raise ValidationError({"email": _("%(email)s has already been invited to review this call.")
                               % {"email": email}})
    invitation, _token = invitation_create(email=email, role="", purpose=reviewer_invitation_purpose(call, language),
                                           full_name=full_name, language=language, invited_by=by,
                                           next_url=reviewer_landing_url())
    reviewer_invitation = ReviewerInvitation(call=call, invitation=invitation)
    reviewer_invitation.full_clean()
    reviewer_invitation.save()
    return reviewer_invitation


def reviewer_invitation_purpose(call: Call, language: str) -> str:
    """What an invitation to review ``call`` is for, in the invitation's language (``accounts.Invitation.purpose``)."""
    from django.utils import translation

    with translation.override(language):
        return (_("external reviewer of the open call “%(call)s”") % {"call": call.title})[:250]


def reviewer_landing_url() -> str:
    """Where an external reviewer lands after accepting their invitation: their reviews, not the home page."""
    return reverse("calls:my-reviews")


def reviewer_invitation_accepted(sender, *, invitation, user, **kwargs) -> None:
    """``accounts.signals.invitation_accepted`` (inside the acceptance's transaction): the invited person
    reviews the call they were invited to."""
    from .models import ReviewerInvitation

    for reviewer_invitation in ReviewerInvitation.objects.filter(invitation=invitation).select_related("call"):
        _make_reviewer(call=reviewer_invitation.call, user=user, by=invitation.invited_by, tell=False)


@transaction.atomic
def review_assign(*, application: Application, reviewer: Reviewer) -> Review:
    if reviewer.call_id != application.call_id:
        raise ValidationError(_("The reviewer does not review this call."))
    if application.state != Application.State.SUBMITTED:
        raise ValidationError(_("Only submitted applications are reviewed."))
    review, _created = Review.objects.get_or_create(application=application, reviewer=reviewer)
    if _created:
        from .tasks import send_review_assigned_task

        transaction.on_commit(lambda: send_review_assigned_task.delay(review.pk))
    return review


@transaction.atomic
def review_save(*, review: Review, conflict_of_interest: bool, comment: str = "", scores: dict | None = None,
                submit: bool = True) -> Review:
    """Declare a conflict of interest, or score each criterion (0–5) with a comment."""
    review = Review.objects.select_for_update(of=("self",)).select_related("application__call").get(pk=review.pk)
    if review.application.decision not in (Application.Decision.PENDING,):
        raise ValidationError(_("The application has been decided; its reviews are closed."))
    review.conflict_of_interest = conflict_of_interest
    review.comment = comment.strip()
    criteria = list(review.application.call.criteria.all())
    scores = scores or {}
    errors = {}
    if not conflict_of_interest:
        for criterion in criteria:
            value, note = scores.get(criterion.pk, (None, ""))
            if value is None:
                if submit:
                    errors[f"score_{criterion.pk}"] = _("Give a score.")
                continue
            if not SCORE_MIN <= int(value) <= SCORE_MAX:
                errors[f"score_{criterion.pk}"] = _("Give a score from %(low)s to %(high)s.") % {
                    "low": SCORE_MIN, "high": SCORE_MAX}
                continue
            score = Score.objects.filter(review=review, criterion=criterion).first() or Score(
                review=review, criterion=criterion)
            score.value, score.comment = int(value), (note or "").strip()
            score.full_clean()
            score.save()
    else:
        review.scores.all().delete()
    if errors:
        raise ValidationError(errors)
    if submit:
        review.submitted_at = review.submitted_at or timezone.now()
    review.full_clean()
    review.save()
    return review


# --- Decisions -----------------------------------------------------------------------------------------------

def _accepted_count(call: Call) -> int:
    return call.applications.filter(decision=Application.Decision.ACCEPTED).count()


@transaction.atomic
def application_decide(*, application: Application, decision: str, message: str = "", by) -> Application:
    """Accept, wait-list or decline, with a message. Accepting enrols the municipality in the call's cohort with
    its challenge and invites the contact to its team; the decision goes to the applicant in their language."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = _locked(application)
    if decision not in (Application.Decision.ACCEPTED, Application.Decision.WAITLISTED,
                        Application.Decision.DECLINED):
        raise ValidationError({"decision": _("Choose accept, wait-list or decline.")})
    if application.state != Application.State.SUBMITTED:
        raise ValidationError(_("Only submitted applications can be decided."))
    if timezone.now() <= call.deadline:
        raise ValidationError(_("Decisions are made after the deadline (%(deadline)s).")
                              % {"deadline": _deadline_text(call)})
    if application.decision == decision:
        return application
    if application.decision in (Application.Decision.ACCEPTED, Application.Decision.WITHDRAWN):
        raise ValidationError(_("An accepted application cannot be decided again; withdraw it instead."))
    if decision == Application.Decision.ACCEPTED:
        if _accepted_count(call) >= call.places:
            raise ValidationError(_("All %(places)s places are taken. Wait-list the application, or free a place "
                                    "first.") % {"places": call.places})
        participation = participation_enrol(cohort=call.cohort, municipality=application.municipality)
        challenge_save(participation=participation, title=application.challenge_title,
                       problem_statement=application.problem_statement,
                       material_stream=application.material_stream, strategy=application.strategy,
                       sdgs=application.sdgs)
        team_member_invite(participation=participation, email=application.contact_email,
                           full_name=application.contact_name,
                           department=application.contact_department or application.municipality.name,
                           language=application.language, invited_by=by)
        application.participation = participation
    application.decision = decision
    application.decision_message = message.strip()
    application.decided_at = timezone.now()
    application.decided_by = by
    application.full_clean(validate_constraints=False)
    application.save()
    from .tasks import send_applicant_email_task

    transaction.on_commit(lambda: send_applicant_email_task.delay(application.pk, "decision"))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by) -> Application:
    """An accepted municipality withdraws: its participation ends and its place is free for the wait-list."""
    application = _locked(application)
    if application.decision != Application.Decision.ACCEPTED:
        raise ValidationError(_("Only an accepted application can be withdrawn."))
    if application.participation_id:
        participation = application.participation
        application.participation = None
        application.save(update_fields=["participation"])
        participation_withdraw(participation=participation)
    application.decision = Application.Decision.WITHDRAWN
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["decision", "decided_at", "decided_by", "participation", "updated_at"])
    return application
