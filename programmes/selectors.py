"""Every read the programme screens need, with the joins a page needs and the person's visibility built in."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import scope_of
from municipalities.models import Municipality

from .display import format_dkk
from .models import (
    BudgetLine,
    Cohort,
    Milestone,
    Participation,
    ParticipationStatus,
    Phase,
    Programme,
    ProgrammeOrganisation,
    Spending,
)
from .permissions import (
    can_view_milestone,
    can_view_participation,
    can_view_programme,
    sees_whole_programme,
)

OPEN_STATUSES = (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)


# --- Programmes -------------------------------------------------------------------------------------------

def programme_list_for_user(*, user, status: str | None = None) -> QuerySet[Programme]:
    scope = scope_of(user)
    programmes = Programme.objects.filter(scope.programme_filter())
    if status:
        programmes = programmes.filter(status=status)
    return programmes.annotate(
        participation_count=Count("cohorts__participations", distinct=True)
    ).order_by("-starts_on", "name_da", "pk")


def programme_get_for_user_or_404(*, user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not can_view_programme(user, programme):
        raise Http404
    return programme


def programme_detail_for_user_or_404(*, user, slug: str) -> Programme:
    """The programme with its organisations, objectives and cohorts; each cohort's ``visible_participations``
    are the municipalities the person may see."""
    scope = scope_of(user)
    participations = Participation.objects.filter(scope.participation_filter()).select_related(
        "municipality").only("cohort_id", "stage", "municipality__name")  # what the cohort lists show
    programme = get_object_or_404(
        Programme.objects.prefetch_related(
            Prefetch("organisation_links", queryset=ProgrammeOrganisation.objects.select_related("organisation")),
            "objectives",
            Prefetch("cohorts", queryset=Cohort.objects.prefetch_related(
                Prefetch("participations", queryset=participations, to_attr="visible_participations"))),
        ),
        slug=slug,
    )
    if not can_view_programme(user, programme):
        raise Http404
    return programme


def organisations_by_part(programme: Programme) -> dict[str, list]:
    """The programme's organisations per part (funder, facilitator, partner), from prefetched links."""
    result: dict[str, list] = {part: [] for part in ProgrammeOrganisation.Part.values}
    for link in programme.organisation_links.all():
        result[link.part].append(link.organisation)
    return result


def programme_people(*, programme: Programme) -> QuerySet[User]:
    """Everyone with an active role in the programme: its own roles, advisors of its municipalities and their
    teams (staff roles belong to one participation, and carry its programme)."""
    today = timezone.localdate()
    assignments = RoleAssignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).filter(
        programme=programme)
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("full_name", "email")


def visible_participations(*, user, programme: Programme) -> QuerySet[Participation]:
    return Participation.objects.filter(cohort__programme=programme).filter(
        scope_of(user).participation_filter()
    ).select_related("municipality", "cohort").order_by("cohort__starts_on", "cohort__name", "municipality__name")


def cohort_get_for_user_or_404(*, user, pk: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, cohort.programme):
        raise Http404
    return cohort


# --- Phases and milestones --------------------------------------------------------------------------------

def phase_list(*, programme: Programme) -> QuerySet[Phase]:
    return Phase.objects.filter(programme=programme).order_by("order", "starts_on", "id")


def phase_get_for_user_or_404(*, user, pk: int) -> Phase:
    phase = get_object_or_404(Phase.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, phase.programme):
        raise Http404
    return phase


def _milestone_visibility(user, programme) -> Q | None:
    """None: the person sees every milestone of the programme; else a filter for the ones they may see."""
    if sees_whole_programme(user, programme):
        return None
    return Q(participation__isnull=True) | Q(participation_id__in=scope_of(user).own_participation_ids)


