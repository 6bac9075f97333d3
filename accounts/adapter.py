"""allauth's account adapter: invite-only sign-up, and login limits that an attacker cannot turn against people.

Login limits (issue 14.6; OWASP Authentication Cheat Sheet, allauth's rate limits). allauth on its own counts failed
logins per account from any address, and per address for every account: whoever knows an e-mail address can keep
its owner out, and ten failures behind one NAT (a whole town hall) lock everybody there out. Here failures count

- per account and address together, with growing waits (``login_failed``: a few minutes, ``login_failed_hour``,
  ``login_failed_day``): an attacker elsewhere only locks themselves out, the owner still logs in;
- per address over all accounts (``login_failed_address``) and per account over all addresses
  (``login_failed_account``), both generous: they stop password spraying and a botnet, not a busy office.

The rates are in ``ACCOUNT_RATE_LIMITS`` (settings). The address is allauth's (``get_client_ip``):
``X-Forwarded-For`` counts only behind a configured proxy (``ALLAUTH_TRUSTED_PROXY_COUNT``). The admin logs in
through allauth (``secure_admin_login`` in circular_cities/urls.py), so the same limits hold there."""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Counted before the password is checked (so parallel guesses count too); a correct password takes them back.
ACCOUNT_BOUND_LIMITS = ("login_failed", "login_failed_hour", "login_failed_day", "login_failed_account")
# Counted only for a wrong password: a successful login of one's own account must not reset an address's count.
ADDRESS_LIMIT = "login_failed_address"


def _network(ip: str) -> str:
    """An IPv6 client may use its whole /64: count it as one address, as allauth's own limits do."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        prefix = getattr(settings, "ALLAUTH_RATE_LIMIT_IPV6_PREFIX", 64)
        return str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address)
    return ip


def limit_seconds(action: str) -> int | None:
    """The window of a login limit in ACCOUNT_RATE_LIMITS ("5/5m/key" → 300): the longest anyone waits."""
    rate = settings.ACCOUNT_RATE_LIMITS.get(action) or ""
    try:
        duration = rate.split(",")[0].split("/")[1]
        unit = duration[-1]
        return int(float(duration[:-1] or 1) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit])
    except (IndexError, KeyError, ValueError):
        return None


def wait_text(seconds: int | None) -> str:
    if seconds is None:
        return _("a while")
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if seconds < 86400:
        hours = round(seconds / 3600)
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(seconds / 86400)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def login_limited_error(action: str) -> ValidationError:
    wait = wait_text(limit_seconds(action))
    if action == ADDRESS_LIMIT:
        message = _("Too many failed logins from your network. Wait up to %(wait)s and try again.")
    else:
        message = _("Too many failed logins for this account. Wait up to %(wait)s and try again, or reset your "
                    "password.")
    return ValidationError(message % {"wait": wait}, code="too_many_login_attempts")


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: people join through an invitation (accounts.services)."""

    def is_open_for_signup(self, request):
        return False

    # --- Login limits ---------------------------------------------------------------------------------------

    def login_limit_keys(self, request, credentials: dict) -> dict[str, str | None]:
        """The key each login limit counts under (None: allauth counts per address)."""
        account = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
        pair = f"{account}|{_network(self.get_client_ip(request))}"
        return {"login_failed": pair, "login_failed_hour": pair, "login_failed_day": pair,
                "login_failed_account": f"account:{account}", ADDRESS_LIMIT: None}

    def pre_authenticate(self, request, **credentials):
        # Not allauth's own (one count per account from any address, the lock-out this replaces).
        keys = self.login_limit_keys(request, credentials)
        reached = [action for action, key in keys.items()
                   if not ratelimit.consume(request, action=action, key=key, dry_run=True)]
        if reached:  # tell the longest wait
            raise login_limited_error(max(reached, key=lambda action: limit_seconds(action) or 0))
        for action in ACCOUNT_BOUND_LIMITS:
            if not ratelimit.consume(request, action=action, key=keys[action]):
                raise login_limited_error(action)  # a parallel attempt took the last one

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            # The password was right: only the person (from this address) gets their attempts back.
            keys = self.login_limit_keys(request, credentials)
            for action in ACCOUNT_BOUND_LIMITS:
                ratelimit.clear(request, action=action, key=keys[action])
        return user

    def authentication_failed(self, request, **credentials):
        ratelimit.consume(request, action=ADDRESS_LIMIT)


def on_password_reset(sender, request, user, **kwargs):
    """A new password set through the e-mailed link: the person is who they say, their account's waits end (as
    allauth does for its own count)."""
    keys = get_adapter(request).login_limit_keys(request, {"email": user.email})
    for action in ACCOUNT_BOUND_LIMITS:
        ratelimit.clear(request, action=action, key=keys[action])
