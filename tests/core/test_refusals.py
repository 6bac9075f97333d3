"""A refused request leaves no trace, and a page that is refused is refused as a write too.

The authorization matrix (tests/core/test_authorization_matrix.py, cases in tests/<app>/test_authorization.py)
checks the answer every role gets for every URL. This module asks two more things of each refusal in it
(an anonymous visitor, a read-only role, the same role in the other programme, the same role in the same
municipality in the other programme):

- a refused request changes nothing in the database (every row of every project table is compared): the answer
  is not enough when a view writes first and refuses afterwards;
- a page a user may not open (GET answers 403, 404 or the login) is refused in the same way when the user posts
  to it: a view that checks the permission only for the page, or only once the form is valid, would show or
  save across programmes here.

A third test asks the same of the team and advisor of the other municipality in the same cohort, for the URLs of
one municipality's local test: 404, and nothing written.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.authz import LOGIN, ROLES
from tests.core.test_authorization_matrix import CASES, WORLDS, matches

# Walks every URL name as many people: run on PostgreSQL, left out of CI's second (SQLite) pass (.ci/run)
pytestmark = pytest.mark.sweep

REFUSALS = (403, 404, LOGIN)


def project_models():
    base = str(settings.BASE_DIR)
    return [model for config in apps.get_app_configs() if str(config.path).startswith(base)
            and "/.venv/" not in str(config.path) for model in config.get_models()]


def snapshot() -> dict:
    """Every row of every project table (the world is small), so an update shows as well as an insert."""
    return {model._meta.label: {row[0]: row[1:] for row in model._base_manager.values_list("pk", *[
        field.attname for field in model._meta.concrete_fields])} for model in project_models()}


def changes(before: dict, after: dict) -> list[str]:
    """The tables that changed, each with the primary keys of the rows added, changed or removed."""
    changed = []
    for label, rows in after.items():
        if rows != before[label]:
            old, new = before[label], rows
            added = sorted(new.keys() - old.keys())
            removed = sorted(old.keys() - new.keys())
            updated = sorted(pk for pk in new.keys() & old.keys() if new[pk] != old[pk])
            changed.append(f"{label}: added {added}, changed {updated}, removed {removed}")
    return changed


def refused_requests(name, case, world):
    """(who, client, method, url, data, headers, expected answers) for every refusal of the case: the case's own
    request, and for a page also a post to it. The URLs and data are made first: a write case makes a fresh
    target in its kwargs(), which is no trace of a request."""
    requests = []
    for role in ROLES:
        for own in (True, False) if role not in ("anonymous", "admin") else (True,):
            expected = case.expected(role, own)
            if expected not in REFUSALS:
                continue
            client = Client()
            user = world.user(role, own=own)
            if user is not None:
                client.force_login(user)
            url = reverse(name, kwargs=case.kwargs(world))
            data = case.data(world) if case.data else {}
            headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
            who = f"{role} ({'own' if own else 'foreign'} scope)"
            requests.append((who, client, case.method, url, data, headers, (expected,)))
            if case.method == "get":
                # A page refused to the user: the same answer to a post (or 405 where the URL takes no posts).
                requests.append((who, client, "post", url, data, headers, (expected, 405)))
    return requests


def refuses_somebody(case) -> bool:
    return any(case.expected(role, own) in REFUSALS for role in ROLES for own in (True, False))


@pytest.mark.django_db
@pytest.mark.parametrize("name, world_kind", [
    (name, kind) for name in sorted(CASES) if refuses_somebody(CASES[name])
    for kind in WORLDS if kind == WORLDS[0] or CASES[name].scoped])
def test_refusals_write_nothing(name, world_kind):
    from tests.factories import build_world

    case = CASES[name]
    world = build_world()
    if world_kind == "shared municipality":
        world = world.on_shared_municipality()
    requests = refused_requests(name, case, world)
    before = snapshot()
    failures = []
    for who, client, method, url, data, headers, allowed in requests:
        response = getattr(client, method)(url, data, **headers)
        if not any(matches(response, expected) for expected in allowed):
            failures.append(f"{method.upper()} as {who}: expected {' or '.join(map(str, allowed))}, "
                            f"got {response.status_code} {response.headers.get('Location', '')}")
    written = changes(before, snapshot())
    assert not failures and not written, (
        f"{name}:\n  " + "\n  ".join(failures + [f"written by a refused request: {change}" for change in written]))


# --- The neighbour: the same role in the other municipality of the same cohort -------------------------------
# The matrix's foreign people hold their role in programme B. A municipality's team and advisor hold theirs in one
# participation: next door, in the same cohort of the same programme, they see nothing of it either.

ONE_MUNICIPALITY = sorted(name for name in CASES if name.startswith("municipalities:") and name not in {
    "municipalities:enrol", "municipalities:cohort-partners", "municipalities:my-municipalities",
    "municipalities:publication-queue"}) + [
    "accounts:team-invite", "accounts:team-member-edit", "accounts:team-member-remove", "imports:team-upload",
    "programmes:milestone-complete"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ONE_MUNICIPALITY)
def test_the_team_and_advisor_next_door_get_404_and_write_nothing(name):
    from tests.factories import advisor_of, build_world, staff_of

    case = CASES[name]
    world = build_world()
    neighbours = {"staff": staff_of(world.a.other_participation, user__email="staff-next-door@example.org"),
                  "advisor": advisor_of(world.a.other_participation, user__email="advisor-next-door@example.org")}
    requests = []
    for role, user in neighbours.items():
        client = Client()
        client.force_login(user)
        url = reverse(name, kwargs=case.kwargs(world))
        data = case.data(world) if case.data else {}
        headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
        methods = ("get", "post") if case.method == "get" else (case.method,)
        requests += [(role, client, method, url, data, headers) for method in methods]
    before = snapshot()
    failures = [f"{method.upper()} as the {role} next door: expected 404, got {response.status_code}"
                for role, client, method, url, data, headers in requests
                if (response := getattr(client, method)(url, data, **headers)).status_code != 404]
    written = changes(before, snapshot())
    assert not failures and not written, (
        f"{name}:\n  " + "\n  ".join(failures + [f"written by a refused request: {change}" for change in written]))
