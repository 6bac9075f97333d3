"""The delivery log reads like the rest of the platform (issue 15.14): what a reminder is about in words and in
Copenhagen time, not a raw ISO stamp in UTC, and column headings that say which time is which."""

from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import MilestoneFactory, UserFactory, build_side
from tests.notifications.factories import MeetingFactory, delivery_for, delivery_for_meeting

pytestmark = pytest.mark.django_db


def test_delivery_log_in_danish_shows_local_times_and_clear_headings(client):
    side = build_side("a")
    milestone = MilestoneFactory(programme=side.programme, due_on=date(2026, 5, 1), title_da="Testplan klar")
    delivery_for(milestone, UserFactory(full_name="Maja Lund"))
    # 07:30 UTC in summer is 09:30 in Copenhagen.
    meeting = MeetingFactory(programme=side.programme, title_da="Sparring om data",
                             starts_at=datetime(2026, 6, 2, 7, 30, tzinfo=UTC),
                             ends_at=datetime(2026, 6, 2, 9, 30, tzinfo=UTC))
    delivery = delivery_for_meeting(meeting, UserFactory(full_name="Jonas Beck"))
    delivery.occurrence = "2026-06-02T07:30:00Z"
    delivery.save(update_fields=["occurrence"])
    client.force_login(side.users["facilitator"])
    client.cookies["django_language"] = "da"
    page = BeautifulSoup(client.get(reverse("notifications:deliveries", args=[side.programme.slug])).content,
                         "html.parser")
    headings = [th.get_text(strip=True) for th in page.select("thead th")]
    assert headings == ["Sendes", "Påmindelse", "Modtager", "Om", "Tilstand", "Sendt kl."]
    text = page.select_one("#delivery-list").get_text(" ", strip=True)
    assert "Frist 01.05.2026" in text
    assert "Starter 02.06.2026 09:30" in text
    assert "T07:30:00Z" not in text and "2026-05-01" not in text
