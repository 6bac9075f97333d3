"""Shared fixtures: services that may be required, Celery in-process, factories and browsers.

Tests that need PostgreSQL, Redis or Chromium skip on a bare laptop. In CI,
CC_REQUIRE_SERVICES=1 turns every such skip into a failure.
"""

import os
import shutil

import pytest

from tests.factories import *  # noqa: F403  (fixtures below use them; tests import from tests.factories)

REQUIRE_SERVICES = os.environ.get("CC_REQUIRE_SERVICES") == "1"

pytest_plugins = ["tests.browser"]


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CC_REQUIRE_SERVICES=1: required in CI)", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _celery_runs_in_process(settings):
    """Tasks run in the test's own process unless a test starts a real worker."""
    from circular_cities.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise(settings):
    """Tests assert the English source strings; Danish is checked where a test asks for it (a
    `django_language` cookie, a user whose language is "da", or the demo users). The product's own
    default stays Danish: tests/core/test_platform.py checks that with the real setting."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded files of a test never land in var/ (and never in another test's way)."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _private_cache_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _no_shared_rate_limit_state(settings, _private_cache_dir):
    """Each test starts with an empty cache, so one test's failed logins never limit another's. The embedded
    file cache moves to this run's own folder: another test run on the machine (or another xdist worker) never
    clears or fills it halfway through a test."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": _private_cache_dir}}
    cache.clear()
    yield


@pytest.fixture
def requires_postgres(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def requires_redis(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        skip_or_fail("needs Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis at {url} does not answer")
    return url


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()
