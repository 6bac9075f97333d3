"""Kept page parts (circular_cities/datacache.py): the data version, what it follows, the CSRF token of a kept
form, and the caches built on it (the person's scope, the unread count, cached_db sessions)."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role
from circular_cities import datacache
from notifications.models import Category, Notification
from programmes.models import Milestone
from tests.factories import (
    DEMO_PASSWORD,
    MilestoneFactory,
    ProgrammeFactory,
    RoleAssignmentFactory,
    UserFactory,
    facilitator_of,
)

pytestmark = pytest.mark.django_db


def test_a_saved_or_deleted_row_of_the_platform_changes_the_version(keep_page_parts):
    programme = ProgrammeFactory()
    before = datacache.data_version()
    milestone = MilestoneFactory(programme=programme)
    after_save = datacache.data_version()
    assert after_save != before
    milestone.delete()
    assert datacache.data_version() != after_save


def test_a_login_leaves_the_version_alone(client, keep_page_parts):
    """Logging in stamps last_login: that must not end every kept page of everybody."""
    person = UserFactory()
    before = datacache.data_version()
    assert client.post(reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD}).status_code == 302
    person.refresh_from_db()
    assert person.last_login is not None
    assert datacache.data_version() == before
    person.full_name = "A new name"
    person.save()
    assert datacache.data_version() != before


def test_rows_of_other_apps_leave_the_version_alone(keep_page_parts):
    before = datacache.data_version()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date="2030-01-01T00:00:00Z")
    assert datacache.data_version() == before


def test_the_version_changes_again_when_the_transaction_commits(keep_page_parts, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        MilestoneFactory(programme=programme)
        during = datacache.data_version()
    assert callbacks  # the second change, for pages computed from the old rows while the write was open
    assert datacache.data_version() != during


def test_a_kept_value_lasts_until_the_data_changes(keep_page_parts):
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert datacache.cached_value("t", 1, build=build) == 1
    assert datacache.cached_value("t", 1, build=build) == 1  # kept
    assert datacache.cached_value("t", 2, build=build) == 2  # other parts, other value
    MilestoneFactory()
    assert datacache.cached_value("t", 1, build=build) == 3  # the write made it out of date
    datacache.data_changed()  # what a bulk write calls
    assert datacache.cached_value("t", 1, build=build) == 4


def test_nothing_is_kept_when_the_time_to_live_is_zero(settings):
    settings.DATA_CACHE_SECONDS = 0
    calls = []
    for _ in range(2):
        datacache.cached_value("t", 1, build=lambda: calls.append(1))
    assert len(calls) == 2


def test_a_kept_form_carries_the_token_of_whoever_asks(keep_page_parts):
    """The language switch of the layout has a {% csrf_token %}: kept once, each request gets its own token."""
    factory = RequestFactory()
    tokens = []
    for _ in range(2):
        request = factory.get("/some/page/")
        request.user = UserFactory()
        html = datacache.cached_html(request, "base.html", dict, vary=("same",))
        assert datacache.CSRF_PLACEHOLDER not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        assert request.META["CSRF_COOKIE"]  # the token was issued for this request
    assert tokens[0] != tokens[1]


def test_a_kept_form_posts_with_the_askers_token(client, keep_page_parts):
    """End to end: the politician dashboard's body is kept; a second person's POST from the same layout passes
    the CSRF check with the token of their own page."""
    programme = ProgrammeFactory()
    first, second = facilitator_of(programme), facilitator_of(programme)
    url = reverse("programmes:dashboard", args=[programme.slug])
    csrf_client = Client(enforce_csrf_checks=True)
    client.force_login(first)
    assert client.get(url).status_code == 200
    csrf_client.force_login(second)
    page = csrf_client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = csrf_client.post(reverse("accounts:set-language"), {"language": "en", "next": url,
                                                                   "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_new_role_reaches_the_persons_next_request(client, keep_page_parts):
    """The scope is kept between requests; giving a role is a saved row, so the next request sees it."""
    programme = ProgrammeFactory()
    person = UserFactory()
    client.force_login(person)
    url = reverse("programmes:detail", args=[programme.slug])
    assert client.get(url).status_code == 404
    assignment = RoleAssignmentFactory(user=person, role=Role.OBSERVER, programme=programme)
    assert client.get(url).status_code == 200
    assignment.delete()
    assert client.get(url).status_code == 404


def test_the_unread_count_follows_new_and_read_notifications(client, keep_page_parts):
    person = UserFactory()
    client.force_login(person)

    def unread() -> str:
        page = client.get(reverse("accounts:privacy")).content.decode()
        return re.search(r'id="notifications-unread-count">(\d+)<', page).group(1)

    assert unread() == "0"
    Notification.objects.create(recipient=person, category=Category.ESCALATIONS, title="Hello", body="")
    assert unread() == "1"
    client.post(reverse("notifications:read-all"))  # a bulk update: data_changed() makes it show
    assert unread() == "0"


def test_logging_out_everywhere_ends_sessions_kept_in_the_cache(settings, keep_page_parts):
    """With cached_db sessions (production with Redis) a session lives in the cache and the database: ending it
    must end both, or the cached copy would keep the person logged in."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    person = UserFactory()
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        login = {"login": person.email, "password": DEMO_PASSWORD}
        assert client.post(reverse("account_login"), login).status_code == 302
        assert client.get(reverse("accounts:my-data")).status_code == 200
    laptop.post(reverse("accounts:logout-everywhere"))
    assert phone.get(reverse("accounts:my-data")).status_code == 302
    # deactivation too, for sessions allauth does not list
    phone.post(reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD})
    assert phone.get(reverse("accounts:my-data")).status_code == 200
    person.is_active = False
    person.save()
    assert phone.get(reverse("accounts:my-data")).status_code == 302
    assert not [key for key in Session.objects.values_list("session_key", flat=True)
                if cache.get(f"django.contrib.sessions.cached_db{key}")]


def test_milestone_reorder_shows_at_once(client, keep_page_parts):
    """bulk_update sends no signal: the service says the data changed, so the kept list is not stale."""
    programme = ProgrammeFactory()
    client.force_login(facilitator_of(programme))
    first = MilestoneFactory(programme=programme, title_en="Alpha", due_on="2030-01-01")
    MilestoneFactory(programme=programme, title_en="Beta", due_on="2030-01-01")
    url = reverse("programmes:milestones", args=[programme.slug])
    client.cookies["django_language"] = "en"
    before = client.get(url).content.decode()
    assert before.index("Alpha") < before.index("Beta")
    client.post(reverse("programmes:milestone-move", args=[first.pk]), {"direction": "down"})
    after = client.get(url).content.decode()
    assert after.index("Beta") < after.index("Alpha")
    assert Milestone.objects.get(pk=first.pk).order == 2
