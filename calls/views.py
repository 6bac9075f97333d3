"""Thin views: input → selector (404) → predicate (403) → one service → page or htmx partial."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.adapter import limit_seconds, wait_text
from circular_cities.downloads import download_filename, name_download
from circular_cities.utils import add_service_errors
from reports.tabular import Section, xlsx_response

from . import selectors, services
from .forms import (
    ApplicationForm,
    ApplyForm,
    AssignForm,
    CallForm,
    CriterionForm,
    DecisionForm,
    InviteEditorForm,
    QuestionForm,
    ReviewerForm,
    ReviewerInviteForm,
    ReviewForm,
    UploadForm,
)
from .models import Application, Criterion, Question, Review, Reviewer
from .permissions import can_create_call, can_manage_call, remember_applicant

# --- Public ---------------------------------------------------------------------------------------------------

def _public_language(request) -> None:
    """``?lang=da|en`` (links from the showcase and its feed) picks the language of a public page."""
    if request.GET.get("lang") in ("da", "en"):
        translation.activate(request.GET["lang"])
        request.LANGUAGE_CODE = request.GET["lang"]


def public_list(request):
    _public_language(request)
    return render(request, "calls/public_list.html", {"calls": selectors.open_calls()})


def public_detail(request, pk):
    _public_language(request)
    call = selectors.call_get_public_or_404(pk=pk)
    return render(request, "calls/public_detail.html", {"call": call, "criteria": selectors.call_criteria(call)})


LINK_LIMIT = "calls_link"  # ACCOUNT_RATE_LIMITS: per client address and per e-mail address


def _link_limited(request, form, email: str) -> bool:
    """The forms that e-mail a link to any address: count the request per client and per address (allauth's
    public rate-limit helper, rates in settings.ACCOUNT_RATE_LIMITS) and say how long to wait when it is over."""
    if ratelimit.consume(request, action=LINK_LIMIT, key=email.strip().lower()):
        return False
    form.add_error(None, _("Too many links have been asked for from your network or for this e-mail address. "
                           "Wait up to %(wait)s and try again.") % {"wait": wait_text(limit_seconds(LINK_LIMIT))})
    return True


def apply(request, pk):
    """Step one: who applies for which municipality; a link confirms the address."""
    call = selectors.call_get_public_or_404(pk=pk)
    form = ApplyForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        if _link_limited(request, form, form.cleaned_data["email"]):
            return render(request, "calls/apply.html", {"call": call, "form": form, "sent": False}, status=429)
        try:
            services.application_request_link(call=call, municipality=form.cleaned_data["municipality"],
                                              email=form.cleaned_data["email"], name=form.cleaned_data["name"],
                                              language=(get_language() or "da")[:2])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            sent = True
    return render(request, "calls/apply.html", {"call": call, "form": form, "sent": sent})


def confirm(request, token):
    try:
        application, email = services.application_confirm(token=token)
    except ValidationError as error:
        return render(request, "calls/link_unusable.html", {"errors": error.messages}, status=400)
    remember_applicant(request, application.pk, email)
    return redirect("calls:application-edit", pk=application.pk)


# --- The applicant's application (session tied to the confirmed address) ------------------------------------

def _edit_context(application, email, form=None, upload_form=None, invite_form=None, missing=None):
    questions = selectors.call_questions(application.call)
    files = {f.question_id: f for f in application.files.all()}
    return {
        "application": application, "call": application.call, "email": email,
        "form": form or ApplicationForm(initial=ApplicationForm.initial_from(application), questions=questions),
        "file_questions": [(q, files.get(q.pk)) for q in questions if q.kind == Question.Kind.FILE],
        "upload_form": upload_form or UploadForm(), "invite_form": invite_form or InviteEditorForm(),
        "editors": list(application.editors.all()), "missing": missing or {},
        "is_open": application.call.is_open,
    }


def application_edit(request, pk):
    """The form; POST saves a draft (htmx: as the applicant types) or, with ``submit``, submits."""
    application, email = selectors.application_for_applicant_or_404(request=request, pk=pk)
    questions = selectors.call_questions(application.call)
    if request.method != "POST":
        return render(request, "calls/application_edit.html", _edit_context(application, email))
    form = ApplicationForm(request.POST, questions=questions)
    missing = None
    if form.is_valid():
        try:
            if "submit" in request.POST:
                services.application_submit(application=application, by_email=email, data=form.service_data())
            else:
                services.application_save(application=application, data=form.service_data(), by_email=email)
        except ValidationError as error:
            add_service_errors(form, error)
            if hasattr(error, "error_dict"):
                missing = {key: True for key in error.error_dict}
        else:
            if request.htmx:
                return render(request, "calls/application_edit.html#save-status", {"saved": True})
            if "submit" in request.POST:
                messages.success(request, _("The application was submitted. A receipt is on its way by e-mail."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect("calls:application-edit", pk=application.pk)
    if request.htmx:
        return render(request, "calls/application_edit.html#save-status",
                      {"saved": False, "errors": form.errors})
    application.refresh_from_db()
    return render(request, "calls/application_edit.html",
                  _edit_context(application, email, form=form, missing=missing), status=422)


@require_POST
def application_upload(request, pk):
    application, email = selectors.application_for_applicant_or_404(request=request, pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        question = get_object_or_404(Question, pk=form.cleaned_data["question"], call=application.call)
        try:
            services.application_upload(application=application, question=question,
                                        upload=form.cleaned_data["file"], by_email=email)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file was uploaded."))
            return redirect("calls:application-edit", pk=application.pk)
    return render(request, "calls/application_edit.html",
                  _edit_context(application, email, upload_form=form), status=422)


@require_POST
def application_invite(request, pk):
    application, email = selectors.application_for_applicant_or_404(request=request, pk=pk)
    form = InviteEditorForm(request.POST)
    if form.is_valid() and not _link_limited(request, form, form.cleaned_data["email"]):
        try:
            services.editor_invite(application=application, email=form.cleaned_data["email"],
                                   name=form.cleaned_data["name"], by_email=email)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your colleague has been sent a link."))
            return redirect("calls:application-edit", pk=application.pk)
    return render(request, "calls/application_edit.html",
                  _edit_context(application, email, invite_form=form), status=422)


def application_file(request, pk):
    stored = selectors.file_get_or_404(request=request, pk=pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return name_download(response, stored.name)


# --- Facilitators ---------------------------------------------------------------------------------------------

@login_required
def manage_list(request):
    return render(request, "calls/manage_list.html", {"calls": selectors.calls_for_user(request.user)})


@login_required
def call_create(request, slug):
    programme = selectors.programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_create_call(request.user, programme):
        raise PermissionDenied
    form = CallForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("calls:manage", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "programme": programme,
                                                    "title": _("New open call")})


@login_required
def call_edit(request, pk):
    call = selectors.call_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, call):
        raise PermissionDenied
    initial = {name: getattr(call, name) for name in services.CALL_FIELDS}
    form = CallForm(request.POST or None, initial=initial, programme=call.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("calls:manage", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "programme": call.programme, "call": call,
                                                    "title": _("Edit the call")})


def _manage_context(call, **forms):
    return {
        "call": call, "programme": call.programme, "criteria": selectors.call_criteria(call),
        "questions": selectors.call_questions(call), "reviewers": selectors.call_reviewers(call),
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "question_form": forms.get("question_form") or QuestionForm(),
        "reviewer_form": forms.get("reviewer_form") or ReviewerForm(call=call),
        "invite_form": forms.get("invite_form") or ReviewerInviteForm(),
        "reviewer_invitations": selectors.pending_reviewer_invitations(call),
    }


@login_required
def manage(request, pk):
    call = selectors.call_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, call):
        raise PermissionDenied
    return render(request, "calls/manage.html", _manage_context(call))


def _managed_call(request, pk):
    call = selectors.call_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, call):
        raise PermissionDenied
    return call


def _manage_write(request, call, write, *, done=None, form=None, form_name: str = ""):
    """The shape of every add and remove on the manage page: run one service and go back to the manage page with
    ``done`` as a message. With a ``form`` (an add), ``write`` gets its cleaned data, and invalid input or the
    service's refusal re-render the page with the form and its errors (422); without one (a removal), the refusal
    is shown as a message on the manage page. ``done`` is the message (if any), or makes it from the data and the
    service's result."""
    if form is None or form.is_valid():
        data = form.cleaned_data if form is not None else {}
        try:
            result = write(data)
        except ValidationError as error:
            if form is None:
                for text in error.messages:
                    messages.error(request, text)
                return redirect("calls:manage", pk=call.pk)
            add_service_errors(form, error)
        else:
            if done:
                messages.success(request, done(data, result) if callable(done) else done)
            return redirect("calls:manage", pk=call.pk)
    return render(request, "calls/manage.html", _manage_context(call, **{form_name: form}), status=422)


