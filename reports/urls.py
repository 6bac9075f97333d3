from django.urls import path  # noqa: F401

from . import briefing_views, funder_views

app_name = "reports"

# Briefings for follow-group meetings (reports/briefing*.py) and the funder report with the open-data export
# (reports/funder*.py) each keep their own block below.
urlpatterns = [
    # --- briefings ---
    path("meetings/<int:pk>/briefing/", briefing_views.briefing, name="briefing"),
    path("meetings/<int:pk>/briefing.pdf", briefing_views.briefing_pdf, name="briefing-pdf"),
    # --- funder report and open data ---
    path("programmes/<slug:slug>/funder/", funder_views.funder_report_page, name="funder"),
    path("programmes/<slug:slug>/funder.pdf", funder_views.funder_report_pdf, name="funder-pdf"),
    path("programmes/<slug:slug>/funder.csv", funder_views.funder_report_csv, name="funder-csv"),
    path("programmes/<slug:slug>/funder.xlsx", funder_views.funder_report_xlsx, name="funder-xlsx"),
    path("programmes/<slug:slug>/open-data.csv", funder_views.open_data_csv, name="open-data-csv"),
    path("programmes/<slug:slug>/open-data.json", funder_views.open_data_json, name="open-data-json"),
]
