"""Django's PostgreSQL backend, waiting a few seconds for the server when a new connection is refused.

A PostgreSQL restart (an upgrade, a failover, ``pg_ctl restart``) refuses connections for a moment ("Connection
refused", "the database system is shutting down / starting up"). Without this, every request that needs a new
connection in that moment fails with a 500; with it, the request waits for the server instead, up to
``DATABASE_CONNECT_RETRY_SECONDS`` (settings; 0 turns it off). Only opening a connection is retried, never a
query: a query cut off by the restart still fails, because repeating it could apply a write twice.
"""

import logging
import time

from django.conf import settings
from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + getattr(settings, "DATABASE_CONNECT_RETRY_SECONDS", 0)
        pause = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError as exc:
                if time.monotonic() + pause > deadline:
                    raise
                logger.warning("PostgreSQL refused a connection (%s); trying again in %.1f s.",
                               str(exc).strip().splitlines()[-1], pause)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