@login_required
@require_POST
def criterion_add(request, pk):
    call = _managed_call(request, pk)
    return _manage_write(request, call, lambda data: services.criterion_add(call=call, by=request.user, **data),
                         form=CriterionForm(request.POST), form_name="criterion_form")


@login_required
@require_POST
def question_add(request, pk):
    call = _managed_call(request, pk)
    return _manage_write(request, call, lambda data: services.question_add(call=call, by=request.user, **data),
                         form=QuestionForm(request.POST), form_name="question_form")


@login_required
@require_POST
def reviewer_add(request, pk):
    """Add one of the programme's facilitators as a reviewer."""
    call = _managed_call(request, pk)
    return _manage_write(request, call,
                         lambda data: services.reviewer_add(call=call, user=data["user"], by=request.user),
                         form=ReviewerForm(request.POST, call=call), form_name="reviewer_form",
                         done=lambda data, reviewer: _("%(name)s reviews the call now.") % {"name": data["user"]})


@login_required
@require_POST
def reviewer_invite(request, pk):
    """Invite an external reviewer by name and e-mail (an existing account is added and told)."""
    call = _managed_call(request, pk)

    def done(data, result):
        return (_("%(email)s already has an account and reviews the call now.") if isinstance(result, Reviewer)
                else _("Invitation sent to %(email)s.")) % {"email": data["email"]}

    return _manage_write(request, call, lambda data: services.reviewer_invite(call=call, by=request.user, **data),
                         form=ReviewerInviteForm(request.POST), form_name="invite_form", done=done)


