from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheets brought in: team members, milestones, budget lines and spending, read from XLSX or CSV,
    previewed, and saved all or nothing through the domain apps' own services."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("Spreadsheet imports")
