from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")  # not "Accounts": allauth's e-mail addresses are called that in the admin

    def ready(self):
        from allauth.account.signals import password_reset
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save, pre_save

        from . import adapter, sessions
        from .models import User

        # Housekeeping: stamp the login time for the absolute timeout; a deactivated person is logged out everywhere.
        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="cc-mark-login")
        pre_save.connect(sessions.on_user_pre_save, sender=User, dispatch_uid="cc-deactivate-pre")
        post_save.connect(sessions.on_user_post_save, sender=User, dispatch_uid="cc-deactivate-post")
        # A password reset ends the login waits of that account (accounts/adapter.py).
        password_reset.connect(adapter.on_password_reset, dispatch_uid="cc-login-limits-reset")
