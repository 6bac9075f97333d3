"""In a real browser, in Danish (issue 22's acceptance): a facilitator types into the header's search box and
finds a progress entry by an inflected word and a municipality by a name typed without æ/ø/å; a member of a
municipality's team never finds another municipality's draft. On PostgreSQL (full text and unaccent); each page
is checked with axe-core and photographed in Danish and English (test-artifacts/search-*.png)."""

from datetime import date

import pytest
from django.utils import timezone

from municipalities.models import Municipality, ProgressEntry
from tests.factories import DEMO_PASSWORD, ParticipationFactory, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name):
    page.wait_for_load_state("networkidle")
    page.check_accessibility(name)
    page.screenshot(f"search-{name}")
    page.evaluate("document.querySelectorAll('[style]').forEach(e => e.removeAttribute('style'))")


def search_from_header(page, words):
    """Keyboard only: the box is reached by its label, the words typed, Enter pressed."""
    name = "Søg i alt" if page.locator("html").get_attribute("lang") == "da" else "Search everything"
    box = page.get_by_role("banner").get_by_role("searchbox", name=name)
    box.fill(words)
    box.press("Enter")
    page.wait_for_load_state()


def test_search_in_danish(browser_page, requires_postgres):
    world = build_world()
    koege = ParticipationFactory(cohort=world.a.cohort, municipality=Municipality.objects.get(name="Køge"))
    published = ProgressEntry.objects.create(
        participation=world.a.participation, happened_on=date(2022, 3, 1), state=ProgressEntry.State.PUBLISHED,
        published_at=timezone.now(), what_happened="Vi øgede genbruget af mursten fra nedrivningen på skolen.")
    own_draft = ProgressEntry.objects.create(participation=world.a.participation, happened_on=date(2022, 4, 1),
                                             what_happened="Kladde om genbrug af tagsten i egen kommune.")
    other_draft = ProgressEntry.objects.create(participation=koege, happened_on=date(2022, 4, 1),
                                               what_happened="Kladde om genbrug af tagsten i Køge.")
    for user in (world.a.users["facilitator"], world.a.users["staff"]):
        user.language = "da"
        user.save(update_fields=["language"])
    page = browser_page

    page.login(world.a.users["facilitator"].email, DEMO_PASSWORD)
    search_from_header(page, "genbrug")  # the entry says "genbruget"
    assert page.locator("html").get_attribute("lang") == "da"
    progress = page.locator("section", has=page.locator("h2#results-progress"))
    assert progress.get_by_role("link", name="Vi øgede genbruget af mursten").count() == 1
    assert progress.locator("mark", has_text="genbruget").count() >= 1
    check(page, "overview-da")

    search_from_header(page, "koge")  # typed without ø
    municipalities = page.locator("section", has=page.locator("h2#results-municipalities"))
    municipalities.get_by_role("link", name="Køge").click()
    page.wait_for_load_state()
    assert page.page.url.endswith(koege.get_absolute_url())

    # one kind, one programme, in English
    page.goto(f"/search/?q=genbruget&kind=progress&programme={world.a.programme.pk}")
    check(page, "one-kind-da")
    page.switch_language("en")
    assert page.get_by_role("heading", name="Progress entries").count() == 1
    check(page, "one-kind-en")
    search_from_header(page, "tagsten")
    check(page, "facilitator-drafts-en")
    assert page.get_by_role("link", name="Kladde om genbrug af tagsten i Køge").count() == 1  # facilitators do
    page.switch_language("da")
    page.logout()

    # a member of By a1's team: their own draft, never Køge's
    page.login(world.a.users["staff"].email, DEMO_PASSWORD)
    search_from_header(page, "tagsten")
    check(page, "staff-da")
    results = page.locator("main ul.search-results")
    assert results.get_by_role("link", name="Kladde om genbrug af tagsten i egen kommune").count() == 1
    assert page.get_by_text("Køge").count() == 0
    assert published.pk and own_draft.pk and other_draft.pk
