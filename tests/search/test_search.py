"""Searching everything a person may see (issue 22, part 1).

Every kind is found by the people who may open it and by nobody of the other programme; every result a person
is shown opens for them (200); a municipality's drafts are found only by its own team, its advisor and the
facilitators; snippets are escaped. The word-by-word fallback (SQLite) and the database's own path (full text,
unaccent and trigrams on PostgreSQL) both run; what only PostgreSQL can do is marked ``requires_postgres``."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Thread
from municipalities.models import PartnerInvolvement, ProgressEntry, Sector
from programmes.models import LocalChallenge, Organisation, ProgrammeOrganisation
from search import selectors
from tests.community.factories import LibraryItemFactory, ProfileFactory, ThreadFactory, cohort_item
from tests.community.test_xss import PAYLOADS, assert_inert_html
from tests.factories import MilestoneFactory, MunicipalityFactory, ParticipationFactory, UserFactory, staff_of
from tests.workshops.factories import ActionItemFactory, DecisionFactory, PastMeetingFactory
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

WORD = "genbrug"
PROGRAMME_KINDS = [k.key for k in selectors.KINDS if k.key != "people"]  # people belong to the community


@pytest.fixture(params=["fallback", "database"])
def search_path(request, monkeypatch):
    """Each test runs with the word-by-word fallback and with the database's own path (on SQLite the same)."""
    if request.param == "fallback":
        monkeypatch.setattr(selectors, "uses_full_text_search", lambda: False)
    return request.param


def make_content(side, label: str) -> dict:
    """One thing of every kind in ``side``'s programme, each holding the word "genbrug" (or the programme's
    municipality named "Genbrugby")."""
    programme = side.programme
    programme.description_da = f"Et program om genbrug af byggematerialer ({label})."
    programme.save(update_fields=["description_da"])
    municipality = side.participation.municipality
    municipality.name = f"Genbrugby {label}"
    municipality.save(update_fields=["name"])
    meeting = PastMeetingFactory(programme=programme, title_da=f"Modul om genbrug {label}",
                                 description_da="Vi taler om genbrug.")
    organisation = Organisation.objects.create(name=f"Genbrugsfabrikken {label}", kind=Organisation.Kind.COMPANY)
    AgendaItem.objects.create(meeting=PastMeetingFactory(programme=programme, title_da=f"Dagsorden {label}"),
                              title="Erfaringer med genbrug")
    return {
        "programmes": programme,
        "municipalities": side.participation,
        "challenges": LocalChallenge.objects.create(
            participation=side.participation, title=f"Genbrug af tegl {label}",
            problem_statement="Mursten fra nedrivning ender som fyld; vi vil øge genbruget.",
            material_stream="construction", strategy="R3"),
        "milestones": MilestoneFactory(programme=programme, title_da=f"Plan for genbrug {label}"),
        "progress": ProgressEntry.objects.create(
            participation=side.participation, happened_on=date(2022, 3, 1), state=ProgressEntry.State.PUBLISHED,
            published_at=timezone.now(), what_happened=f"Vi øgede genbruget af mursten i {label}."),
        "meetings": meeting,
        "decisions": DecisionFactory(meeting=meeting, text="Alle deler data om genbrug."),
        "actions": ActionItemFactory(meeting=meeting, text="Kortlæg genbrug i kommunen"),
        "organisations": ProgrammeOrganisation.objects.create(
            programme=programme, organisation=organisation, part=ProgrammeOrganisation.Part.PARTNER),
        "partners": PartnerInvolvement.objects.create(
            participation=side.participation, organisation=organisation, sector=Sector.BUSINESS,
            role="Tager murstenene retur", starts_on=date(2022, 1, 1)),
        "library": cohort_item(programme, title_da=f"Genbrug i hold {label}"),
        "threads": ThreadFactory(title=f"Hvem har erfaring med genbrug? ({label})", visibility="cohort",
                                 programme=programme),
    }


@pytest.fixture
def content(world):
    return {"a": make_content(world.a, "A"), "b": make_content(world.b, "B")}


def found(user, kind: str, query: str = WORD, programme_id=None) -> set[int]:
    queryset = selectors.search_queryset(user=user, kind=selectors.KINDS_BY_KEY[kind], query=query,
                                         programme_id=programme_id)
    return set() if queryset is None else {obj.pk for obj in queryset}


