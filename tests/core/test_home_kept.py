"""The home page keeps its sections until the data changes (circular_cities/datacache.py). They are the
person's own (their milestones, invitations, notifications): kept per person, so nobody sees another's, a write
shows on the next request, and a warm page costs a fixed, small number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_mark_read
from tests.factories import staff_of
from tests.kept import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]

HOME = reverse("home")


def text(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def notify(user, title) -> Notification:
    return Notification.objects.create(recipient=user, category="escalations", title=title, url=HOME)


def test_two_colleagues_with_the_same_roles_never_share_their_home_page(world):
    municipality = world.a.participation.municipality
    one, other = staff_of(municipality), staff_of(municipality)
    notify(one, "Reminder for one")
    notify(other, "Reminder for the other")
    one_client, other_client, staff_b = logged_in(one, other, world.b.users["staff"])
    assert "Reminder for one" in text(one_client)
    page = text(other_client)
    assert "Reminder for the other" in page and "Reminder for one" not in page
    assert "Reminder for" not in text(staff_b)


def test_a_write_shows_on_the_next_request(world):
    staff = world.a.users["staff"]
    (client,) = logged_in(staff)
    assert "Fresh reminder" not in text(client)
    notification = notify(staff, "Fresh reminder")
    assert "Fresh reminder" in text(client)
    notification_mark_read(notification=notification, now=timezone.now())
    assert "Fresh reminder" not in text(client)


def test_the_greeting_is_the_persons_own(world):
    facilitator, staff = logged_in(world.a.users["facilitator"], world.a.users["staff"])
    assert world.a.users["facilitator"].get_short_name() in text(facilitator)
    assert f"Hello, {world.a.users['staff'].get_short_name()}" in text(staff)


def test_a_warm_home_page_costs_the_same_few_queries_whatever_the_data(world):
    staff = world.a.users["staff"]
    (client,) = logged_in(staff)
    notify(staff, "First")
    text(client)
    with CaptureQueriesContext(connection) as small:
        text(client)
    for n in range(12):
        notify(staff, f"Reminder {n}")
    text(client)
    with CaptureQueriesContext(connection) as large:
        text(client)
    assert len(small) == len(large) <= 3
