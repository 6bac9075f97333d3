from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_invite
from accounts.views import team_context
from circular_cities.utils import add_service_errors, paginate
from programmes.permissions import can_edit_participation

from . import services
from .forms import AdvisorForm, EnrolForm, LocalChallengeForm, MunicipalitySearchForm, ParticipationForm
from .permissions import (
    can_assign_advisor,
    can_edit_challenge,
    can_enrol,
    can_view_follow_group,
    can_view_participation_history,
    can_withdraw_participation,
)
from .selectors import (
    advisor_pool,
    challenge_sdgs,
    cohort_get_for_user_or_404,
    cohort_participations,
    describe_changes,
    municipality_search,
    participation_advisors,
    participation_challenge,
    participation_changes,
    participation_get_for_user_or_404,
    participation_milestones,
    strategy_ladder,
)

HISTORY_ON_PAGE = 10


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
    services.participation_withdraw(participation=participation)
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


@login_required
def participation_detail(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    user = request.user
    programme = participation.cohort.programme
    context = {
        **_challenge_context(user, participation), **_advisor_context(user, participation),
        **team_context(user, participation), **_plan_context(user, participation),
        "programme": programme,
        "milestones": participation_milestones(participation=participation),
        "can_view_follow_group": can_view_follow_group(user, programme),
        "can_enrol": can_enrol(user, participation.cohort),
        "can_view_history": can_view_participation_history(user, participation),
    }
    if context["can_view_history"]:
        rows = list(participation_changes(participation=participation)[: HISTORY_ON_PAGE + 1])
        context["changes"] = describe_changes(participation=participation, rows=rows[:HISTORY_ON_PAGE])
        context["more_changes"] = len(rows) > HISTORY_ON_PAGE
    return render(request, "municipalities/participation_detail.html", context)


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
