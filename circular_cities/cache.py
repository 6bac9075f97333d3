"""Django's Redis cache, failing soft: while Redis is down it behaves like Django's DummyCache (every read a
miss, every write accepted and forgotten, ``add`` succeeds as on an empty cache).

The cache holds nothing that must survive (login rate-limit counters, sessions written through to the
database, rendered PDFs keyed by a digest of their content), so an outage of Redis should not turn pages into
errors: without this, every login fails with a 500 until Redis is back (allauth's rate limits take a lock with
``add`` and read and write a history). The price is that login rate limits are not enforced while Redis is
unreachable. Each failure is logged as a warning. It also keeps one Redis client per connection pool instead of
making one per call.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _soft(name, fallback):
    method = getattr(RedisCacheClient, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("Cache unavailable (%s: %s); %s goes on without it.", type(exc).__name__, exc, name)
            return fallback(*args, **kwargs)

    wrapper.__name__ = name
    return wrapper


class FailSoftRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        """One ``redis.Redis`` per connection pool, not a new one (and its table of reply callbacks) on every
        cache call: a page makes several."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    add = _soft("add", lambda *a, **k: True)  # as on an empty cache (allauth's lock is then taken)
    get = _soft("get", lambda key, default, *a, **k: default)
    set = _soft("set", lambda *a, **k: None)
    touch = _soft("touch", lambda *a, **k: False)
    delete = _soft("delete", lambda *a, **k: False)
    get_many = _soft("get_many", lambda *a, **k: {})
    has_key = _soft("has_key", lambda *a, **k: False)
    incr = _soft("incr", lambda key, delta, *a, **k: delta)
    set_many = _soft("set_many", lambda *a, **k: [])
    delete_many = _soft("delete_many", lambda *a, **k: None)
    clear = _soft("clear", lambda *a, **k: False)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
