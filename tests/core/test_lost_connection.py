"""A request whose database connection is cut under it (a PostgreSQL restart) is answered once more on a new
connection, unless something it wrote was already committed (circular_cities/middleware.py)."""

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from circular_cities import middleware
from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.core.retry_urls")


class FailOnce:
    """Makes the first query that reads the user table fail as a lost connection would."""

    def __init__(self, before_failing=None):
        self.failed = 0
        self.attempts = 0
        self.before_failing = before_failing

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT COUNT(*)") and "accounts_user" in sql:
            self.attempts += 1
            if not self.failed:
                self.failed += 1
                if self.before_failing is None:
                    raise OperationalError("server closed the connection unexpectedly")
                self.before_failing()
        return execute(sql, params, many, context)


@pytest.fixture
def lost(monkeypatch):
    """The driver reports the connection as lost once a query has failed."""
    monkeypatch.setattr(middleware, "connection_lost", lambda db: True)


def _get(path, fault, monkeypatch=None):
    """Request ``path`` with ``fault`` as the innermost step of every query (where a real failure happens)."""
    from django.db.backends import utils

    client = Client(raise_request_exception=False)
    if monkeypatch is not None:
        real = utils.CursorWrapper._execute

        def _execute(self, sql, params, *ignored):
            return fault(lambda s, p, m, c: real(self, s, p, *ignored), sql, params, False, {"connection": self.db})

        monkeypatch.setattr(utils.CursorWrapper, "_execute", _execute)
        return client.get(path) if not path.startswith("post:") else client.post(path[5:])
    with connection.execute_wrapper(fault):
        return client.get(path) if not path.startswith("post:") else client.post(path[5:])


@pytest.mark.django_db(transaction=True)  # as in production: no test transaction around the request
def test_a_read_cut_off_by_a_lost_connection_is_answered_on_a_new_one(lost, monkeypatch):
    UserFactory()
    fault = FailOnce()
    response = _get("/read/", fault, monkeypatch)
    assert response.status_code == 200 and response.content == b"people: 1"
    assert fault.attempts == 2


@pytest.mark.django_db
def test_other_database_errors_still_fail(monkeypatch):
    monkeypatch.setattr(middleware, "connection_lost", lambda db: False)
    fault = FailOnce()
    response = _get("/read/", fault, monkeypatch)
    assert response.status_code == 500
    assert fault.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_write_was_committed_is_not_run_twice(lost, monkeypatch):
    UserFactory(email="kept@example.org", full_name="Before")
    fault = FailOnce()
    response = _get("post:/write-then-read/", fault, monkeypatch)
    assert response.status_code == 500  # the update was committed in autocommit mode: repeating it is not safe
    assert fault.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backend_terminated_mid_request_is_invisible_to_the_person(requires_postgres):
    """The real thing: the server ends this very connection (as `pg_ctl restart -m fast` does) just before the
    page's query; the page still answers 200."""
    UserFactory()
    UserFactory()
    settings_dict = connection.settings_dict

    def terminate_this_backend():
        pid = connection.connection.info.backend_pid
        with psycopg.connect(host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
                             user=settings_dict["USER"], dbname=settings_dict["NAME"], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    fault = FailOnce(before_failing=terminate_this_backend)
    response = _get("/read/", fault)
    assert response.status_code == 200 and response.content == b"people: 2"
    assert fault.attempts == 2
