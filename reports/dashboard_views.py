"""The dashboards of a programme (issue 7): the politicians' overview and the facilitators' cohort dashboard.
Read-only; the programme is found with the person's visibility (404 for who may not see it); the cohort
dashboard is for who runs the programme (``can_view_cohort_dashboard``, 403 for the others who see it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from circular_cities.utils import query_string
from programmes.forms import CohortDashboardFilterForm
from programmes.lights import TRAFFIC_LIGHT_COLOURS
from programmes.navigation import programme_page_context
from programmes.permissions import can_view_cohort_dashboard
from programmes.selectors import programme_get_for_user_or_404

from . import dashboards


@login_required
def dashboard(request, slug):
    """The politicians' plain-language overview; read-only, for everyone who can see the programme."""
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    light = request.GET.get("light", "")
    if light not in TRAFFIC_LIGHT_COLOURS:
        light = ""
    cohort = request.GET.get("cohort", "")
    cohort_id = int(cohort) if cohort.isascii() and cohort.isdigit() and len(cohort) < 19 else None
    context = {
        **programme_page_context(request.user, programme, "dashboard"),
        "light": light, "cohort_id": cohort_id, "query": urlencode({k: v for k, v in (
            ("light", light), ("cohort", cohort_id or "")) if v}),
        "today": timezone.localdate(), "today_in_range": programme.contains(timezone.localdate()),
    }
    return render(request, "programmes/dashboard_politician.html", {**context, **dashboards.politician_dashboard(
        user=request.user, programme=programme, light=light, cohort_id=cohort_id, page=request.GET.get("page"))})


@login_required
def cohort_dashboard(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_view_cohort_dashboard(request.user, programme):
        raise PermissionDenied
    context = programme_page_context(request.user, programme, "cohort-dashboard")

    def build() -> dict:
        filters = CohortDashboardFilterForm(request.GET, cohorts=programme.cohorts.order_by("starts_on", "name"))
        cleaned = filters.cleaned_data if filters.is_valid() else {}
        return {
            **context, "filters": filters,
            **dashboards.cohort_dashboard(user=request.user, programme=programme, cohort_id=cleaned.get("cohort"),
                                          status=cleaned.get("status") or "", page=request.GET.get("page")),
            "query": query_string(request, "cohort", "status"),
        }

    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "programmes/dashboard_cohort.html#dashboard-body", build())
    return render(request, "programmes/dashboard_cohort.html", {**context, **build()})
