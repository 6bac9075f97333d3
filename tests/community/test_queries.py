"""The number of queries a community page makes does not grow with the data (1× and 10×)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Adoption, Visibility
from tests.community.factories import LibraryItemFactory, PostFactory, ProfileFactory, ThreadFactory, solution_model
from tests.factories import MunicipalityFactory, UserFactory, staff_of

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _items(world, n):
    for _ in range(n):
        item = LibraryItemFactory(visibility=Visibility.PUBLIC, programme=world.a.programme,
                                  municipality=MunicipalityFactory(), author=UserFactory())
        Adoption.objects.create(item=item, municipality=MunicipalityFactory())


def _adoptions(item, n):
    for _ in range(n):
        Adoption.objects.create(item=item, municipality=MunicipalityFactory(), adopted_by=UserFactory(), note="…")


def _posts(thread, n):
    for _ in range(n):
        author = staff_of(MunicipalityFactory())
        PostFactory(thread=thread, author=author, municipality=MunicipalityFactory())


def _members(n):
    for _ in range(n):
        ProfileFactory(user=staff_of(MunicipalityFactory()), show_email=True)


def assert_flat(client, url, grow, *, base: int = 1):
    grow(base)
    once = queries(client, url)
    grow(9 * base)
    tenfold = queries(client, url)
    assert tenfold == once, f"{url}: {once} queries at 1×, {tenfold} at 10×"
    assert once <= MAX_QUERIES, f"{url}: {once} queries"


@pytest.fixture
def member(client, world):
    client.force_login(world.a.users["staff"])
    return world.a.users["staff"]


def test_library_list(client, world, member):
    assert_flat(client, reverse("community:library"), lambda n: _items(world, n))


def test_item_detail(client, world, member):
    item = solution_model(world.a.other_participation)
    assert_flat(client, item.get_absolute_url(), lambda n: _adoptions(item, n))


def test_thread_detail(client, world, member):
    thread = ThreadFactory(material_stream="construction")
    assert_flat(client, thread.get_absolute_url(), lambda n: _posts(thread, n))


def test_thread_list_and_overview(client, world, member):
    def grow(n):
        for _ in range(n):
            _posts(ThreadFactory(author=UserFactory(), municipality=MunicipalityFactory()), 1)
            _items(world, 1)

    assert_flat(client, reverse("community:threads"), grow)
    assert_flat(client, reverse("community:index"), grow)


def test_member_directory(client, world, member):
    assert_flat(client, reverse("community:members"), _members)


def test_municipalities(client, world, member):
    def grow(n):
        for _ in range(n):
            participation = world.a.cohort.participations.create(municipality=MunicipalityFactory())
            solution_model(participation)

    assert_flat(client, reverse("community:municipalities"), grow)


def test_search(client, world, member):
    def grow(n):
        for _ in range(n):
            LibraryItemFactory(title_da="Genbrug", municipality=MunicipalityFactory())
            ThreadFactory(title="Genbrug", municipality=MunicipalityFactory(), author=UserFactory())
            ProfileFactory(user=staff_of(MunicipalityFactory(), user__full_name="Genbrug Person"), show_email=True)

    # More than the six shown per kind from the start, so that the totals are counted at both sizes.
    assert_flat(client, reverse("community:search") + "?q=genbrug", grow, base=7)


def test_showcase_list_and_feed(client, world):
    assert_flat(client, reverse("community:showcase"), lambda n: _items(world, n))
    assert_flat(client, reverse("community:showcase-feed"), lambda n: _items(world, n))


def test_showcase_item(client, world):
    item = solution_model(world.a.other_participation, visibility=Visibility.PUBLIC)
    assert_flat(client, item.get_showcase_url(), lambda n: _adoptions(item, n))