def milestone_visibility(user) -> Q:
    """A filter on Milestone for every milestone the person may open, in all their programmes: the same rules as
    ``can_view_milestone`` (the whole programme's milestones for everyone in it; a municipality's for those who
    see the whole programme and for its own team and advisor)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    whole = scope.facilitator_programmes | scope.observer_programmes | scope.politician_programmes
    return (Q(participation__isnull=True, programme_id__in=scope.programme_ids)
            | Q(participation__isnull=False, programme_id__in=whole)
            | Q(participation_id__in=scope.own_participation_ids))


def milestone_list_for_user(*, user, programme: Programme, where: str = "", status: str = ""
                            ) -> QuerySet[Milestone]:
    """``where``: "" all, "programme" the whole programme's, or a participation's pk."""
    milestones = Milestone.objects.filter(programme=programme)
    visibility = _milestone_visibility(user, programme)
    if visibility is not None:
        milestones = milestones.filter(visibility)
    if where == "programme":
        milestones = milestones.filter(participation__isnull=True)
    elif where.isdigit():
        milestones = milestones.filter(participation_id=int(where))
    if status:
        milestones = milestones.filter(status=status)
    return milestones.select_related("participation__municipality", "phase", "owner").order_by(
        "due_on", "order", "id")


def milestone_get_for_user_or_404(*, user, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related("programme", "participation__municipality", "participation__cohort",
                                         "phase", "owner"), pk=pk)
    if not can_view_milestone(user, milestone):
        raise Http404
    return milestone


# --- Budget ---------------------------------------------------------------------------------------------

@dataclass
class BudgetOverview:
    programme: Programme
    lines: list
    allocated: Decimal
    spent: Decimal
    allocation_warning: str = ""

    @property
    def unallocated(self) -> Decimal | None:
        return None if self.programme.budget_dkk is None else self.programme.budget_dkk - self.allocated

    @property
    def remaining(self) -> Decimal | None:
        return None if self.programme.budget_dkk is None else self.programme.budget_dkk - self.spent

    @property
    def warnings(self) -> list[str]:
        return [w for w in [self.allocation_warning, *(line.warning for line in self.lines)] if w]


def budget_overview(*, programme: Programme) -> BudgetOverview:
    """Allocated and spent per work package (one query), the totals and what deserves a warning:
    allocations above the programme budget, spending above a work package's allocation."""
    money = DecimalField(max_digits=14, decimal_places=2)
    lines = list(BudgetLine.objects.filter(programme=programme).annotate(
        spent_dkk=Coalesce(Sum("spendings__amount_dkk"), Value(Decimal(0)), output_field=money),
    ).order_by("order", "code"))
    overview = BudgetOverview(programme=programme, lines=lines,
                              allocated=sum((line.allocated_dkk for line in lines), Decimal(0)),
                              spent=sum((line.spent_dkk for line in lines), Decimal(0)))
    budget = programme.budget_dkk
    if budget is not None and overview.allocated > budget:
        overview.allocation_warning = _(
            "The work packages are allocated %(allocated)s, %(over)s more than the programme budget of "
            "%(budget)s.") % {"allocated": format_dkk(overview.allocated),
                              "over": format_dkk(overview.allocated - budget), "budget": format_dkk(budget)}
    for line in lines:
        line.remaining_dkk = line.allocated_dkk - line.spent_dkk
        line.is_over = line.spent_dkk > line.allocated_dkk
        line.percent = round(100 * line.spent_dkk / line.allocated_dkk) if line.allocated_dkk else None
        line.warning = _("%(code)s has spent %(spent)s, %(over)s more than its allocation of %(allocated)s.") % {
            "code": line.code, "spent": format_dkk(line.spent_dkk),
            "over": format_dkk(line.spent_dkk - line.allocated_dkk),
            "allocated": format_dkk(line.allocated_dkk)} if line.is_over else ""
    return overview


def spending_list(*, programme: Programme) -> QuerySet[Spending]:
    return Spending.objects.filter(budget_line__programme=programme).select_related(
        "budget_line", "recorded_by").order_by("-spent_on", "-id")


