"""Every write of a programme from a programme, and of named templates.

``programme_copy`` saves the whole plan (``blueprints.plan``) or nothing: one transaction. The new programme is
made by ``programmes.services.programme_create``, so the person copying becomes its facilitator (and its only
person); its audit history records them and the programme it was copied from. Nothing is sent: no invitations,
no notifications (meetings are written here, not through the services that invite people to them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, update_change_reason

from notifications.models import ReminderRule
from programmes.models import BudgetLine, Cohort, Milestone, Phase, Programme
from programmes.services import programme_create
from workshops.models import AgendaItem, Meeting

from .models import ProgrammeTemplate
from .plan import build_plan, shift_day, shift_moment

REASON_MAX = 100  # simple-history's history_change_reason


def _reason(source: Programme) -> str:
    return f"copied from {source.slug}"[:REASON_MAX]


# Foreign keys to rows this transaction has just written (or read): Django's check that they exist would cost a
# query per object and per key.
KNOWN_KEYS = ("programme", "phase", "cohort", "meeting", "organiser")


def _cleaned(objects: list) -> list:
    for obj in objects:
        obj.full_clean(exclude=KNOWN_KEYS)
    return objects


@transaction.atomic
def programme_copy(*, source: Programme, by, starts_on: date, name_da: str, name_en: str = "",
                   slug: str = "") -> Programme:
    """A new programme with ``source``'s structure, every date moved by (``starts_on`` − the source's start)."""
    plan = build_plan(source=source, starts_on=starts_on)
    plan.check()
    delta, reason = plan.delta, _reason(source)
    organisations = defaultdict(list)
    for link in plan.organisation_links:
        organisations[link.part].append(link.organisation)
    programme = programme_create(
        by=by, name_da=name_da, name_en=name_en, slug=slug, description_da=source.description_da,
        description_en=source.description_en, starts_on=starts_on, ends_on=plan.ends_on,
        status=Programme.Status.PLANNED, budget_dkk=source.budget_dkk, publication_review=source.publication_review,
        organisations=dict(organisations), objectives=[(o.text_da, o.text_en) for o in plan.objectives],
    )
    update_change_reason(programme, reason)

    cohorts = dict(zip([c.pk for c in plan.cohorts], Cohort.objects.bulk_create(_cleaned([
        Cohort(programme=programme, name=c.name, starts_on=shift_day(c.starts_on, delta),
               ends_on=shift_day(c.ends_on, delta)) for c in plan.cohorts])), strict=True))
    phases = dict(zip([p.pk for p in plan.phases], Phase.objects.bulk_create(_cleaned([
        Phase(programme=programme, name_da=p.name_da, name_en=p.name_en, order=p.order,
              starts_on=shift_day(p.starts_on, delta), ends_on=shift_day(p.ends_on, delta)) for p in plan.phases])),
        strict=True))
    bulk_create_with_history(_cleaned([
        Milestone(programme=programme, phase=phases.get(m.phase_id), title_da=m.title_da, title_en=m.title_en,
                  description=m.description, due_on=shift_day(m.due_on, delta), order=m.order,
                  status=Milestone.Status.PLANNED) for m in plan.milestones]),
        Milestone, default_user=by, default_change_reason=reason)
    BudgetLine.objects.bulk_create(_cleaned([
        BudgetLine(programme=programme, code=line.code, name_da=line.name_da, name_en=line.name_en,
                   allocated_dkk=line.allocated_dkk, order=line.order) for line in plan.budget_lines]))
    bulk_create_with_history(_cleaned([
        ReminderRule(programme=programme, kind=rule.kind, offset_days=rule.offset_days, send_time=rule.send_time,
                     enabled=rule.enabled) for rule in plan.reminder_rules]),
        ReminderRule, default_user=by, default_change_reason=reason)
    meetings = bulk_create_with_history(_cleaned([
        Meeting(programme=programme, cohort=cohorts.get(m.cohort_id), kind=m.kind, title_da=m.title_da,
                title_en=m.title_en, description_da=m.description_da, description_en=m.description_en,
                starts_at=shift_moment(m.starts_at, delta), ends_at=shift_moment(m.ends_at, delta), place=m.place,
                capacity=m.capacity, organiser=by) for m in plan.meetings]),
        Meeting, default_user=by, default_change_reason=reason)
    if any(meeting.pk is None for meeting in meetings):  # a database that gives no ids back from a bulk insert
        raise ValidationError(_("The meetings could not be copied. Nothing was saved."))
    AgendaItem.objects.bulk_create(_cleaned([
        AgendaItem(meeting=new, order=item.order, title=item.title, duration_minutes=item.duration_minutes,
                   decision_needed=item.decision_needed)
        for old, new in zip(plan.meetings, meetings, strict=True) for item in old.agenda_items.all()]))
    return programme


@transaction.atomic
def template_keep(*, programme: Programme, name_da: str, name_en: str = "") -> ProgrammeTemplate:
    """Keep ``programme`` as a named template (or rename the template it already is)."""
    template = ProgrammeTemplate.objects.filter(programme=programme).first() or ProgrammeTemplate(
        programme=programme)
    template.name_da, template.name_en = name_da.strip(), name_en.strip()
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_remove(*, template: ProgrammeTemplate) -> None:
    """The programme stays; it is just no longer offered as a template."""
    template.delete()
