from django.urls import path  # noqa: F401

app_name = "reports"

# Briefings for follow-group meetings (reports/briefing*.py) and the funder report with the open-data export
# (reports/funder*.py) each keep their own block below.
urlpatterns = [
    # --- briefings ---
    # --- funder report and open data ---
]
