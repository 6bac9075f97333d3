from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from programmes.display import format_dkk
from programmes.models import Milestone

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


def status_words() -> dict:
    """The words of ``milestone_status`` in the current language, looked up once for a whole table."""
    return {"labels": {value: str(label) for value, label in Milestone.Status.choices},
            "overdue": gettext("Overdue"), "done": gettext("done %(when)s")}


@register.simple_tag
def milestone_status(milestone, words=None):
    """A milestone's status: icon, words, an "Overdue" badge and when it was done. Written in Python, as
    tables show it for every milestone (``programmes/_milestone_status.html`` calls it too); ``words``: those of
    ``status_words()``, for a table to look them up once."""
    status = milestone.status
    overdue = milestone.is_overdue
    label = words["labels"].get(status, status) if words else milestone.get_status_display()
    html = (f'<span class="status status-{escape(status)}{" status-overdue" if overdue else ""}"><span '
            f'class="status-icon" aria-hidden="true">{STATUS_ICONS.get(status, "○")}</span> {escape(label)}</span>')
    if overdue:
        html += f' <span class="badge badge-red">{escape(words["overdue"] if words else gettext("Overdue"))}</span>'
    if milestone.completed_at:
        when = f"{timezone.localtime(milestone.completed_at):%d.%m.%Y}"  # as |date:"d.m.Y" (no localised parts)
        done = words["done"] if words else gettext("done %(when)s")
        html += f'<br><span class="muted small-text">{escape(done % {"when": when})}</span>'
    return mark_safe(html)  # noqa: S308 (escaped above)


# --- Rows written in Python (issue 17) --------------------------------------------------------------------
# A national programme's pages repeat these pieces for every municipality and milestone; the template language
# spent most of those pages' time resolving each piece's variables and conditions. They write the same HTML the
# templates did, every text escaped.

LIGHT_SHAPES = {
    "circle": '<circle cx="9" cy="9" r="8"/>',
    "triangle": '<polygon points="9,1 17.5,16.5 0.5,16.5"/>',
}
LIGHT_SQUARE = '<rect x="1.5" y="1.5" width="15" height="15" rx="2"/>'


@register.simple_tag
def traffic_light(light) -> str:
    """A traffic light: colour, a shape per colour (circle, triangle, square) and words, so colour is never the
    only signal."""
    return mark_safe(  # noqa: S308 (escaped)
        f'<span class="light light-{escape(light.colour)}"><svg class="light-icon" width="18" height="18" '
        f'viewBox="0 0 18 18" aria-hidden="true" focusable="false">{LIGHT_SHAPES.get(light.shape, LIGHT_SQUARE)}'
        f'</svg><span class="light-label">{escape(light.label)}</span></span>')


@register.simple_tag
def timeline_rows(picture) -> str:
    """The timeline picture's stripes, years, months, axis, and one row per phase (a bar) or per milestone row
    (a marker per milestone; its ``<title>`` names it for who hovers or uses a screen reader). Numbers are
    written unlocalised, as ``{% localize off %}`` did."""
    out = []
    for index, row in enumerate(picture.rows, start=1):
        if index % 2 == 0:
            out.append(f'<rect x="0" y="{row.y}" width="{picture.width}" height="30" class="tl-stripe"/>')
    for year in picture.years:
        out.append(f'<text x="{year.x}" y="16" text-anchor="middle" class="tl-year">{escape(year.label)}</text>')
    for tick in picture.ticks:
        major = tick.major
        out.append(f'<line x1="{tick.x}" x2="{tick.x}" y1="{4 if major else 24}" y2="{picture.bottom}" '
                   f'class="tl-grid{" tl-grid-major" if major else ""}"/>\n'
                   f'<text x="{tick.x}" y="38" dx="2" class="tl-month">{escape(tick.label)}</text>')
    out.append(f'<line x1="{picture.plot_left}" x2="{picture.plot_right}" y1="{picture.axis_y}" '
               f'y2="{picture.axis_y}" class="tl-axis"/>')
    for row in picture.rows:
        title = f"<title>{escape(row.full_label)}</title>" if row.label != row.full_label else ""
        out.append(f'<text x="6" y="{row.text_y}" class="tl-label{" tl-label-ms" if row.kind == "milestones" else ""}'
                   f'">{title}{escape(row.label)}</text>')
        bar = row.bar
        if bar:
            out.append(f'<rect x="{bar.x}" y="{row.bar_y}" width="{bar.width}" height="20" rx="4" class="tl-phase">'
                       f"<title>{escape(bar.title)}</title></rect>")
            if bar.label:
                out.append(f'<text x="{bar.text_x}" y="{row.text_y}" class="tl-phase-text">{escape(bar.label)}</text>')
        for marker in row.markers:
            status = escape(marker.status)
            parts = [f'<g class="tl-ms tl-ms-{status}{" tl-ms-overdue" if marker.overdue else ""}">'
                     f"<title>{escape(marker.title)}</title>"]
            if marker.overdue:
                parts.append(f'<circle cx="{marker.x}" cy="{marker.y}" r="11" class="tl-overdue-ring"/>')
            parts.append(f'<polygon points="{marker.points}"/>')
            if marker.status == "in_progress":
                parts.append(f'<circle cx="{marker.x}" cy="{marker.y}" r="2.5" class="tl-dot"/>')
            elif marker.status == "cancelled":
                x1, y1, x2, y2 = marker.strike
                parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="tl-strike"/>')
            out.append("".join(parts) + "</g>")
    return mark_safe("\n".join(out))  # noqa: S308 (every text escaped above; numbers are the picture's floats)


