from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_missing_status_rows, sender=self, dispatch_uid="programmes-status-rows")


def _missing_status_rows(sender, using="default", **kwargs):
    """Housekeeping after ``migrate``: a participation without its status row (a database from before the rows,
    a restored backup) gets one, computed with today's code and schema, not inside a migration."""
    from .models import Participation
    from .status import status_refresh

    missing = list(Participation.objects.using(using).filter(status_row__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(missing), 500):
        status_refresh(participation_ids=missing[start:start + 500])
