"""Dates the calendar cannot handle are refused with a clear message, never a 500 (issue 14.3)."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import ProgrammeFactory, facilitator_of
from tests.workshops.factories import MeetingFactory
from tests.workshops.test_views import _meeting_post
from workshops import services
from workshops.ics import feed_ics
from workshops.models import Meeting

pytestmark = pytest.mark.django_db
WINDOW_DA = "Angiv en dato mellem 01.01.2000 og 31.12.2099."


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "da"  # the messages are read in Danish
    return client


@pytest.mark.parametrize(("starts_at", "ends_at"), [("0001-01-01T10:00", "0001-01-01T12:00"),
                                                    ("9999-12-31T10:00", "9999-12-31T12:00"),
                                                    ("2030-03-31T10:00", "9999-12-31T23:59")])
def test_a_meeting_in_year_0001_or_9999_is_refused_on_the_form_in_danish(client, programme, starts_at, ends_at):
    client.force_login(facilitator_of(programme))
    response = client.post(reverse("workshops:create", args=[programme.slug]),
                           _meeting_post(starts_at=starts_at, ends_at=ends_at))
    assert response.status_code == 200
    assert WINDOW_DA in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("year", [1, 9999])
def test_the_service_refuses_a_meeting_outside_the_window_and_stores_nothing(programme, year):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(programme=programme, by=facilitator_of(programme), kind="sparring",
                                title_da="Langt ude", starts_at=datetime(year, 6, 1, 10, tzinfo=UTC),
                                ends_at=datetime(year, 6, 1, 12, tzinfo=UTC))
    assert "starts_at" in refused.value.error_dict
    assert not Meeting.objects.exists()


def test_moving_a_meeting_to_year_9999_is_refused_and_it_stays_where_it_was(programme):
    meeting = MeetingFactory(programme=programme)
    before = meeting.starts_at
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, by=facilitator_of(programme),
                                starts_at=datetime(9999, 6, 1, 10, tzinfo=UTC),
                                ends_at=datetime(9999, 6, 1, 12, tzinfo=UTC))
    meeting.refresh_from_db()
    assert meeting.starts_at == before and meeting.sequence == 0


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2100-01", "ikke-en-måned"])
def test_a_calendar_month_outside_the_window_answers_400_with_a_clear_message(client, programme, month):
    client.force_login(facilitator_of(programme))
    url = reverse("workshops:calendar", args=[programme.slug])
    response = client.get(url, {"month": month})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kalenderen viser måneder fra 01.2000 til 12.2099." in page
    assert 'id="calendar-grid"' in page  # the default month is shown instead
    fragment = client.get(url, {"month": month}, headers={"HX-Request": "true"})
    assert fragment.status_code == 400 and "Kalenderen viser" in fragment.content.decode()


def test_the_calendars_first_and_last_month_link_no_further(client, programme):
    client.force_login(facilitator_of(programme))
    url = reverse("workshops:calendar", args=[programme.slug])
    first = client.get(url, {"month": "2000-01"})
    assert first.status_code == 200
    assert 'rel="prev"' not in first.content.decode() and "month=2000-02" in first.content.decode()
    last = client.get(url, {"month": "2099-12"})
    assert last.status_code == 200
    assert 'rel="next"' not in last.content.decode() and "month=2099-11" in last.content.decode()


def _strict(data: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
    calendar.validate()  # RFC 5545: at least one component
    return calendar


def test_an_empty_personal_feed_is_still_a_valid_calendar(client, programme):
    person = facilitator_of(programme)
    _feed, token = services.feed_create(user=person)
    response = client.get(reverse("workshops:feed", args=[token]))
    assert response.status_code == 200
    calendar = _strict(response.content)
    assert not calendar.walk("VEVENT")
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    _strict(feed_ics([], name="Tom"))
