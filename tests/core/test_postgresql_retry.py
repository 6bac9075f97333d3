"""A new PostgreSQL connection waits while the server restarts, instead of failing the request (issue 9)."""

import pytest
from django.db.backends.postgresql import base

from circular_cities.postgresql_retry.base import DatabaseWrapper


def _wrapper(monkeypatch, failures: int):
    calls = []

    def connect(self, params):
        calls.append(params)
        if len(calls) <= failures:
            raise base.Database.OperationalError("the database system is starting up")
        return "connection"

    monkeypatch.setattr(base.DatabaseWrapper, "get_new_connection", connect)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    return DatabaseWrapper({"NAME": "x", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {},
                            "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                            "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}}), calls


def test_a_refused_connection_is_tried_again(monkeypatch, settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 5
    wrapper, calls = _wrapper(monkeypatch, failures=2)
    assert wrapper.get_new_connection({}) == "connection"
    assert len(calls) == 3


def test_it_gives_up_after_the_setting(monkeypatch, settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 0
    wrapper, calls = _wrapper(monkeypatch, failures=1)
    with pytest.raises(base.Database.OperationalError):
        wrapper.get_new_connection({})
    assert len(calls) == 1
