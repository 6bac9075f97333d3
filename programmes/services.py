"""Every write about programmes: the programme itself, cohorts, phases, milestones and the budget.

Services take keyword-only arguments, validate with ``full_clean()`` (and the rules below that need the
database), write atomically and raise ``ValidationError`` with translated messages. Budget services return
warnings (overspending, over-allocation) beside the object: they are worth saying, not refusing.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, RestrictedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.services import role_assign

from .models import (
    BudgetLine,
    Cohort,
    Milestone,
    Objective,
    Participation,
    Phase,
    Programme,
    ProgrammeOrganisation,
    Spending,
)
from .status import status_refresh

RESERVED_SLUGS = {"new"}  # path segments of programmes/urls.py
PROGRAMME_FIELDS = ("name_da", "name_en", "description_da", "description_en", "starts_on", "ends_on", "status",
                    "budget_dkk", "publication_review")


def _not_negative(value, field: str, message: str) -> None:
    if value is not None and Decimal(value) < 0:
        raise ValidationError({field: message})


def _by(instance, by):
    """Record who made the change in the audit history, also outside a request (simple-history)."""
    if by is not None:
        instance._history_user = by
    return instance


# --- Programme ---------------------------------------------------------------------------------------------

def _unique_slug(text: str) -> str:
    base = slugify(text)[:70].strip("-") or "programme"
    if base in RESERVED_SLUGS:
        base = f"{base}-programme"
    slug, n = base, 2
    while Programme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_children_within(programme: Programme) -> None:
    """Changing a programme's dates must not leave its cohorts, phases or milestones outside them."""
    if not (programme.pk and programme.starts_on and programme.ends_on):
        return
    start, end = programme.starts_on, programme.ends_on
    before = (
        Phase.objects.filter(programme=programme, starts_on__lt=start).count()
        + Milestone.objects.filter(programme=programme, due_on__lt=start).count()
        + Cohort.objects.filter(programme=programme, starts_on__lt=start).count()
    )
    after = (
        Phase.objects.filter(programme=programme, ends_on__gt=end).count()
        + Milestone.objects.filter(programme=programme, due_on__gt=end).count()
        + Cohort.objects.filter(programme=programme, ends_on__gt=end).count()
    )
    errors = {}
    if before:
        errors["starts_on"] = _(
            "%(count)d phases, milestones or cohorts begin before this start. Move them first."
        ) % {"count": before}
    if after:
        errors["ends_on"] = _(
            "%(count)d phases, milestones or cohorts end after this end. Move them first."
        ) % {"count": after}
    if errors:
        raise ValidationError(errors)


def _set_organisations(programme: Programme, organisations: dict | None) -> None:
    """``organisations`` maps a ProgrammeOrganisation.Part to the organisations in that part."""
    if organisations is None:
        return
    for part, chosen in organisations.items():
        chosen_ids = {o.pk for o in chosen}
        ProgrammeOrganisation.objects.filter(programme=programme, part=part).exclude(
            organisation_id__in=chosen_ids).delete()
        existing = set(ProgrammeOrganisation.objects.filter(programme=programme, part=part).values_list(
            "organisation_id", flat=True))
        ProgrammeOrganisation.objects.bulk_create([
            ProgrammeOrganisation(programme=programme, organisation_id=pk, part=part)
            for pk in sorted(chosen_ids - existing)
        ])


def _set_objectives(programme: Programme, objectives: list[tuple[str, str]] | None) -> None:
    """Replace the objectives with ``objectives`` (Danish, English), in order; empty rows are dropped."""
    if objectives is None:
        return
    rows = [(da.strip(), en.strip()) for da, en in objectives if da.strip() or en.strip()]
    if any(not da for da, _en in rows):
        raise ValidationError(_("Each objective needs a Danish text."))
    for order, (da, en) in enumerate(rows, start=1):
        objective = Objective.objects.filter(programme=programme, order=order).first() or Objective(
            programme=programme, order=order)
        if (objective.text_da, objective.text_en) != (da, en) or objective.pk is None:
            objective.text_da, objective.text_en = da, en
            objective.full_clean()
            objective.save()
    Objective.objects.filter(programme=programme, order__gt=len(rows)).delete()


