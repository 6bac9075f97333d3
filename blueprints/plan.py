"""What "start a new programme from this one" copies, and every date it moves.

``build_plan`` reads a programme's structure once — cohorts, phases, the programme's own milestones, meetings
for the whole programme or a cohort with their agendas, budget lines, reminder rules, objectives and
organisations — and shifts every date by one number of days (new start − old start). The preview page shows
the plan (``sections``); the service (``blueprints.services.programme_copy``) writes it. Neither copies what
belongs to people or to one municipality: participations, teams and roles, progress, results, stage-gate
outputs, a municipality's own milestones and meetings, spending, invitations, minutes, notifications.

Meeting times move by whole days in Copenhagen time, so a workshop at 09:30 stays at 09:30 across a change
between summer and winter time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circular_cities.dates import EARLIEST, LATEST, show, window_error
from notifications.models import ReminderRule
from programmes.models import BudgetLine, Cohort, Milestone, Objective, Phase, Programme, ProgrammeOrganisation
from workshops.models import Meeting

PREVIEW_EXAMPLES = 5  # out-of-range dates named in the error message


def shift_day(day: date | None, delta: timedelta) -> date | None:
    return None if day is None else day + delta


def shift_moment(moment: datetime | None, delta: timedelta) -> datetime | None:
    """The same wall-clock time in Copenhagen, ``delta`` days later."""
    if moment is None:
        return None
    local = timezone.localtime(moment).replace(tzinfo=None)
    return timezone.make_aware(local + delta)


def _show_moment(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


@dataclass
class Row:
    """One date of the preview: what it belongs to, which date, and where it lies before and after."""

    what: str
    which: str
    before: str
    after: str
    outside: bool = False


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class CopyPlan:
    source: Programme
    starts_on: date
    delta: timedelta
    cohorts: list[Cohort]
    phases: list[Phase]
    milestones: list[Milestone]
    meetings: list[Meeting]
    budget_lines: list[BudgetLine]
    reminder_rules: list[ReminderRule]
    objectives: list[Objective]
    organisation_links: list[ProgrammeOrganisation]
    left_out: dict[str, int]

    @property
    def days(self) -> int:
        return self.delta.days

    @property
    def ends_on(self) -> date | None:
        return shift_day(self.source.ends_on, self.delta)

    @property
    def agenda_item_count(self) -> int:
        return sum(len(meeting.agenda_items.all()) for meeting in self.meetings)

    def sections(self) -> list[Section]:
        """Every date before and after the shift, grouped as the preview shows them."""
        start, end = _("Start"), _("End")
        programme = Section("programme", _("Programme"))
        self._dates(programme, self.source.name, ((start, self.source.starts_on), (end, self.source.ends_on)))
        cohorts = Section("cohorts", _("Cohorts"))
        for cohort in self.cohorts:
            self._dates(cohorts, cohort.name, ((start, cohort.starts_on), (end, cohort.ends_on)))
        phases = Section("phases", _("Phases"))
        for phase in self.phases:
            self._dates(phases, phase.name, ((start, phase.starts_on), (end, phase.ends_on)))
        milestones = Section("milestones", _("Milestones"))
        for milestone in self.milestones:
            self._dates(milestones, milestone.title, ((_("Due"), milestone.due_on),))
        meetings = Section("meetings", _("Meetings"))
        for meeting in self.meetings:
            for which, moment in ((start, meeting.starts_at), (end, meeting.ends_at)):
                after = shift_moment(moment, self.delta)
                meetings.rows.append(Row(meeting.title, which, _show_moment(moment), _show_moment(after),
                                         outside=window_error(after) is not None))
        return [programme, cohorts, phases, milestones, meetings]

    def _dates(self, section: Section, what: str, dates) -> None:
        for which, day in dates:
            if day is None:
                continue
            after = shift_day(day, self.delta)
            section.rows.append(Row(what, which, show(day), show(after), outside=window_error(after) is not None))

    def outside_rows(self, sections: list[Section] | None = None) -> list[Row]:
        return [row for section in (sections or self.sections()) for row in section.rows if row.outside]

    def check(self) -> None:
        """Refuse a shift that would move any date outside the platform's dates, naming the first few."""
        outside = self.outside_rows()
        if not outside:
            return
        examples = "; ".join(f"{row.what} ({row.which.lower()} {row.after})" for row in outside[:PREVIEW_EXAMPLES])
        message = ngettext(
            "With this start %(count)d date would fall outside %(earliest)s – %(latest)s: %(examples)s. "
            "Choose an earlier or later start.",
            "With this start %(count)d dates would fall outside %(earliest)s – %(latest)s: %(examples)s. "
            "Choose an earlier or later start.", len(outside)) % {
            "count": len(outside), "earliest": show(EARLIEST), "latest": show(LATEST), "examples": examples}
        raise ValidationError({"starts_on": message}, code="date_out_of_range")


def build_plan(*, source: Programme, starts_on: date) -> CopyPlan:
    """Read ``source``'s structure (a constant number of queries) and shift it to ``starts_on``."""
    if source.starts_on is None:
        raise ValidationError({"starts_on": _(
            "The programme you copy has no start date, so its dates cannot be moved. Give it a start date first.")})
    delta = starts_on - source.starts_on
    meetings = list(
        Meeting.objects.filter(programme=source, participation__isnull=True, status=Meeting.Status.SCHEDULED)
        .select_related("cohort").prefetch_related("agenda_items").order_by("starts_at", "id"))
    left_out = Programme.objects.filter(pk=source.pk).aggregate(
        participations=Count("cohorts__participations", distinct=True),
    )
    left_out["municipal_milestones"] = Milestone.objects.filter(
        programme=source, participation__isnull=False).count()
    left_out.update(Meeting.objects.filter(programme=source).aggregate(
        municipal_meetings=Count("pk", filter=Q(participation__isnull=False)),
        cancelled_meetings=Count("pk", filter=Q(participation__isnull=True, status=Meeting.Status.CANCELLED)),
    ))
    return CopyPlan(
        source=source, starts_on=starts_on, delta=delta,
        cohorts=list(Cohort.objects.filter(programme=source).order_by("starts_on", "name", "id")),
        phases=list(Phase.objects.filter(programme=source).order_by("order", "starts_on", "id")),
        milestones=list(Milestone.objects.filter(programme=source, participation__isnull=True)
                        .order_by("due_on", "order", "id")),
        meetings=meetings,
        budget_lines=list(BudgetLine.objects.filter(programme=source).order_by("order", "code")),
        reminder_rules=list(ReminderRule.objects.filter(programme=source).order_by("kind", "-offset_days")),
        objectives=list(Objective.objects.filter(programme=source).order_by("order", "id")),
        organisation_links=list(ProgrammeOrganisation.objects.filter(programme=source).select_related("organisation")),
        left_out=left_out,
    )