@register.simple_tag
def timeline_milestone_rows(milestones) -> str:
    """The rows of the timeline's milestone table: due, title, programme or municipality, phase, status."""
    whole = escape(pgettext("milestone scope", "Whole programme"))
    words = status_words()
    rows = []
    for milestone in milestones:
        scope = escape(str(milestone.participation.municipality)) if milestone.participation_id else whole
        phase = escape(milestone.phase.name or "–") if milestone.phase_id else "–"
        rows.append(f'<tr>\n<td class="nowrap">{dmy(milestone.due_on)}</td>\n'
                    f'<th scope="row">{escape(milestone.title)}</th>\n<td>{scope}</td>\n<td>{phase}</td>\n'
                    f"<td>{milestone_status(milestone, words)}</td>\n</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 (escaped above)


@register.simple_tag
def board_rows(group) -> str:
    """The rows of a cohort's board table: per municipality its link, then a cell per stage (passed, the current
    one with advisors, traffic light and overdue milestones, or ahead)."""
    current_title = escape(gettext("Current stage"))
    passed = ('<span class="stage-passed-mark"><span aria-hidden="true">✓</span><span class="visually-hidden">'
              f"{escape(gettext('Passed'))}</span></span>")
    advisor_label = escape(gettext("Advisor:"))
    no_advisor = f'<span class="muted">{escape(gettext("No advisor yet"))}</span>'
    nothing_overdue = f'<span class="muted">{escape(gettext("Nothing overdue"))}</span>'
    rows = []
    for row in group["rows"]:
        participation = row["participation"]
        cells = []
        for cell in row["cells"]:
            state = cell["state"]
            if state == "current":
                advisors = row["advisors"]
                who = (advisor_label + " " + ", ".join(escape(str(advisor)) for advisor in advisors)
                       if advisors else no_advisor)
                card = row.get("card")
                light = traffic_light(card.light) if card else ""
                overdue = participation.overdue_count
                if overdue:
                    words = ngettext("%(counter)s overdue milestone", "%(counter)s overdue milestones", overdue)
                    badge = f'<span class="badge badge-red">{escape(words % {"counter": overdue})}</span>'
                else:
                    badge = nothing_overdue
                inner = (f'<div class="board-card"><span class="board-card-title"><span aria-hidden="true">● </span>'
                         f"{current_title}</span> <span>{who}</span> {light} {badge}</div>")
            elif state == "passed":
                inner = passed
            else:
                inner = ""
            cells.append(f'<td class="stage-cell stage-{escape(state)}">{inner}</td>')
        rows.append(f'<tr>\n<th scope="row"><a href="{escape(participation.get_absolute_url())}">'
                    f'{escape(str(participation.municipality))}</a></th>\n' + "\n".join(cells) + "\n</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 (escaped above)
