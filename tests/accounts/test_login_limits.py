"""Login limits an attacker cannot turn against people (issue 14.6): failures count per account and address
together with growing waits, the message says how long to wait, X-Forwarded-For counts only behind a configured
proxy, one busy address (a town hall) is not locked out, and the admin logs in behind the same limits."""

import time

import pytest
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
TOWN_HALL = "192.0.2.10"


@pytest.fixture
def person():
    return UserFactory(email="karen.holm@example.org", language="da")


@pytest.fixture
def danish(client):
    client.cookies["django_language"] = "da"
    return client


@pytest.fixture
def clock(monkeypatch):
    """Moves the clock of the rate limits forward (their windows are minutes to a day)."""
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def advance(minutes: float) -> None:
        offset[0] += minutes * 60

    return advance


def _login(client, email, password, address, **headers):
    language = client.cookies.get("django_language")
    client.logout()  # a fresh client each time; logging out also forgets the cookies, so keep the language
    if language is not None:
        client.cookies["django_language"] = language.value
    response = client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address,
                           **headers)
    return response, "_auth_user_id" in client.session


def _fail(client, email, address, times=1, **headers):
    for _ in range(times):
        _login(client, email, "wrong-password-1", address, **headers)


def test_the_owner_still_logs_in_from_elsewhere_while_an_attacker_is_locked_out(danish, person):
    _fail(danish, person.email, ATTACKER, times=25)
    response, logged_in = _login(danish, person.email, DEMO_PASSWORD, ATTACKER)
    assert not logged_in  # even the right password, from the attacker's address
    assert "Vent op til 5 minutter" in response.content.decode()  # how long, in Danish
    _response, logged_in = _login(danish, person.email, DEMO_PASSWORD, OWNER)
    assert logged_in


def test_waits_grow_from_minutes_to_an_hour_to_a_day(danish, person, clock):
    _fail(danish, person.email, ATTACKER, times=5)
    assert "Vent op til 5 minutter" in _login(danish, person.email, DEMO_PASSWORD, ATTACKER)[0].content.decode()
    clock(6)
    assert _login(danish, person.email, "wrong-password-1", ATTACKER)[0].status_code == 200  # counted again
    _fail(danish, person.email, ATTACKER, times=4)
    assert "Vent op til 1 time" in _login(danish, person.email, DEMO_PASSWORD, ATTACKER)[0].content.decode()
    clock(61)
    _fail(danish, person.email, ATTACKER, times=5)
    clock(6)
    _fail(danish, person.email, ATTACKER, times=5)
    response, logged_in = _login(danish, person.email, DEMO_PASSWORD, ATTACKER)
    assert not logged_in and "Vent op til 1 døgn" in response.content.decode()
    assert _login(danish, person.email, DEMO_PASSWORD, OWNER)[1]  # the owner, all along


def test_the_right_password_gives_the_owner_their_attempts_back(client, person):
    for _ in range(3):
        _fail(client, person.email, OWNER, times=4)
        assert _login(client, person.email, DEMO_PASSWORD, OWNER)[1]  # 12 mistakes in all, never locked


def test_x_forwarded_for_is_ignored_without_a_proxy(danish, person, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # outside production no proxy is assumed unless configured
    for n in range(5):  # a new made-up address in the header each time does not escape the limit
        _fail(danish, person.email, ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response, logged_in = _login(danish, person.email, DEMO_PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert not logged_in and "Vent op til 5 minutter" in response.content.decode()
    # ... and naming the owner's address in the header does not lock the owner out
    _fail(danish, "someone@example.org", ATTACKER, times=5, HTTP_X_FORWARDED_FOR=OWNER)
    assert _login(danish, person.email, DEMO_PASSWORD, OWNER)[1]


def test_behind_a_configured_proxy_each_client_counts_on_its_own(client, person, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request arrives from the proxy
    _fail(client, person.email, proxy, times=10, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert not _login(client, person.email, DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)[1]
    assert _login(client, person.email, DEMO_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER)[1]


def test_a_town_hall_behind_one_address_is_not_locked_out(client):
    colleagues = [UserFactory(email=f"kollega{n}@vejle.example.org") for n in range(16)]
    for colleague in colleagues[:-1]:  # fifteen people mistype twice within the same minute
        _fail(client, colleague.email, TOWN_HALL, times=2)
    assert _login(client, colleagues[-1].email, DEMO_PASSWORD, TOWN_HALL)[1]
    assert _login(client, colleagues[0].email, DEMO_PASSWORD, TOWN_HALL)[1]


def test_one_address_trying_many_accounts_is_stopped(danish, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_address": "8/h/ip"}
    for n in range(8):
        _fail(danish, f"guess{n}@example.org", ATTACKER)
    target = UserFactory()
    response, logged_in = _login(danish, target.email, DEMO_PASSWORD, ATTACKER)
    assert not logged_in and "For mange mislykkede login fra dit netværk. Vent op til 1 time" in (
        response.content.decode())
    assert _login(danish, target.email, DEMO_PASSWORD, OWNER)[1]


def test_many_addresses_against_one_account_are_stopped_and_the_owner_gets_in(danish, person, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "6/d/key"}
    for n in range(6):  # a botnet: one guess from each address
        _fail(danish, person.email, f"203.0.113.{n}")
    response, logged_in = _login(danish, person.email, "wrong-password-1", "203.0.113.99")
    assert not logged_in and "Vent op til 1 døgn" in response.content.decode()


def test_the_admin_login_is_behind_the_same_limits(client):
    admin = AdminFactory(email="root@example.org")
    # The admin's own login form is not a way around: it sends everyone to the platform's login
    response = client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": DEMO_PASSWORD},
                           REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    _fail(client, admin.email, ATTACKER, times=5)
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": admin.email,
                                                                        "password": DEMO_PASSWORD},
                           REMOTE_ADDR=ATTACKER)
    assert "_auth_user_id" not in client.session and "Wait up to 5 minutes" in response.content.decode()
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": admin.email,
                                                                        "password": DEMO_PASSWORD},
                           REMOTE_ADDR=OWNER)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", REMOTE_ADDR=OWNER).status_code == 200


def test_a_password_reset_ends_the_wait_of_the_account(client, person, mailoutbox):
    _fail(client, person.email, OWNER, times=20)  # the owner forgot their password: a day to wait
    assert not _login(client, person.email, DEMO_PASSWORD, OWNER)[1]
    client.post(reverse("account_reset_password"), {"email": person.email}, REMOTE_ADDR=OWNER)
    link = next(word for word in mailoutbox[-1].body.split() if "/accounts/password/reset/key/" in word)
    form_url = client.get(link.split("testserver", 1)[-1], REMOTE_ADDR=OWNER)["Location"]
    new_password = "grøn-omstilling-2031"
    response = client.post(form_url, {"password1": new_password, "password2": new_password}, REMOTE_ADDR=OWNER)
    assert response.status_code == 302
    assert _login(client, person.email, new_password, OWNER)[1]


def test_too_many_login_attempts_from_one_address_get_the_platform_page_in_danish(danish, person, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        _login(danish, person.email, DEMO_PASSWORD, TOWN_HALL)
    response, logged_in = _login(danish, person.email, DEMO_PASSWORD, TOWN_HALL)
    assert response.status_code == 429 and not logged_in
    page = response.content.decode()
    assert "For mange forsøg" in page and "Vent et minut" in page and 'class="error-page"' in page
