"""iCalendar (RFC 5545) for meetings: one meeting's download, the e-mail attachment and the personal feed.

* Times are written in Europe/Copenhagen with its VTIMEZONE (``add_missing_timezones``), so calendar apps
  get the daylight-saving rules with the file; DTSTAMP, CREATED and LAST-MODIFIED are in UTC.
* The UID is stable per meeting; SEQUENCE is the meeting's revision, raised whenever it is moved.
* A single meeting is sent with METHOD:PUBLISH, or METHOD:CANCEL once cancelled (with the person as
  ATTENDEE, as RFC 5546 asks). Answers are given on the platform, not by calendar replies, so no REQUEST.
* The feed carries cancelled meetings as STATUS:CANCELLED so subscribed calendars drop them.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from circular_cities.dates import EARLIEST, LATEST
from circular_cities.utils import absolute_url

from .models import Meeting

PRODID = "-//Circular Cities//Meetings 1.0//EN"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _absolute(path: str) -> str:
    return absolute_url(path)


def _organizer(meeting: Meeting) -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if meeting.organiser_id and meeting.organiser.email:
        name, address = meeting.organiser.get_full_name() or meeting.organiser.email, meeting.organiser.email
    organizer = vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def _description(meeting: Meeting) -> str:
    parts = [meeting.description.strip()] if meeting.description.strip() else []
    if meeting.online_url:
        parts.append(_("Online: %(url)s") % {"url": meeting.online_url})
    if meeting.is_cancelled and meeting.cancel_reason:
        parts.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    parts.append(_("Details, answers and materials: %(url)s") % {"url": _absolute(meeting.get_absolute_url())})
    return "\n\n".join(parts)


def meeting_event(meeting: Meeting, *, stamp=None, attendee=None) -> Event:
    tz = _tz()
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("description", _description(meeting))
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", _absolute(meeting.get_absolute_url()))
    event.add("categories", [str(meeting.get_kind_display())])
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("organizer", _organizer(meeting))
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.get_full_name() or attendee.email)
        event.add("attendee", address)
    return event


def _calendar(events: list[Event], *, method: str | None, name: str | None = None, span=None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("name", name)  # RFC 7986
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(event)
    first, last = span or (None, None)
    if first and last:
        # Only the years the meetings need: a VTIMEZONE with every transition since 1970 is just weight.
        cal.add_missing_timezones(first_date=max(first - timedelta(days=366), EARLIEST),
                                  last_date=min(last + timedelta(days=366), LATEST))
    elif not events:
        # RFC 5545 wants at least one component: a feed without meetings carries the time zone it will use.
        today = timezone.localdate()
        cal.add_component(Timezone.from_tzid(settings.TIME_ZONE, first_date=today - timedelta(days=366),
                                             last_date=today + timedelta(days=366)))
    else:
        cal.add_missing_timezones()
    return cal


def _span(meetings) -> tuple:
    if not meetings:
        return None, None
    tz = _tz()
    return (min(m.starts_at for m in meetings).astimezone(tz).date(),
            max(m.ends_at for m in meetings).astimezone(tz).date())


def meeting_ics(meeting: Meeting, *, attendee=None) -> bytes:
    """One meeting: PUBLISH, or CANCEL once it is cancelled (``attendee``: the person it is for)."""
    cancelled = meeting.is_cancelled
    event = meeting_event(meeting, attendee=attendee if cancelled else None)
    cal = _calendar([event], method="CANCEL" if cancelled else "PUBLISH", span=_span([meeting]))
    return cal.to_ical()


def feed_ics(meetings: list[Meeting], *, name: str) -> bytes:
    stamp = timezone.now()
    events = [meeting_event(m, stamp=stamp) for m in meetings]
    return _calendar(events, method="PUBLISH", name=name, span=_span(meetings)).to_ical()
