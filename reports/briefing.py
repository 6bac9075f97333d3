"""The briefing for a follow-group meeting (issue 7): what happened in the municipalities since the previous
follow-group meeting, put together for politicians who would rather look than read.

One selector, :func:`briefing_for_meeting`, reads everything the page and the PDF show, with the person's
visibility built in (the municipalities they may see, the milestones they may see, the previous meeting's
decisions only once its minutes are published). It makes a fixed number of queries whatever the data.
:func:`briefing_document` turns the same data into a PDF, so the page and the file tell the same story.

The *period* of a briefing runs from the day after the previous non-cancelled follow-group meeting of the
programme (or from the programme's start) to the day of the meeting. Only **published** progress entries are
shown; drafts stay with the municipality.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from municipalities.models import Indicator, Measurement, ProgressEntry, ProgressPhoto
from programmes.lights import MunicipalityCard, lights_with_counts, municipality_cards
from programmes.models import Milestone
from programmes.selectors import OPEN_STATUSES, milestone_list_for_user
from workshops.models import ActionItem, AgendaItem, Decision, Meeting
from workshops.permissions import can_organise_meeting, can_view_meeting
from workshops.selectors import local_day_bounds, meeting_get_for_user_or_404

from .pdf import PAGE_WIDTH, PdfDocument

ENTRIES_PER_MUNICIPALITY = 5  # a briefing is read in ten minutes: the newest few, and how many more there are
MILESTONES_PER_LIST = 10


def briefing_meeting_get_for_user_or_404(*, user, pk: int) -> Meeting:
    """A follow-group meeting the person may see ; any other meeting has no
    briefing (404)."""
    meeting = meeting_get_for_user_or_404(user=user, pk=pk)
    if meeting.kind != Meeting.Kind.FOLLOW_GROUP:
        raise Http404
    return meeting


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: Decimal | None  # the latest measurement up to the meeting day
    measured_on: date | None
    before: Decimal | None  # the latest measurement before the period started

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def target(self) -> Decimal | None:
        return self.indicator.target

    @property
    def share_of_target(self) -> int | None:
        """How far along the way from baseline to target, in per cent (0–100), for a bar."""
        target, value = self.indicator.target, self.value
        if target is None or value is None:
            return None
        start = self.indicator.baseline if self.indicator.baseline is not None else Decimal(0)
        if target == start:
            return 100
        share = (value - start) / (target - start) * 100
        return int(max(0, min(100, round(share))))


@dataclass
class BriefingMilestone:
    """What the briefing shows of a milestone, read as plain values (hundreds of them at national scale)."""

    FIELDS = ("pk", "participation_id", "status", "title_da", "title_en", "due_on", "completed_at")

    pk: int
    participation_id: int | None
    status: str
    title_da: str
    title_en: str
    due_on: date | None
    completed_at: object
    municipality: str = ""

    @property
    def title(self) -> str:
        """In the reader's language; English falls back to Danish (as ``programmes.models.Bilingual``)."""
        language = (get_language() or "da")[:2]
        return (self.title_en if language == "en" else self.title_da) or self.title_da


@dataclass
class MunicipalityBriefing:
    card: MunicipalityCard
    entries: list = field(default_factory=list)  # published progress entries of the period, newest first
    more_entries: int = 0  # entries of the period not shown
    completed: list = field(default_factory=list)  # milestones completed in the period
    overdue: list = field(default_factory=list)  # open milestones whose due day has passed
    indicators: list = field(default_factory=list)

    @property
    def participation(self):
        return self.card.participation

    @property
    def municipality(self):
        return self.card.participation.municipality

    @property
    def light(self):
        return self.card.light

    @property
    def entry_count(self) -> int:
        return len(self.entries) + self.more_entries

    @property
    def blockers(self) -> list:
        """Entries of the period that name a blocker, newest first: where the municipality is stuck."""
        return [entry for entry in self.entries if entry.blockers.strip()]


