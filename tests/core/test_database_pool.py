"""PostgreSQL connections come from Django's psycopg pool, checked as a request takes one (issue 20, item 2):
a connection that a PostgreSQL restart ended is replaced without the person noticing, and a request whose query
the restart cuts off fails once and is never run a second time."""

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.urls("tests.core.pool_urls")]


def _admin():
    params = connection.settings_dict
    return psycopg.connect(host=params["HOST"] or None, port=params["PORT"] or None, user=params["USER"],
                           password=params["PASSWORD"] or None, dbname=params["NAME"], autocommit=True)


def _terminate(where: str, args=()) -> int:
    """End server processes of the test database as a restart (`pg_ctl restart -m fast`) would."""
    with _admin() as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608
                             f"WHERE datname = current_database() AND pid <> pg_backend_pid() AND {where}",
                             args).fetchall()
    return len(rows)


class Browser(Client):
    """Django's test client leaves out what the request handler does at the end of every request in production
    (``close_old_connections``: with the pool, the connection goes back to it); this one does it."""

    def request(self, **request):
        try:
            return super().request(**request)
        finally:
            close_old_connections()


def test_postgresql_settings_use_the_pool_and_no_retrying_middleware(requires_postgres):
    assert connection.settings_dict["OPTIONS"]["pool"]["timeout"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # Django then checks on checkout
    assert connection.pool is not None
    assert not any("Retry" in name for name in django_settings.MIDDLEWARE)


@pytest.mark.django_db(transaction=True)  # as in production: no test transaction around the requests
def test_connections_ended_by_a_restart_are_replaced_before_the_next_request(requires_postgres):
    UserFactory()
    client = Browser(raise_request_exception=False)
    assert client.get("/read/").content == b"people: 1"
    assert _terminate("TRUE") >= 1  # every connection of the pool, idle between requests
    response = client.get("/read/")
    assert response.status_code == 200 and response.content == b"people: 1"


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_query_is_cut_off_fails_once_and_is_not_run_twice(requires_postgres):
    UserFactory(email="kept@example.org", full_name="Before")
    client = Browser(raise_request_exception=False)
    queries = []

    def cut_off_the_count(execute, sql, params, many, context):
        queries.append(sql)
        if sql.lstrip().upper().startswith("SELECT COUNT(*)") and len(queries) < 4:
            _terminate("pid = %s", [connection.connection.info.backend_pid])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_off_the_count):
        response = client.post("/write-then-read/")
    assert response.status_code == 500  # the person sees the error page for this one request
    assert User.objects.get(email="kept@example.org").full_name == "Before!"  # the write happened once
    assert sum(sql.lstrip().upper().startswith("UPDATE") for sql in queries) == 1
    response = client.get("/read/")  # and the next request is answered on a new connection
    assert response.status_code == 200 and response.content == b"people: 1"
