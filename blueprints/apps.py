from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlueprintsConfig(AppConfig):
    """A programme from a programme: copy the structure of one programme, shifted to a new start, and keep
    programmes as named templates to start from (issue 22, part 2)."""

    name = "blueprints"
    verbose_name = _("Programme templates")