@dataclass
class Briefing:
    meeting: Meeting
    programme: object
    previous: Meeting | None
    period_start: date | None
    period_end: date
    agenda: list
    municipalities: list[MunicipalityBriefing]
    light_counts: list
    programme_completed: list  # the whole programme's milestones completed in the period
    programme_overdue: list
    previous_decisions: list
    previous_actions: list
    previous_minutes_published: bool

    @property
    def entry_count(self) -> int:
        return sum(m.entry_count for m in self.municipalities)

    @property
    def decisions_needed(self) -> list:
        """The agenda items the meeting is asked to decide on."""
        return [item for item in self.agenda if item.decision_needed]

    @property
    def completed_count(self) -> int:
        return len(self.programme_completed) + sum(len(m.completed) for m in self.municipalities)

    @property
    def overdue_count(self) -> int:
        return len(self.programme_overdue) + sum(len(m.overdue) for m in self.municipalities)

    @property
    def blockers(self) -> list[tuple[MunicipalityBriefing, object]]:
        return [(m, entry) for m in self.municipalities for entry in m.blockers]

    @property
    def has_indicators(self) -> bool:
        return any(m.indicators for m in self.municipalities)


def _previous_meeting(meeting: Meeting) -> Meeting | None:
    return (Meeting.objects.filter(programme_id=meeting.programme_id, kind=Meeting.Kind.FOLLOW_GROUP,
                                   starts_at__lt=meeting.starts_at)
            .exclude(status=Meeting.Status.CANCELLED).exclude(pk=meeting.pk)
            .order_by("-starts_at", "-pk").first())


def _indicator_rows(participation_ids, *, period_start: date | None, period_end: date) -> dict[int, list]:
    """Each municipality's indicators with the latest value up to the meeting and the value before the period."""
    # measured in a published entry, or on its own: never a draft's or a withdrawn entry's value
    shown = Q(entry__isnull=True) | Q(entry__state=ProgressEntry.State.PUBLISHED)
    until = Measurement.objects.filter(shown, indicator=OuterRef("pk"), measured_on__lte=period_end).order_by(
        "-measured_on", "-id")
    before = Measurement.objects.filter(shown, indicator=OuterRef("pk"),
                                        measured_on__lt=period_start or date.min).order_by("-measured_on", "-id")
    indicators = Indicator.objects.filter(participation_id__in=participation_ids).annotate(
        latest_value=Subquery(until.values("value")[:1]),
        latest_on=Subquery(until.values("measured_on")[:1]),
        before_value=Subquery(before.values("value")[:1]),
    ).order_by("participation_id", "name", "pk")
    rows: dict[int, list] = {}
    for indicator in indicators:
        rows.setdefault(indicator.participation_id, []).append(
            IndicatorRow(indicator, indicator.latest_value, indicator.latest_on, indicator.before_value))
    return rows


