"""Which dates the platform accepts, and the form fields that ask for them.

Every date a person types has a window. The widest is the platform's own (``EARLIEST`` – ``LATEST``): the
calendar, the .ics files and the reminders are only sure to work inside it, and no programme is run in year
0001 or 9999. Dates that belong to a programme's local test (progress entries, measurements, partners,
advisory sessions) have a narrower one, the programme's dates plus ``PROGRAMME_MARGIN`` (see
``programme_window``); models check that window in ``clean()``, so forms and services both refuse them.

The form fields render with the ISO widgets of ``circular_cities.widgets`` and carry ``min``/``max`` so the
browser's date picker stays inside the window too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .widgets import ISO_DATE, ISO_DATETIME_LOCAL, DateInput, DateTimeInput

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
# Before a programme starts a municipality prepares, after it ends it anchors: a year either side.
PROGRAMME_MARGIN = timedelta(days=366)


def show(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        try:
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        except (OverflowError, ValueError):  # year 1 or 9999 cannot move to another time zone
            return value.date()
    return value


def window_error(value: date | datetime, earliest: date = EARLIEST, latest: date = LATEST) -> str | None:
    """The message for a date outside [earliest, latest], or None when it is inside."""
    day = local_day(value)
    if earliest <= day <= latest:
        return None
    return _("Give a date between %(earliest)s and %(latest)s.") % {"earliest": show(earliest), "latest": show(latest)}


def check_window(value: date | datetime | None, earliest: date = EARLIEST, latest: date = LATEST) -> None:
    if value is None:
        return
    message = window_error(value, earliest, latest)
    if message:
        raise ValidationError(message, code="date_out_of_range")


def programme_window(programme, margin: timedelta = PROGRAMME_MARGIN) -> tuple[date, date]:
    """The programme's dates widened by ``margin`` (either date may be missing), never past the platform's."""
    starts = getattr(programme, "starts_on", None)
    ends = getattr(programme, "ends_on", None)
    earliest = max(EARLIEST, starts - margin) if starts else EARLIEST
    latest = min(LATEST, ends + margin) if ends else LATEST
    return earliest, latest


def not_in_future_error(value: date | None) -> str | None:
    if value and value > timezone.localdate():
        return _("The date cannot be in the future.")
    return None


class DateField(forms.DateField):
    """A date inside the platform's window (or the one given), shown with the ISO date widget."""

    widget = DateInput

    def __init__(self, *, earliest: date = EARLIEST, latest: date = LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": self.earliest.strftime(ISO_DATE),
                "max": self.latest.strftime(ISO_DATE)}

    def limit(self, earliest: date, latest: date) -> None:
        """Narrow the window (a form that knows its programme), in the check and in the date picker."""
        self.earliest, self.latest = max(earliest, EARLIEST), min(latest, LATEST)
        self.widget.attrs.update(min=self.earliest.strftime(ISO_DATE), max=self.latest.strftime(ISO_DATE))

    def validate(self, value):
        super().validate(value)
        check_window(value, self.earliest, self.latest)


class DateTimeField(forms.DateTimeField):
    """A local date and time inside the platform's window, shown with the ISO ``datetime-local`` widget."""

    widget = DateTimeInput

    def __init__(self, *, earliest: date = EARLIEST, latest: date = LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        kwargs.setdefault("input_formats", [ISO_DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": self.earliest.strftime(ISO_DATE) + "T00:00",
                "max": self.latest.strftime(ISO_DATE) + "T23:59"}

    def validate(self, value):
        super().validate(value)
        check_window(value, self.earliest, self.latest)


def window_errors(obj, fields, earliest: date = EARLIEST, latest: date = LATEST) -> dict[str, str]:
    """{field: message} for each of obj's date fields outside [earliest, latest]; for ``Model.clean()``."""
    errors = {}
    for field in fields:
        value = getattr(obj, field, None)
        message = window_error(value, earliest, latest) if value is not None else None
        if message:
            errors[field] = message
    return errors


def validate_platform_date(value) -> None:
    """A model field validator for dates with no narrower window (a politician's term, spending)."""
    check_window(value)
