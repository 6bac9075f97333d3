from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from .cache import connect_signals

        connect_signals()  # cached reports go out of date when a row they read changes (reports/cache.py)
