"""No page of programme B shows programme A's things, not even on the municipality both programmes enrol.

The authorization matrix checks that a person outside programme A gets 404 for A's objects; a page of their own
programme (a list, a calendar, a participation page, the home page, a feed) could still show A's things in it.
Here programme A holds things that have not left it (a draft and an entry awaiting review, advice, milestones,
meetings of each audience, a cohort-only thread and library item), each titled with a marker; every page of the
matrix is then asked for programme B's version of it (the matrix's own ``kwargs``, with the programmes swapped)
by B's people, the team and advisor of the shared municipality among them. The control: on A's own pages, A's
people do meet the markers, so their absence on B's pages means something.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.test_authorization_matrix import CASES
from tests.factories import World

# Walks every URL name as many people: run on PostgreSQL, left out of CI's second (SQLite) pass (.ci/run)
pytestmark = pytest.mark.sweep

MARKER = "ZQXA"
PAGES = sorted(name for name, case in CASES.items() if case.method == "get")


def plant(side) -> None:
    from community.models import Visibility
    from tests.community.factories import LibraryItemFactory, ThreadFactory
    from tests.factories import MilestoneFactory
    from tests.municipalities.factories_local import AdvisorySessionFactory, ProgressEntryFactory
    from tests.workshops.factories import MeetingFactory

    facilitator = side.users["facilitator"]
    for where, participation in (("own", side.participation), ("shared", side.shared_participation)):
        ProgressEntryFactory(participation=participation, state="draft", what_happened=f"{MARKER} draft {where}")
        ProgressEntryFactory(participation=participation, review="pending",
                             what_happened=f"{MARKER} pending {where}")
        AdvisorySessionFactory(participation=participation, advice=f"{MARKER} advice {where}",
                               topics=f"{MARKER} topics {where}")
        MilestoneFactory(programme=side.programme, participation=participation,
                         title_da=f"{MARKER} milepæl {where}", title_en=f"{MARKER} milestone {where}")
        MeetingFactory(programme=side.programme, participation=participation, organiser=facilitator,
                       title_da=f"{MARKER} møde {where}", title_en=f"{MARKER} meeting {where}")
    MeetingFactory(programme=side.programme, cohort=side.shared_participation.cohort, organiser=facilitator,
                   title_da=f"{MARKER} holdmøde", title_en=f"{MARKER} cohort meeting")
    MeetingFactory(programme=side.programme, organiser=facilitator, title_da=f"{MARKER} programmøde",
                   title_en=f"{MARKER} programme meeting")
    ThreadFactory(programme=side.programme, visibility=Visibility.COHORT, title=f"{MARKER} tråd",
                  author=side.users["staff"])
    LibraryItemFactory(programme=side.programme, visibility=Visibility.COHORT, title_da=f"{MARKER} bibliotek",
                       title_en=f"{MARKER} library", author=side.users["staff"])


def markers_on(client, case, name, world) -> set[str]:
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    response = client.get(reverse(name, kwargs=case.kwargs(world)), **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return set(re.findall(MARKER + r" [a-zæøå ]+", body.decode("utf-8", "replace")))


def people_of(side) -> dict:
    """On the shared municipality: the facilitator and the read-only roles of the programme, and the
    municipality's team and advisor in it."""
    return {role: side.users[role] for role in ("facilitator", "politician", "observer")} | {
        f"{role} of the shared municipality": side.shared_users[role] for role in ("staff", "advisor")}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_programme_b_pages_show_nothing_of_programme_a(name):
    from tests.factories import build_world

    world = build_world()
    plant(world.a)
    b_world = World(world.b, world.a, world.admin, world.shared_municipality).on_shared_municipality()
    leaks = []
    for role, user in people_of(b_world.a).items():
        client = Client()
        client.force_login(user)
        if found := markers_on(client, CASES[name], name, b_world):
            leaks.append(f"programme B's {role} sees {sorted(found)}")
    assert not leaks, f"{name}:\n  " + "\n  ".join(leaks)


@pytest.mark.django_db
def test_control_programme_a_people_meet_the_markers_on_their_own_pages():
    from tests.factories import build_world

    world = build_world()
    plant(world.a)
    a_world = world.on_shared_municipality()
    seen = {}
    for name in ("municipalities:progress-list", "municipalities:advisory", "programmes:milestones",
                 "workshops:list", "community:threads", "community:library"):
        client = Client()
        client.force_login(a_world.a.users["facilitator"])
        seen[name] = markers_on(client, CASES[name], name, a_world)
    assert all(seen.values()), seen
