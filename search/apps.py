from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search everything a person may see. Sits above the domain apps (like ``reports``): it reads them through
    their own visibility rules and writes nothing."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")
