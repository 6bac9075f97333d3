"""The notification centre keeps its body until the data changes (circular_cities/datacache.py). It is
entirely personal: kept per person, never shown to anybody else; marking read shows on the next request; the
forms in it carry the asking browser's CSRF token; a warm page costs a fixed, small number of queries."""


import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services
from tests.factories import build_side
from tests.kept import logged_in, token_of
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_page_parts")]

CENTRE = reverse("notifications:list")


@pytest.fixture
def side():
    return build_side("a")


def text(client, url=CENTRE, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_nobody_sees_anybody_elses_kept_centre(side):
    staff, advisor = side.users["staff"], side.users["advisor"]
    NotificationFactory(recipient=staff, title="For the staff member")
    NotificationFactory(recipient=advisor, title="For the advisor")
    staff_client, advisor_client = logged_in(staff, advisor)
    assert "For the staff member" in text(staff_client)
    page = text(advisor_client)
    assert "For the advisor" in page and "For the staff member" not in page
    # The htmx list (pagination) too.
    page = text(advisor_client, CENTRE + "?page=1", HX_Request="true")
    assert "For the advisor" in page and "<html" not in page
    assert "For the advisor" not in text(staff_client, CENTRE + "?page=1", HX_Request="true")


def test_the_facilitators_programmes_are_theirs(side):
    facilitator, staff = logged_in(side.users["facilitator"], side.users["staff"])
    rules = reverse("notifications:rules", args=[side.programme.slug])
    assert rules in text(facilitator)
    assert rules not in text(staff)


def test_marking_read_shows_on_the_next_request(side):
    staff = side.users["staff"]
    first, second = NotificationFactory.create_batch(2, recipient=staff)
    (client,) = logged_in(staff)
    assert "2 unread notifications" in text(client)
    services.notification_mark_read(notification=first, now=timezone.now())
    assert "1 unread notification" in text(client)
    # Through the page's own form (htmx), and then all at once.
    response = client.post(reverse("notifications:read", args=[second.pk]), {"page": "1"}, headers={
        "HX-Request": "true"})
    assert response.status_code == 200
    assert "0 unread notifications" in text(client)
    NotificationFactory(recipient=staff, title="A new one")
    page = text(client)
    assert "A new one" in page and "1 unread notification" in page
    services.notifications_mark_all_read(user=staff, now=timezone.now())
    assert "0 unread notifications" in text(client)


def test_the_kept_forms_carry_the_askers_csrf_token(side):
    staff = side.users["staff"]
    NotificationFactory(recipient=staff)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):  # the same person in two browsers
        client.force_login(staff)
    first_page = text(first)  # fills the kept body
    second_page = text(second)
    assert token_of(first_page) != token_of(second_page)
    read_all = reverse("notifications:read-all")
    assert second.post(read_all, {"csrfmiddlewaretoken": token_of(first_page)}).status_code == 403
    assert second.post(read_all, {"csrfmiddlewaretoken": token_of(second_page)}).status_code == 302


def test_a_warm_centre_costs_the_same_few_queries_whatever_the_number_of_notifications(side):
    staff = side.users["staff"]
    NotificationFactory(recipient=staff)
    (client,) = logged_in(staff)
    text(client)
    with CaptureQueriesContext(connection) as small:
        text(client)
    NotificationFactory.create_batch(30, recipient=staff)
    text(client)
    with CaptureQueriesContext(connection) as large:
        text(client)
    assert len(small) == len(large) <= 3
