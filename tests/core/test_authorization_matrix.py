"""Every URL of the project, for every role, in its own scope and a foreign one (see tests/authz.py)."""

import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.authz import LOGIN, ROLES

PROJECT_NAMESPACES = {
    "accounts", "programmes", "municipalities", "workshops", "community", "notifications", "reports",
    "audit", "dashboards", "blueprints", "imports", "calls", "search",
}
PROJECT_ROOT_NAMES = {"home", "health"}
TESTS_DIR = Path(__file__).resolve().parent.parent


def collect_cases() -> dict:
    cases: dict = {}
    for path in sorted(TESTS_DIR.glob("*/test_authorization*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue  # this module matches the pattern too
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        for name, case in module.CASES.items():
            assert name not in cases, f"{name} has two cases ({path})"
            cases[name] = case
    return cases


def project_url_names() -> tuple[set[str], list[str]]:
    names, unnamed = set(), []

    def walk(patterns, namespaces, in_project):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespaces + [pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, ns, in_project or pattern.namespace in PROJECT_NAMESPACES)
            elif pattern.name:
                full = ":".join(namespaces + [pattern.name])
                if full.split(":")[0] in PROJECT_NAMESPACES or full in PROJECT_ROOT_NAMES:
                    names.add(full)
            elif in_project:
                unnamed.append(str(pattern.pattern))

    walk(get_resolver().url_patterns, [], False)
    return names, unnamed


CASES = collect_cases()


def test_every_project_url_has_a_case_in_the_matrix():
    names, unnamed = project_url_names()
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    missing = sorted(names - set(CASES))
    assert not missing, f"URLs with no authorization case: {missing}"
    stale = sorted(set(CASES) - names)
    assert not stale, f"Cases for URLs that no longer exist: {stale}"


def answer(client, case, name, world):
    from django.urls import reverse

    url = reverse(name, kwargs=case.kwargs(world))
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    if case.method == "get":
        return client.get(url, **headers)
    data = case.data(world) if case.data else {}
    return getattr(client, case.method)(url, data, **headers)


def matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response.headers.get("Location", "")
    return response.status_code == expected


# Every scoped case runs twice: once as written (programme B's people hold their roles in other municipalities),
# and once on the municipality that programmes A and B both enrol (World.on_shared_municipality): there the
# "foreign" facilitator, staff and advisor hold the same role in the same municipality, in programme B, and must
# get no further into programme A's participation than anybody else outside programme A.
WORLDS = ("own municipalities", "shared municipality")


@pytest.mark.django_db
@pytest.mark.parametrize("name, world_kind", [
    (name, kind) for name in sorted(CASES) for kind in WORLDS if kind == WORLDS[0] or CASES[name].scoped])
def test_matrix(name, world_kind):
    from tests.factories import build_world

    case = CASES[name]
    world = build_world()  # write cases make a fresh target per request in their kwargs()
    if world_kind == "shared municipality":
        world = world.on_shared_municipality()
    failures = []
    for role in ROLES:
        for own in (True, False) if role not in ("anonymous", "admin") else (True,):
            client = Client()
            user = world.user(role, own=own)
            if user is not None:
                client.force_login(user)
            expected = case.expected(role, own)
            response = answer(client, case, name, world)
            if not matches(response, expected):
                failures.append(f"{role} ({'own' if own else 'foreign'} scope): expected {expected}, "
                                f"got {response.status_code} {response.headers.get('Location', '')}")
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)
