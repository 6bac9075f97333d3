"""In a real browser, debug off: the 403, 404 and 500 pages, an expired answer link and the "too many attempts"
page in Danish and English pass axe-core and show a way back (test-artifacts/error-404-da.png, …)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEMO_PASSWORD, ProgrammeFactory, politician_of
from tests.workshops.factories import InvitationFactory, MeetingFactory
from workshops import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADINGS = {
    "404": {"da": "Vi kunne ikke finde siden", "en": "We could not find that page"},
    "403": {"da": "Det har du ikke adgang til", "en": "You may not do this"},
    "500": {"da": "Der gik noget galt hos os", "en": "Something went wrong on our side"},
    "answer-expired": {"da": "Dette svarlink virker ikke længere", "en": "This answer link no longer works"},
}


def _language(browser_page, code):
    browser_page.page.context.add_cookies([{"name": "django_language", "value": code, "url": browser_page.base_url}])


def _look(browser_page, name, language):
    assert browser_page.page.locator("html").get_attribute("lang") == language
    assert browser_page.page.locator("h1").inner_text() == HEADINGS[name][language]
    assert browser_page.page.locator("main a").count() >= 1  # a way back
    browser_page.check_accessibility(f"{name} {language}")
    browser_page.screenshot(f"error-{name}-{language}")


def test_error_pages_in_both_languages(browser_page, settings):
    politician = politician_of(ProgrammeFactory())
    meeting = MeetingFactory(starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1))
    expired = reverse("workshops:rsvp-link", args=[services.rsvp_token(InvitationFactory(meeting=meeting))])
    for language in ("da", "en"):
        _language(browser_page, language)
        assert browser_page.goto("/no-such-page/").status == 404
        _look(browser_page, "404", language)
        assert browser_page.goto(expired).status == 410
        _look(browser_page, "answer-expired", language)
    browser_page.login(politician.email, DEMO_PASSWORD)
    for language in ("da", "en"):
        _language(browser_page, language)
        assert browser_page.goto(reverse("accounts:invitation-create")).status == 403
        _look(browser_page, "403", language)
    settings.ROOT_URLCONF = "tests.core.broken_urls"
    for language in ("da", "en"):
        _language(browser_page, language)
        assert browser_page.goto("/boom/").status == 500
        _look(browser_page, "500", language)
