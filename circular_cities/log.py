"""Logging filters (settings.LOGGING)."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused request (403) is ordinary: Django logs it with the PermissionDenied traceback, which fills the log
    with the same stack for every refusal. Keep the one line (path and status), drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


class CacheUnavailable(logging.Filter):
    """django-redis logs each failure it ignores (Redis down; ``IGNORE_EXCEPTIONS``) as an error with a traceback,
    "Exception ignored": while Redis is down that is one traceback per cache call, and each would be reported
    as an error (Sentry). Make it one warning line that says what happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.levelno >= logging.ERROR:
            error = record.exc_info[1]
            cause = getattr(error, "__cause__", None) or error
            record.msg = "Cache unavailable (%s: %s); the request goes on without it."
            record.args = (type(cause).__name__, cause)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = None
            record.exc_text = None
        return True