def briefing_for_meeting(*, user, meeting: Meeting) -> Briefing:
    """Everything a follow-group meeting's briefing shows, for one person (call with a meeting they may see).

    A fixed number of queries: the previous meeting, the agenda, the board (municipalities, advisors, latest
    progress), the period's published entries with their photos, the milestones, the indicators, and the
    previous meeting's decisions and actions."""
    programme = meeting.programme
    previous = _previous_meeting(meeting)
    period_end = timezone.localtime(meeting.starts_at).date()
    if previous is not None:
        period_start = timezone.localtime(previous.starts_at).date() + timedelta(days=1)
    else:
        period_start = programme.starts_on
    agenda = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk"))

    cards = municipality_cards(user=user, programme=programme)
    if meeting.participation_id:
        cards = [c for c in cards if c.participation.pk == meeting.participation_id]
    elif meeting.cohort_id:
        cards = [c for c in cards if c.participation.cohort_id == meeting.cohort_id]
    ids = [card.participation.pk for card in cards]
    rows = {card.participation.pk: MunicipalityBriefing(card) for card in cards}

    entries = ProgressEntry.objects.filter(participation_id__in=ids, state=ProgressEntry.State.PUBLISHED,
                                           happened_on__lte=period_end)
    if period_start is not None:
        entries = entries.filter(happened_on__gte=period_start)
    # Only the newest few per municipality leave the database (a national programme has thousands in a period),
    # each with the number of its municipality's entries in the period: one query, whatever the data.
    newest_first = [F("happened_on").desc(), F("published_at").desc(), F("pk").desc()]
    by_municipality = {"partition_by": [F("participation_id")]}
    entries = entries.annotate(
        rank=Window(RowNumber(), order_by=newest_first, **by_municipality),
        in_period=Window(Count("pk"), **by_municipality),
    ).filter(rank__lte=ENTRIES_PER_MUNICIPALITY)
    photos = ProgressPhoto.objects.order_by("pk")
    for entry in entries.prefetch_related(_prefetch_photos(photos)).order_by(*newest_first):
        row = rows[entry.participation_id]
        entry.photo = entry.briefing_photos[0] if entry.briefing_photos else None
        row.entries.append(entry)
        row.more_entries = entry.in_period - len(row.entries)

    # Completed in the period (by completion time, in Copenhagen days) and overdue today, in one query.
    today = timezone.localdate()
    first, last = local_day_bounds(period_start or date(1900, 1, 1), period_end)
    done = Q(status=Milestone.Status.DONE, completed_at__gte=first, completed_at__lt=last)
    late = Q(status__in=OPEN_STATUSES, due_on__lt=today)
    milestones = milestone_list_for_user(user=user, programme=programme).filter(done | late).filter(
        Q(participation__isnull=True) | Q(participation_id__in=ids)).values_list(*BriefingMilestone.FIELDS)
    municipality_names = {card.participation.pk: str(card.participation.municipality) for card in cards}
    programme_completed, programme_overdue = [], []
    for values in milestones:
        milestone = BriefingMilestone(*values)
        milestone.municipality = municipality_names.get(milestone.participation_id, "")
        if milestone.status == Milestone.Status.DONE:
            target = rows[milestone.participation_id].completed if milestone.participation_id else programme_completed
        else:
            target = rows[milestone.participation_id].overdue if milestone.participation_id else programme_overdue
        target.append(milestone)
    for row in rows.values():
        row.completed.sort(key=lambda m: (m.completed_at, m.pk))
    programme_completed.sort(key=lambda m: (m.completed_at, m.pk))

    for participation_id, indicator_rows in _indicator_rows(ids, period_start=period_start,
                                                            period_end=period_end).items():
        rows[participation_id].indicators = indicator_rows

    decisions, actions, minutes_published = [], [], False
    if previous is not None and can_view_meeting(user, previous):
        minutes_published = previous.minutes_are_published
        if minutes_published or can_organise_meeting(user, previous):
            decisions = list(Decision.objects.filter(meeting=previous).order_by("order", "pk"))
            actions = list(ActionItem.objects.filter(meeting=previous).select_related("owner", "milestone")
                           .order_by("order", "pk"))

    return Briefing(
        meeting=meeting, programme=programme, previous=previous, period_start=period_start, period_end=period_end,
        agenda=agenda, municipalities=list(rows.values()),
        light_counts=lights_with_counts(Counter(card.light.colour for card in cards)),
        programme_completed=programme_completed[:MILESTONES_PER_LIST],
        programme_overdue=programme_overdue[:MILESTONES_PER_LIST],
        previous_decisions=decisions, previous_actions=actions, previous_minutes_published=minutes_published,
    )


def _prefetch_photos(queryset):
    from django.db.models import Prefetch

    return Prefetch("photos", queryset=queryset, to_attr="briefing_photos")


# --- Text shared by the page and the PDF ---------------------------------------------------------------------

