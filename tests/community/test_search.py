"""Search across the library, threads and people: always within what the person may see — full-text search
on PostgreSQL, a word-by-word fallback elsewhere (both paths are tested; the first on PostgreSQL only)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from community import selectors, services
from community.models import Visibility
from tests.community.factories import LibraryItemFactory, PostFactory, ProfileFactory, ThreadFactory, cohort_item

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["fallback", "database"])
def search_path(request, monkeypatch):
    """Every search test runs with the word-by-word fallback, and with the database's own path (full text on
    PostgreSQL — on SQLite the two are the same)."""
    if request.param == "fallback":
        monkeypatch.setattr(selectors, "uses_full_text_search", lambda: False)
    return request.param


@pytest.fixture
def content(world):
    return {
        "visible": LibraryItemFactory(title_da="Materialebank for tegl", title_en="Brick materials bank",
                                      body_da="Vi genbruger mursten fra nedrivning."),
        "cohort": cohort_item(world.a.programme, title_da="Materialebank kun for hold A"),
        "draft": LibraryItemFactory(title_da="Materialebank kladde", published_at=None),
        "hidden": LibraryItemFactory(title_da="Materialebank skjult", hidden_at=timezone.now()),
        "thread": ThreadFactory(title="Lager til materialebanken?", body="Hvor opbevarer I tegl?"),
        "cohort_thread": ThreadFactory(title="Materialebank i hold A", visibility=Visibility.COHORT,
                                       programme=world.a.programme),
        "answered": ThreadFactory(title="Genbrugskopper", body="Pant?"),
    }


def titles(queryset):
    """Titles as a Danish reader sees them (the items' Danish titles are what these tests name)."""
    from django.utils import translation

    with translation.override("da"):
        return {getattr(obj, "title", None) or obj.full_name for obj in queryset}


def test_search_finds_what_the_person_may_see_and_nothing_else(world, content, search_path):
    outsider = world.b.users["staff"]
    found = titles(selectors.search_items(user=outsider, query="materialebank"))
    assert found == {"Materialebank for tegl"}
    insider = world.a.users["staff"]
    assert titles(selectors.search_items(user=insider, query="materialebank")) == {
        "Materialebank for tegl", "Materialebank kun for hold A"}
    moderator = world.a.users["facilitator"]
    assert "Materialebank skjult" in titles(selectors.search_items(user=moderator, query="materialebank"))
    assert titles(selectors.search_threads(user=outsider, query="tegl")) == {"Lager til materialebanken?"}
    assert "Materialebank i hold A" in titles(selectors.search_threads(user=insider, query="materialebank"))
    assert "Materialebank i hold A" not in titles(selectors.search_threads(user=outsider, query="materialebank"))


def test_search_looks_into_answers_but_not_hidden_ones(world, content, search_path):
    user = world.b.users["staff"]
    PostFactory(thread=content["answered"], body="Vi bruger et vaskeri i Roskilde.")
    hidden = PostFactory(thread=content["thread"], body="Hemmelig leverandør")
    services.moderate(target=hidden, by=world.admin, action="hide")
    assert titles(selectors.search_threads(user=user, query="vaskeri")) == {"Genbrugskopper"}
    assert titles(selectors.search_threads(user=user, query="leverandør")) == set()


def test_people_are_found_by_name_and_shown_fields_only(world, search_path):
    person = world.a.users["advisor"]
    ProfileFactory(user=person, expertise="fødevarespild", show_expertise=False, organisation="Kommunen X")
    viewer = world.b.users["staff"]
    assert person in selectors.search_people(user=viewer, query=person.full_name.split()[0])
    assert person not in selectors.search_people(user=viewer, query="fødevarespild")
    assert person in selectors.search_people(user=viewer, query="Kommunen X")


def test_every_word_must_match_and_an_empty_query_finds_nothing(world, content, search_path):
    user = world.b.users["staff"]
    assert titles(selectors.search_items(user=user, query="materialebank tegl")) == {"Materialebank for tegl"}
    assert titles(selectors.search_items(user=user, query="materialebank plastik")) == set()
    assert not selectors.search_items(user=user, query="   ").exists()


def test_the_search_page_paginates_one_kind(client, world, search_path):
    for n in range(25):
        LibraryItemFactory(title_da=f"Genbrug nummer {n}")
    client.force_login(world.a.users["staff"])
    page = client.get(reverse("community:search") + "?q=genbrug")
    section = page.context["sections"][0]
    assert section["total"] == 25 and len(section["objects"]) == 6
    page = client.get(reverse("community:search") + "?q=genbrug&type=library&page=2")
    assert [s["key"] for s in page.context["sections"]] == ["library"]
    assert len(page.context["sections"][0]["objects"]) == 5


def test_postgresql_full_text_search_stems_danish_and_english(requires_postgres, world, content):
    assert selectors.uses_full_text_search()
    user = world.b.users["staff"]
    # Danish stemming: "materialebanker" (plural) finds "materialebank"; English: "banks" finds "bank".
    assert "Materialebank for tegl" in titles(selectors.search_items(user=user, query="materialebanker"))
    assert "Materialebank for tegl" in titles(selectors.search_items(user=user, query="banks"))
    # The body counts, with a lower weight than the title.
    LibraryItemFactory(title_da="Nedrivning", body_da="Intet om tegl her.")
    ranked = [item.title_da for item in selectors.search_items(user=user, query="nedrivning")]
    assert ranked[0] == "Nedrivning"
    # Still never past the visibility filter.
    assert "Materialebank kun for hold A" not in titles(selectors.search_items(user=user, query="materialebanker"))


def test_postgresql_stored_search_vectors_follow_every_write_and_use_the_gin_index(requires_postgres, world,
                                                                                    content):
    """The vectors are stored (trigger, migration community 0002), so a search is an index lookup — and they follow
    save(), bulk_create() and update(), which bypass Python."""
    from django.db import connection

    from community.models import LibraryItem, Post, Thread

    user = world.b.users["staff"]
    item = content["visible"]
    item.title_da = "Cirkulær betonknuser"
    item.save()
    assert "Cirkulær betonknuser" in titles(selectors.search_items(user=user, query="betonknuser"))
    LibraryItem.objects.filter(pk=item.pk).update(body_da="Vi sorterer gipsplader.")
    assert "Cirkulær betonknuser" in titles(selectors.search_items(user=user, query="gipsplader"))
    assert "Cirkulær betonknuser" not in titles(selectors.search_items(user=user, query="mursten"))
    [bulk] = LibraryItem.objects.bulk_create([LibraryItem(
        kind=LibraryItem.Kind.CASE, visibility=Visibility.COMMUNITY, title_da="Tekstilindsamling",
        published_at=timezone.now())])
    assert "Tekstilindsamling" in titles(selectors.search_items(user=user, query="tekstilindsamling"))
    # Threads: their own text, and their visible answers.
    Thread.objects.filter(pk=content["thread"].pk).update(title="Spørgsmål om isolering")
    assert "Spørgsmål om isolering" in [t.title for t in selectors.search_threads(user=user, query="isolering")]
    post = PostFactory(thread=content["answered"], body="Vi bruger returemballage.")
    assert "Genbrugskopper" in [t.title for t in selectors.search_threads(user=user, query="returemballage")]
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    assert "Genbrugskopper" not in [t.title for t in selectors.search_threads(user=user, query="returemballage")]
    # A GIN index on each vector, and the match can use it (sequential and plain index scans off: tiny test
    # tables otherwise make scanning them cheaper).
    from django.contrib.postgres.search import SearchQuery

    with connection.cursor() as cursor:
        for table in ("community_libraryitem", "community_thread", "community_post"):
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
            assert any("USING gin (search_vector)" in row[0] for row in cursor.fetchall()), table
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = LibraryItem.objects.filter(search_vector=SearchQuery(
            "tekstilindsamling", config="danish")).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "community_libraryitem_search_gin" in plan, plan
    assert bulk.pk