@transaction.atomic
def programme_create(*, by, name_da: str, name_en: str = "", description_da: str = "", description_en: str = "",
                     starts_on=None, ends_on=None, status: str = Programme.Status.PLANNED, budget_dkk=None,
                     slug: str = "", organisations: dict | None = None,
                     objectives: list[tuple[str, str]] | None = None, publication_review: bool = True) -> Programme:
    """Create a programme; the person creating it becomes one of its facilitators."""
    _not_negative(budget_dkk, "budget_dkk", _("The budget cannot be negative."))
    slug = slug.strip()
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is reserved. Choose another.")})
    programme = Programme(
        slug=slug or _unique_slug(name_en or name_da), name_da=name_da, name_en=name_en,
        description_da=description_da, description_en=description_en, starts_on=starts_on, ends_on=ends_on,
        status=status, budget_dkk=budget_dkk, publication_review=publication_review,
    )
    programme.full_clean()
    _by(programme, by).save()
    _set_organisations(programme, organisations)
    _set_objectives(programme, objectives)
    role_assign(user=by, role=Role.FACILITATOR, programme=programme)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by=None, organisations: dict | None = None,
                     objectives: list[tuple[str, str]] | None = None, **fields) -> Programme:
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"programme_update() got unexpected fields {sorted(unknown)}")
    _not_negative(fields.get("budget_dkk"), "budget_dkk", _("The budget cannot be negative."))
    # Compare with what is stored: a bound ModelForm may already have set the new values on ``programme``.
    stored = Programme.objects.get(pk=programme.pk)
    changed = [name for name, value in fields.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(programme, name, fields[name])
    programme.full_clean()
    _check_children_within(programme)
    if changed:
        _by(programme, by).save()
    if {"starts_on", "ends_on"} & set(changed):  # a finished programme stalls nothing
        status_refresh(participation_ids=Participation.objects.filter(cohort__programme=programme).values_list(
            "pk", flat=True))
    _set_organisations(programme, organisations)
    _set_objectives(programme, objectives)
    return programme


# --- Cohorts ----------------------------------------------------------------------------------------------

def _check_cohort_name(cohort: Cohort) -> None:
    if Cohort.objects.filter(programme_id=cohort.programme_id, name__iexact=cohort.name).exclude(
            pk=cohort.pk).exists():
        raise ValidationError({"name": _("This programme already has a cohort called “%(name)s”.")
                               % {"name": cohort.name}})


@transaction.atomic
def cohort_create(*, programme: Programme, name: str, starts_on=None, ends_on=None) -> Cohort:
    cohort = Cohort(programme=programme, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    _check_cohort_name(cohort)
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, name: str, starts_on=None, ends_on=None) -> Cohort:
    cohort.name, cohort.starts_on, cohort.ends_on = name.strip(), starts_on, ends_on
    _check_cohort_name(cohort)
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def cohort_delete(*, cohort: Cohort) -> None:
    if cohort.participations.exists():
        raise ValidationError(_("The cohort still has municipalities. Remove them from the cohort first."))
    try:
        cohort.delete()
    except RestrictedError:  # an open call names the cohort (calls.Call.cohort)
        raise ValidationError(_("An open call belongs to this cohort. Change or delete the call first.")) from None


# --- Ordering -------------------------------------------------------------------------------------------

def _move(obj, siblings, direction: str) -> bool:
    """Swap ``obj`` with its neighbour among ``siblings`` (in display order) and number them 1…n again."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move up or down."))
    items = list(siblings)
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for order, item in enumerate(items, start=1):
        item.order = order
    type(obj).objects.bulk_update(items, ["order"])
    obj.order = next(item.order for item in items if item.pk == obj.pk)
    return True


# --- Phases ---------------------------------------------------------------------------------------------

@transaction.atomic
def phase_create(*, programme: Programme, name_da: str, starts_on, ends_on, name_en: str = "") -> Phase:
    last = programme.phases.aggregate(last=Max("order"))["last"] or 0
    phase = Phase(programme=programme, name_da=name_da.strip(), name_en=name_en.strip(), starts_on=starts_on,
                  ends_on=ends_on, order=last + 1)
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, name_da: str, starts_on, ends_on, name_en: str = "") -> Phase:
    phase.name_da, phase.name_en, phase.starts_on, phase.ends_on = name_da.strip(), name_en.strip(), starts_on, ends_on
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase) -> None:
    phase.delete()  # its milestones stay, without a phase


@transaction.atomic
def phase_move(*, phase: Phase, direction: str) -> bool:
    siblings = Phase.objects.select_for_update().filter(programme_id=phase.programme_id).order_by(
        "order", "starts_on", "id")
    return _move(phase, siblings, direction)


# --- Milestones -----------------------------------------------------------------------------------------

def _check_milestone_people(milestone: Milestone) -> None:
    from .selectors import programme_people

    if milestone.owner_id and not programme_people(programme=milestone.programme).filter(
            pk=milestone.owner_id).exists():
        raise ValidationError({"owner": _("The owner must have a role in this programme.")})


def _status_dates(milestone: Milestone, when=None) -> None:
    if milestone.status == Milestone.Status.DONE:
        milestone.completed_at = milestone.completed_at or when or timezone.now()
    else:
        milestone.completed_at = None


@transaction.atomic
def milestone_create(*, programme: Programme, title_da: str, due_on, by=None, title_en: str = "",
                     description: str = "", participation=None, phase=None, owner=None,
                     status: str = Milestone.Status.PLANNED, completed_at=None) -> Milestone:
    last = programme.milestones.filter(due_on=due_on).aggregate(last=Max("order"))["last"] or 0
    milestone = Milestone(
        programme=programme, title_da=title_da.strip(), title_en=title_en.strip(), description=description,
        participation=participation, phase=phase, owner=owner, due_on=due_on, status=status,
        completed_at=completed_at, order=last + 1,
    )
    _status_dates(milestone)
    milestone.full_clean()
    _check_milestone_people(milestone)
    _by(milestone, by).save()
    _refresh_status(milestone.participation_id)
    return milestone


def _refresh_status(*participation_ids) -> None:
    """The status rows of the municipalities whose milestones changed (programmes/status.py)."""
    ids = {pk for pk in participation_ids if pk}
    if ids:
        status_refresh(participation_ids=ids)


MILESTONE_FIELDS = ("title_da", "title_en", "description", "participation", "phase", "owner", "due_on", "status")


@transaction.atomic
def milestone_update(*, milestone: Milestone, by=None, **fields) -> Milestone:
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"milestone_update() got unexpected fields {sorted(unknown)}")
    before = Milestone.objects.filter(pk=milestone.pk).values_list("participation_id", flat=True).first()
    for name, value in fields.items():
        setattr(milestone, name, value.strip() if name in ("title_da", "title_en") else value)
    _status_dates(milestone)
    milestone.full_clean()
    _check_milestone_people(milestone)
    _by(milestone, by).save()
    _refresh_status(before, milestone.participation_id)
    return milestone


@transaction.atomic
def milestone_complete(*, milestone: Milestone, by=None, when=None) -> Milestone:
    if milestone.status == Milestone.Status.DONE:
        return milestone  # idempotent: a double click changes nothing
    milestone.status = Milestone.Status.DONE
    milestone.completed_at = when or timezone.now()
    milestone.full_clean()
    _by(milestone, by).save(update_fields=["status", "completed_at", "updated_at"])
    _refresh_status(milestone.participation_id)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by=None) -> None:
    participation_id = milestone.participation_id
    _by(milestone, by).delete()
    _refresh_status(participation_id)


@transaction.atomic
def milestone_move(*, milestone: Milestone, direction: str) -> bool:
    """Milestones are ordered by due date; the order decides among those due the same day."""
    siblings = Milestone.objects.select_for_update().filter(
        programme_id=milestone.programme_id, due_on=milestone.due_on).order_by("order", "id")
    return _move(milestone, siblings, direction)


# --- Budget ---------------------------------------------------------------------------------------------

def budget_warnings(*, programme: Programme, line: BudgetLine | None = None) -> list[str]:
    """Warnings worth showing after a save: allocations above the programme budget, and ``line``'s spending
    above its allocation."""
    from .selectors import budget_overview

    overview = budget_overview(programme=programme)
    warnings = [overview.allocation_warning] if overview.allocation_warning else []
    if line is not None:
        warnings += [other.warning for other in overview.lines if other.pk == line.pk and other.warning]
    return warnings


def _check_line(line: BudgetLine) -> None:
    _not_negative(line.allocated_dkk, "allocated_dkk", _("An allocation cannot be negative."))
    if BudgetLine.objects.filter(programme_id=line.programme_id, code__iexact=line.code).exclude(
            pk=line.pk).exists():
        raise ValidationError({"code": _("This budget already has a work package %(code)s.") % {"code": line.code}})
    line.full_clean()


@transaction.atomic
def budget_line_create(*, programme: Programme, code: str, name_da: str, allocated_dkk, name_en: str = ""
                       ) -> tuple[BudgetLine, list[str]]:
    last = programme.budget_lines.aggregate(last=Max("order"))["last"] or 0
    line = BudgetLine(programme=programme, code=code.strip(), name_da=name_da.strip(), name_en=name_en.strip(),
                      allocated_dkk=allocated_dkk, order=last + 1)
    _check_line(line)
    line.save()
    return line, budget_warnings(programme=programme, line=line)


@transaction.atomic
def budget_line_update(*, line: BudgetLine, code: str, name_da: str, allocated_dkk, name_en: str = ""
                       ) -> tuple[BudgetLine, list[str]]:
    line.code, line.name_da, line.name_en, line.allocated_dkk = code.strip(), name_da.strip(), name_en.strip(), \
        allocated_dkk
    _check_line(line)
    line.save()
    return line, budget_warnings(programme=line.programme, line=line)


@transaction.atomic
def budget_line_delete(*, line: BudgetLine) -> None:
    if line.spendings.exists():
        raise ValidationError(_("%(code)s has recorded spending. Delete the spending first.") % {"code": line.code})
    line.delete()


@transaction.atomic
def spending_create(*, budget_line: BudgetLine, spent_on, amount_dkk, description: str, by=None
                    ) -> tuple[Spending, list[str]]:
    if amount_dkk is not None and Decimal(amount_dkk) <= 0:
        raise ValidationError({"amount_dkk": _("The amount must be more than 0 DKK.")})
    spending = Spending(budget_line=budget_line, spent_on=spent_on, amount_dkk=amount_dkk,
                        description=description.strip(), recorded_by=by)
    spending.full_clean()
    spending.save()
    return spending, budget_warnings(programme=budget_line.programme, line=budget_line)


@transaction.atomic
def spending_delete(*, spending: Spending) -> None:
    spending.delete()
