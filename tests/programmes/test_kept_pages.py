"""The programme pages keep their expensive part until the data changes (circular_cities/datacache.py).

For each kept page: two people whose view differs never share a copy, whoever filled it first; a write through
the services shows on the next request; a warm request makes a fixed, small number of queries whatever the
data; a kept form carries the asking person's CSRF token."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from circular_cities.datacache import data_changed
from programmes import services
from programmes.models import Milestone, Organisation, ProgrammeOrganisation
from tests.factories import (
    MilestoneFactory,
    MunicipalityFactory,
    ParticipationFactory,
    build_world,
    facilitator_of,
    observer_of,
)
from tests.workshops.factories import InvitationFactory, MeetingFactory
from workshops.models import Meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]

HTMX = {"HTTP_HX_REQUEST": "true"}
OVERDUE = date(2022, 6, 1)  # the factories' programme ran 2021–2024


@pytest.fixture
def world():
    world = build_world()
    for side in (world.a, world.b):
        for participation in (side.participation, side.other_participation):
            MilestoneFactory(programme=side.programme, participation=participation,
                             title_en=f"Task of {participation.municipality}", due_on=OVERDUE)
    return world


@pytest.fixture
def clients(world):
    """A logged-in client per person, all logged in before any page is asked for: a login saves the user
    (last_login), which is a change of the data and would empty the cache between the two people."""
    found = {"admin": Client()}
    found["admin"].force_login(world.admin)
    for label, side in (("a", world.a), ("b", world.b)):
        for role, user in side.users.items():
            found[f"{role}-{label}"] = Client()
            found[f"{role}-{label}"].force_login(user)
    return found


def _page(client, name, programme, **extra) -> str:
    response = client.get(reverse(f"programmes:{name}", args=[programme.slug]), **extra)
    assert response.status_code == 200
    return response.content.decode()


# Pages every role of the programme sees, each with the municipalities the person may see.
SHARED_PAGES = ["detail", "board", "timeline", "milestones", "dashboard"]


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_staff_never_see_another_municipality_a_facilitator_left_in_the_cache(world, clients, name):
    facilitator_page = _page(clients["facilitator-a"], name, world.a.programme)
    assert "By a1" in facilitator_page and "By a2" in facilitator_page

    staff_page = _page(clients["staff-a"], name, world.a.programme)
    assert "By a1" in staff_page
    assert "By a2" not in staff_page


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_a_politician_sees_every_municipality_after_staff_filled_the_cache(world, clients, name):
    assert "By a2" not in _page(clients["staff-a"], name, world.a.programme)
    assert "By a2" in _page(clients["politician-a"], name, world.a.programme)


@pytest.mark.parametrize("name", ["detail", "board", "timeline", "milestones"])
def test_advisors_get_their_own_copy(world, clients, name):
    assert "By a2" in _page(clients["observer-a"], name, world.a.programme)
    assert "By a2" not in _page(clients["advisor-a"], name, world.a.programme)


def test_the_cohort_dashboard_still_refuses_others_after_a_facilitator_filled_the_cache(world, clients):
    url = reverse("programmes:cohort-dashboard", args=[world.a.programme.slug])
    assert clients["facilitator-a"].get(url).status_code == 200
    for role in ("staff", "advisor", "politician", "observer"):
        assert clients[f"{role}-a"].get(url).status_code == 403
    assert clients["facilitator-b"].get(url).status_code == 404


def test_another_programme_stays_hidden_after_its_facilitator_filled_the_cache(world, clients):
    for name in [*SHARED_PAGES, "cohort-dashboard"]:
        assert clients["facilitator-b"].get(
            reverse(f"programmes:{name}", args=[world.b.programme.slug])).status_code == 200
        assert clients["facilitator-a"].get(
            reverse(f"programmes:{name}", args=[world.b.programme.slug])).status_code == 404


def test_the_programme_list_is_each_persons_own(world, clients):
    assert "Programme a" in clients["facilitator-a"].get(reverse("programmes:list")).content.decode()
    for role in ("facilitator", "staff", "politician"):
        page = clients[f"{role}-b"].get(reverse("programmes:list")).content.decode()
        assert "Programme b" in page
        assert "Programme a" not in page
    admin_page = clients["admin"].get(reverse("programmes:list")).content.decode()
    assert "Programme a" in admin_page and "Programme b" in admin_page


def test_the_programme_list_new_button_follows_the_person(world, clients):
    """A facilitator of a programme and a politician of the same one see the same programmes, but only one
    may create programmes."""
    assert "New programme" in clients["facilitator-a"].get(reverse("programmes:list")).content.decode()
    assert "New programme" not in clients["politician-a"].get(reverse("programmes:list")).content.decode()


def test_milestone_buttons_follow_the_person(world, clients):
    """A facilitator may complete and edit every milestone; staff complete their own municipality's only;
    a politician neither."""
    programme = world.a.programme
    facilitator_page = _page(clients["facilitator-a"], "milestones", programme)
    assert facilitator_page.count("Mark as done") == 2
    assert "Add a milestone" in facilitator_page

    staff_page = _page(clients["staff-a"], "milestones", programme)
    assert staff_page.count("Mark as done") == 1
    assert "Add a milestone" not in staff_page and ">Edit<" not in staff_page

    politician_page = _page(clients["politician-a"], "milestones", programme)
    assert "Mark as done" not in politician_page and "Add a milestone" not in politician_page


def test_a_page_is_kept_until_the_data_changes(world, clients):
    """A write that sends no signal is not seen until somebody says the data changed (the proof that these
    tests look at kept pages at all)."""
    programme = world.a.programme
    for name in (*SHARED_PAGES, "cohort-dashboard"):
        _page(clients["facilitator-a"], name, programme)
    Milestone.objects.filter(participation=world.a.participation).update(title_en="Renamed again")
    for name in ("milestones", "timeline", "cohort-dashboard"):
        assert "Renamed again" not in _page(clients["facilitator-a"], name, programme), name
    data_changed()
    for name in ("milestones", "timeline", "cohort-dashboard"):
        assert "Renamed again" in _page(clients["facilitator-a"], name, programme), name


# --- htmx requests keep working ---------------------------------------------------------------------------

def test_htmx_filters_answer_with_the_fragment_per_viewer(world, clients):
    programme = world.a.programme
    other = world.a.other_participation
    facilitator = clients["facilitator-a"]
    url = reverse("programmes:milestones", args=[programme.slug]) + f"?where={other.pk}"
    fragment = facilitator.get(url, **HTMX).content.decode()
    assert fragment.startswith('\n<div id="milestone-list">') or '<div id="milestone-list">' in fragment[:80]
    assert "<html" not in fragment and "Task of By a2" in fragment and "Task of By a1" not in fragment
    # Staff of the other municipality asking the same URL: not what the facilitator saw.
    staff = clients["staff-a"]
    assert "Task of By a2" not in staff.get(url, **HTMX).content.decode()

    url = reverse("programmes:cohort-dashboard", args=[programme.slug]) + "?status=amber"
    fragment = facilitator.get(url, **HTMX).content.decode()
    assert 'id="dashboard-body"' in fragment and "<html" not in fragment
    assert 'id="dashboard-body"' in facilitator.get(url).content.decode()  # a bookmarked filter: the whole page

    fragment = facilitator.get(reverse("programmes:list") + "?status=active", **HTMX).content.decode()
    assert 'id="programme-results"' in fragment and "<html" not in fragment and "Programme a" in fragment

    fragment = facilitator.get(reverse("programmes:detail", args=[programme.slug]), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="cohorts"') and "By a2" in fragment
    assert "By a2" not in staff.get(reverse("programmes:detail", args=[programme.slug]), **HTMX).content.decode()


def test_filters_are_part_of_the_key(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    url = reverse("programmes:milestones", args=[programme.slug])
    assert "Task of By a1" in facilitator.get(url).content.decode()
    only_other = facilitator.get(f"{url}?where={world.a.other_participation.pk}").content.decode()
    assert "Task of By a1" not in only_other and "Task of By a2" in only_other


# --- Writes show on the next request ----------------------------------------------------------------------

def test_a_new_milestone_shows_on_every_page_that_lists_milestones(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    for name in ("milestones", "timeline", "cohort-dashboard", "dashboard"):
        assert "Brand new step" not in _page(facilitator, name, programme)
    services.milestone_create(programme=programme, title_da="Helt nyt trin", title_en="Brand new step",
                              due_on=OVERDUE, participation=world.a.participation)
    for name in ("milestones", "timeline", "cohort-dashboard", "dashboard"):
        assert "Brand new step" in _page(facilitator, name, programme), name


def test_a_completed_milestone_loses_its_button_and_its_overdue_mark(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    assert "2 overdue milestones" not in _page(facilitator, "board", programme)
    assert _page(facilitator, "milestones", programme).count("Mark as done") == 2
    milestone = Milestone.objects.get(participation=world.a.participation)
    services.milestone_complete(milestone=milestone)
    assert _page(facilitator, "milestones", programme).count("Mark as done") == 1
    board = _page(facilitator, "board", programme)
    assert board.count("1 overdue milestone") == 1 and board.count("Nothing overdue") == 1


def test_a_new_cohort_and_organisation_show_on_the_programme_page(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    assert "Hold ny" not in _page(facilitator, "detail", programme)
    services.cohort_create(programme=programme, name="Hold ny")
    assert "Hold ny" in _page(facilitator, "detail", programme)

    funder = Organisation.objects.create(name="Fonden for Cirkulære Byer")
    assert "Fonden for Cirkulære Byer" not in _page(facilitator, "detail", programme)
    services.programme_update(programme=programme, organisations={ProgrammeOrganisation.Part.FUNDER: [funder]})
    assert "Fonden for Cirkulære Byer" in _page(facilitator, "detail", programme)


def test_a_renamed_programme_shows_in_the_list_and_on_its_pages(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    assert "Programme a" in facilitator.get(reverse("programmes:list")).content.decode()
    assert "Programme a" in _page(facilitator, "board", programme)
    services.programme_update(programme=programme, name_en="Renamed programme")
    assert "Renamed programme" in facilitator.get(reverse("programmes:list")).content.decode()
    assert "Renamed programme" in _page(facilitator, "board", programme)


def test_moving_a_milestone_shows_at_once(world, clients):
    """milestone_move writes with bulk_update (no signal): the service says the data changed."""
    programme = world.a.programme
    first = MilestoneFactory(programme=programme, title_en="Aaa first", due_on=date(2023, 1, 1))
    MilestoneFactory(programme=programme, title_en="Bbb second", due_on=date(2023, 1, 1))
    facilitator = clients["facilitator-a"]
    page = _page(facilitator, "milestones", programme)
    assert page.index("Aaa first") < page.index("Bbb second")
    services.milestone_move(milestone=first, direction="down")
    page = _page(facilitator, "milestones", programme)
    assert page.index("Bbb second") < page.index("Aaa first")


def test_a_form_with_errors_shows_on_the_whole_page_without_javascript(world, clients):
    programme = world.a.programme
    facilitator = clients["facilitator-a"]
    _page(facilitator, "detail", programme)
    response = facilitator.post(reverse("programmes:cohort-add", args=[programme.slug]), {"cohort-new-name": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Cohorts and municipalities" in page and "By a2" in page
    assert 'class="errorlist' in page or "This field is required" in page

    _page(facilitator, "milestones", programme)
    response = facilitator.post(reverse("programmes:milestone-add", args=[programme.slug]),
                                {"milestone-new-title_da": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Add a milestone" in page and "Task of By a2" in page
    assert 'class="errorlist' in page or "This field is required" in page


# --- A warm request is cheap ------------------------------------------------------------------------------

KEPT_URLS = [
    ("programmes:detail", True), ("programmes:board", True), ("programmes:timeline", True),
    ("programmes:milestones", True), ("programmes:dashboard", True), ("programmes:cohort-dashboard", True),
    ("programmes:list", False),
]


def _warm_queries(client, url) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(side, count: int) -> None:
    for n in range(count):
        participation = ParticipationFactory(cohort=side.cohort, municipality=MunicipalityFactory(name=f"Vækst {n}"))
        MilestoneFactory(programme=side.programme, participation=participation, due_on=OVERDUE)


@pytest.mark.parametrize(("name", "with_slug"), KEPT_URLS)
def test_a_warm_request_makes_the_same_few_queries_at_any_size(world, clients, name, with_slug):
    url = reverse(name, args=[world.a.programme.slug] if with_slug else [])
    facilitator = clients["facilitator-a"]
    small = _warm_queries(facilitator, url)
    _grow(world.a, 15)
    large = _warm_queries(facilitator, url)
    assert small == large, (small, large)
    assert large <= 2  # the session (and at most the person); no query of the page's own


# --- A kept form carries the asker's token ----------------------------------------------------------------

def _tokens(page: str) -> set[str]:
    import re

    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


@pytest.mark.parametrize("name", ["milestones", "detail"])
def test_kept_forms_carry_the_askers_csrf_token(world, clients, name):
    programme = world.a.programme
    first = Client(enforce_csrf_checks=True)
    first.force_login(world.a.users["facilitator"])
    second = Client(enforce_csrf_checks=True)
    second.force_login(facilitator_of(programme))
    first_page = _page(first, name, programme)
    second_page = _page(second, name, programme)
    first_secret = first.cookies["csrftoken"].value
    second_secret = second.cookies["csrftoken"].value
    assert first_secret != second_secret
    assert _tokens(first_page) and _tokens(second_page)
    assert {_unmask_cipher_token(token) for token in _tokens(first_page)} == {first_secret}
    assert {_unmask_cipher_token(token) for token in _tokens(second_page)} == {second_secret}

    if name == "milestones":  # the second person's kept "Mark as done" form works for them
        milestone = Milestone.objects.get(participation=world.a.participation)
        token = next(iter(_tokens(second_page)))
        response = second.post(reverse("programmes:milestone-complete", args=[milestone.pk]),
                               {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        milestone.refresh_from_db()
        assert milestone.status == Milestone.Status.DONE


@pytest.mark.parametrize("invited_first", [True, False])
def test_observers_never_share_the_follow_group_meetings_of_their_invitations(world, invited_first):
    """Observers see a follow-group meeting only when invited to it: the politicians' overview lists those
    meetings, so each observer gets their own copy, whoever filled the cache first (the briefing likewise)."""
    programme = world.a.programme
    invited, other = observer_of(programme), observer_of(programme)
    start = timezone.now() + timedelta(days=5)
    meeting = MeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, title_en="Closed follow-group",
                             starts_at=start, ends_at=start + timedelta(hours=2))
    InvitationFactory(meeting=meeting, user=invited)
    invited_client, other_client = Client(), Client()
    invited_client.force_login(invited)
    other_client.force_login(other)
    order = [(invited_client, True), (other_client, False)]
    for client, sees in order if invited_first else order[::-1]:
        assert ("Closed follow-group" in _page(client, "dashboard", programme)) is sees
