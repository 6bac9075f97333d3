"""Answer a request again when the database connection was cut under it, if nothing it did has been kept.

A PostgreSQL restart or failover ends every open connection: a query that is running at that instant fails
("terminating connection due to administrator command", "server closed the connection unexpectedly"), and the
person would see the error page although the database is back a moment later. This middleware runs the request
once more on a new connection (circular_cities.postgresql_retry waits for the server), but only when doing so
cannot do anything twice:

- the failure was a lost connection (the driver says the connection is closed or broken), not any other
  database error;
- no write of the request has been committed: a write in autocommit mode counts as committed at once, a write
  inside a transaction when that transaction commits. A transaction the lost connection cut off was rolled
  back by the server, and the platform queues Celery tasks and e-mails with ``transaction.on_commit``, so
  nothing has left the process either;
- it is the first retry of that request.

Bookkeeping writes that are the same whenever they happen (the session row, allauth's user-session activity)
do not count. It sits above the session and authentication middleware, so they run again too.
"""

from __future__ import annotations

import logging
import re

from django.db import connection

logger = logging.getLogger(__name__)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
IDEMPOTENT_TABLES = ("django_session", "usersessions_usersession")


def connection_lost(db) -> bool:
    """Whether Django's connection ``db`` has lost its server (psycopg marks it closed or broken)."""
    raw = db.connection
    if raw is None:
        return False
    return bool(getattr(raw, "closed", False) or getattr(raw, "broken", False))


class _RequestDatabaseLog:
    """An execute wrapper that notes committed writes and whether a query died with its connection."""

    def __init__(self):
        self.committed = False
        self.lost = False

    def _mark_committed(self):
        self.committed = True

    def __call__(self, execute, sql, params, many, context):
        db = context["connection"]
        try:
            result = execute(sql, params, many, context)
        except Exception:
            if connection_lost(db):
                self.lost = True
            raise
        if WRITE.match(sql) and not any(table in sql for table in IDEMPOTENT_TABLES):
            if db.in_atomic_block:
                db.on_commit(self._mark_committed)
            else:
                self.committed = True
        return result


class RetryAfterLostDatabaseConnection:
    def __init__(self, get_response):
        self.get_response = get_response

    def _attempt(self, request):
        log = _RequestDatabaseLog()
        with connection.execute_wrapper(log):
            response = self.get_response(request)
        return response, log

    def __call__(self, request):
        response, log = self._attempt(request)
        if response.status_code >= 500 and log.lost and not log.committed:
            logger.warning("The database connection was lost during %s %s; answering it again on a new "
                           "connection (nothing of it had been committed).", request.method, request.path)
            try:
                connection.close()
            except Exception:  # closing a connection the server already dropped may fail too
                connection.connection = None
            response, _log = self._attempt(request)
        return response


def _origin(origin: str) -> str:
    return origin if origin in ("self", "*") else '"' + origin + '"'


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response: the browser features the platform never uses (camera,
    microphone, geolocation, payment, USB, …) are switched off for it and for anything it embeds.

    The header is built once from ``settings.PERMISSIONS_POLICY`` ({feature: [allowed origins]}, an empty list
    meaning none, ``"self"`` the platform itself) — the same setting django-permissions-policy reads, should the
    platform take that library on. A response that set its own header keeps it."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = ", ".join(f"{feature}=({' '.join(_origin(origin) for origin in origins)})"
                                for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
