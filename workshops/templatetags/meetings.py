"""Showing meeting times the same way everywhere: local (Copenhagen) time, Danish date order."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def meeting_when(meeting) -> str:
    """"Tuesday 28.09.2021, 10:00–15:00", or both dates for a meeting over several days."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    day = formats.date_format(starts, "l d.m.Y")
    if starts.date() == ends.date():
        return f"{day}, {starts:%H:%M}–{ends:%H:%M}"
    return _("%(start)s to %(end)s") % {"start": f"{day}, {starts:%H:%M}",
                                        "end": f"{formats.date_format(ends, 'l d.m.Y')}, {ends:%H:%M}"}


@register.filter
def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB"
    return f"{max(1, round(size / 1024))} kB"
