"""Session lifetime: idle and absolute timeouts, ending every session of a person.

allauth.usersessions lists a person's sessions and signs out the others; this module adds what it does not:
timeouts, "log out everywhere", and ending all sessions at once when a person is deactivated or erased."""

import time
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import ngettext

LOGIN_AT = "_cc_login_at"
SEEN_AT = "_cc_seen_at"
# Last-activity stamps are written at most this often, so a busy page does not save the session on every request.
SEEN_RESOLUTION_SECONDS = 60
# Session engines that keep every session in the database table (cached_db also keeps a copy in the cache).
DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def mark_login(request) -> None:
    now = time.time()  # a session's clocks, as Unix times in the session (JSON-serialisable)
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def timed_out(session, now: float) -> str | None:
    """"idle" or "absolute" when the session has run out, else None."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is not None and now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
        return "absolute"
    if seen_at is not None and now - seen_at > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Log a person out after a period without requests (idle) and a fixed time after logging in (absolute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = timed_out(request.session, now)
            if reason:
                return self.time_out(request, reason)
            if request.session.get(LOGIN_AT) is None:
                request.session[LOGIN_AT] = now  # sessions from before this middleware: the clock starts now
            if now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
                if settings.USERSESSIONS_TRACK_ACTIVITY:
                    UserSession.objects.create_from_request(request)  # last seen, IP and browser of the session
        return self.get_response(request)

    def time_out(self, request, reason: str):
        logout(request)
        if reason == "idle":
            minutes = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
            message = ngettext("You were logged out after %(minutes)d minute without activity. Please log in again.",
                               "You were logged out after %(minutes)d minutes without activity. Please log in again.",
                               minutes) % {"minutes": minutes}
        else:
            hours = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS // 3600
            message = ngettext("Your session ended %(hours)d hour after you logged in. Please log in again.",
                               "Your session ended %(hours)d hours after you logged in. Please log in again.",
                               hours) % {"hours": hours}
        messages.info(request, message)
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET" and not request.path.startswith(login_url):
            login_url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":  # runs before django-htmx sets request.htmx
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)


def end_sessions(user, *, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` (but ``keep_session_key``), wherever it was opened. Returns how many."""
    ended = 0
    for user_session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        user_session.end()
        ended += 1
    # Sessions opened before allauth.usersessions tracked them: with database sessions, find them by owner.
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(
                session_key=keep_session_key or "").iterator():
            if store().decode(session.session_data).get(SESSION_KEY) == str(user.pk):
                store(session_key=session.session_key).delete()  # the cached copy too (cached_db)
                ended += 1
    return ended


def on_user_logged_in(sender, request, user, **kwargs):
    mark_login(request)


def on_user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember whether a save deactivates the person, so that post_save can end their sessions."""
    if raw or not instance.pk or (update_fields is not None and "is_active" not in update_fields):
        return
    if not instance.is_active:
        was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
        instance._cc_deactivated = was_active


def on_user_post_save(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_cc_deactivated", False):
        instance._cc_deactivated = False
        end_sessions(instance)

