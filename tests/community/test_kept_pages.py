"""The community's national lists (library, sparring, members, municipalities, search) keep their body until the
data changes (circular_cities/datacache.py): members who may see different things never share a copy, whoever
filled it first; a write shows on the next request; a warm page costs a fixed, small number of queries."""

import pytest
from django.urls import reverse

from community import services
from community.models import LibraryItem, Thread, Visibility
from tests.community.factories import LibraryItemFactory, PostFactory, ThreadFactory, cohort_item, solution_model
from tests.factories import ParticipationFactory, staff_of
from tests.kept import logged_in, queries_of, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]

LIBRARY = reverse("community:library")
THREADS = reverse("community:threads")
MEMBERS = reverse("community:members")
MUNICIPALITIES = reverse("community:municipalities")
SEARCH = reverse("community:search")


def item(title, **kwargs) -> LibraryItem:
    return LibraryItemFactory(title_da=title, title_en=title, **kwargs)


def solution(participation, title, **kwargs) -> LibraryItem:
    return solution_model(participation, title_da=title, title_en=title, **kwargs)


@pytest.mark.parametrize("url", [LIBRARY, f"{SEARCH}?q=Materialebank", f"{SEARCH}?q=Materialebank&type=library"])
def test_a_cohort_item_stays_with_its_programme_whoever_filled_the_kept_page(world, url):
    cohort_item(world.a.programme, title_da="Materialebank hold A", title_en="Materialebank hold A")
    staff_a, staff_b, facilitator_b = logged_in(world.a.users["staff"], world.b.users["staff"],
                                                world.b.users["facilitator"])
    assert "Materialebank hold A" in text(staff_a, url)
    assert "Materialebank hold A" not in text(staff_b, url)
    assert "Materialebank hold A" not in text(facilitator_b, url)
    # The other way round, on a page nobody asked for yet.
    other = url + ("&" if "?" in url else "?") + "page=1"
    assert "Materialebank hold A" not in text(staff_b, other)
    assert "Materialebank hold A" in text(staff_a, other)


def test_the_htmx_results_are_kept_per_viewer_too(world):
    cohort_item(world.a.programme, title_da="Kun hold A", title_en="Kun hold A")
    staff_a, staff_b = logged_in(world.a.users["staff"], world.b.users["staff"])
    url = f"{LIBRARY}?kind={LibraryItem.Kind.CASE}"
    page = text(staff_a, url, HX_Request="true")
    assert "Kun hold A" in page and page.lstrip().startswith('<div id="results"') and "<html" not in page
    assert "Kun hold A" not in text(staff_b, url, HX_Request="true")
    # The full page at the same address is its own copy.
    full = text(staff_b, url)
    assert "<html" in full and 'id="results"' in full and "Kun hold A" not in full


def test_an_authors_draft_is_theirs_alone_though_a_colleague_has_the_same_rights(world):
    municipality = world.a.participation.municipality
    author, colleague = staff_of(municipality), staff_of(municipality)
    item("Mit udkast", published_at=None, author=author)
    author_client, colleague_client = logged_in(author, colleague)
    assert "Mit udkast" not in text(colleague_client, LIBRARY)
    assert "Mit udkast" in text(author_client, LIBRARY)
    assert "Mit udkast" not in text(colleague_client, LIBRARY + "?page=1")


def test_moderators_see_hidden_items_the_others_do_not(world):
    hidden = item("Skjult case", programme=world.a.programme)
    services.moderate(target=hidden, by=world.a.users["facilitator"], action="hide", reason="Fejl")
    facilitator, staff = logged_in(world.a.users["facilitator"], world.a.users["staff"])
    page = text(facilitator, LIBRARY)
    assert "Skjult case" in page and "Hidden by a moderator" in page
    assert "Skjult case" not in text(staff, LIBRARY)


