"""The notification centre, settings, unsubscribe, reminder rules and the delivery log, as a user meets them."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from notifications.emails import unsubscribe_token
from notifications.models import DEFAULT_RULES, Delivery, Notification, NotificationPreference, ReminderRule
from tests.factories import MilestoneFactory, MunicipalityFactory, ParticipationFactory, UserFactory, build_side
from tests.notifications.factories import (
    MeetingFactory,
    NotificationFactory,
    delivery_for,
    delivery_for_meeting,
    failed_delivery,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def side():
    return build_side("a")


@pytest.fixture
def staff(side):
    return side.users["staff"]


@pytest.fixture
def facilitator(side):
    return side.users["facilitator"]


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


# --- The notification centre ----------------------------------------------------------------------------------

def test_header_shows_the_unread_count_and_links_to_the_centre(client, staff):
    NotificationFactory.create_batch(2, recipient=staff)
    NotificationFactory(recipient=staff, read_at=timezone.now())
    client.force_login(staff)
    page = soup(client.get(reverse("notifications:list")))
    link = page.select_one("header a[href='/notifications/']")
    assert link is not None and "(2" in link.get_text() and link.get("aria-current") == "page"


def test_centre_lists_own_notifications_unread_first(client, staff, side):
    old_unread = NotificationFactory(recipient=staff, title="Unread old", created_at=timezone.now() - timedelta(days=3))
    NotificationFactory(recipient=staff, title="Read new", read_at=timezone.now())
    NotificationFactory(recipient=side.users["advisor"], title="Someone else's")
    client.force_login(staff)
    text = soup(client.get(reverse("notifications:list"))).select_one("#notification-list").get_text()
    assert text.index("Unread old") < text.index("Read new")
    assert "Someone else's" not in text
    assert old_unread


def test_mark_read_with_htmx_updates_the_list_and_the_header_count(client, staff):
    first, _second = NotificationFactory.create_batch(2, recipient=staff)
    client.force_login(staff)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"page": "1"}, **HTMX)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#notification-list") is not None
    oob = page.select_one("#notifications-unread-count")
    assert oob["hx-swap-oob"] == "true" and oob.get_text() == "1"
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_all_read_and_open(client, staff):
    one, two = NotificationFactory.create_batch(2, recipient=staff, url="/programmes/")
    client.force_login(staff)
    response = client.get(reverse("notifications:open", args=[one.pk]))
    assert response.status_code == 302 and response.headers["Location"] == "/programmes/"
    one.refresh_from_db()
    assert one.read_at is not None
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()
    assert two


def test_open_never_redirects_off_site(client, staff):
    notification = NotificationFactory(recipient=staff, url="https://evil.example.com/")
    client.force_login(staff)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.headers["Location"] == reverse("notifications:list")


def test_facilitator_finds_rules_and_log_from_the_centre(client, facilitator, side):
    client.force_login(facilitator)
    page = soup(client.get(reverse("notifications:list")))
    hrefs = {a["href"] for a in page.select("main a")}
    assert reverse("notifications:rules", args=[side.programme.slug]) in hrefs
    assert reverse("notifications:deliveries", args=[side.programme.slug]) in hrefs


def test_centre_queries_do_not_grow_with_notifications(client, staff, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=staff)
    client.force_login(staff)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(9) as one:
        client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(30, recipient=staff)
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("notifications:list"))


# --- Settings and unsubscribe ------------------------------------------------------------------------------------

def test_settings_offer_off_only_where_it_is_allowed(client, staff):
    client.force_login(staff)
    page = soup(client.get(reverse("notifications:preferences")))
    assert page.select("input[name=milestones][value=off]")
    assert not page.select("input[name=escalations][value=off]")
    assert not page.select("input[name=briefings][value=off]")
    assert page.select_one("input[name=milestones][value=immediately]").has_attr("checked")


def test_settings_are_saved(client, staff):
    client.force_login(staff)
    data = {"milestones": "weekly", "escalations": "daily", "meetings": "off", "minutes": "immediately",
            "briefings": "immediately", "progress": "off", "community": "daily"}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=staff).values_list("category", "frequency"))
    assert saved["milestones"] == "weekly" and saved["escalations"] == "daily" and saved["meetings"] == "off"


def test_escalations_cannot_be_switched_off(client, staff):
    client.force_login(staff)
    data = {"milestones": "weekly", "escalations": "off", "meetings": "off", "minutes": "immediately",
            "briefings": "immediately", "progress": "off", "community": "daily"}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_confirms_before_switching_off(client, staff):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(staff, "meetings")])
    assert "Unsubscribe" in client.get(url).content.decode()
    assert not NotificationPreference.objects.exists()
    response = client.post(url)
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=staff, category="meetings").frequency == "off"


def test_a_forged_unsubscribe_link_is_refused(client, staff):
    token = unsubscribe_token(staff, "meetings")
    assert client.get(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])).status_code == 404


# --- Reminder rules -----------------------------------------------------------------------------------------------

def test_rules_page_shows_the_defaults(client, facilitator, side):
    client.force_login(facilitator)
    response = client.get(reverse("notifications:rules", args=[side.programme.slug]))
    assert response.status_code == 200
    assert len(soup(response).select("tbody tr")) == len(DEFAULT_RULES)


def test_facilitator_edits_a_rule_inline(client, facilitator, side):
    client.force_login(facilitator)
    client.get(reverse("notifications:rules", args=[side.programme.slug]))
    rule = ReminderRule.objects.get(programme=side.programme, kind="milestone_before", offset_days=3)
    url = reverse("notifications:rule-edit", args=[rule.pk])
    form = soup(client.get(url, **HTMX))
    assert form.select_one("input[name=offset_days]")["value"] == "3"
    response = client.post(url, {"offset_days": "5", "send_time": "08:15"}, **HTMX)  # unticked: switched off
    assert response.status_code == 200 and soup(response).find().name == "tr"
    rule.refresh_from_db()
    assert (rule.offset_days, rule.send_time.strftime("%H:%M"), rule.enabled) == (5, "08:15", False)


def test_due_day_rule_must_stay_on_the_day(client, facilitator, side):
    client.force_login(facilitator)
    client.get(reverse("notifications:rules", args=[side.programme.slug]))
    rule = ReminderRule.objects.get(programme=side.programme, kind="milestone_due")
    response = client.post(reverse("notifications:rule-edit", args=[rule.pk]),
                           {"offset_days": "2", "send_time": "09:00", "enabled": "on"}, **HTMX)
    assert "0 days" in response.content.decode()
    rule.refresh_from_db()
    assert rule.offset_days == 0


def test_adding_a_rule_that_exists_is_refused_clearly(client, facilitator, side):
    client.force_login(facilitator)
    url = reverse("notifications:rule-add", args=[side.programme.slug])
    data = {"rule-new-kind": "meeting_before", "rule-new-offset_days": "2", "rule-new-send_time": "09:00"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, **HTMX)
    assert "already has this reminder" in response.content.decode()
    assert ReminderRule.objects.filter(programme=side.programme, kind="meeting_before").count() == 3


# --- Delivery log -------------------------------------------------------------------------------------------------

def _log_data(side, n):
    participation = ParticipationFactory(cohort=side.cohort, municipality=MunicipalityFactory())
    for _ in range(n):
        milestone = MilestoneFactory(programme=side.programme, participation=participation)
        delivery_for(milestone, UserFactory())
        delivery_for_meeting(MeetingFactory(programme=side.programme), UserFactory())
        delivery_for(MilestoneFactory(programme=side.programme), UserFactory(), state=Delivery.State.SKIPPED,
                     skip_reason="moved")
    failed_delivery(side.programme)


def test_delivery_log_shows_what_was_sent_to_whom_and_failures(client, facilitator, side):
    _log_data(side, 2)
    client.force_login(facilitator)
    response = client.get(reverse("notifications:deliveries", args=[side.programme.slug]))
    text = soup(response).get_text()
    assert "Connection unexpectedly closed" in text and "6 attempts" in text
    assert "The date or time changed" in text
    failed = soup(client.get(reverse("notifications:deliveries", args=[side.programme.slug]), {"state": "failed"},
                             **HTMX))
    assert len(failed.select("tbody tr")) == 1


def test_delivery_log_queries_do_not_grow_with_the_log(client, facilitator, side, django_assert_max_num_queries):
    _log_data(side, 2)
    client.force_login(facilitator)
    url = reverse("notifications:deliveries", args=[side.programme.slug])
    client.get(url)
    with django_assert_max_num_queries(14) as one:
        client.get(url)
    _log_data(side, 20)
    with django_assert_max_num_queries(len(one)):
        client.get(url)


def test_retrying_a_failed_delivery_queues_it_again(client, facilitator, side, django_capture_on_commit_callbacks):
    delivery = failed_delivery(side.programme)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:delivery-retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    # the send task ran (eagerly) and found the milestone long past its date: it is not sent now
    assert delivery.state == Delivery.State.SKIPPED


@pytest.mark.parametrize("language, twice, missing", [
    ("da", "Kan være sendt to gange", "Er måske ikke nået frem"),
    ("en", "May have been sent twice", "May not have arrived"),
])
def test_delivery_log_says_which_reminders_may_have_arrived_twice_or_not_at_all(client, facilitator, side, language,
                                                                                 twice, missing):
    plain = delivery_for(MilestoneFactory(programme=side.programme), UserFactory(email="plain@example.org"))
    repeated = delivery_for(MilestoneFactory(programme=side.programme), UserFactory(email="twice@example.org"),
                            attempts=2, unknown_outcomes=1)
    unknown = delivery_for(MilestoneFactory(programme=side.programme), UserFactory(email="unknown@example.org"),
                           state=Delivery.State.SKIPPED, skip_reason="closed", attempts=1, unknown_outcomes=1)
    client.force_login(facilitator)
    client.cookies["django_language"] = language
    page = soup(client.get(reverse("notifications:deliveries", args=[side.programme.slug])))
    rows = {pk: page.select_one(f"#delivery-{pk}").get_text(" ", strip=True)
            for pk in (plain.pk, repeated.pk, unknown.pk)}
    assert twice in rows[repeated.pk] and missing not in rows[repeated.pk]
    assert missing in rows[unknown.pk] and twice not in rows[unknown.pk]
    assert twice not in rows[plain.pk] and missing not in rows[plain.pk]
