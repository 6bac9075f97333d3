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
