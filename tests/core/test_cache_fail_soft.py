"""While Redis is down the cache misses instead of failing the request (django-redis with IGNORE_EXCEPTIONS and
circular_cities/cache.py, issues 9 and 20)."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from circular_cities.log import CacheUnavailable
from tests.factories import UserFactory


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def redis_down(settings):
    """The platform's production cache settings, pointed at a port where no Redis listens."""
    settings.CACHES = {"default": {
        "BACKEND": "circular_cities.cache.FailSoftRedisCache",
        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }}
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "django_redis"
    return caches  # Django's settings fixture builds the cache handlers anew when CACHES changes


def test_every_operation_goes_on_without_redis(redis_down, caplog):
    logging.getLogger("django_redis").addFilter(filter_ := CacheUnavailable())
    try:
        cache = redis_down.create_connection("default")
        assert cache.get("key", "fallback") == "fallback"
        cache.set("key", 1)
        assert cache.add("key", 1) is True  # as on an empty cache, like DummyCache
        assert cache.get_many(["a", "b"]) == {}
        assert not cache.has_key("key")
        assert not cache.delete("key")
        cache.set_many({"a": 1})
        cache.delete_many(["a"])
    finally:
        logging.getLogger("django_redis").removeFilter(filter_)
    warnings = [r for r in caplog.records if r.name == "django_redis"]
    assert warnings and all(r.levelno == logging.WARNING and not r.exc_info for r in warnings)
    assert "Cache unavailable (ConnectionError" in caplog.text


@pytest.mark.django_db
def test_logging_in_works_while_redis_is_down(redis_down, settings):
    """allauth's login rate limits take a lock with ``add``; django-redis alone answers None there when Redis
    is down, and every login was refused (429). With the platform's cache the login goes through."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    UserFactory(email="person@example.org", password="a long password 1")
    client = Client()
    response = client.post(reverse("account_login"), {"login": "person@example.org", "password": "a long password 1"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
