"""Helpers of the tests of kept page parts (circular_cities/datacache.py; tests/*/test_kept_*.py)."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def logged_in(*users, csrf: bool = False) -> list[Client]:
    """A client per person, all logged in before any page is asked for, so that what a test sees between
    requests is what was kept, not a side effect of logging in."""
    clients = []
    for user in users:
        clients.append(Client(enforce_csrf_checks=csrf))
        clients[-1].force_login(user)
    return clients


def text(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