def budget_line_get_for_user_or_404(*, user, pk: int) -> BudgetLine:
    line = get_object_or_404(BudgetLine.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, line.programme):
        raise Http404
    return line


def spending_get_for_user_or_404(*, user, pk: int) -> Spending:
    spending = get_object_or_404(Spending.objects.select_related("budget_line__programme"), pk=pk)
    if not can_view_programme(user, spending.budget_line.programme):
        raise Http404
    return spending


# --- Timeline and cohort board ----------------------------------------------------------------------------

# What the timeline and its table show of a milestone: not its description, owner or search vector (a national
# programme's timeline page loads hundreds).
TIMELINE_MILESTONE_FIELDS = ("programme", "participation", "phase", "title_da", "title_en", "due_on", "status",
                             "completed_at", "order", "participation__municipality__name",
                             "phase__name_da", "phase__name_en")


def timeline_for_user(*, user, programme: Programme, participations=None) -> dict:
    """Phases, the whole programme's milestones and each visible municipality's milestones (three queries).

    ``participations``: only these municipalities' rows and milestones (a page of
    ``visible_participations``); the phases and the whole programme's milestones are always there."""
    phases = list(phase_list(programme=programme))
    milestones = milestone_list_for_user(user=user, programme=programme).select_related(None).select_related(
        "participation__municipality", "phase").only(*TIMELINE_MILESTONE_FIELDS)
    if participations is None:
        participations = list(visible_participations(user=user, programme=programme))
    else:
        participations = list(participations)
        milestones = milestones.filter(Q(participation__isnull=True)
                                       | Q(participation_id__in=[p.pk for p in participations]))
    milestones = list(milestones)
    by_participation = defaultdict(list)
    programme_level = []
    for milestone in milestones:
        if milestone.participation_id is None:
            programme_level.append(milestone)
        else:
            by_participation[milestone.participation_id].append(milestone)
    rows = [(p, by_participation.get(p.pk, [])) for p in participations]
    return {"phases": phases, "programme_milestones": programme_level, "participation_rows": rows,
            "milestones": milestones}


def with_status(participations: QuerySet[Participation]) -> QuerySet[Participation]:
    """Participations with their status row's figures (programmes/status.py) as ``overdue_count``, ``light``,
    ``latest_entry_id``, ``latest_status``: read from the kept row, not counted per request."""
    return participations.annotate(
        overdue_count=Coalesce(F("status_row__overdue_milestones"), 0),
        light=Coalesce(F("status_row__light"), Value(ParticipationStatus.Light.GREEN)),
        latest_entry_id=F("status_row__latest_entry_id"),
        latest_status=Coalesce(F("status_row__latest_status"), Value("")),
    )


def status_participations(*, user, programme: Programme, light: str = "",
                          cohort_id: int | None = None) -> QuerySet[Participation]:
    """The municipalities of the programme the person may see, with their status, of one traffic-light colour
    and/or cohort (or all): filtered, counted and paginated in SQL."""
    participations = with_status(visible_participations(user=user, programme=programme))
    if light:
        participations = participations.filter(light=light)
    if cohort_id is not None:
        participations = participations.filter(cohort_id=cohort_id)
    return participations


def light_counts(participations: QuerySet[Participation]) -> dict[str, int]:
    """How many of these participations show each colour (one query)."""
    return {row["light"]: row["n"] for row in participations.order_by().values("light").annotate(n=Count("pk"))}


def stage_counts(participations: QuerySet[Participation]) -> dict[int, dict[str, int]]:
    """Per cohort, how many of these participations are in each stage (one query)."""
    counts: dict[int, dict[str, int]] = {}
    for row in participations.order_by().values("cohort_id", "stage").annotate(n=Count("pk")):
        counts.setdefault(row["cohort_id"], {})[row["stage"]] = row["n"]
    return counts