def test_a_new_library_item_shows_on_the_next_request(world):
    (staff,) = logged_in(world.a.users["staff"])
    assert "Ny case om træ" not in text(staff, LIBRARY)
    services.library_item_create(by=world.a.users["advisor"], kind=LibraryItem.Kind.CASE,
                                 visibility=Visibility.COMMUNITY, title_da="Ny case om træ",
                                 title_en="Ny case om træ", publish=True)
    assert "Ny case om træ" in text(staff, LIBRARY)


def test_cohort_threads_stay_with_their_programme_and_only_mine_is_the_persons_own(world):
    municipality = world.a.participation.municipality
    asker, colleague = staff_of(municipality), staff_of(municipality)
    ThreadFactory(title="Hold A spørger", visibility=Visibility.COHORT, programme=world.a.programme)
    ThreadFactory(title="Mit spørgsmål", author=asker)
    ThreadFactory(title="Kollegaens spørgsmål", author=colleague)
    staff_a, staff_b, asker_client, colleague_client = logged_in(
        world.a.users["staff"], world.b.users["staff"], asker, colleague)
    assert "Hold A spørger" in text(staff_a, THREADS)
    assert "Hold A spørger" not in text(staff_b, THREADS)
    mine = THREADS + "?mine=on"
    page = text(asker_client, mine)
    assert "Mit spørgsmål" in page and "Kollegaens spørgsmål" not in page
    page = text(colleague_client, mine)
    assert "Kollegaens spørgsmål" in page and "Mit spørgsmål" not in page


def test_an_answer_shows_in_the_sparring_list_at_once(world):
    thread = ThreadFactory(title="Hvem har en materialebank?")
    (staff,) = logged_in(world.a.users["staff"])
    assert "0 answers" in text(staff, THREADS)
    services.post_create(thread=thread, by=world.a.users["advisor"], body="Det har vi.")
    assert "1 answer" in text(staff, THREADS)
    assert Thread.objects.get(pk=thread.pk).last_activity_at is not None


def test_the_member_directory_is_shared_and_a_saved_profile_shows_at_once(world):
    staff, facilitator = logged_in(world.a.users["staff"], world.b.users["facilitator"])
    assert "Cirkulær enhed" not in text(staff, MEMBERS)
    services.profile_save(user=world.a.users["advisor"], organisation="Cirkulær enhed")
    assert "Cirkulær enhed" in text(facilitator, MEMBERS)
    assert "Cirkulær enhed" in text(staff, MEMBERS + "?q=Cirkul%C3%A6r", HX_Request="true")


def test_the_municipalities_show_the_solution_models_the_viewer_may_see(world):
    solution(world.a.participation, "Model for hold A", visibility=Visibility.COHORT)
    staff_a, staff_b = logged_in(world.a.users["staff"], world.b.users["staff"])
    assert "Model for hold A" in text(staff_a, MUNICIPALITIES)
    assert "Model for hold A" not in text(staff_b, MUNICIPALITIES)
    assert "Model for hold A" not in text(staff_b, MUNICIPALITIES + "?page=1")
    assert "Model for hold A" in text(staff_a, MUNICIPALITIES + "?page=1")


@pytest.mark.parametrize("url", [LIBRARY, THREADS, MEMBERS, MUNICIPALITIES, f"{SEARCH}?q=Case"])
def test_a_warm_page_costs_the_same_few_queries_whatever_the_data(world, url):
    (staff,) = logged_in(world.a.users["staff"])
    item("Case en")
    ThreadFactory()
    text(staff, url)
    small = queries_of(staff, url)
    for n in range(15):
        item(f"Case {n}", programme=world.a.programme)
        solution(ParticipationFactory(cohort=world.a.cohort), f"Model {n}")
        PostFactory(thread=ThreadFactory())
        staff_of(world.b.participation.municipality)
    text(staff, url)  # fills the cache for the new data version
    assert queries_of(staff, url) == small
    assert small <= 3
