"""In a real browser: the author of a hidden thread reads that a moderator hid it (Danish and English), and a
moderator reaches the moderation page from the community's navigation; both pass axe-core
(test-artifacts/community-hidden-thread-da.png, …-en.png, community-moderation-nav.png)."""

import pytest

from community import services
from community.models import ModerationAction, Visibility
from tests.community.factories import ThreadFactory
from tests.factories import DEMO_PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_hidden_thread_page_for_its_author_and_the_moderators_way_to_moderation(browser_page):
    world = build_world()
    thread = ThreadFactory(author=world.a.users["staff"], programme=world.a.programme, visibility=Visibility.COHORT,
                           title="Køb vores containere", body="Ring til os i dag!")
    services.report_create(by=world.a.users["advisor"], target=thread, reason="Reklame")
    services.moderate(target=thread, by=world.a.users["facilitator"], action=ModerationAction.Action.HIDE,
                      reason="Reklame er ikke tilladt i sparring.")
    page = browser_page
    page.login(world.a.users["staff"].email, DEMO_PASSWORD)
    page.goto(thread.get_absolute_url())
    for language, says in (("da", "En moderator skjulte denne tråd"), ("en", "A moderator hid this thread")):
        page.switch_language(language)
        assert page.locator(".notice-hidden").get_by_text(says).count() == 1
        assert page.get_by_text("Ring til os i dag!").count() == 0
        page.check_accessibility(f"hidden thread {language}")
        page.screenshot(f"community-hidden-thread-{language}")
    page.logout()

    page.login(world.a.users["facilitator"].email, DEMO_PASSWORD)
    page.switch_language("da")
    page.goto("/community/library/")
    page.locator("nav.subnav").get_by_role("link", name="Moderering").click()
    page.wait_for_load_state()
    assert page.page.url.endswith("/community/moderation/")
    page.check_accessibility("moderation")
    page.screenshot("community-moderation-nav")