def board_for_user(*, user, programme: Programme, with_advisors: bool = True, participations=None,
                   columns: dict[int, dict[str, int]] | None = None) -> list[dict]:
    """Per cohort, the municipalities the person may see with their stage, advisors and overdue milestones
    (``with_advisors=False``: no advisors, one query less, for a page that does not show them).
    ``participations``: only these (e.g. one page of ``status_participations``); ``columns``: the per-stage
    counts to show above each cohort (``stage_counts`` of all that match), else those of the rows shown."""
    today = timezone.localdate()
    if participations is None:
        participations = with_status(visible_participations(user=user, programme=programme))
    if with_advisors:
        advisors = RoleAssignment.objects.filter(role=Role.ADVISOR).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("user").only(
            "participation", "user__full_name", "user__email", "user__erased_at").order_by("user__full_name")
        participations = participations.prefetch_related(
            Prefetch("roleassignment_set", queryset=advisors, to_attr="advisor_roles"))
    stages = list(Participation.Stage)
    cohorts: dict[int, dict] = {}
    for participation in participations:
        group = cohorts.setdefault(participation.cohort_id, {"cohort": participation.cohort, "rows": []})
        current = stages.index(participation.stage)
        group["rows"].append({
            "participation": participation,
            "advisors": [role.user for role in participation.advisor_roles] if with_advisors else [],
            "cells": [{"stage": stage, "state": "current" if i == current else "passed" if i < current else "ahead"}
                      for i, stage in enumerate(stages)],
        })
    for cohort_id, group in cohorts.items():
        if columns is not None:
            counts = [columns.get(cohort_id, {}).get(stage.value, 0) for stage in stages]
        else:
            counts = [sum(1 for row in group["rows"] if row["participation"].stage == stage) for stage in stages]
        group["columns"] = list(zip([stage.label for stage in stages], counts, strict=True))
    return list(cohorts.values())


# --- Audit history --------------------------------------------------------------------------------------

HISTORY_MODELS = {"programme": Programme, "milestone": Milestone, "participation": Participation}


def history_for_programme(*, programme: Programme) -> QuerySet:
    """(when, history id, kind) of every recorded change to the programme, its milestones and its
    participations, newest first: one list to paginate over three history tables."""
    def rows(queryset, kind):
        return queryset.order_by().values_list("history_date", "history_id",
                                               Value(kind, output_field=CharField()))

    return rows(Programme.history.filter(id=programme.pk), "programme").union(
        rows(Milestone.history.filter(programme_id=programme.pk), "milestone"),
        rows(Participation.history.filter(cohort__programme_id=programme.pk), "participation"),
        all=True,
    ).order_by("-history_date", "-history_id")


HIDDEN_HISTORY_FIELDS = {"order"}


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    kind_label: str
    subject: str
    action: str
    action_code: str
    changes: list = field(default_factory=list)