@login_required
@require_POST
def criterion_remove(request, pk, item):
    call = _managed_call(request, pk)
    criterion = get_object_or_404(Criterion, pk=item, call=call)
    return _manage_write(request, call, lambda data: services.criterion_remove(criterion=criterion, by=request.user),
                         done=_("The criterion “%(name)s” was removed.") % {"name": criterion.name})


@login_required
@require_POST
def question_remove(request, pk, item):
    call = _managed_call(request, pk)
    question = get_object_or_404(Question, pk=item, call=call)
    return _manage_write(request, call, lambda data: services.question_remove(question=question, by=request.user),
                         done=_("The question “%(name)s” was removed.") % {"name": question.label})


@login_required
@require_POST
def reviewer_remove(request, pk, item):
    call = _managed_call(request, pk)
    reviewer = get_object_or_404(Reviewer.objects.select_related("user"), pk=item, call=call)
    return _manage_write(request, call, lambda data: services.reviewer_remove(reviewer=reviewer, by=request.user),
                         done=_("%(name)s no longer reviews the call.") % {"name": reviewer.user})


@login_required
def assessment(request, pk):
    call = _managed_call(request, pk)
    sort = request.GET.get("sort", "score")
    rows = selectors.assessment_table(call=call, sort=sort)
    return render(request, "calls/assessment.html", {
        "call": call, "programme": call.programme, "rows": rows, "sort": sort,
        "accepted": sum(1 for row in rows if row.application.decision == Application.Decision.ACCEPTED)})


