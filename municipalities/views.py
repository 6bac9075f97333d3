from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import can_invite
from accounts.views import team_context
from circular_cities.utils import add_service_errors, paginate
from programmes.permissions import can_edit_participation
from programmes.status import STALLED_AFTER_WEEKS

from . import selectors, services
from .forms import (
    AdvisorForm,
    AdvisorySessionForm,
    AgreedActionForm,
    CommentForm,
    EnrolForm,
    IndicatorForm,
    LocalChallengeForm,
    MeasurementEditForm,
    MeasurementForm,
    MunicipalitySearchForm,
    ParticipationForm,
    PartnerForm,
    ProgressEntryForm,
    StageOutputForm,
    StageReviewForm,
    WithdrawEntryForm,
)
from .permissions import (
    can_assign_advisor,
    can_change_measurement,
    can_change_partner,
    can_comment_entry,
    can_edit_challenge,
    can_edit_entry,
    can_enrol,
    can_log_advisory,
    can_review_publication,
    can_review_stage_output,
    can_submit_stage_output,
    can_view_advisory,
    can_view_follow_group,
    can_view_my_municipalities,
    can_view_participation_history,
    can_view_publication_queue,
    can_withdraw_entry,
    can_withdraw_participation,
    can_write_progress,
)
from .selectors import (
    active_q,
    advisor_pool,
    advisory_session_get_for_user_or_404,
    advisory_sessions,
    agreed_action_get_for_user_or_404,
    challenge_sdgs,
    cohort_get_for_user_or_404,
    cohort_participations,
    cohort_partner_matrix,
    describe_changes,
    entry_detail_parts,
    indicator_chart,
    measurement_get_for_user_or_404,
    municipality_search,
    participation_advisors,
    participation_challenge,
    participation_changes,
    participation_get_for_user_or_404,
    participation_indicators,
    participation_milestones,
    participation_partners,
    partner_involvement_get_for_user_or_404,
    photo_get_for_user_or_404,
    progress_entries_for,
    progress_entry_get_for_user_or_404,
    stage_gates,
    stage_output_get_for_user_or_404,
    strategy_ladder,
)

HISTORY_ON_PAGE = 10
ENTRIES_ON_PARTICIPATION_PAGE = 5


# --- Enrolment --------------------------------------------------------------------------------