# --- Every kind: found by its own programme, never by the other -------------------------------------------------

@pytest.mark.parametrize("kind", PROGRAMME_KINDS)
@pytest.mark.parametrize("role", ["facilitator", "politician", "observer"])
def test_the_programme_finds_every_kind(world, content, search_path, kind, role):
    assert content["a"][kind].pk in found(world.a.users[role], kind)


@pytest.mark.parametrize("kind", PROGRAMME_KINDS)
@pytest.mark.parametrize("role", ["facilitator", "advisor", "staff", "politician", "observer"])
def test_the_other_programme_finds_nothing_of_this_one(world, content, search_path, kind, role):
    """Programme B's people find B's things of every kind, and none of A's — also those who work in the
    municipality both programmes enrol."""
    for user in [world.b.users[role]] + ([world.b.shared_users[role]] if role in world.b.shared_users else []):
        hits = found(user, kind)
        assert content["a"][kind].pk not in hits, (kind, role, user.email)


@pytest.mark.parametrize("kind", PROGRAMME_KINDS)
def test_staff_find_their_own_municipality(world, content, search_path, kind):
    assert content["a"][kind].pk in found(world.a.users["staff"], kind)


def test_people_are_found_by_name_in_the_community(world, content, search_path):
    person = UserFactory(full_name="Genbrug-Gitte Hansen")
    staff_of(world.a.participation, user=person)
    assert person.pk in found(world.b.users["staff"], "people", query="Gitte")
    assert found(UserFactory(), "people", query="Gitte") == set()  # not a member: no directory


def test_people_matching_by_name_and_organisation_are_listed_once(world, search_path):
    person = UserFactory(full_name="Genbrug-Gitte Hansen")
    staff_of(world.a.participation, user=person)
    ProfileFactory(user=person, organisation="Genbrugscentret")
    queryset = selectors.search_queryset(user=world.b.users["staff"], kind=selectors.KINDS_BY_KEY["people"],
                                         query="genbrug")
    assert [u.pk for u in queryset].count(person.pk) == 1


def test_library_and_sparring_are_listed_newest_first(world, search_path):
    """Like the other kinds (issue 22: no ``ts_rank`` for every match): the newer item first, even when the older
    one names the word more often."""
    now = timezone.now()
    older = LibraryItemFactory(title_da="Genbrug, genbrug og genbrug", summary_da="Genbrug.",
                               published_at=now - timedelta(days=30))
    newer = LibraryItemFactory(title_da="Et kort ord om genbrug", published_at=now)
    old_thread = ThreadFactory(title="Genbrug af genbrug: genbrug")
    new_thread = ThreadFactory(title="Spørgsmål om genbrug")
    Thread.objects.filter(pk=old_thread.pk).update(last_activity_at=now - timedelta(days=9))
    user = world.a.users["facilitator"]
    for kind, first, second in (("library", newer, older), ("threads", new_thread, old_thread)):
        listed = [obj.pk for obj in selectors.search_queryset(
            user=user, kind=selectors.KINDS_BY_KEY[kind], query=WORD)]
        assert listed.index(first.pk) < listed.index(second.pk), kind


# --- Drafts -----------------------------------------------------------------------------------------------------

@pytest.fixture
def drafts(world):
    return {
        "own": ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                            what_happened="Kladde: genbrug i egen kommune."),
        "other": ProgressEntry.objects.create(participation=world.a.other_participation,
                                              happened_on=date(2022, 4, 1),
                                              what_happened="Kladde: genbrug i nabokommunen."),
        "shared": ProgressEntry.objects.create(participation=world.a.shared_participation,
                                               happened_on=date(2022, 4, 1),
                                               what_happened="Kladde: genbrug i Fællesby, program A."),
    }


def test_staff_never_find_another_municipalitys_draft(world, drafts, search_path):
    hits = found(world.a.users["staff"], "progress")
    assert drafts["own"].pk in hits
    assert drafts["other"].pk not in hits and drafts["shared"].pk not in hits
    # the same municipality's team in programme B finds nothing of programme A's drafts there
    assert drafts["shared"].pk not in found(world.b.shared_users["staff"], "progress")
    assert drafts["shared"].pk in found(world.a.shared_users["staff"], "progress")