@login_required
def assessment_xlsx(request, pk):
    call = _managed_call(request, pk)
    rows = selectors.assessment_table(call=call, sort=request.GET.get("sort", "score"))
    section = Section(title=call.title, header=[
        _("Municipality"), _("Weighted score"), _("Spread"), _("Reviews done"), _("Reviews missing"),
        _("Conflicts of interest"), _("Decision")])
    for row in rows:
        section.rows.append([
            row.application.municipality.name, round(row.score, 2) if row.score is not None else "",
            round(row.spread, 2) if row.spread is not None else "", row.done, row.missing, row.conflicts,
            row.application.get_decision_display()])
    return xlsx_response(download_filename(call.title, _("assessment"), extension="xlsx"), [section],
                         title=call.title)


@login_required
def application_detail(request, pk):
    """An application read by its programme's facilitators (with assignment and decision) or an assigned
    reviewer."""
    application = selectors.application_get_for_user_or_404(user=request.user, pk=pk)
    call = application.call
    manager = can_manage_call(request.user, call)
    if not manager and not application.reviews.filter(reviewer__user=request.user).exists():
        raise PermissionDenied
    questions = selectors.call_questions(call)
    answers = [(q, application.answers.get(str(q.pk))) for q in questions if q.kind != Question.Kind.FILE]
    reviews = list(application.reviews.select_related("reviewer__user").prefetch_related("scores__criterion"))
    if not manager:
        reviews = [r for r in reviews if r.reviewer.user_id == request.user.pk]
    return render(request, "calls/application_detail.html", {
        "application": application, "call": call, "programme": call.programme, "answers": answers,
        "files": list(application.files.all()), "reviews": reviews, "manager": manager,
        "assign_form": AssignForm(call=call) if manager else None,
        "decision_form": DecisionForm() if manager else None,
    })


@login_required
@require_POST
def assign(request, pk):
    application = selectors.application_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, application.call):
        raise PermissionDenied
    form = AssignForm(request.POST, call=application.call)
    if form.is_valid():
        try:
            services.review_assign(application=application, reviewer=form.cleaned_data["reviewer"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose one of the call's reviewers."))
    return redirect("calls:application-detail", pk=application.pk)


@login_required
@require_POST
def decide(request, pk):
    application = selectors.application_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, application.call):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(application=application, decision=form.cleaned_data["decision"],
                                        message=form.cleaned_data["message"], by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The decision was saved and sent to the applicant."))
    else:
        messages.error(request, _("Choose accept, wait-list or decline."))
    return redirect("calls:application-detail", pk=application.pk)


@login_required
@require_POST
def withdraw(request, pk):
    application = selectors.application_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_call(request.user, application.call):
        raise PermissionDenied
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The municipality was withdrawn; its place is free."))
    return redirect("calls:application-detail", pk=application.pk)


# --- Reviewers ------------------------------------------------------------------------------------------------

@login_required
def my_reviews(request):
    return render(request, "calls/my_reviews.html", {"reviews": selectors.reviews_of_user(request.user)})


@login_required
def review(request, pk):
    review_obj: Review = selectors.review_get_for_user_or_404(user=request.user, pk=pk)
    application = review_obj.application
    criteria = selectors.call_criteria(application.call)
    initial = {"conflict_of_interest": review_obj.conflict_of_interest, "comment": review_obj.comment}
    for score in review_obj.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
        initial[f"comment_{score.criterion_id}"] = score.comment
    form = ReviewForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST":
        if review_obj.reviewer.user_id != request.user.pk:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.review_save(review=review_obj,
                                     conflict_of_interest=form.cleaned_data["conflict_of_interest"],
                                     comment=form.cleaned_data["comment"], scores=form.scores(),
                                     submit="submit" in request.POST)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your review was saved."))
                return redirect(reverse("calls:my-reviews"))
    questions = selectors.call_questions(application.call)
    return render(request, "calls/review.html", {
        "review": review_obj, "application": application, "call": application.call, "form": form,
        "answers": [(q, application.answers.get(str(q.pk))) for q in questions if q.kind != Question.Kind.FILE],
        "files": list(application.files.select_related("question")),
    }, status=422 if form.errors else 200)
