"""The number of queries a page makes does not grow with the data (DESIGN.md §5b, issue 7).

The benchmark's generator (bench/generate.py) writes the same shape of data at two sizes: every programme with 2
municipalities, then a second dataset beside it with 8 per programme (and so 4× the progress, milestones,
meetings, invitations, reminders, library items…). Each page must make exactly the same number of queries at
both sizes. The pages here are those no other test counts queries for (programme pages, dashboards, the
participation pages, the notification centre and the meeting lists have their own tests).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from bench.generate import generate

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 8

# (name, role, url from the dataset's facts)
PAGES = [
    ("home", "facilitator", lambda d: reverse("home")),
    ("home", "staff", lambda d: reverse("home")),
    ("home", "advisor", lambda d: reverse("home")),
    ("home", "politician", lambda d: reverse("home")),
    ("home", "observer", lambda d: reverse("home")),
    ("meeting detail", "facilitator", lambda d: reverse("workshops:detail", args=[d["meeting"]])),
    ("meeting detail", "staff", lambda d: reverse("workshops:detail", args=[d["meeting"]])),
    ("follow-group meeting", "politician", lambda d: reverse("workshops:detail", args=[d["follow_group_meeting"]])),
    ("community index", "staff", lambda d: reverse("community:index")),
    ("community library", "staff", lambda d: reverse("community:library")),
    ("community municipalities", "staff", lambda d: reverse("community:municipalities")),
    ("community members", "staff", lambda d: reverse("community:members")),
    ("community sparring", "staff", lambda d: reverse("community:threads")),
    ("community search", "staff", lambda d: reverse("community:search") + "?q=genbrug"),
    ("search everything", "facilitator", lambda d: reverse("search:results") + "?q=genbruget"),
    ("search everything", "staff", lambda d: reverse("search:results") + "?q=genbrug"),
    ("search a name", "facilitator", lambda d: reverse("search:results") + "?q=kobenhavn"),
    ("search progress", "politician", lambda d: reverse("search:results") + "?q=genbrug&kind=progress&page=2"),
    ("my municipalities", "advisor", lambda d: reverse("municipalities:my-municipalities")),
    ("funder report", "facilitator", lambda d: reverse("reports:funder", args=[d["programme"]])),
    ("briefing", "facilitator", lambda d: reverse("reports:briefing", args=[d["follow_group_meeting"]])),
    # open calls: the dataset's applications to a call are the programme's municipalities (2, then 8)
    ("open calls", "anonymous", lambda d: reverse("calls:public-list")),
    ("manage a call", "facilitator", lambda d: reverse("calls:manage", args=[d["call"]])),
    ("assessment of a call", "facilitator", lambda d: reverse("calls:assessment", args=[d["call"]])),
    ("application", "facilitator", lambda d: reverse("calls:application-detail", args=[d["call_application"]])),
    ("my reviews", "facilitator", lambda d: reverse("calls:my-reviews")),
]


def _count(client, url) -> tuple[int, int]:
    client.get(url)  # the first request of a session may fill caches
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def _measure(client, data) -> dict:
    counts = {}
    for name, role, url_of in PAGES:
        try:
            url = url_of(data)
        except NoReverseMatch:  # a page another issue has not added yet
            continue
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(User.objects.get(email=data["users"][role]))
        counts[(name, role)] = _count(client, url)
    return counts


def test_queries_do_not_grow_with_the_data(client):
    small = generate(programmes=3, municipalities_per_programme=SMALL, cohorts=2, months=12,
                     notifications_per_user=10)
    before = _measure(client, small)
    large = generate(programmes=3, municipalities_per_programme=LARGE, cohorts=2, months=12,
                     notifications_per_user=40, tag="x")
    after = _measure(client, large)

    assert all(status == 200 for status, _n in before.values()), before
    assert all(status == 200 for status, _n in after.values()), after
    grown = {page: (before[page][1], after[page][1]) for page in before if after[page][1] != before[page][1]}
    assert not grown, f"queries at {SMALL} and {LARGE} municipalities per programme: {grown}"
