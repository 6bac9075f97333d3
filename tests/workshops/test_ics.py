"""iCalendar output: strictly parsed, with the time zone, right across daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from tests.factories import ParticipationFactory, ProgrammeFactory, facilitator_of, staff_of
from tests.workshops.factories import InvitationFactory, MeetingFactory
from workshops import services
from workshops.forms import MeetingForm
from workshops.ics import feed_ics, meeting_ics

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


def strict_parse(data: bytes) -> icalendar.Calendar:
    """Parse as RFC 5545 demands, failing on anything the parser tolerated or a required property missing."""
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), "lines must end in CRLF"
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
    calendar = icalendar.Calendar.from_ical(data)  # Calendar does not ignore exceptions
    for component in calendar.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
    assert calendar.name == "VCALENDAR"
    assert calendar["VERSION"] == "2.0"
    assert calendar.get("PRODID")
    calendar.validate()
    tzids = {tz["TZID"] for tz in calendar.walk("VTIMEZONE")}
    for timezone_component in calendar.walk("VTIMEZONE"):
        assert timezone_component.walk("STANDARD") and timezone_component.walk("DAYLIGHT")
    events = calendar.walk("VEVENT")
    assert events, "no event"
    uids = set()
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY"):
            assert event.get(required) is not None, f"VEVENT without {required}"
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0), "DTSTAMP must be UTC"
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            assert tzid == "Europe/Copenhagen", f"{name} must carry the time zone"
            assert tzid in tzids, f"{name} refers to a VTIMEZONE that is not in the file"
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert event["UID"] not in uids
        uids.add(event["UID"])
    return calendar


def utc_from_the_file(calendar, event, name="DTSTART") -> datetime:
    """Convert using the VTIMEZONE written in the file (not the system's zone data)."""
    (vtimezone,) = calendar.walk("VTIMEZONE")
    tz = vtimezone.to_tz(lookup_tzid=False)
    local = event.decoded(name).replace(tzinfo=None)
    return local.replace(tzinfo=tz).astimezone(UTC)


def test_single_meeting_download_is_valid_rfc5545_with_the_time_zone():
    meeting = MeetingFactory(online_url="https://meet.example.org/sparring", capacity=12)
    calendar = strict_parse(meeting_ics(meeting))
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"meeting-{meeting.pk}@circular-cities"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["LOCATION"]) == meeting.place
    assert "https://meet.example.org/sparring" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/")


@pytest.mark.parametrize("local,expected_utc", [
    # the last Sunday of March: clocks go forward at 02:00, so 10:00 is summer time (UTC+2)
    (datetime(2024, 3, 31, 10, 0), datetime(2024, 3, 31, 8, 0, tzinfo=UTC)),
    # the day before it is still winter time (UTC+1)
    (datetime(2024, 3, 30, 10, 0), datetime(2024, 3, 30, 9, 0, tzinfo=UTC)),
    # the last Sunday of October: clocks go back at 03:00, so 10:00 is winter time again
    (datetime(2023, 10, 29, 10, 0), datetime(2023, 10, 29, 9, 0, tzinfo=UTC)),
    (datetime(2023, 10, 28, 10, 0), datetime(2023, 10, 28, 8, 0, tzinfo=UTC)),
])
def test_meetings_on_the_daylight_saving_days_have_the_right_utc(local, expected_utc):
    meeting = MeetingFactory(starts_at=local.replace(tzinfo=CPH), ends_at=(local + timedelta(hours=2)).replace(
        tzinfo=CPH))
    assert meeting.starts_at.astimezone(UTC) == expected_utc
    calendar = strict_parse(meeting_ics(meeting))
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].to_ical() == local.strftime("%Y%m%dT%H%M%S").encode()  # written in local time
    assert utc_from_the_file(calendar, event) == expected_utc
    assert event.decoded("DTSTART").astimezone(UTC) == expected_utc


def test_a_meeting_across_the_spring_change_is_two_hours_and_a_half_on_the_wall_clock_but_one_and_a_half_long():
    starts = datetime(2024, 3, 31, 1, 30, tzinfo=CPH)  # 00:30 UTC
    ends = datetime(2024, 3, 31, 4, 0, tzinfo=CPH)  # 02:00 UTC
    meeting = MeetingFactory(starts_at=starts, ends_at=ends)
    calendar = strict_parse(meeting_ics(meeting))
    (event,) = calendar.walk("VEVENT")
    assert utc_from_the_file(calendar, event) == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    assert utc_from_the_file(calendar, event, "DTEND") == datetime(2024, 3, 31, 2, 0, tzinfo=UTC)
    # (same-zone datetimes subtract on the wall clock in Python, so compare in UTC)
    assert event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC) == timedelta(
        hours=1, minutes=30)


