"""In a real browser: the login refused after too many wrong passwords says how long to wait, in Danish and
English, and passes axe-core (test-artifacts/login-limited-da.png, login-limited-en.png)."""

import pytest

from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT = {"da": "Vent op til 5 minutter", "en": "Wait up to 5 minutes"}


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_refused_login_says_how_long_to_wait(browser_page, language):
    person = UserFactory(email=f"limited-{language}@example.org")
    browser_page.page.context.add_cookies([{"name": "django_language", "value": language,
                                            "url": browser_page.base_url}])
    for _ in range(5):
        browser_page.login(person.email, "wrong-password-1")
    browser_page.login(person.email, DEMO_PASSWORD)
    assert WAIT[language] in browser_page.page.locator("main").inner_text()
    assert "/accounts/login/" in browser_page.page.url  # not logged in
    browser_page.check_accessibility(f"login limited {language}")
    browser_page.screenshot(f"login-limited-{language}")
