"""Sessions: idle and absolute timeouts, log out everywhere, deactivation ends sessions, re-authentication."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.sessions import LOGIN_AT, SEEN_AT
from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(email="session.person@example.org")


def logged_in_client(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    return client


def age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_login_starts_both_clocks(person):
    client = logged_in_client(person)
    assert abs(client.session[LOGIN_AT] - time.time()) < 60
    assert abs(client.session[SEEN_AT] - time.time()) < 60


def test_idle_session_is_sent_to_the_login_page_with_a_message(person, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    client = logged_in_client(person)
    age_session(client, **{SEEN_AT: 31 * 60})
    response = client.get(reverse("accounts:my-data"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + reverse("accounts:my-data").replace(
        "/", "%2F")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "logged out after 30 minutes without activity" in page.content.decode()


def test_activity_keeps_the_session_alive(person, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    client = logged_in_client(person)
    age_session(client, **{SEEN_AT: 29 * 60})
    assert client.get(reverse("accounts:my-data")).status_code == 200
    assert time.time() - client.session[SEEN_AT] < 60  # the idle clock was reset


def test_absolute_timeout_ends_even_an_active_session(person, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 3600
    client = logged_in_client(person)
    age_session(client, **{LOGIN_AT: 12 * 3600 + 5, SEEN_AT: 10})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "ended 12 hours after you logged in" in client.get(response["Location"]).content.decode()


def test_timed_out_htmx_request_redirects_the_whole_page(person):
    client = logged_in_client(person)
    age_session(client, **{SEEN_AT: 24 * 3600})
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("account_login"))


def test_logout_everywhere_ends_every_session(person):
    laptop, phone = logged_in_client(person), logged_in_client(person)
    assert UserSession.objects.filter(user=person).count() == 2
    response = laptop.post(reverse("accounts:logout-everywhere"))
    assert response.status_code == 302
    assert "_auth_user_id" not in laptop.session
    assert phone.get(reverse("accounts:my-data")).status_code == 302
    assert not UserSession.objects.filter(user=person).exists()


def test_logout_everywhere_is_post_only(person):
    client = logged_in_client(person)
    assert client.get(reverse("accounts:logout-everywhere")).status_code == 405


def test_sessions_page_lists_sessions_and_offers_log_out_everywhere(person):
    logged_in_client(person)
    client = logged_in_client(person)
    body = client.get(reverse("usersessions_list")).content.decode()
    assert body.count("127.0.0.1") >= 2
    assert reverse("accounts:logout-everywhere") in body


def test_deactivating_a_person_logs_out_their_other_clients_at_once(person):
    phone = logged_in_client(person)
    assert phone.get(reverse("accounts:my-data")).status_code == 200
    person.is_active = False
    person.save()
    assert not UserSession.objects.filter(user=person).exists()
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(person.pk) not in sessions
    assert phone.get(reverse("accounts:my-data")).status_code == 302


def test_deactivating_in_the_admin_ends_sessions(person, client):
    from tests.factories import AdminFactory

    phone = logged_in_client(person)
    client.force_login(AdminFactory(email="root@example.org"))
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"email": person.email, "full_name": person.full_name, "language": person.language,
                 "date_joined_0": person.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "12:00:00",
                 "roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0, "is_active": ""})
    data.pop("is_active")
    data.pop("groups", None), data.pop("user_permissions", None), data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert not person.is_active
    assert phone.get(reverse("accounts:my-data")).status_code == 302


def test_saving_an_active_person_keeps_their_sessions(person):
    phone = logged_in_client(person)
    person.full_name = "New Name"
    person.save()
    assert phone.get(reverse("accounts:my-data")).status_code == 200


def test_changing_mfa_asks_for_the_password_again(person, settings):
    client = logged_in_client(person)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the login above is no longer "recent"
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_changing_the_email_address_asks_for_the_password_again(person, settings):
    client = logged_in_client(person)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = client.post(reverse("account_email"), {"email": "new.address@example.org", "action_add": ""})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not person.emailaddress_set.filter(email="new.address@example.org").exists()


def test_changing_the_password_needs_the_current_one(person):
    client = logged_in_client(person)
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": "wrong-password-1", "password1": "Another-long-pass-9",
                            "password2": "Another-long-pass-9"})
    assert response.status_code == 200 and "oldpassword" in response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password(DEMO_PASSWORD)