def test_a_meeting_across_the_autumn_change_has_the_right_utc_end():
    meeting = MeetingFactory(starts_at=datetime(2023, 10, 29, 1, 0, tzinfo=CPH),  # 23:00 UTC the day before
                             ends_at=datetime(2023, 10, 29, 4, 0, tzinfo=CPH))  # 03:00 UTC
    calendar = strict_parse(meeting_ics(meeting))
    (event,) = calendar.walk("VEVENT")
    assert utc_from_the_file(calendar, event) == datetime(2023, 10, 28, 23, 0, tzinfo=UTC)
    assert utc_from_the_file(calendar, event, "DTEND") == datetime(2023, 10, 29, 3, 0, tzinfo=UTC)


def test_the_form_reads_copenhagen_time_and_refuses_a_time_that_does_not_exist():
    programme = ProgrammeFactory()
    data = {"kind": "sparring", "audience": "programme", "title_da": "Sparring", "starts_at": "2024-03-31T10:00",
            "ends_at": "2024-03-31T12:00"}
    form = MeetingForm(data, cohorts=[], participations=[])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"].astimezone(UTC) == datetime(2024, 3, 31, 8, 0, tzinfo=UTC)
    missing_hour = MeetingForm({**data, "starts_at": "2024-03-31T02:30"}, cohorts=[], participations=[])
    assert not missing_hour.is_valid()
    assert "starts_at" in missing_hour.errors
    twice = MeetingForm({**data, "starts_at": "2023-10-29T02:30", "ends_at": "2023-10-29T05:00"}, cohorts=[],
                        participations=[])
    assert not twice.is_valid() and "starts_at" in twice.errors  # 02:30 happens twice that night
    assert programme.pk


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence():
    meeting = MeetingFactory()
    facilitator = facilitator_of(meeting.programme)
    before = strict_parse(meeting_ics(meeting)).walk("VEVENT")[0]
    services.meeting_update(meeting=meeting, by=facilitator, starts_at=meeting.starts_at + timedelta(days=1),
                            ends_at=meeting.ends_at + timedelta(days=1))
    meeting.refresh_from_db()
    after = strict_parse(meeting_ics(meeting)).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=1)


def test_a_cancelled_meeting_is_sent_as_cancelled():
    meeting = MeetingFactory()
    person = staff_of(ParticipationFactory(cohort__programme=meeting.programme).municipality)
    services.meeting_cancel(meeting=meeting, by=facilitator_of(meeting.programme), reason="Sygdom")
    meeting.refresh_from_db()
    calendar = strict_parse(meeting_ics(meeting, attendee=person))
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["ATTENDEE"]) == f"mailto:{person.email}"
    assert "Sygdom" in str(event["DESCRIPTION"])
    feed = strict_parse(feed_ics([meeting], name="Feed"))
    assert feed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_the_download_view_gives_text_calendar(client):
    meeting = MeetingFactory()
    client.force_login(facilitator_of(meeting.programme))
    response = client.get(reverse("workshops:ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    strict_parse(response.content)


def test_the_feed_holds_the_persons_meetings_and_parses_strictly(client):
    programme = ProgrammeFactory()
    facilitator = facilitator_of(programme)
    mine = InvitationFactory(meeting=MeetingFactory(programme=programme), user=facilitator).meeting
    organised = MeetingFactory(programme=programme, organiser=facilitator,
                               starts_at=datetime(2024, 3, 31, 10, 0, tzinfo=CPH),
                               ends_at=datetime(2024, 3, 31, 12, 0, tzinfo=CPH))
    other = MeetingFactory(programme=programme)
    _feed, token = services.feed_create(user=facilitator)
    response = client.get(reverse("workshops:feed", args=[token]))  # no session: calendar apps fetch it
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = strict_parse(response.content)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {mine.uid, organised.uid}
    assert other.uid not in uids
    assert calendar.get("X-WR-CALNAME")
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == organised.uid)
    assert utc_from_the_file(calendar, event) == datetime(2024, 3, 31, 8, 0, tzinfo=UTC)
