"""Programme screens. Thin: parse input → selector (404) → predicate (403) → one service → page or htmx partial.

Small edits (cohorts, phases, milestones, budget lines, spending) answer an htmx request with the fragment
that changed, and a plain request with a redirect, so every screen also works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from circular_cities.utils import add_service_errors, paginate, query_string

from . import lights, services
from .display import build_budget_chart, elapsed_percent
from .forms import (
    BudgetLineForm,
    CohortForm,
    MilestoneFilterForm,
    MilestoneForm,
    ObjectiveFormSet,
    PhaseForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    SpendingForm,
    objectives_initial,
)
from .models import BudgetLine, Cohort, Milestone, Phase
from .navigation import programme_page_context
from .permissions import (
    can_complete_milestone,
    can_create_programme,
    can_edit_programme,
    can_view_budget,
    can_view_history,
)
from .selectors import (
    OPEN_STATUSES,
    budget_line_get_for_user_or_404,
    budget_overview,
    cohort_get_for_user_or_404,
    history_entries,
    history_for_programme,
    milestone_get_for_user_or_404,
    milestone_list_for_user,
    organisations_by_part,
    phase_get_for_user_or_404,
    phase_list,
    programme_detail_for_user_or_404,
    programme_get_for_user_or_404,
    programme_list_for_user,
    spending_get_for_user_or_404,
    spending_list,
    visible_participations,
)


def _programme_context(request, programme, section: str) -> dict:
    return programme_page_context(request.user, programme, section)


def _require_edit(request, programme) -> None:
    if not can_edit_programme(request.user, programme):
        raise PermissionDenied


_query = query_string


def _after_write(request, partial: str, context: dict, *, target: str, fallback: str):
    """An htmx request gets ``partial`` swapped into ``target``; a plain one goes back to ``fallback``."""
    if request.htmx:
        return reswap(retarget(render(request, partial, context), target), "outerHTML")
    return redirect(fallback)


def _inline_or_page(request, fragment: str, context: dict, *, title, action: str, cancel_url: str):
    """A form in place for htmx (``fragment``), or on a page of its own when JavaScript is off."""
    if request.htmx:
        return render(request, fragment, context)
    return render(request, "programmes/form_page.html",
                  {**context, "title": title, "action": action, "cancel_url": cancel_url})


# Pages whose content is their ``{% partialdef body %}``.
BODY_PAGES = frozenset({"programmes/programme_detail.html", "programmes/milestone_list.html"})


def _fragment_or_page(request, page: str, fragment: str, context: dict):
    """Re-show a form with its errors: htmx swaps the fragment (its id is the fragment's name) in place;
    a plain request gets the whole page (never kept: it shows this person's form)."""
    if request.htmx:
        return reswap(retarget(render(request, f"{page}#{fragment}", context), f"#{fragment}"), "outerHTML")
    if page in BODY_PAGES:
        context = {**context, "body": render_to_string(f"{page}#body", context, request=request)}
    return render(request, page, context)


# --- Programmes ------------------------------------------------------------------------------------------

@login_required
def programme_list(request):
    can_create = can_create_programme(request.user)
    context = {"can_create": can_create}

    def build() -> dict:
        filters = ProgrammeFilterForm(request.GET or None)
        status = filters.cleaned_data["status"] if filters.is_valid() else ""
        page = paginate(request, programme_list_for_user(user=request.user, status=status))
        today = timezone.localdate()
        for programme in page.object_list:
            programme.elapsed = elapsed_percent(programme.starts_on, programme.ends_on, today)
        return {**context, "page": page, "filters": filters, "query": _query(request, "status")}

    if request.htmx:
        return render(request, "programmes/programme_list.html#programme-results", build())
    return render(request, "programmes/programme_list.html", {**context, **build()})


def _programme_form_page(request, form, objectives, programme=None):
    context = {"form": form, "objectives": objectives}
    if programme is not None:
        context.update(_programme_context(request, programme, "edit"))
    return render(request, "programmes/programme_form.html", context)


def _objective_rows(objectives) -> list[tuple[str, str]]:
    return [(f.cleaned_data.get("text_da", ""), f.cleaned_data.get("text_en", "")) for f in objectives.forms
            if f.cleaned_data]


@login_required
def programme_create(request):
    if not can_create_programme(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    objectives = ObjectiveFormSet(request.POST or None, prefix="objectives")
    if request.method == "POST" and form.is_valid() and objectives.is_valid():
        try:
            programme = services.programme_create(by=request.user, objectives=_objective_rows(objectives),
                                                  **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme %(name)s was created. You are one of its facilitators.")
                             % {"name": programme.name})
            return redirect(programme.get_absolute_url())
    return _programme_form_page(request, form, objectives)


@login_required
def programme_detail(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    context = _programme_context(request, programme, "overview")

    def build() -> dict:
        detailed = programme_detail_for_user_or_404(user=request.user, slug=slug)
        return _detail_context(request, detailed)

    if request.htmx:  # "Cancel" in a cohort's edit form: the cohorts again
        return render(request, "programmes/programme_detail.html#cohorts", build())
    return render(request, "programmes/programme_detail.html", {**context, **build()})


def _detail_context(request, programme, **extra) -> dict:
    context = _programme_context(request, programme, "overview")
    context.update(organisations=organisations_by_part(programme), cohorts=list(programme.cohorts.all()),
                   cohort_form=CohortForm(prefix="cohort-new"))
    context.update(extra)  # e.g. the posted cohort_form with its errors
    return context


@login_required
def programme_edit(request, slug):
    programme = programme_detail_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    form = ProgrammeForm(request.POST or None, instance=programme, organisations=organisations_by_part(programme))
    objectives = ObjectiveFormSet(request.POST or None, prefix="objectives",
                                  initial=None if request.method == "POST" else objectives_initial(programme))
    if request.method == "POST" and form.is_valid() and objectives.is_valid():
        try:
            services.programme_update(programme=programme, by=request.user, objectives=_objective_rows(objectives),
                                      **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect(programme.get_absolute_url())
    return _programme_form_page(request, form, objectives, programme)


# --- Cohorts (on the programme page) ---------------------------------------------------------------------

def _cohorts_response(request, programme, **extra):
    programme = programme_detail_for_user_or_404(user=request.user, slug=programme.slug)
    context = _detail_context(request, programme, **extra)
    return _fragment_or_page(request, "programmes/programme_detail.html", "cohorts", context)


@require_POST
@login_required
def cohort_add(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    form = CohortForm(request.POST, instance=Cohort(programme=programme), prefix="cohort-new")
    if form.is_valid():
        try:
            services.cohort_create(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return _cohorts_response(request, programme)
            return redirect(programme.get_absolute_url() + "#cohorts")
    return _cohorts_response(request, programme, cohort_form=form)


@login_required
def cohort_edit(request, pk):
    cohort = cohort_get_for_user_or_404(user=request.user, pk=pk)
    programme = cohort.programme
    _require_edit(request, programme)
    form = CohortForm(request.POST or None, instance=cohort, prefix=f"cohort-{cohort.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return _cohorts_response(request, programme)
            return redirect(programme.get_absolute_url() + "#cohorts")
    context = {**_programme_context(request, programme, "overview"), "cohort": cohort, "form": form}
    return _inline_or_page(request, "programmes/programme_detail.html#cohort-form", context,
                           title=_("Edit cohort %(name)s") % {"name": cohort.name},
                           action=reverse("programmes:cohort-edit", args=[cohort.pk]),
                           cancel_url=programme.get_absolute_url() + "#cohorts")


@require_POST
@login_required
def cohort_delete(request, pk):
    cohort = cohort_get_for_user_or_404(user=request.user, pk=pk)
    programme = cohort.programme
    _require_edit(request, programme)
    try:
        services.cohort_delete(cohort=cohort)
    except ValidationError as error:
        if request.htmx:
            return _cohorts_response(request, programme, cohort_error=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
    else:
        if request.htmx:
            return _cohorts_response(request, programme)
        messages.success(request, _("The cohort %(name)s was deleted.") % {"name": cohort.name})
    return redirect(programme.get_absolute_url() + "#cohorts")


# --- Phases ---------------------------------------------------------------------------------------------

def _phases_context(request, programme, **extra) -> dict:
    context = _programme_context(request, programme, "phases")
    context.update(phases=list(phase_list(programme=programme)), add_form=PhaseForm(prefix="phase-new"))
    context.update(extra)
    return context


@login_required
def phases(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    context = _phases_context(request, programme)
    if request.htmx:
        return render(request, "programmes/phase_list.html#phase-list", context)
    return render(request, "programmes/phase_list.html", context)


def _phases_after_write(request, programme, **extra):
    return _after_write(request, "programmes/phase_list.html#phase-list", _phases_context(request, programme, **extra),
                        target="#phase-list", fallback=reverse("programmes:phases", args=[programme.slug]))


@require_POST
@login_required
def phase_add(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    form = PhaseForm(request.POST, instance=Phase(programme=programme), prefix="phase-new")
    if form.is_valid():
        try:
            services.phase_create(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _phases_after_write(request, programme)
    context = _phases_context(request, programme, add_form=form)
    return _fragment_or_page(request, "programmes/phase_list.html", "phase-list", context)


@login_required
def phase_edit(request, pk):
    phase = phase_get_for_user_or_404(user=request.user, pk=pk)
    programme = phase.programme
    _require_edit(request, programme)
    form = PhaseForm(request.POST or None, instance=phase, prefix=f"phase-{phase.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_update(phase=phase, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _phases_after_write(request, programme)
    context = {**_programme_context(request, programme, "phases"), "phase": phase, "form": form}
    return _inline_or_page(request, "programmes/phase_list.html#phase-edit-row", context,
                           title=_("Edit phase %(name)s") % {"name": phase.name},
                           action=reverse("programmes:phase-edit", args=[phase.pk]),
                           cancel_url=reverse("programmes:phases", args=[programme.slug]))


@require_POST
@login_required
def phase_delete(request, pk):
    phase = phase_get_for_user_or_404(user=request.user, pk=pk)
    _require_edit(request, phase.programme)
    services.phase_delete(phase=phase)
    if not request.htmx:
        messages.success(request, _("The phase %(name)s was deleted.") % {"name": phase.name})
    return _phases_after_write(request, phase.programme)


@require_POST
@login_required
def phase_move(request, pk):
    phase = phase_get_for_user_or_404(user=request.user, pk=pk)
    _require_edit(request, phase.programme)
    try:
        services.phase_move(phase=phase, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _phases_after_write(request, phase.programme)


# --- Milestones -----------------------------------------------------------------------------------------

MILESTONE_QUERY = ("where", "status", "page")
MILESTONES_PER_PAGE = 25


def _page_with_neighbours(page) -> list:
    """The page's milestones, each marked with whether the one before or after it is due the same day, also
    across the page's edges (the last of one page and the first of the next can swap): one query, as the page's
    own would be."""
    low = max(page.start_index() - 2, 0)  # start_index() counts from 1; one more before the page
    rows = list(page.paginator.object_list[low:page.end_index() + 1])
    _mark_neighbours(rows)
    first = max(page.start_index() - 1 - low, 0)
    return rows[first:first + len(page)]


def _mark_neighbours(milestones) -> None:
    """Milestones are ordered by due date; up/down decide the order among those due the same day."""
    for index, milestone in enumerate(milestones):
        before = milestones[index - 1] if index else None
        after = milestones[index + 1] if index + 1 < len(milestones) else None
        milestone.same_day_before = bool(before and before.due_on == milestone.due_on)
        milestone.same_day_after = bool(after and after.due_on == milestone.due_on)
        milestone.movable = milestone.same_day_before or milestone.same_day_after


def _milestones_context(request, programme, **extra) -> dict:
    user = request.user
    participations = visible_participations(user=user, programme=programme).values_list("pk", "municipality__name")
    filters = MilestoneFilterForm(request.GET or None, participations=participations)
    where = status = ""
    if filters.is_valid():
        where, status = filters.cleaned_data["where"], filters.cleaned_data["status"]
    page = paginate(request, milestone_list_for_user(user=user, programme=programme, where=where, status=status),
                    per_page=MILESTONES_PER_PAGE)
    items = _page_with_neighbours(page)
    for milestone in items:
        milestone.can_complete = milestone.status in OPEN_STATUSES and can_complete_milestone(user, milestone)
    context = _programme_context(request, programme, "milestones")
    context.update(page=page, milestones=items, filters=filters, query=_query(request, "where", "status"),
                   keep=_query(request, *MILESTONE_QUERY), add_form=None, today=timezone.localdate())
    context.update(extra)
    return context


@login_required
def milestones(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    context = _programme_context(request, programme, "milestones")

    def build() -> dict:
        return _milestones_context(request, programme)

    if request.htmx:
        return render(request, "programmes/milestone_list.html#milestone-list", build())
    return render(request, "programmes/milestone_list.html", {**context, **build()})


def _milestones_after_write(request, programme, **extra):
    fallback = reverse("programmes:milestones", args=[programme.slug])
    keep = _query(request, *MILESTONE_QUERY)
    return _after_write(request, "programmes/milestone_list.html#milestone-list",
                        _milestones_context(request, programme, **extra), target="#milestone-list",
                        fallback=f"{fallback}?{keep}" if keep else fallback)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request, slug):
    """The add form is fetched when asked for (the button above it loads it with htmx, or opens it as a page):
    with a national programme's people and municipalities in its lists it costs more than the list itself."""
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    blank = Milestone(programme=programme)
    form = MilestoneForm(request.POST or None, instance=blank, prefix="milestone-new", programme=programme)
    if request.method == "GET":
        keep = _query(request, *MILESTONE_QUERY)
        context = {**_programme_context(request, programme, "milestones"), "add_form": form, "keep": keep}
        return _inline_or_page(request, "programmes/milestone_list.html#milestone-add-form", {**context, "form": form},
                               title=_("Add a milestone"),
                               action=reverse("programmes:milestone-add", args=[programme.slug]),
                               cancel_url=reverse("programmes:milestones", args=[programme.slug]))
    if form.is_valid():
        try:
            services.milestone_create(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # the form stays open, empty, for the next milestone
            return _milestones_after_write(request, programme, add_form=MilestoneForm(
                prefix="milestone-new", programme=programme) if request.htmx else None)
    context = _milestones_context(request, programme, add_form=form)
    return _fragment_or_page(request, "programmes/milestone_list.html", "milestone-list", context)


@login_required
def milestone_edit(request, pk):
    milestone = milestone_get_for_user_or_404(user=request.user, pk=pk)
    programme = milestone.programme
    _require_edit(request, programme)
    form = MilestoneForm(request.POST or None, instance=milestone, prefix=f"milestone-{milestone.pk}",
                         programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _milestones_after_write(request, programme)
    context = {**_programme_context(request, programme, "milestones"), "milestone": milestone, "form": form,
               "keep": _query(request, *MILESTONE_QUERY)}
    return _inline_or_page(request, "programmes/milestone_list.html#milestone-edit-row", context,
                           title=_("Edit milestone %(name)s") % {"name": milestone.title},
                           action=reverse("programmes:milestone-edit", args=[milestone.pk]),
                           cancel_url=reverse("programmes:milestones", args=[programme.slug]))


@require_POST
@login_required
def milestone_complete(request, pk):
    milestone = milestone_get_for_user_or_404(user=request.user, pk=pk)
    if not can_complete_milestone(request.user, milestone):
        raise PermissionDenied
    services.milestone_complete(milestone=milestone, by=request.user)
    if not request.htmx:
        messages.success(request, _("“%(title)s” is marked as done.") % {"title": milestone.title})
    return _milestones_after_write(request, milestone.programme)


@require_POST
@login_required
def milestone_delete(request, pk):
    milestone = milestone_get_for_user_or_404(user=request.user, pk=pk)
    _require_edit(request, milestone.programme)
    services.milestone_delete(milestone=milestone, by=request.user)
    if not request.htmx:
        messages.success(request, _("The milestone “%(title)s” was deleted.") % {"title": milestone.title})
    return _milestones_after_write(request, milestone.programme)


@require_POST
@login_required
def milestone_move(request, pk):
    milestone = milestone_get_for_user_or_404(user=request.user, pk=pk)
    _require_edit(request, milestone.programme)
    try:
        services.milestone_move(milestone=milestone, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _milestones_after_write(request, milestone.programme)


# --- Budget ---------------------------------------------------------------------------------------------

def _require_budget(request, programme) -> None:
    if not can_view_budget(request.user, programme):
        raise PermissionDenied


def _budget_context(request, programme, **extra) -> dict:
    overview = budget_overview(programme=programme)
    context = _programme_context(request, programme, "budget")
    context.update(
        overview=overview, chart=build_budget_chart(overview.lines),
        spendings=paginate(request, spending_list(programme=programme), per_page=50),
        line_form=BudgetLineForm(prefix="line-new"),
        spending_form=SpendingForm(prefix="spending", programme=programme, initial={"spent_on": timezone.localdate()}),
        notices=[], keep=_query(request, "page"),
    )
    context.update(extra)
    return context


@login_required
def budget(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_budget(request, programme)
    context = _budget_context(request, programme)
    if request.htmx:
        return render(request, "programmes/budget.html#budget-body", context)
    return render(request, "programmes/budget.html", context)


def _budget_after_write(request, programme, notices=(), **extra):
    """htmx: the whole budget body again (chart, table and spending change together). Plain: back to the page,
    with the warnings as messages."""
    if not request.htmx:
        for notice in notices:
            messages.warning(request, notice)
    return _after_write(request, "programmes/budget.html#budget-body",
                        _budget_context(request, programme, notices=list(notices), **extra), target="#budget-body",
                        fallback=reverse("programmes:budget", args=[programme.slug]))


def _budget_form_error(request, programme, **forms):
    context = _budget_context(request, programme, **forms)
    return _fragment_or_page(request, "programmes/budget.html", "budget-body", context)


@require_POST
@login_required
def budget_line_add(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    form = BudgetLineForm(request.POST, instance=BudgetLine(programme=programme), prefix="line-new")
    if form.is_valid():
        try:
            _line, notices = services.budget_line_create(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _budget_after_write(request, programme, notices)
    return _budget_form_error(request, programme, line_form=form)


@login_required
def budget_line_edit(request, pk):
    line = budget_line_get_for_user_or_404(user=request.user, pk=pk)
    programme = line.programme
    _require_edit(request, programme)
    form = BudgetLineForm(request.POST or None, instance=line, prefix=f"line-{line.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            _line, notices = services.budget_line_update(line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _budget_after_write(request, programme, notices)
    context = {**_programme_context(request, programme, "budget"), "line": line, "form": form}
    return _inline_or_page(request, "programmes/budget.html#line-edit-row", context,
                           title=_("Edit work package %(code)s") % {"code": line.code},
                           action=reverse("programmes:budget-line-edit", args=[line.pk]),
                           cancel_url=reverse("programmes:budget", args=[programme.slug]))


@require_POST
@login_required
def budget_line_delete(request, pk):
    line = budget_line_get_for_user_or_404(user=request.user, pk=pk)
    programme = line.programme
    _require_edit(request, programme)
    try:
        services.budget_line_delete(line=line)
    except ValidationError as error:
        if request.htmx:
            return _budget_after_write(request, programme, error.messages)
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:budget", programme.slug)
    return _budget_after_write(request, programme)


@require_POST
@login_required
def spending_add(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    _require_edit(request, programme)
    form = SpendingForm(request.POST, prefix="spending", programme=programme)
    if form.is_valid():
        try:
            _spending, notices = services.spending_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _budget_after_write(request, programme, notices)
    return _budget_form_error(request, programme, spending_form=form)


@require_POST
@login_required
def spending_delete(request, pk):
    spending = spending_get_for_user_or_404(user=request.user, pk=pk)
    programme = spending.budget_line.programme
    _require_edit(request, programme)
    services.spending_delete(spending=spending)
    return _budget_after_write(request, programme)


# --- Timeline, cohort board, history ------------------------------------------------------------------------

TIMELINE_PER_PAGE = 20  # municipality rows; the phases and the whole programme's milestones are on every page

@login_required
def timeline(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    context = _programme_context(request, programme, "timeline")

    def build() -> dict:
        page = paginate(request, visible_participations(user=request.user, programme=programme),
                        per_page=TIMELINE_PER_PAGE)
        today = timezone.localdate()
        return {**lights.timeline_picture(user=request.user, programme=programme,
                                              participations=page.object_list),
                "today": today, "today_in_range": programme.contains(today), "page": page}

    return render(request, "programmes/timeline.html", {**context, **build()})


@login_required
def board(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    context = _programme_context(request, programme, "board")

    def build() -> dict:
        page, cohorts, _matching = lights.board_page(user=request.user, programme=programme,
                                                         page=request.GET.get("page"))
        return {"cohorts": cohorts, "page": page}

    return render(request, "programmes/board.html", {**context, **build()})


@login_required
def history(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_view_history(request.user, programme):
        raise PermissionDenied
    page = paginate(request, history_for_programme(programme=programme), per_page=30)
    entries = history_entries(page_rows=list(page.object_list))
    return render(request, "programmes/history.html", {
        **_programme_context(request, programme, "history"), "page": page, "entries": entries,
    })


