from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "calls"
    verbose_name = _("Open calls")

    def ready(self):
        from accounts.signals import invitation_accepted

        from .services import reviewer_invitation_accepted

        invitation_accepted.connect(reviewer_invitation_accepted, dispatch_uid="calls-reviewer-invitation")
