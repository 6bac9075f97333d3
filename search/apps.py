from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search everything a person may see. Sits above the domain apps (like ``reports``): it reads them through
    their own visibility rules and writes nothing."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .selectors import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="search.sqlite_functions")
