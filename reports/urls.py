from django.urls import path  # noqa: F401

from . import briefing_views

app_name = "reports"

# Briefings for follow-group meetings (reports/briefing*.py) and the funder report with the open-data export
# (reports/funder*.py) each keep their own block below.
urlpatterns = [
    # --- briefings ---
    path("meetings/<int:pk>/briefing/", briefing_views.briefing, name="briefing"),
    path("meetings/<int:pk>/briefing.pdf", briefing_views.briefing_pdf, name="briefing-pdf"),
    # --- funder report and open data ---
]
