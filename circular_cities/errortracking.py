"""Error tracking with sentry-sdk (Sentry, or a self-hosted GlitchTip, which speaks the same protocol), switched on
by ``SENTRY_DSN`` and off when it is unset (docs/deployment.md). Called from settings.py, so web, worker and beat
all report.

Personal data stays out of the reports: no IP address, user name or e-mail (``send_default_pii=False``: the user is
reported by id only), no request body (form fields hold names, texts and answers), no cookies, no query string
(a search may hold a name), no local variables of the stack frames, no SQL parameters; and every e-mail address
left in a message, an exception text or a breadcrumb is replaced by ``[email]``. sentry-sdk's own scrubber also
removes passwords, tokens, session and CSRF values wherever they appear.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
REPLACEMENT = "[email]"
PERSONAL_KEYS = ["email", "e_mail", "full_name", "phone", "username"]


def _without_emails(value):
    if isinstance(value, str):
        return EMAIL.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [_without_emails(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_without_emails(item) for item in value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    return value


def scrub_event(event, hint=None):
    """``before_send``: what is left of personal data after sentry-sdk's own settings and scrubber."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {name: value for name, value in headers.items()
                                  if name.lower() not in ("cookie", "authorization", "x-forwarded-for", "referer")}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _without_emails(event)


def scrub_breadcrumb(crumb, hint=None):
    return _without_emails(crumb)


def init(dsn: str, *, environment: str, release: str | None = None, traces_sample_rate: float = 0.0,
         transport=None) -> bool:
    """Start reporting to ``dsn``; nothing at all when it is empty. Returns whether it reports."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        event_scrubber=EventScrubber(denylist=[*DEFAULT_DENYLIST, *PERSONAL_KEYS], recursive=True,
                                     pii_denylist=DEFAULT_PII_DENYLIST),
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        **({"transport": transport} if transport is not None else {}),
    )
    return True
