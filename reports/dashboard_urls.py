"""The dashboards keep their addresses under /programmes/<slug>/ (reports/dashboard_views.py)."""

from django.urls import path

from . import dashboard_views

app_name = "dashboards"

urlpatterns = [
    path("<slug:slug>/dashboard/", dashboard_views.dashboard, name="programme"),
    path("<slug:slug>/dashboard/cohort/", dashboard_views.cohort_dashboard, name="cohort"),
]
