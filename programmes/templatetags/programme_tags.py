from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from programmes.display import format_dkk

register = template.Library()

STATUS_ICONS = {"done": "✓", "cancelled": "✕", "in_progress": "◐"}


@register.filter
def dkk(value) -> str:
    """Money as DKK with the current language's thousands separator: 5.460.000 DKK."""
    return format_dkk(value)


@register.filter
def dmy(value) -> str:
    """A date as 31.12.2026, like ``|date:"d.m.Y"`` (no localised parts), without the per-call format lookups:
    for long tables."""
    return f"{value:%d.%m.%Y}" if value else ""


@register.simple_tag
def milestone_status(milestone):
    """A milestone's status: icon, words, an "Overdue" badge and when it was done. Written in Python, as
    tables show it for every milestone (``programmes/_milestone_status.html`` calls it too)."""
    overdue = milestone.is_overdue
    html = format_html('<span class="status status-{}{}"><span class="status-icon" aria-hidden="true">{}</span> {}'
                       "</span>", milestone.status, " status-overdue" if overdue else "",
                       STATUS_ICONS.get(milestone.status, "○"), milestone.get_status_display())
    if overdue:
        html += format_html(' <span class="badge badge-red">{}</span>', gettext("Overdue"))
    if milestone.completed_at:
        when = f"{timezone.localtime(milestone.completed_at):%d.%m.%Y}"  # as |date:"d.m.Y" (no localised parts)
        html += format_html('<br><span class="muted small-text">{}</span>', gettext("done %(when)s") % {"when": when})
    return mark_safe(html)  # noqa: S308 (built with format_html)