@pytest.mark.parametrize("role", ["politician", "observer"])
def test_readers_find_no_drafts(world, drafts, search_path, role):
    assert found(world.a.users[role], "progress") & {d.pk for d in drafts.values()} == set()


def test_facilitators_and_advisors_find_the_drafts_they_work_on(world, drafts, search_path):
    assert {d.pk for d in drafts.values()} <= found(world.a.users["facilitator"], "progress")
    assert found(world.a.users["advisor"], "progress") & {d.pk for d in drafts.values()} == {drafts["own"].pk}


def test_withdrawn_entries_are_not_found(world, search_path):
    ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                 what_happened="Om genbrug.", state=ProgressEntry.State.WITHDRAWN,
                                 withdrawal_reason="Fejl")
    assert found(world.a.users["facilitator"], "progress") == set()


def test_unpublished_minutes_are_searched_for_the_organisers_only(world, search_path):
    meeting = PastMeetingFactory(programme=world.a.programme, minutes="Referat: aftale om genbrug.")
    assert meeting.pk in found(world.a.users["facilitator"], "meetings")
    assert meeting.pk not in found(world.a.users["politician"], "meetings")
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at"])
    assert meeting.pk in found(world.a.users["politician"], "meetings")


# --- Every result opens -----------------------------------------------------------------------------------------

def result_links(client, query=WORD, **params) -> list[str]:
    response = client.get(reverse("search:results"), {"q": query, **params})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in soup.select("ul.search-results li > a")]


@pytest.mark.parametrize("role", ["admin", "facilitator", "advisor", "staff", "politician", "observer"])
def test_every_result_shown_opens_for_the_person(client, world, content, drafts, role):
    """A search never shows a title the person could not open: every link of every kind answers 200."""
    users = [world.user(role)] + ([world.a.shared_users[role]] if role in world.a.shared_users else [])
    for user in users:
        client.force_login(user)
        links = set()
        for kind in selectors.KINDS:
            links |= set(result_links(client, kind=kind.key))
        assert links, (role, "found nothing")
        for link in sorted(links):
            assert client.get(link).status_code == 200, (role, user.email, link)


# --- The page ---------------------------------------------------------------------------------------------------

def test_page_groups_by_kind_with_context_in_danish(client, world, content, settings):
    settings.LANGUAGE_CODE = "da"
    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override("da"):
        response = client.get(reverse("search:results"), {"q": WORD})
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2")]
    assert "Fremskridt" in headings and "Milepæle" in headings and "Møder" in headings, headings
    progress = soup.find(id="results-progress").find_parent("section")
    assert "Genbrugby A" in progress.get_text() and "01.03.2022" in progress.get_text()
    assert "Program a" in progress.get_text()
    results = " ".join(ul.get_text(" ") for ul in soup.select("main ul.search-results"))
    assert "Genbrugby B" not in html and "Program b" not in results and "(B)" not in results
    assert soup.select_one("header form[role=search] label[for=header-search-q]")


def test_kind_and_programme_filters_and_pagination(client, world, content):
    facilitator = world.a.users["facilitator"]
    for n in range(23):
        MilestoneFactory(programme=world.a.programme, title_da=f"Genbrug trin {n}")
    client.force_login(facilitator)
    page1 = client.get(reverse("search:results"), {"q": WORD, "kind": "milestones"})
    assert page1.context["sections"][0].page.paginator.count == 24
    assert len(page1.context["sections"][0].results) == 20
    page2 = client.get(reverse("search:results"), {"q": WORD, "kind": "milestones", "page": 2})
    assert len(page2.context["sections"][0].results) == 4
    # a programme the person does not see is no choice: the form refuses it and nothing is searched
    foreign = client.get(reverse("search:results"), {"q": WORD, "programme": world.b.programme.pk})
    assert foreign.context["sections"] == [] and foreign.context["form"].errors
    own = client.get(reverse("search:results"), {"q": WORD, "programme": world.a.programme.pk})
    assert {s.kind.key for s in own.context["sections"]} >= {"milestones", "progress", "meetings"}



