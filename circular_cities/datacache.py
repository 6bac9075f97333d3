"""What pages compute from the platform's rows, kept in Django's cache until a row changes.

Most requests read far more often than anybody writes: a politician's dashboard, a cohort board or the
community library looks the same for every reload until somebody saves something. This module keeps such
results under a **data version**, a token that changes whenever a row of one of the platform's own apps
(``WATCHED_APPS``) is saved or deleted, or a many-to-many set of theirs changes. A new version makes every
value stored under the old one unreachable at once, so there is nothing to invalidate piece by piece and
nothing to forget.

* The version changes at once (so the writer's next page shows the write) and again when the transaction
  commits (so a page computed by another request between the write and the commit, from the old rows, is not
  kept under the new version).
* Writes that send no signal (``QuerySet.update``, ``bulk_create``, raw SQL, a restore) are caught by the time
  to live: nothing is kept longer than ``settings.DATA_CACHE_SECONDS`` (5 minutes by default). The day is part
  of every key too, so "overdue" and "upcoming" never lag behind midnight.
* What is kept is keyed by what it depends on, and by who may see it (``vary``): a page part shown to every
  facilitator of a programme is kept once for all of them; one that depends on the person names the person.
* The cache fails soft (circular_cities/cache.py): while Redis is down every read is a miss and the page is
  computed as before. A write made while Redis was unreachable could not change the version, so what was kept
  before the outage may show for up to the time to live once Redis answers again.

``cached_html`` keeps rendered HTML. A ``{% csrf_token %}`` in it is rendered as a placeholder and replaced
with the asking request's token on the way out, so a stored form never carries somebody else's token.
"""

from __future__ import annotations

import hashlib
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

VERSION_KEY = "cc:data-version"
# The platform's own apps: a saved or deleted row of any of their models makes every kept value out of date.
WATCHED_APPS = frozenset({
    "accounts", "programmes", "municipalities", "workshops", "community", "notifications",
})
CSRF_PLACEHOLDER = "cc-csrf-placeholder-6f1d0c"


# Within one request the version is read from the cache once (request_started/request_finished set and clear
# this); outside requests (Celery tasks, commands) it is read every time.
_request_memo: ContextVar[dict | None] = ContextVar("cc_data_version_memo", default=None)


def data_version() -> str:
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY) or version
    if memo is not None:
        memo["version"] = version
    return version


def bump_data_version() -> None:
    version = str(time.time_ns())
    cache.set(VERSION_KEY, version, timeout=None)
    memo = _request_memo.get()
    if memo is not None:
        memo["version"] = version


def _request_started(**_kwargs) -> None:
    _request_memo.set({})


def _request_finished(**_kwargs) -> None:
    _request_memo.set(None)


def data_changed() -> None:
    """Every kept value is out of date: call after a write that sends no signal (``QuerySet.update``,
    ``bulk_create``, ``bulk_update``) of rows that pages show."""
    bump_data_version()
    transaction.on_commit(bump_data_version)


# Saves of only these columns change nothing any page shows: a login stamps ``last_login`` and must not end every
# kept page of everybody.
UNSHOWN_FIELDS = frozenset({"last_login"})


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw") or sender._meta.app_label not in WATCHED_APPS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and frozenset(update_fields) <= UNSHOWN_FIELDS:
        return
    data_changed()


def connect_signals() -> None:
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import m2m_changed, post_delete, post_save

    request_started.connect(_request_started, dispatch_uid="datacache-request-started")
    request_finished.connect(_request_finished, dispatch_uid="datacache-request-finished")

    post_save.connect(_on_change, dispatch_uid="datacache-save")
    post_delete.connect(_on_change, dispatch_uid="datacache-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="datacache-m2m")


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_change(type(instance))


def cache_key(kind: str, *parts) -> str:
    """A key for ``parts`` under today's date, the language and the current data version."""
    raw = "\x1f".join(str(part) for part in (timezone.localdate(), get_language(), data_version(), *parts))
    return f"cc:{kind}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


def cached_value(kind: str, *parts, build):
    """``build()`` once per ``parts``, day, language and data version; the kept value otherwise.
    ``DATA_CACHE_SECONDS = 0`` keeps nothing (the tests' default, so that query counts do not depend on what an
    earlier request left)."""
    if settings.DATA_CACHE_SECONDS <= 0:
        return build()
    key = cache_key(kind, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.DATA_CACHE_SECONDS)
    return value


def cached_html(request, template_name: str, build_context, *, vary=()) -> SafeString:
    """``template_name`` rendered with ``build_context()``, kept per template, ``vary``, the request's query
    string, day, language and data version. ``vary`` names whose view this is (see the module's docstring);
    ``build_context`` is only called on a miss."""

    def build() -> str:
        context = build_context()
        context["csrf_token"] = CSRF_PLACEHOLDER
        return render_to_string(template_name, context, request=request)

    query = sorted(request.GET.lists())
    html = cached_value("html", template_name, *vary, query, build=build)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308  (rendered by our own templates, escaped there)


def render_cached(request, template_name: str, context: dict, build, *, vary, status: int | None = None):
    """A page whose expensive part is kept: ``template_name``'s ``{% partialdef body %}``, rendered from
    ``{**context, **build()}`` on a miss, reaches the page as ``{{ body }}``. ``context`` is what the page needs
    around it (title, sub-navigation: cheap); ``build`` is only called on a miss; ``vary`` as for
    ``cached_html``."""
    from django.shortcuts import render

    context["body"] = cached_html(request, f"{template_name}#body", lambda: {**context, **build()}, vary=vary)
    return render(request, template_name, context, status=status)