def _day(value) -> str:
    # "d.m.Y" in every language: strftime is the same text as date_format, without its per-call format lookup
    return value.strftime("%d.%m.%Y") if value else ""


def _number(value) -> str:
    if value is None:
        return "–"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def period_text(briefing: Briefing) -> str:
    if briefing.previous is not None:
        return _("Since the previous follow-group meeting on %(day)s, up to %(end)s.") % {
            "day": _day(timezone.localtime(briefing.previous.starts_at).date()), "end": _day(briefing.period_end)}
    if briefing.period_start is not None:
        return _("Since the programme started on %(day)s, up to %(end)s.") % {
            "day": _day(briefing.period_start), "end": _day(briefing.period_end)}
    return _("Everything up to %(end)s.") % {"end": _day(briefing.period_end)}


def lights_as_of() -> str:
    """The traffic lights and the overdue milestones are as they stand today, also in a past meeting's briefing."""
    return _("Traffic lights and overdue milestones as of %(day)s.") % {"day": _day(timezone.localdate())}


def headline_figures(briefing: Briefing) -> list[tuple[str, int]]:
    """The few numbers at the top of the page and the PDF."""
    return [
        (_("Progress reports in the period"), briefing.entry_count),
        (_("Milestones completed in the period"), briefing.completed_count),
        (_("Milestones overdue now"), briefing.overdue_count),
    ]


def indicator_text(row: IndicatorRow) -> str:
    """One line: "18 tons (target 40)", with the value before the period when there was one."""
    text = f"{_number(row.value)} {row.unit}"
    if row.before is not None and row.value is not None and row.before != row.value:
        text = _("%(before)s → %(now)s") % {"before": _number(row.before), "now": text}
    if row.target is not None:
        text += " " + _("(target %(target)s)") % {"target": _number(row.target)}
    return text


def milestone_line(milestone) -> str:
    where = milestone.municipality if milestone.participation_id else _("Whole programme")
    return f"{milestone.title} ({where}, {_('due')} {_day(milestone.due_on)})"


# --- The PDF ---------------------------------------------------------------------------------------------------

def briefing_title(meeting: Meeting) -> str:
    return _("Briefing: %(meeting)s") % {"meeting": meeting.title}


def briefing_document(briefing: Briefing, *, photo_reader=None) -> PdfDocument:
    """The same figures and text as the page, top to bottom, in the active language.

    ``photo_reader(photo) -> bytes | None`` reads a photo's thumbnail (default: from private storage)."""
    meeting = briefing.meeting
    when = date_format(timezone.localtime(meeting.starts_at), "d.m.Y H:i")
    subtitle = " · ".join(part for part in (briefing.programme.name, when, meeting.place) if part)
    doc = PdfDocument(title=briefing_title(meeting), subtitle=subtitle)
    doc.paragraph(period_text(briefing), muted=True)

    doc.heading(_("At a glance"))
    doc.key_values([(label.label, str(count)) for label, count in briefing.light_counts]
                   + [(label, str(count)) for label, count in headline_figures(briefing)])
    doc.paragraph(lights_as_of(), muted=True)

    doc.heading(_("Agenda"))
    if briefing.agenda:
        doc.bullets(_agenda_line(item) for item in briefing.agenda)
    else:
        doc.paragraph(_("No agenda yet."), muted=True)

    doc.heading(_("For the follow-group's attention"))
    if briefing.decisions_needed:
        doc.heading(_("Decisions needed at this meeting"), level=2)
        doc.bullets(item.title for item in briefing.decisions_needed)
    if briefing.blockers:
        for municipality, entry in briefing.blockers:
            doc.paragraph(f"{municipality.municipality} ({_day(entry.happened_on)}): {entry.blockers}")
    else:
        doc.paragraph(_("No municipality reported a blocker in the period."), muted=True)
    if briefing.programme_overdue:
        doc.heading(_("Programme milestones overdue now"), level=2)
        doc.bullets(milestone_line(m) for m in briefing.programme_overdue)
    if briefing.programme_completed:
        doc.heading(_("Programme milestones completed in the period"), level=2)
        doc.bullets(milestone_line(m) for m in briefing.programme_completed)

    doc.heading(_("The municipalities"))
    if not briefing.municipalities:
        doc.paragraph(_("No municipalities you can see take part yet."), muted=True)
    for row in briefing.municipalities:
        _municipality_pdf(doc, row, photo_reader or _read_thumbnail)

    if briefing.previous is not None:
        doc.heading(_("Decided at the previous meeting"))
        doc.paragraph(f"{briefing.previous.title} · {_day(timezone.localtime(briefing.previous.starts_at))}",
                      muted=True)
        if briefing.previous_decisions:
            doc.bullets(decision.text for decision in briefing.previous_decisions)
        elif not briefing.previous_minutes_published:
            doc.paragraph(_("The minutes of the previous meeting are not published yet."), muted=True)
        else:
            doc.paragraph(_("No decisions were recorded."), muted=True)
        if briefing.previous_actions:
            doc.table([_("Action item"), _("Owner"), _("Due"), _("Milestone")],
                      [(a.text, str(a.owner or "–"), _day(a.due_on),
                        a.milestone.get_status_display() if a.milestone_id else "–")
                       for a in briefing.previous_actions])
    return doc