def test_a_kinds_pages_count_no_further_than_the_cap(client, world, content, monkeypatch):
    """A word in more results than the cap: the count says "over", the pages stop at the cap, and the page asks
    for more words (in Danish); at or under the cap the count is exact and nothing is said."""
    from search import views

    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    for n in range(6):
        MilestoneFactory(programme=world.a.programme, title_da=f"Genbrug trin {n}")  # 7 with the content's
    client.force_login(user)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    first = client.get(reverse("search:results"), {"q": WORD, "kind": "milestones"})
    soup = BeautifulSoup(first.content.decode(), "html.parser")
    assert soup.select_one("#results-milestones").get_text(" ", strip=True) == "Milepæle (over 5)"
    assert "Kun de første 5 resultater vises. Tilføj et ord" in soup.get_text(" ")
    assert "Side 1 af 3" in soup.select_one("nav.pagination").get_text(" ")
    last = client.get(reverse("search:results"), {"q": WORD, "kind": "milestones", "page": 9})
    assert len(last.context["sections"][0].results) == 1  # the 5th result; the 6th and 7th are not listed

    monkeypatch.setattr(views, "COUNT_CAP", 7)
    exact = BeautifulSoup(client.get(reverse("search:results"), {"q": WORD, "kind": "milestones"}).content.decode(),
                          "html.parser")
    assert exact.select_one("#results-milestones").get_text(" ", strip=True) == "Milepæle (7)"
    assert "Kun de første" not in exact.get_text(" ")


def test_the_capped_count_reads_no_further_than_the_cap(world):
    from circular_cities.utils import CappedPaginator, capped_count
    from programmes.models import Milestone

    for n in range(5):
        MilestoneFactory(programme=world.a.programme, title_da=f"Trin {n}")
    milestones = Milestone.objects.filter(programme=world.a.programme).order_by("due_on", "pk")
    total = milestones.count()
    assert capped_count(milestones, cap=2) == 3 and capped_count(milestones, cap=total) == total
    paginator = CappedPaginator(milestones, 2, cap=3)
    assert (paginator.count, paginator.more, paginator.num_pages) == (3, True, 2)
    assert list(paginator.page(2).object_list) == [list(milestones)[2]]
    assert CappedPaginator(list(milestones), 2, cap=total).more is False

def _grow(side, label: str, n: int) -> None:
    """``n`` more things of several kinds in ``side``'s programme, all holding the word."""
    for i in range(n):
        MilestoneFactory(programme=side.programme, title_da=f"Genbrug {label} {i}")
        ProgressEntry.objects.create(participation=side.participation, happened_on=date(2022, 5, 1),
                                     what_happened=f"Mere genbrug {label} {i}.")
        meeting = PastMeetingFactory(programme=side.programme, title_da=f"Genbrug-møde {label} {i}")
        DecisionFactory(meeting=meeting, text=f"Genbrug besluttet {i}")
        ActionItemFactory(meeting=meeting, text=f"Genbrug handling {i}")
        LibraryItemFactory(title_da=f"Genbrug bog {label} {i}")


@pytest.mark.parametrize("role", ["facilitator", "staff", "politician"])
def test_query_count_is_flat(client, world, content, django_assert_max_num_queries, role):
    """One query per kind on the overview, two on a kind's page (count and page), whatever the data."""
    client.force_login(world.a.users[role])
    for size in (1, 10):
        _grow(world.a, str(size), 2 * size)
        with django_assert_max_num_queries(24):
            overview = client.get(reverse("search:results"), {"q": WORD})
        assert overview.status_code == 200
        with django_assert_max_num_queries(14):
            kind_page = client.get(reverse("search:results"), {"q": WORD, "kind": "progress"})
        assert kind_page.context["sections"][0].results