def history_entries(*, page_rows) -> list[HistoryEntry]:
    """Turn one page of :func:`history_for_programme` into entries with field changes (old → new).

    A constant number of queries per page: per kind the records with their previous version's id, then the
    previous versions, then the names of the people, phases and municipalities referred to."""
    wanted = defaultdict(list)
    for _when, history_id, kind in page_rows:
        wanted[kind].append(history_id)
    records, previous = {}, {}
    for kind, ids in wanted.items():
        history = HISTORY_MODELS[kind].history
        prev_id = Subquery(history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id").values("history_id")[:1])
        for record in history.filter(history_id__in=ids).select_related("history_user").annotate(prev_id=prev_id):
            records[(kind, record.history_id)] = record
        prev_ids = [r.prev_id for (k, _i), r in records.items() if k == kind and r.prev_id]
        for record in history.filter(history_id__in=prev_ids):
            previous[(kind, record.history_id)] = record

    deltas = {}
    refs = defaultdict(set)
    for (kind, history_id), record in records.items():
        prev = previous.get((kind, record.prev_id)) if record.history_type == "~" else None
        changes = []
        if prev is not None:
            delta = record.diff_against(prev, excluded_fields=HIDDEN_HISTORY_FIELDS)
            changes = delta.changes
        deltas[(kind, history_id)] = changes
        model = HISTORY_MODELS[kind]
        for change in changes:
            fk = model._meta.get_field(change.field)
            if fk.is_relation:
                refs[fk.related_model].update(v for v in (change.old, change.new) if v)
        if kind == "participation":
            refs[Municipality].add(record.municipality_id)
    names = _names(refs)

    entries = []
    for when, history_id, kind in page_rows:
        record = records[(kind, history_id)]
        model = HISTORY_MODELS[kind]
        entries.append(HistoryEntry(
            when=when, who=record.history_user, kind=kind, kind_label=str(model._meta.verbose_name).capitalize(),
            subject=_history_subject(kind, record, names),
            action={"+": _("Created"), "-": _("Deleted"), "~": _("Changed")}[record.history_type],
            action_code=record.history_type,
            changes=[(str(model._meta.get_field(c.field).verbose_name).capitalize(),
                      history_value(model, c.field, c.old, names), history_value(model, c.field, c.new, names))
                     for c in deltas[(kind, history_id)]],
        ))
    return entries


def _names(refs) -> dict:
    names = {}
    for model, ids in refs.items():
        queryset = model.objects.filter(pk__in=ids)
        if model is Participation:
            queryset = queryset.select_related("municipality")
        for obj in queryset:
            names[(model, obj.pk)] = str(obj.municipality) if model is Participation else str(obj)
    return names


def _history_subject(kind, record, names) -> str:
    if kind == "programme":
        return Programme(name_da=record.name_da, name_en=record.name_en).name
    if kind == "milestone":
        return Milestone(title_da=record.title_da, title_en=record.title_en).title
    return names.get((Municipality, record.municipality_id), "?")


def history_value(model, name, value, names) -> str:
    """One field's value in a history record as a person reads it (shared by the programme history and the
    audit page): names for relations (``names`` maps (model, pk) to a name), labels for choices, Danish date
    formats, kroner, and long texts cut on one line."""
    if value in (None, ""):
        return "–"
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return names.get((model_field.related_model, value), _("(deleted)"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name.endswith("_dkk"):
        return format_dkk(value)
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "d.m.Y H:i")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = " ".join(str(value).split())
    return text if len(text) <= HISTORY_TEXT_LIMIT else text[:HISTORY_TEXT_LIMIT - 1] + "…"


HISTORY_TEXT_LIMIT = 120


def participation_list_for_user(*, user) -> QuerySet[Participation]:
    return Participation.objects.filter(scope_of(user).participation_filter()).select_related(
        "municipality", "cohort__programme"
    )


def participation_get_for_user_or_404(*, user, pk: int) -> Participation:
    participation = get_object_or_404(
        Participation.objects.select_related("municipality", "cohort__programme"), pk=pk
    )
    if not can_view_participation(user, participation):
        raise Http404
    return participation


def milestones_needing_attention(*, user, days: int = 30) -> QuerySet[Milestone]:
    """Open milestones due within ``days`` or overdue, in what the person works on."""
    scope = scope_of(user)
    today = timezone.localdate()
    open_q = Q(status__in=[Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS], due_on__lte=today + timedelta(days))
    if scope.is_admin:
        where = Q()
    else:
        where = Q(programme_id__in=scope.facilitator_programmes) | Q(participation_id__in=scope.own_participation_ids)
        if not (scope.facilitator_programmes or scope.own_participation_ids):
            return Milestone.objects.none()
    # Only what the home page's list shows: not the texts and search vectors, which the count over every open
    # milestone would otherwise carry (reports/home.py)
    return (
        Milestone.objects.filter(open_q & where)
        .select_related("programme", "participation__municipality")
        .only("title_da", "title_en", "due_on", "status", "programme__slug", "programme__name_da",
              "programme__name_en", "participation__municipality__name")
        .order_by("due_on")
    )