def _agenda_line(item) -> str:
    extra = [_("decision needed")] if item.decision_needed else []
    if item.duration_minutes:
        extra.append(ngettext("%(minutes)d minute", "%(minutes)d minutes", item.duration_minutes) % {
            "minutes": item.duration_minutes})
    if item.presenter:
        extra.append(item.presenter)
    return f"{item.title} ({', '.join(extra)})" if extra else item.title


def _municipality_pdf(doc: PdfDocument, row: MunicipalityBriefing, photo_reader) -> None:
    doc.heading(str(row.municipality), level=2)
    doc.key_values([
        (_("Traffic light"), f"{row.light.label} – {row.light.reason}"),
        (_("Stage now"), row.participation.get_stage_display()),
        (_("Progress reports in the period"), str(row.entry_count)),
    ])
    if row.entries:
        for entry in row.entries:
            doc.paragraph(f"{_day(entry.happened_on)} · {entry.get_status_display()}", muted=True)
            if entry.photo is not None:
                doc.image(photo_reader(entry.photo), caption=entry.photo.caption, width_mm=60)
            doc.paragraph(entry.what_happened)
            if entry.next_steps:
                doc.paragraph(_("Next steps: %(text)s") % {"text": entry.next_steps})
        if row.more_entries:
            doc.paragraph(ngettext("…and %(count)d earlier report in the period.",
                                   "…and %(count)d earlier reports in the period.", row.more_entries)
                          % {"count": row.more_entries}, muted=True)
    else:
        doc.paragraph(_("No progress report was published in the period."), muted=True)
    if row.completed:
        doc.paragraph(_("Milestones completed in the period"))
        doc.bullets(m.title for m in row.completed)
    if row.overdue:
        doc.paragraph(_("Milestones overdue now"))
        doc.bullets(f"{m.title} ({_('due')} {_day(m.due_on)})" for m in row.overdue)
    if row.indicators:
        doc.bar_chart([(r.name, r.value or 0, r.target) for r in row.indicators],
                      caption=_("Indicators: the latest value (dark bar) against the target (light bar)."),
                      value_format=_number)
        doc.table([_("Indicator"), _("Before the period"), _("Now"), _("Target")],
                  [(f"{r.name} ({r.unit})", _number(r.before), _number(r.value), _number(r.target))
                   for r in row.indicators], col_widths=[PAGE_WIDTH * 0.4] + [PAGE_WIDTH * 0.2] * 3)


def _read_thumbnail(photo) -> bytes | None:
    try:
        with photo.thumbnail.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None  # a missing file must not stop the briefing