@login_required
def enrol(request, cohort_pk):
    """Search the municipalities by name or code and enrol them in the cohort (facilitators)."""
    cohort = cohort_get_for_user_or_404(user=request.user, pk=cohort_pk)
    if not can_enrol(request.user, cohort):
        raise PermissionDenied
    search = MunicipalitySearchForm(request.POST if request.method == "POST" else request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = EnrolForm(request.POST or None)
    notice = ""
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.participation_enrol(cohort=cohort,
                                                         municipality=form.cleaned_data["municipality"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = _("%(municipality)s is now enrolled in %(cohort)s.") % {
                "municipality": participation.municipality, "cohort": cohort}
            if not request.htmx:
                messages.success(request, notice)
                return redirect(_enrol_url(cohort, query))
    results, more = municipality_search(cohort=cohort, query=query)
    context = {
        "cohort": cohort, "programme": cohort.programme, "search": search, "query": query, "form": form,
        "results": results, "more": more, "notice": notice,
        "participations": cohort_participations(cohort=cohort),
    }
    if request.htmx:
        # Live search swaps the results; an enrolment also refreshes the list of enrolled municipalities.
        context["refresh_enrolled"] = request.method == "POST"
        return render(request, "municipalities/enrol.html#search-response", context)
    return render(request, "municipalities/enrol.html", context)


def _enrol_url(cohort, query: str = "") -> str:
    url = reverse("municipalities:enrol", args=[cohort.pk])
    return f"{url}?{urlencode({'q': query})}" if query else url


@require_POST
@login_required
def withdraw(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    if not can_withdraw_participation(request.user, participation):
        raise PermissionDenied
    cohort = participation.cohort
    try:
        services.participation_withdraw(participation=participation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(municipality)s was withdrawn from %(cohort)s.") % {
            "municipality": participation.municipality, "cohort": cohort})
    return redirect(_enrol_url(cohort))


# --- The participation page -------------------------------------------------------------------

def _challenge_context(user, participation) -> dict:
    challenge = participation_challenge(participation)
    return {"participation": participation, "challenge": challenge, "ladder": strategy_ladder(challenge),
            "sdgs": challenge_sdgs(challenge), "can_edit": can_edit_challenge(user, participation)}


def _advisor_context(user, participation) -> dict:
    return {"participation": participation, "advisors": participation_advisors(participation=participation),
            "can_assign_advisor": can_assign_advisor(user, participation)}


def _plan_context(user, participation) -> dict:
    return {"participation": participation, "can_edit": can_edit_participation(user, participation)}


def _participation_page(user, participation, programme) -> dict:
    """What the participation page shows."""
    context = {
        **_challenge_context(user, participation), **_advisor_context(user, participation),
        **team_context(user, participation), **_plan_context(user, participation),
        "programme": programme,
        "milestones": participation_milestones(participation=participation),
        "can_view_follow_group": can_view_follow_group(user, programme),
        "can_enrol": can_enrol(user, participation.cohort),
        "can_view_history": can_view_participation_history(user, participation),
        "entries": list(progress_entries_for(user=user, participation=participation)[:ENTRIES_ON_PARTICIPATION_PAGE]),
        "can_write_progress": can_write_progress(user, participation),
    }
    if context["can_view_history"]:
        rows = list(participation_changes(participation=participation)[: HISTORY_ON_PAGE + 1])
        context["changes"] = describe_changes(participation=participation, rows=rows[:HISTORY_ON_PAGE])
        context["more_changes"] = len(rows) > HISTORY_ON_PAGE
    return context


@login_required
def participation_detail(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    programme = participation.cohort.programme
    return render(request, "municipalities/participation_detail.html",
                  _participation_page(request.user, participation, programme))


@login_required
def participation_history(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    if not can_view_participation_history(request.user, participation):
        raise PermissionDenied
    page = paginate(request, participation_changes(participation=participation))
    changes = describe_changes(participation=participation, rows=list(page.object_list))
    return render(request, "municipalities/participation_history.html",
                  {"participation": participation, "page": page, "changes": changes})


def _editor(request, pk, predicate):
    """The participation for an edit view: 404 if the person may not see it, 403 if they may not edit."""
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    if not predicate(request.user, participation):
        raise PermissionDenied
    return participation


@login_required
def challenge_edit(request, pk):
    """Describe or change the local challenge: inline with htmx, or as a page of its own."""
    participation = _editor(request, pk, can_edit_challenge)
    challenge = participation_challenge(participation)
    form = LocalChallengeForm(request.POST or None, initial=LocalChallengeForm.initial_from(challenge))
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_save(participation=participation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            participation = participation_get_for_user_or_404(user=request.user, pk=pk)
            if request.htmx:
                return render(request, "municipalities/participation_detail.html#challenge",
                              {**_challenge_context(request.user, participation),
                               "notice": _("The local challenge was saved.")})
            messages.success(request, _("The local challenge was saved."))
            return redirect(participation.get_absolute_url() + "#challenge")
    template = "municipalities/challenge_form.html" + ("#form" if request.htmx else "")
    return render(request, template, {"participation": participation, "form": form, "challenge": challenge})


@login_required
def participation_edit(request, pk):
    """The local action plan link and the solution model being tested."""
    participation = _editor(request, pk, can_edit_participation)
    form = ParticipationForm(request.POST or None, initial={
        "action_plan_url": participation.action_plan_url, "solution_model": participation.solution_model})
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_update(participation=participation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return render(request, "municipalities/participation_detail.html#plan",
                              {**_plan_context(request.user, participation),
                               "notice": _("The action plan and solution model were saved.")})
            messages.success(request, _("The action plan and solution model were saved."))
            return redirect(participation.get_absolute_url() + "#plan")
    template = "municipalities/participation_form.html" + ("#form" if request.htmx else "")
    return render(request, template, {"participation": participation, "form": form})


@login_required
def advisor_edit(request, pk):
    """Assign or change the municipality's innovation advisor, chosen from the programme's pool."""
    participation = _editor(request, pk, can_assign_advisor)
    current = participation_advisors(participation=participation)
    pool = advisor_pool(programme=participation.cohort.programme)
    form = AdvisorForm(request.POST or None, pool=pool, initial={"advisor": current[0].user if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.advisor_assign(participation=participation, advisor=form.cleaned_data["advisor"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = _("The innovation advisor was saved.")
            if request.htmx:
                return render(request, "municipalities/participation_detail.html#advisor",
                              {**_advisor_context(request.user, participation), "notice": notice})
            messages.success(request, notice)
            return redirect(participation.get_absolute_url() + "#advisor")
    template = "municipalities/advisor_form.html" + ("#form" if request.htmx else "")
    return render(request, template, {"participation": participation, "form": form, "advisors": current,
                                      "pool_is_empty": not pool.exists(), "can_invite": can_invite(request.user)})


# --- Local tests: progress log, photos, stage gates, indicators, partners, advice ------------------------------


def _published_for_review() -> str:
    return _("The progress entry was published. A facilitator or the municipality's advisor accepts it before it "
             "reaches the open data and the public showcase.")


def _entry_card_context(user, entry) -> dict:
    return {"entry": entry, "can_edit_entry": can_edit_entry(user, entry),
            "can_withdraw": can_withdraw_entry(user, entry),
            "can_accept": entry.awaits_review and can_review_publication(user, entry.participation)}


def _progress_form_context(request, participation, form, entry=None, notice="", created=None) -> dict:
    return {"participation": participation, "form": form, "entry": entry, "notice": notice, "created": created}


@login_required
def progress_list(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    return render(request, "municipalities/progress_list.html", {
        "participation": participation, "programme": participation.cohort.programme,
        "page": paginate(request, progress_entries_for(user=request.user, participation=participation), per_page=10),
        "can_write": can_write_progress(request.user, participation),
    })


@login_required
def progress_create(request, pk):
    """The short form: inline with htmx on the participation page, or a page of its own (works on a phone)."""
    participation = _editor(request, pk, can_write_progress)
    return _progress_form(request, participation, entry=None)


@login_required
def progress_edit(request, pk):
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    if not can_edit_entry(request.user, entry):
        raise PermissionDenied
    return _progress_form(request, entry.participation, entry=entry)


def _progress_form(request, participation, *, entry):
    initial = ProgressEntryForm.initial_from(entry)
    if entry is None:
        initial["happened_on"] = timezone.localdate()
    form = ProgressEntryForm(request.POST or None, request.FILES or None, participation=participation,
                             initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.progress_entry_save(participation=participation, by=request.user, entry=entry,
                                                 publish="publish" in request.POST, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = (_("The progress entry was saved as a draft.") if not saved.is_published
                      else _published_for_review() if saved.awaits_review else _("The progress entry was published."))
            if request.htmx and entry is None:
                fresh = ProgressEntryForm(participation=participation,
                                          initial={"happened_on": timezone.localdate(), "status": "on_track"})
                return render(request, "municipalities/progress_form.html#form", _progress_form_context(
                    request, participation, fresh, notice=notice, created=saved))
            messages.success(request, notice)
            if request.htmx:  # an edit: back to the entry, not to a blank form for a new one
                return HttpResponseClientRedirect(saved.get_absolute_url())
            return redirect(saved.get_absolute_url())
    template = "municipalities/progress_form.html" + ("#form" if request.htmx else "")
    return render(request, template, _progress_form_context(request, participation, form, entry=entry))


@login_required
def progress_detail(request, pk):
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    return _progress_detail_page(request, entry)


def _progress_detail_page(request, entry, *, withdraw_form=None, status=200):
    return render(request, "municipalities/progress_detail.html", {
        **_entry_card_context(request.user, entry), **entry_detail_parts(entry=entry),
        "participation": entry.participation, "comment_form": CommentForm(),
        "can_comment": can_comment_entry(request.user, entry) and not entry.is_withdrawn,
        "withdraw_form": withdraw_form or WithdrawEntryForm(),
    }, status=status)


@require_POST
@login_required
def progress_withdraw(request, pk):
    """Take an entry back (a published one with a reason): kept, with the reason, in the history."""
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    if not can_withdraw_entry(request.user, entry):
        raise PermissionDenied
    form = WithdrawEntryForm(request.POST)
    if form.is_valid():
        try:
            services.progress_entry_withdraw(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The progress entry was withdrawn. It is kept in the history."))
            return redirect(reverse("municipalities:progress-list", args=[entry.participation_id]))
    return _progress_detail_page(request, entry, withdraw_form=form, status=400)


def _publish_state_changed(request, entry, notice: str):
    """After publishing or accepting: htmx swaps the entry's state in place; a plain request goes back to it."""
    if request.htmx:
        return render(request, "municipalities/progress_detail.html#publish-state",
                      {**_entry_card_context(request.user, entry), "withdraw_form": WithdrawEntryForm(),
                       "notice": notice})
    messages.success(request, notice)
    return redirect(entry.get_absolute_url())


@require_POST
@login_required
def progress_accept(request, pk):
    """The second pair of eyes: a facilitator or the advisor lets a published entry out of the programme."""
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    if not can_review_publication(request.user, entry.participation):
        raise PermissionDenied
    try:
        entry = services.progress_entry_accept(entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(entry.get_absolute_url())
    notice = _("The progress entry was accepted: it is now in the open data and on the public showcase.")
    return _publish_state_changed(request, entry, notice)


@require_POST
@login_required
def progress_publish(request, pk):
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    if not can_edit_entry(request.user, entry):
        raise PermissionDenied
    services.progress_entry_publish(entry=entry, by=request.user)
    notice = _published_for_review() if entry.awaits_review else _("The progress entry was published.")
    return _publish_state_changed(request, entry, notice)


@require_POST
@login_required
def progress_comment(request, pk):
    entry = progress_entry_get_for_user_or_404(user=request.user, pk=pk)
    if not can_comment_entry(request.user, entry):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.entry_comment_add(entry=entry, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = CommentForm()
    if request.htmx:
        return render(request, "municipalities/progress_detail.html#comments", {
            "entry": entry, "comments": list(entry.comments.select_related("author")), "comment_form": form,
            "can_comment": True})
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(entry.get_absolute_url() + "#comments")


def _serve_photo(request, pk, field: str):
    photo = photo_get_for_user_or_404(user=request.user, pk=pk)
    try:
        handle = getattr(photo, field).open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def photo(request, pk):
    """Private photos: streamed only to people who may see the progress entry."""
    return _serve_photo(request, pk, "image")


@login_required
def photo_thumbnail(request, pk):
    return _serve_photo(request, pk, "thumbnail")


@login_required
def stages(request, pk):
    """The stage gates: outputs per stage; staff submit for the current stage, facilitators review."""
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    can_submit = can_submit_stage_output(request.user, participation)
    form = StageOutputForm(request.POST or None, stage=participation.stage)
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.stage_output_submit(participation=participation, by=request.user,
                                             stage=participation.stage, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The output was submitted for review."))
                return redirect(reverse("municipalities:stages", args=[participation.pk]))
    return render(request, "municipalities/stages.html", {
        "participation": participation, "programme": participation.cohort.programme,
        "stages": stage_gates(participation=participation), "form": form, "can_submit": can_submit,
        "can_review": can_review_stage_output(request.user, participation), "review_form": StageReviewForm(),
    })


@require_POST
@login_required
def stage_output_review(request, pk):
    output = stage_output_get_for_user_or_404(user=request.user, pk=pk)
    if not can_review_stage_output(request.user, output.participation):
        raise PermissionDenied
    form = StageReviewForm(request.POST)
    url = reverse("municipalities:stages", args=[output.participation_id]) + f"#output-{output.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose to accept the output or send it back."))
        return redirect(url)
    try:
        services.stage_output_review(output=output, by=request.user, accept=form.cleaned_data["decision"] == "accept",
                                     comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The review was saved."))
    return redirect(url)


@login_required
def indicators(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    can_write = can_write_progress(request.user, participation)
    action = request.POST.get("action") if request.method == "POST" else None
    indicator_form = IndicatorForm(request.POST if action == "indicator" else None)
    measurement_form = MeasurementForm(request.POST if action == "measurement" else None,
                                       participation=participation)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = indicator_form if action == "indicator" else measurement_form
        if form.is_valid():
            try:
                if action == "indicator":
                    services.indicator_create(participation=participation, **form.cleaned_data)
                else:
                    services.measurement_add(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The indicator was saved.") if action == "indicator"
                                 else _("The measurement was saved."))
                return redirect(reverse("municipalities:indicators", args=[participation.pk]))
    items = [{"indicator": i, "chart": indicator_chart(i)} for i in participation_indicators(
        participation=participation)]
    return render(request, "municipalities/indicators.html", {
        "participation": participation, "programme": participation.cohort.programme, "items": items,
        "can_write": can_write, "indicator_form": indicator_form, "measurement_form": measurement_form,
    })


@login_required
def partners(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    can_write = can_write_progress(request.user, participation)
    form = PartnerForm(request.POST or None)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.partner_save(participation=participation, by=request.user,
                                      organisation_name=data["organisation"], sector=data["sector"],
                                      role=data["role"], starts_on=data["starts_on"], ends_on=data["ends_on"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The partner was added."))
                return redirect(reverse("municipalities:partners", args=[participation.pk]))
    return render(request, "municipalities/partners.html", {
        "participation": participation, "programme": participation.cohort.programme,
        "involvements": participation_partners(participation=participation), "can_write": can_write, "form": form,
    })


@login_required
def partner_edit(request, pk):
    involvement = partner_involvement_get_for_user_or_404(user=request.user, pk=pk)
    if not can_change_partner(request.user, involvement):
        raise PermissionDenied
    participation = involvement.participation
    form = PartnerForm(request.POST or None, initial={
        "organisation": involvement.organisation.name, "sector": involvement.sector, "role": involvement.role,
        "starts_on": involvement.starts_on, "ends_on": involvement.ends_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_save(participation=participation, by=request.user, involvement=involvement,
                                  organisation_name=data["organisation"], sector=data["sector"],
                                  role=data["role"], starts_on=data["starts_on"], ends_on=data["ends_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner was saved."))
            return redirect(reverse("municipalities:partners", args=[participation.pk]))
    return render(request, "municipalities/partner_form.html", {
        "participation": participation, "programme": participation.cohort.programme, "involvement": involvement,
        "form": form})


@require_POST
@login_required
def partner_delete(request, pk):
    involvement = partner_involvement_get_for_user_or_404(user=request.user, pk=pk)
    if not can_change_partner(request.user, involvement):
        raise PermissionDenied
    services.partner_involvement_delete(involvement=involvement)
    messages.success(request, _("%(organisation)s was removed from the partners.") % {
        "organisation": involvement.organisation})
    return redirect(reverse("municipalities:partners", args=[involvement.participation_id]))


@login_required
def measurement_edit(request, pk):
    measurement = measurement_get_for_user_or_404(user=request.user, pk=pk)
    if not can_change_measurement(request.user, measurement):
        raise PermissionDenied
    participation = measurement.indicator.participation
    form = MeasurementEditForm(request.POST or None, initial={"measured_on": measurement.measured_on,
                                                              "value": measurement.value})
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_update(measurement=measurement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The measurement was saved."))
            return redirect(reverse("municipalities:indicators", args=[participation.pk])
                            + f"#indicator-{measurement.indicator_id}")
    return render(request, "municipalities/measurement_form.html", {
        "participation": participation, "programme": participation.cohort.programme, "measurement": measurement,
        "form": form})


@require_POST
@login_required
def measurement_delete(request, pk):
    measurement = measurement_get_for_user_or_404(user=request.user, pk=pk)
    if not can_change_measurement(request.user, measurement):
        raise PermissionDenied
    services.measurement_delete(measurement=measurement)
    messages.success(request, _("The measurement was deleted."))
    return redirect(reverse("municipalities:indicators", args=[measurement.indicator.participation_id])
                    + f"#indicator-{measurement.indicator_id}")


@login_required
def cohort_partners(request, cohort_pk):
    """Who worked with whom across the cohort: municipalities × sectors, with the organisations."""
    cohort = cohort_get_for_user_or_404(user=request.user, pk=cohort_pk)
    return render(request, "municipalities/cohort_partners.html", {
        "cohort": cohort, "programme": cohort.programme, **cohort_partner_matrix(user=request.user, cohort=cohort)})


def _action_people(participation):
    return User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.filter(active_q()).filter(
        role__in=[Role.STAFF, Role.ADVISOR], participation=participation).values("user_id")).order_by(
        "full_name", "email")


@login_required
def advisory(request, pk):
    """The advisory session log with agreed actions; the advisor (and facilitators) write it."""
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    if not can_view_advisory(request.user, participation):
        raise PermissionDenied
    can_log = can_log_advisory(request.user, participation)
    form = AdvisorySessionForm(request.POST or None)
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.advisory_session_log(participation=participation, advisor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The advisory session was logged."))
                return redirect(reverse("municipalities:advisory", args=[participation.pk]))
    page = paginate(request, advisory_sessions(participation=participation), per_page=10)
    return render(request, "municipalities/advisory.html", {
        "participation": participation, "programme": participation.cohort.programme, "page": page, "form": form,
        "can_log": can_log, "people": list(_action_people(participation)) if can_log else [],
    })


@require_POST
@login_required
def action_add(request, pk):
    session = advisory_session_get_for_user_or_404(user=request.user, pk=pk)
    participation = session.participation
    if not can_view_advisory(request.user, participation) or not can_log_advisory(request.user, participation):
        raise PermissionDenied
    form = AgreedActionForm(request.POST, people=_action_people(participation))
    if form.is_valid():
        try:
            services.agreed_action_add(session=session, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agreed action was added."))
    else:
        # The form is not shown again (each session has its own small one): say what was wrong with it.
        problems = [_("The action needs a text and a due date.")] if form.errors.keys() - {"owner"} else []
        messages.error(request, " ".join(str(p) for p in [*problems, *form.errors.get("owner", [])]))
    return redirect(reverse("municipalities:advisory", args=[participation.pk]) + f"#session-{session.pk}")


@require_POST
@login_required
def action_milestone(request, pk):
    action = agreed_action_get_for_user_or_404(user=request.user, pk=pk)
    participation = action.session.participation
    if not can_log_advisory(request.user, participation):
        raise PermissionDenied
    try:
        milestone = services.agreed_action_to_milestone(action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” is now a milestone of the municipality.") % {"title": milestone})
    return redirect(reverse("municipalities:advisory", args=[participation.pk]) + f"#session-{action.session_id}")


@login_required
def publication_queue(request):
    """Every published entry waiting for this person's review before it leaves the programme, oldest first: the
    home page shows the first few."""
    if not can_view_publication_queue(request.user):
        raise PermissionDenied
    return render(request, "municipalities/publication_queue.html", {
        "page": paginate(request, selectors.publications_waiting(user=request.user), per_page=25)})


@login_required
def my_municipalities(request):
    """Advisors (and facilitators): the latest status of each municipality, with stalled tests first."""
    if not can_view_my_municipalities(request.user):
        raise PermissionDenied
    return render(request, "municipalities/my_municipalities.html", {
        "page": paginate(request, selectors.my_municipalities(user=request.user), per_page=25),
        "stalled_after_weeks": STALLED_AFTER_WEEKS})