@pytest.mark.parametrize("kind", [None, "progress"])
def test_the_programmes_of_the_filter_name_the_results(client, world, content, kind):
    """The programme filter reads the programmes the person sees; the results' programme names come from that
    read, not from a second one, and still name the programme."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.a.users["facilitator"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search:results"), {"q": WORD, **({"kind": kind} if kind else {})})
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "programmes_programme"."id"')]
    # the filter's read, and on the overview the programmes kind's own search; no third read for the names
    assert len(reads) == (1 if kind else 2), reads
    progress = next(s for s in response.context["sections"] if s.kind.key == "progress")
    assert progress.results and {r.programme for r in progress.results} == {str(world.a.programme)}


def test_no_words_no_queries_beyond_the_page(client, world, django_assert_max_num_queries):
    client.force_login(world.a.users["staff"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("search:results"), {"q": "   "})
    assert response.status_code == 200 and response.context["sections"] == []


def test_a_too_long_search_says_so_and_not_to_choose_from_the_lists(client, world):
    """A search longer than the field allows (a pasted paragraph in a link) is told its length, in Danish."""
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save(update_fields=["language"])
    client.force_login(staff)
    page = client.get(reverse("search:results"), {"q": "genbrug " * 40}).content.decode()
    assert "Vælg en type og et program fra listerne." not in page
    assert "højst have 200 tegn" in page


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("search:results"), {"q": WORD})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_snippets_and_titles_are_escaped(client, world, search_path, payload):
    ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                 state=ProgressEntry.State.PUBLISHED, published_at=timezone.now(),
                                 what_happened=f"genbrug {payload} genbrug", learnings=payload)
    MilestoneFactory(programme=world.a.programme, title_da=f"genbrug {payload}"[:200], description=payload)
    LibraryItemFactory(title_da=f"genbrug {payload}"[:200], summary_da=f"genbrug {payload}")
    client.force_login(world.a.users["facilitator"])
    html = client.get(reverse("search:results"), {"q": f"genbrug {payload}"[:200]}).content.decode()
    assert_inert_html(html, f"search {payload}")
    html = client.get(reverse("search:results"), {"q": WORD}).content.decode()
    assert_inert_html(html, f"search {payload}")
    assert "<mark>" in html  # the highlight is the one element a snippet may hold


def test_the_line_under_a_title_names_what_is_known():
    Result = selectors.Result
    assert Result(title="t", url="/", programme="Program a", municipality="By a1", when=date(2022, 3, 1),
                  when_label="due").meta == "Program a · By a1 · due 01.03.2022"
    assert Result(title="t", url="/", municipality="By a1", when=date(2022, 3, 1)).meta == "By a1 · 01.03.2022"
    assert Result(title="t", url="/", programme="Program a").meta == "Program a"
    assert Result(title="t", url="/").meta == ""


def test_snippet_marks_the_word_and_escapes_the_rest():
    marked = f"før <b>{selectors.START}genbrug{selectors.STOP}</b> efter"
    assert str(selectors.render_snippet(marked)) == "før &lt;b&gt;<mark>genbrug</mark>&lt;/b&gt; efter"
    assert "<mark>" not in str(selectors.render_snippet(f"{selectors.START}open"))
    assert str(selectors.python_snippet("Vi <i>øgede</i> Genbruget", "genbrug")) == (
        "Vi &lt;i&gt;øgede&lt;/i&gt; <mark>Genbrug</mark>et")


# --- PostgreSQL: Danish stems, unaccent, trigrams, the indexes ---------------------------------------------------

def test_inflected_words_find_each_other(world, content, requires_postgres):
    staff = world.a.users["staff"]
    entry = content["a"]["progress"]  # "Vi øgede genbruget af mursten"
    assert entry.pk in found(staff, "progress", query="genbrug")
    assert entry.pk in found(staff, "progress", query="genbrugets")
    assert content["a"]["milestones"].pk in found(staff, "milestones", query="genbruget")  # "Plan for genbrug"


def test_names_without_danish_letters_and_with_a_typo(world, requires_postgres):
    participation = ParticipationFactory(cohort=world.a.cohort, municipality=MunicipalityFactory(name="Høje-Tåstrup"))
    facilitator = world.a.users["facilitator"]
    assert participation.pk in found(facilitator, "municipalities", query="hoje-tastrup")
    assert participation.pk in found(facilitator, "municipalities", query="Høje")
    assert participation.pk in found(facilitator, "municipalities", query="hoje tastrup")
    assert participation.pk in found(facilitator, "municipalities", query="Hoje-Tastrop")  # a typo: trigrams
    assert participation.pk not in found(world.b.users["facilitator"], "municipalities", query="hoje-tastrup")


def test_names_are_found_without_danish_letters_on_every_database(world):
    """Also in the embedded run (SQLite): "koge" finds Køge, "AEROSKOBING" Ærøskøbing, for their programme only."""
    koge = ParticipationFactory(cohort=world.a.cohort, municipality=MunicipalityFactory(name="Køge"))
    aero = ParticipationFactory(cohort=world.a.cohort, municipality=MunicipalityFactory(name="Ærøskøbing"))
    facilitator = world.a.users["facilitator"]
    assert koge.pk in found(facilitator, "municipalities", query="koge")
    assert koge.pk in found(facilitator, "municipalities", query="KØGE")
    assert aero.pk in found(facilitator, "municipalities", query="aeroskobing")
    assert koge.pk not in found(facilitator, "municipalities", query="kolding")
    assert koge.pk not in found(world.b.users["facilitator"], "municipalities", query="koge")


def test_snippet_highlights_on_postgres(client, world, content, requires_postgres):
    client.force_login(world.a.users["facilitator"])
    html = client.get(reverse("search:results"), {"q": "genbruget", "kind": "progress"}).content.decode()
    assert "<mark>genbruget</mark>" in html


def test_the_stored_vectors_are_the_searched_expressions():
    """The triggers of programmes 0007, workshops 0005 and municipalities 0009 store exactly the fields the
    selectors search, in the same order, in the columns the selectors read."""
    import importlib

    stored, columns = {}, {}
    programmes = importlib.import_module("programmes.migrations.0007_stored_search_vectors")
    for table, (column, fields) in programmes.VECTORS.items():
        label = {"programmes_programme": "programmes.Programme", "programmes_localchallenge":
                 "programmes.LocalChallenge", "programmes_milestone": "programmes.Milestone"}[table]
        stored[label], columns[label] = fields, column
    workshops = importlib.import_module("workshops.migrations.0005_stored_search_vectors")
    for table, vectors in workshops.VECTORS.items():
        for column, fields in vectors:
            label = {"workshops_meeting": "workshops.Meeting", "workshops_agendaitem": "workshops.AgendaItem",
                     "workshops_decision": "workshops.Decision", "workshops_actionitem": "workshops.ActionItem"}[table]
            label += "#minutes" if column == "minutes_search_vector" else ""
            stored[label], columns[label] = fields, column
    progress = importlib.import_module("municipalities.migrations.0009_progress_search_vector")
    stored["municipalities.ProgressEntry"], columns["municipalities.ProgressEntry"] = progress.FIELDS, "search_vector"
    assert stored == selectors.FULL_TEXT_FIELDS
    assert columns == selectors.STORED_VECTORS


def test_the_stored_vectors_follow_every_write(world, content, requires_postgres):
    """Created, updated with ``update()`` and saved whole: the decision, meeting and programme are found by their
    new words only."""
    from workshops.models import Decision, Meeting

    admin = world.admin
    decision, meeting = content["a"]["decisions"], content["a"]["meetings"]
    assert decision.pk in found(admin, "decisions") and meeting.pk in found(admin, "meetings")
    Decision.objects.filter(pk=decision.pk).update(text="Tagsten skal tælles.")
    assert decision.pk not in found(admin, "decisions") and decision.pk in found(admin, "decisions", "tagsten")
    meeting.refresh_from_db()
    meeting.title_da, meeting.description_da, meeting.minutes = "Om vinduer", "", "Vi talte om tagrender."
    meeting.minutes_published_at = timezone.now()
    meeting.save()  # a whole save writes back the vectors it read: the triggers make them anew
    assert meeting.pk in found(admin, "meetings", "vinduer") & found(admin, "meetings", "tagrender")
    assert Meeting.objects.filter(pk=meeting.pk, search_vector__isnull=False).exists()
    programme = content["a"]["programmes"]
    programme.description_da = "Om træ."
    programme.save()
    assert programme.pk in found(admin, "programmes", "træ") and programme.pk not in found(admin, "programmes")


def test_the_stored_progress_vector_is_kept_by_the_trigger(world, requires_postgres):
    entry = ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                         what_happened="Om tagsten.")
    assert entry.pk in found(world.admin, "progress", query="tagsten")
    ProgressEntry.objects.filter(pk=entry.pk).update(what_happened="Om genbruget.")
    assert entry.pk not in found(world.admin, "progress", query="tagsten")
    entry.refresh_from_db()
    entry.learnings = "Vinduer."
    entry.save()  # a whole save writes the (stale) vector it read: the trigger makes it anew
    assert entry.pk in found(world.admin, "progress", query="vinduer") & found(world.admin, "progress")


def test_the_progress_search_uses_its_index(world, requires_postgres):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    queryset = selectors.search_queryset(user=world.admin, kind=selectors.KINDS_BY_KEY["progress"], query=WORD)
    assert "municipalities_progressentry_search_gin" in queryset.explain()
