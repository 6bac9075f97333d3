"""The participation page, its progress log and "My municipalities" keep their body until the data changes
(circular_cities/datacache.py): each viewer still gets what they may see, writes show at once, and a warm page
costs a fixed, small number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment
from municipalities import services
from municipalities.models import ProgressEntry
from tests.factories import MilestoneFactory, ParticipationFactory, advisor_of, facilitator_of, staff_of
from tests.kept import logged_in, queries_of, text, token_of
from tests.municipalities.factories_local import ProgressEntryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]

DRAFT = "Udkast som kun holdet ser"


@pytest.fixture
def draft(world):
    return ProgressEntryFactory(participation=world.a.participation, author=world.a.users["staff"],
                                what_happened=DRAFT, state=ProgressEntry.State.DRAFT)


@pytest.mark.parametrize("name", ["participation", "progress-list"])
def test_who_filled_the_kept_body_does_not_decide_what_the_next_viewer_sees(world, draft, name):
    users = world.a.users
    facilitator, politician, observer, advisor, staff = logged_in(
        users["facilitator"], users["politician"], users["observer"], users["advisor"], users["staff"])
    outsiders = logged_in(staff_of(world.a.other_participation.municipality), world.b.users["facilitator"])
    url = reverse(f"municipalities:{name}", args=[world.a.participation.pk])
    create_url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    # The facilitator fills the cache first: drafts, the "Log progress" button (and history).
    assert DRAFT in text(facilitator, url) and create_url in text(facilitator, url)
    for reader in (politician, observer):
        reader_page = text(reader, url)
        assert DRAFT not in reader_page and create_url not in reader_page
    # ... and the other way round: a reader first, the people doing the test still see their drafts.
    other_query = url + "?page=1"
    assert DRAFT not in text(politician, other_query)
    assert DRAFT in text(advisor, other_query)
    assert DRAFT in text(staff, other_query)
    # Nobody outside sees the kept page: the permission check runs on every request.
    for outsider in outsiders:
        assert outsider.get(url).status_code == 404


def test_the_participation_page_is_kept_per_participation(world):
    (facilitator,) = logged_in(world.a.users["facilitator"])
    first = text(facilitator, reverse("municipalities:participation", args=[world.a.participation.pk]))
    other = text(facilitator, reverse("municipalities:participation", args=[world.a.other_participation.pk]))
    assert f"<h1>{world.a.participation.municipality.name}</h1>" in first
    assert f"<h1>{world.a.other_participation.municipality.name}</h1>" in other
    assert f"<h1>{world.a.participation.municipality.name}</h1>" not in other


def test_each_team_member_gets_their_own_team_section(world):
    """A team member may remove the others but not themselves: the section names the person."""
    participation = world.a.participation
    first, second = world.a.users["staff"], staff_of(participation.municipality, department="Økonomi")
    url = reverse("municipalities:participation", args=[participation.pk])

    def remove_url(user) -> str:
        assignment = RoleAssignment.objects.get(user=user, municipality=participation.municipality)
        return reverse("accounts:team-member-remove", args=[participation.pk, assignment.pk])

    first_client, second_client = logged_in(first, second)
    first_page = text(first_client, url)
    assert remove_url(second) in first_page and remove_url(first) not in first_page
    second_page = text(second_client, url)
    assert remove_url(first) in second_page and remove_url(second) not in second_page


def test_a_write_through_the_services_shows_on_the_next_request(world, draft):
    participation, staff = world.a.participation, world.a.users["staff"]
    (politician,) = logged_in(world.a.users["politician"])
    detail = reverse("municipalities:participation", args=[participation.pk])
    progress = reverse("municipalities:progress-list", args=[participation.pk])
    assert DRAFT not in text(politician, detail)
    assert DRAFT not in text(politician, progress)
    services.progress_entry_publish(entry=draft, by=staff)
    assert DRAFT in text(politician, detail)
    assert DRAFT in text(politician, progress)
    services.challenge_save(participation=participation, title="Byggeaffald i kredsløb",
                            problem_statement="For meget affald.", material_stream="construction",
                            strategy="R3", sdgs=[12])
    assert "Byggeaffald i kredsløb" in text(politician, detail)


def test_a_kept_team_form_carries_the_token_of_whoever_asks(world):
    """Two facilitators share the participation page's kept body; each posts with the token of their page."""
    participation = world.a.participation
    url = reverse("municipalities:participation", args=[participation.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(world.a.users["facilitator"])
    second.force_login(facilitator_of(world.a.programme))
    first_page = first.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second_page = second.get(url).content.decode()
    assert not any("accounts_roleassignment" in q["sql"] and "department" in q["sql"] for q in queries)  # kept
    assert 'hx-post="' + reverse("accounts:team-invite", args=[participation.pk]) in second_page
    assert token_of(first_page) != token_of(second_page)
    response = second.post(reverse("accounts:team-invite", args=[participation.pk]),
                           {"csrfmiddlewaretoken": token_of(second_page)})
    assert response.status_code != 403


def grow(world, times: int):
    participation, staff = world.a.participation, world.a.users["staff"]
    for n in range(times):
        services.progress_entry_save(participation=participation, by=staff, happened_on=date(2022, 1 + n % 12, 1),
                                     what_happened=f"Skridt {n}", publish=n % 2 == 0)
        MilestoneFactory(programme=world.a.programme, participation=participation)
        other = ParticipationFactory(cohort=world.a.cohort)
        advisor_of(other, user=world.a.users["advisor"])
        ProgressEntryFactory(participation=other)


@pytest.mark.parametrize("role, name, args", [
    ("staff", "participation", True), ("facilitator", "participation", True), ("politician", "participation", True),
    ("staff", "progress-list", True), ("observer", "progress-list", True),
    ("advisor", "my-municipalities", False), ("facilitator", "my-municipalities", False),
])
def test_a_warm_page_makes_the_same_few_queries_whatever_the_data(world, role, name, args):
    url = reverse(f"municipalities:{name}", args=[world.a.participation.pk] if args else [])
    (client,) = logged_in(world.a.users[role])
    counts = []
    for times in (1, 10):
        grow(world, times)
        client.get(url)  # fills the cache for the new data version
        counts.append(queries_of(client, url))
    assert counts[0] == counts[1] <= 3, counts


def test_my_municipalities_are_kept_per_set_of_municipalities_followed(world):
    url = reverse("municipalities:my-municipalities")
    a_name, b_name = world.a.participation.municipality.name, world.b.participation.municipality.name
    other_name = world.a.other_participation.municipality.name
    colleague = advisor_of(world.a.participation)
    advisor, advisor_b, facilitator, colleague_client = logged_in(
        world.a.users["advisor"], world.b.users["advisor"], world.a.users["facilitator"], colleague)
    assert a_name in text(advisor, url)
    b_page = text(advisor_b, url)
    assert b_name in b_page and a_name not in b_page
    facilitator_page = text(facilitator, url)
    assert a_name in facilitator_page and other_name in facilitator_page and b_name not in facilitator_page
    # A second advisor of the same municipality shares the copy; one more municipality makes it out of date.
    assert a_name in text(colleague_client, url) and other_name not in text(colleague_client, url)
    advisor_of(world.a.other_participation, user=colleague)
    assert other_name in text(colleague_client, url)
    assert other_name not in text(advisor, url)


def test_my_municipalities_show_newly_published_progress(world):
    url = reverse("municipalities:my-municipalities")
    (advisor,) = logged_in(world.a.users["advisor"])
    assert "03.02.2022" not in text(advisor, url)
    services.progress_entry_save(participation=world.a.participation, by=world.a.users["staff"],
                                 happened_on=date(2022, 2, 3), what_happened="Nyt", publish=True)
    assert "03.02.2022" in text(advisor, url)
