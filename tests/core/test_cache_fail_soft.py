"""While Redis is down the cache misses instead of failing the request (circular_cities/cache.py, issue 9)."""

import socket

from django.core.cache.backends.redis import RedisCache

from circular_cities.cache import FailSoftRedisCache


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_every_operation_goes_on_without_redis(caplog):
    cache = FailSoftRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})
    assert isinstance(cache, RedisCache)
    assert cache.get("key", "fallback") == "fallback"
    cache.set("key", 1)
    assert cache.add("key", 1) is True  # as on an empty cache, like DummyCache
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.delete("key") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert "Cache unavailable" in caplog.text
