"""Reads for the municipality pages: enrolment search, the participation page and its audit history."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import scope_of
from programmes.models import Cohort, LocalChallenge, Milestone, Participation
from programmes.permissions import can_view_participation, can_view_programme

from .models import (
    REQUIRED_OUTPUTS,
    STAGE_ORDER,
    AdvisorySession,
    AgreedAction,
    EntryComment,
    Indicator,
    Measurement,
    Municipality,
    PartnerInvolvement,
    ProgressEntry,
    ProgressPhoto,
    Sector,
    StageGateOutput,
)
from .permissions import can_view_drafts, can_view_entry
from .sdgs import sdg_badges

SEARCH_LIMIT = 20


def active_q(prefix: str = "") -> Q:
    """Role assignments that hold today (no end, or ending today or later)."""
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": timezone.localdate()})


# --- Enrolment ---------------------------------------------------------------------------------

def cohort_get_for_user_or_404(*, user, pk: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    if not can_view_programme(user, cohort.programme):
        raise Http404
    return cohort


def cohort_participations(*, cohort: Cohort) -> QuerySet[Participation]:
    """The municipalities in a cohort with their current advisors (``current_advisors``)."""
    return (
        Participation.objects.filter(cohort=cohort)
        .select_related("municipality")
        .prefetch_related(Prefetch(
            "roleassignment_set",
            queryset=RoleAssignment.objects.filter(active_q(), role=Role.ADVISOR).select_related("user"),
            to_attr="current_advisors",
        ))
        .order_by("municipality__name")
    )


def municipality_search(*, cohort: Cohort, query: str, limit: int = SEARCH_LIMIT) -> tuple[list[Municipality], bool]:
    """Municipalities whose name contains ``query`` or whose official code starts with it.

    Each carries ``participation_pk``: its participation in this cohort, or None. Returns
    at most ``limit`` results and whether there were more."""
    query = query.strip()
    if not query:
        return [], False
    # SQLite compares only ASCII letters without case; try the usual spellings of Æ, Ø and Å too.
    by_name = Q()
    for variant in {query, query.lower(), query.capitalize(), query.title()}:
        by_name |= Q(name__icontains=variant)
    found = list(
        Municipality.objects.filter(by_name | Q(code__startswith=query))
        .annotate(participation_pk=Subquery(
            Participation.objects.filter(cohort=cohort, municipality=OuterRef("pk")).values("pk")[:1]
        ))
        .order_by("name")[: limit + 1]
    )
    return found[:limit], len(found) > limit


# --- The participation page -------------------------------------------------------------------

def participation_get_for_user_or_404(*, user, pk: int) -> Participation:
    """The participation with everything its page header and challenge need, or 404."""
    participation = get_object_or_404(
        Participation.objects.select_related("municipality", "cohort__programme", "challenge"), pk=pk
    )
    if not can_view_participation(user, participation):
        raise Http404
    return participation


def participation_challenge(participation: Participation) -> LocalChallenge | None:
    try:
        return participation.challenge
    except LocalChallenge.DoesNotExist:
        return None


def participation_advisors(*, participation: Participation) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(active_q(), role=Role.ADVISOR, participation=participation)
        .select_related("user").order_by("user__full_name")
    )


def advisor_pool(*, programme) -> QuerySet[User]:
    """The people who may be assigned as innovation advisor in a programme."""
    pool = RoleAssignment.objects.filter(active_q(), role=Role.ADVISOR, programme=programme,
                                        participation__isnull=True)
    return User.objects.filter(is_active=True, pk__in=pool.values("user_id")).order_by("full_name", "email")


def participation_milestones(*, participation: Participation) -> QuerySet[Milestone]:
    return Milestone.objects.filter(participation=participation).select_related("owner", "phase").order_by(
        "due_on", "order", "id"
    )


def strategy_ladder(challenge: LocalChallenge | None) -> list[dict]:
    """The R-ladder R0 (most circular) … R9, with the challenge's rung marked."""
    chosen = challenge.strategy if challenge else None
    ladder = []
    for code, label in LocalChallenge.Strategy.choices:
        name = str(label)
        name = name[len(code):].strip() if name.startswith(code) else name  # "R3 Reuse" → "Reuse"
        ladder.append({"code": code, "name": name, "chosen": code == chosen})
    return ladder


def challenge_sdgs(challenge: LocalChallenge | None) -> list[dict]:
    return sdg_badges(challenge.sdgs if challenge else [])


# --- Audit history ----------------------------------------------------------------------------

@dataclass
class Change:
    when: datetime
    who: User | None
    subject: str
    what: list[str] = field(default_factory=list)


def _history_sources(participation: Participation):
    return [
        ("participation", Participation.history.model, Q(id=participation.pk)),
        ("challenge", LocalChallenge.history.model, Q(participation_id=participation.pk)),
        ("role", RoleAssignment.history.model,
         Q(role=Role.ADVISOR, participation_id=participation.pk)
         | Q(role=Role.STAFF, participation_id=participation.pk)),
        # of the progress log, the withdrawals: who took an entry back, when and why
        ("entry", ProgressEntry.history.model,
         Q(participation_id=participation.pk, state=ProgressEntry.State.WITHDRAWN, history_type="~")),
    ]


def participation_changes(*, participation: Participation):
    """Every recorded change of the participation, its local challenge, its advisors and its team,
    newest first, as ``(history_date, history_id, source)`` rows (paginate, then :func:`describe_changes`)."""
    combined = None
    for key, model, where in _history_sources(participation):
        rows = model.objects.filter(where).annotate(source=Value(key, output_field=CharField())).values_list(
            "history_date", "history_id", "source"
        ).order_by()  # the parts of a UNION may not be ordered; the whole is
        combined = rows if combined is None else combined.union(rows, all=True)
    return combined.order_by("-history_date", "-history_id")


def describe_changes(*, participation: Participation, rows) -> list[Change]:
    """Turn history rows into readable changes: who, when and what, with two queries per source."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for _date, history_id, source in rows:
        wanted[source].append(history_id)
    described: dict[tuple[str, int], Change] = {}
    for key, model, _where in _history_sources(participation):
        if not wanted.get(key):
            continue
        related = ["history_user"] + (["user"] if key == "role" else [])
        earlier = model.objects.filter(id=OuterRef("id")).filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        ).order_by("-history_date", "-history_id").values("history_id")[:1]
        records = list(model.objects.filter(history_id__in=wanted[key]).annotate(previous_id=Subquery(earlier))
                       .select_related(*related))
        previous = {
            r.history_id: r for r in model.objects.filter(
                history_id__in=[r.previous_id for r in records if r.previous_id]
            ).select_related(*related[1:])
        }
        for record in records:
            described[(key, record.history_id)] = _DESCRIBERS[key](record, previous.get(record.previous_id))
    return [described[(source, history_id)] for _date, history_id, source in rows if (source, history_id) in described]


def _display(model, name: str, value) -> str:
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if value in (None, "", []):
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_changes(model, record, previous, fields: list[str], long_fields=()) -> list[str]:
    lines = []
    for name in fields:
        old, new = getattr(previous, name), getattr(record, name)
        if old == new:
            continue
        label = str(model._meta.get_field(name).verbose_name)
        label = label[:1].upper() + label[1:]
        if name in long_fields:
            lines.append(_("%(field)s changed") % {"field": label})
        else:
            lines.append(_("%(field)s: %(old)s → %(new)s") % {
                "field": label, "old": _display(model, name, old), "new": _display(model, name, new)})
    return lines


def _describe_participation(record, previous) -> Change:
    change = Change(record.history_date, record.history_user, _("Participation"))
    if record.history_type == "+":
        change.what.append(_("Enrolled in the cohort"))
    elif record.history_type == "-":
        change.what.append(_("Withdrawn from the cohort"))
    elif previous is not None:
        change.what = _field_changes(Participation, record, previous,
                                     ["stage", "joined_on", "action_plan_url", "solution_model"],
                                     long_fields=("solution_model",))
    if not change.what:
        change.what.append(_("Saved without visible changes"))
    return change


def _describe_challenge(record, previous) -> Change:
    change = Change(record.history_date, record.history_user, _("Local challenge"))
    if record.history_type == "+":
        change.what.append(_("Described: “%(title)s”") % {"title": record.title})
    elif record.history_type == "-":
        change.what.append(_("Deleted"))
    elif previous is not None:
        change.what = _field_changes(LocalChallenge, record, previous,
                                     ["title", "problem_statement", "material_stream", "strategy", "sdgs"],
                                     long_fields=("problem_statement",))
    if not change.what:
        change.what.append(_("Saved without visible changes"))
    return change


def _describe_role(record, previous) -> Change:
    person = str(record.user) if record.user else _("A person no longer registered")
    if record.role == Role.ADVISOR:
        change = Change(record.history_date, record.history_user, _("Innovation advisor"))
        if record.history_type == "+":
            change.what.append(_("%(person)s assigned") % {"person": person})
        elif record.history_type == "-":
            change.what.append(_("%(person)s no longer assigned") % {"person": person})
        elif previous is not None:
            change.what = _field_changes(RoleAssignment, record, previous, ["starts_on", "ends_on"])
    else:
        change = Change(record.history_date, record.history_user, _("Team"))
        if record.history_type == "+":
            change.what.append(_("%(person)s joined the team (%(department)s)") % {
                "person": person, "department": record.department or "—"})
        elif record.history_type == "-":
            change.what.append(_("%(person)s left the team") % {"person": person})
        elif previous is not None:
            change.what = [f"{person}: {line}" for line in _field_changes(
                RoleAssignment, record, previous, ["department", "responsibility", "starts_on", "ends_on"])]
    if not change.what:
        change.what.append(_("Saved without visible changes"))
    return change


def _describe_entry(record, previous) -> Change:
    change = Change(record.history_date, record.history_user, _("Progress entry"))
    day = record.happened_on.strftime("%d.%m.%Y")
    if record.withdrawal_reason:
        change.what.append(_("The entry of %(day)s was withdrawn: %(reason)s") % {
            "day": day, "reason": record.withdrawal_reason})
    else:
        change.what.append(_("The draft of %(day)s was withdrawn") % {"day": day})
    return change


_DESCRIBERS = {"participation": _describe_participation, "challenge": _describe_challenge, "role": _describe_role,
               "entry": _describe_entry}


# --- Local tests ------------------------------------------------------------------------------------------------



def progress_entry_visibility(user) -> Q:
    """A filter on ProgressEntry for every entry the person may open: the same rules as ``can_view_entry`` —
    published entries of the municipalities they see; drafts and withdrawn entries only for the municipality's
    staff and advisor and the programme's facilitators."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    works_on = (Q(participation_id__in=scope.own_participation_ids)
                | Q(participation__cohort__programme_id__in=scope.facilitator_programmes))
    return scope.participation_filter("participation__") & (Q(state=ProgressEntry.State.PUBLISHED) | works_on)


def progress_entries_for(*, user, participation: Participation) -> QuerySet[ProgressEntry]:
    """The participation's entries the user may see, newest first, with author and photos."""
    entries = ProgressEntry.objects.filter(participation=participation).exclude(state=ProgressEntry.State.WITHDRAWN)
    if not can_view_drafts(user, participation):
        entries = entries.filter(state=ProgressEntry.State.PUBLISHED)
    # The comment count as a subquery, not a join and GROUP BY: the paginator's count() then leaves it out.
    comments = (EntryComment.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
                .annotate(n=Count("pk")).values("n"))
    return (entries.select_related("author", "participation__cohort__programme")
            .prefetch_related("photos", Prefetch("measurements",
                                                 queryset=Measurement.objects.select_related("indicator")))
            .annotate(comment_count=Coalesce(Subquery(comments), 0))
            .order_by("-happened_on", "-id"))


def publications_waiting(*, user) -> QuerySet[ProgressEntry]:
    """Published entries waiting for this person to let them out of the programme (open data, showcase): in
    the programmes they facilitate and the municipalities they advise, oldest publication first."""
    scope = scope_of(user)
    where = Q() if scope.is_admin else (Q(participation__cohort__programme_id__in=scope.facilitator_programmes)
                                        | Q(participation_id__in=scope.advisor_participations))
    return (ProgressEntry.objects.filter(where, state=ProgressEntry.State.PUBLISHED,
                                         review=ProgressEntry.Review.PENDING,
                                         participation__cohort__programme__publication_review=True)
            .select_related("participation__municipality", "participation__cohort__programme")
            .order_by("published_at", "id"))


def progress_entry_get_for_user_or_404(*, user, pk: int) -> ProgressEntry:
    entry = get_object_or_404(
        ProgressEntry.objects.select_related("participation__municipality", "participation__cohort__programme",
                                             "author", "reviewed_by", "withdrawn_by"), pk=pk)
    if not can_view_entry(user, entry):
        raise Http404
    return entry


def entry_detail_parts(*, entry: ProgressEntry) -> dict:
    return {
        "photos": list(entry.photos.all()),
        "comments": list(entry.comments.select_related("author")),
        "measurements": list(entry.measurements.select_related("indicator")),
        "entry_milestones": list(entry.milestones.all()),
        "entry_partners": list(entry.partner_involvements.select_related("organisation")),
    }


def photo_get_for_user_or_404(*, user, pk: int) -> ProgressPhoto:
    photo = get_object_or_404(ProgressPhoto.objects.select_related(
        "entry__participation__cohort__programme"), pk=pk)
    if not can_view_entry(user, photo.entry):
        raise Http404
    return photo


def stage_gates(*, participation: Participation) -> list[dict]:
    """Each stage with its required outputs and what was submitted for them, newest first."""
    outputs = defaultdict(list)
    for output in StageGateOutput.objects.filter(participation=participation).select_related(
            "submitted_by", "reviewed_by").order_by("-id"):
        outputs[(output.stage, output.kind)].append(output)
    current = STAGE_ORDER.index(participation.stage)
    labels = dict(Participation.Stage.choices)
    stages = []
    for index, stage in enumerate(STAGE_ORDER):
        required = [{"kind": kind, "label": StageGateOutput.Kind(kind).label, "outputs": outputs[(stage, kind)],
                     "accepted": any(o.state == StageGateOutput.State.ACCEPTED for o in outputs[(stage, kind)])}
                    for kind in REQUIRED_OUTPUTS[stage]]
        stages.append({"code": stage, "label": labels[stage], "required": required,
                       "is_current": index == current, "is_done": index < current,
                       "number": index + 1})
    return stages


def stage_output_get_for_user_or_404(*, user, pk: int) -> StageGateOutput:
    output = get_object_or_404(StageGateOutput.objects.select_related(
        "participation__municipality", "participation__cohort__programme"), pk=pk)
    if not can_view_participation(user, output.participation):
        raise Http404
    return output


def participation_indicators(*, participation: Participation) -> list[Indicator]:
    """The indicators with their measurements, leaving out those of withdrawn entries."""
    return list(Indicator.objects.filter(participation=participation).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.exclude(entry__state=ProgressEntry.State.WITHDRAWN)
                 .order_by("measured_on", "id"))))


def partner_involvement_get_for_user_or_404(*, user, pk: int) -> PartnerInvolvement:
    involvement = get_object_or_404(PartnerInvolvement.objects.select_related(
        "organisation", "entry", "participation__municipality", "participation__cohort__programme"), pk=pk)
    if not can_view_participation(user, involvement.participation) or (
            involvement.entry_id and not can_view_entry(user, involvement.entry)):
        raise Http404
    return involvement


def measurement_get_for_user_or_404(*, user, pk: int) -> Measurement:
    measurement = get_object_or_404(Measurement.objects.select_related(
        "entry", "indicator__participation__municipality", "indicator__participation__cohort__programme"), pk=pk)
    if not can_view_participation(user, measurement.indicator.participation) or (
            measurement.entry_id and not can_view_entry(user, measurement.entry)):
        raise Http404
    return measurement


CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 240, 64, 16, 24, 32


def indicator_chart(indicator: Indicator) -> dict:
    """Coordinates for an inline SVG line chart of the measurements, with the target as a dashed line."""
    measured = list(indicator.measurements.all())
    points = [(m.measured_on, float(m.value)) for m in measured]
    values = [v for _d, v in points] + [float(x) for x in (indicator.target, indicator.baseline) if x is not None]
    if not values:
        return {"points": "", "dots": [], "target_y": None, "ticks": []}
    step = _nice_step(min(values + [0.0]), max(values + [0.0]))
    low = math.floor(min(values + [0.0]) / step) * step
    high = math.ceil(max(values) / step) * step
    if high <= low:
        high = low + step
    days = [d.toordinal() for d, _v in points] or [0]
    first, last = min(days), max(days)
    span = (last - first) or 1

    def x(day):
        return round(PAD_L + (day.toordinal() - first) / span * (CHART_W - PAD_L - PAD_R), 1) if points else PAD_L

    def y(value):
        return round(PAD_T + (1 - (value - low) / (high - low)) * (CHART_H - PAD_T - PAD_B), 1)

    dots = [{"x": x(d), "y": y(v), "day": d, "value": v, "pk": m.pk}
            for (d, v), m in zip(points, measured, strict=True)]
    count = round((high - low) / step)
    ticks = [{"y": y(low + step * i), "label": _tick_label(low + step * i, step)} for i in range(count + 1)]
    return {
        "points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots), "dots": dots,
        "target_y": y(float(indicator.target)) if indicator.target is not None else None,
        "ticks": ticks, "width": CHART_W, "height": CHART_H, "left": PAD_L, "right": CHART_W - PAD_R,
        "bottom": CHART_H - PAD_B,
        "first": points[0][0] if points else None, "last": points[-1][0] if points else None,
    }


def _nice_step(low: float, high: float, ticks: int = 4) -> float:
    """A round distance between axis ticks (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` steps."""
    span = (high - low) or abs(high) or 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for nice in (1, 2, 2.5, 5, 10):
        if raw <= nice * power:
            return nice * power
    return 10 * power


def _tick_label(value: float, step: float = 1.0) -> str:
    from django.utils.formats import number_format

    decimals = 0  # as many as the step needs: 2.5 → 1, 0.25 → 2, 500 → 0
    while decimals < 4 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-9:
        decimals += 1
    value = round(value, decimals) + 0.0  # no "-0"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def participation_partners(*, participation: Participation) -> QuerySet[PartnerInvolvement]:
    return (PartnerInvolvement.objects.filter(participation=participation)
            .exclude(entry__state=ProgressEntry.State.WITHDRAWN).select_related("organisation")
            .order_by("sector", "organisation__name", "starts_on"))


def cohort_partner_matrix(*, user, cohort: Cohort) -> dict:
    """Who worked with whom: the cohort's municipalities (those the user may see) × the sectors, with the
    organisations in each cell, and the organisations that worked with more than one municipality."""
    scope = scope_of(user)
    participations = list(Participation.objects.filter(cohort=cohort).filter(scope.participation_filter())
                          .select_related("municipality").order_by("municipality__name"))
    cells: dict[tuple[int, str], list[str]] = defaultdict(list)
    shared: dict[str, set[str]] = defaultdict(set)
    for involvement in PartnerInvolvement.objects.filter(participation__in=participations).exclude(
            entry__state=ProgressEntry.State.WITHDRAWN).select_related(
            "organisation", "participation__municipality").order_by("organisation__name"):
        names = cells[(involvement.participation_id, involvement.sector)]
        if involvement.organisation.name not in names:
            names.append(involvement.organisation.name)
        shared[involvement.organisation.name].add(involvement.participation.municipality.name)
    rows = [{"participation": p, "cells": [cells[(p.pk, sector)] for sector, _label in Sector.choices]}
            for p in participations]
    return {"rows": rows, "sectors": [label for _code, label in Sector.choices],
            "shared": sorted((name, sorted(places)) for name, places in shared.items() if len(places) > 1)}


def advisory_sessions(*, participation: Participation) -> QuerySet[AdvisorySession]:
    return AdvisorySession.objects.filter(participation=participation).select_related("advisor").prefetch_related(
        Prefetch("actions", queryset=AgreedAction.objects.select_related("owner", "milestone")))


def advisory_session_get_for_user_or_404(*, user, pk: int) -> AdvisorySession:
    session = get_object_or_404(AdvisorySession.objects.select_related(
        "participation__municipality", "participation__cohort__programme"), pk=pk)
    if not can_view_participation(user, session.participation):
        raise Http404  # who sees the municipality but not its advice gets 403 from the view
    return session


def agreed_action_get_for_user_or_404(*, user, pk: int) -> AgreedAction:
    action = get_object_or_404(AgreedAction.objects.select_related(
        "session__participation__municipality", "session__participation__cohort__programme"), pk=pk)
    if not can_view_participation(user, action.session.participation):
        raise Http404
    return action


def with_progress_status(queryset: QuerySet[Participation], *, today=None) -> QuerySet[Participation]:
    """The latest published entry (date, status) and whether the test is stalled, from the participation's
    status row (programmes/status.py: no published entry for STALLED_AFTER_WEEKS, counted from joining when
    there is none yet, or an overdue milestone, while the programme runs)."""
    return queryset.annotate(
        last_progress_on=F("status_row__latest_entry_on"),
        last_progress_status=F("status_row__latest_status"),
        has_overdue_milestone=Case(When(status_row__overdue_milestones__gt=0, then=Value(True)), default=Value(False),
                                   output_field=BooleanField()),
        is_stalled=Coalesce(F("status_row__is_stalled"), Value(False)),
    )


def my_municipalities(*, user) -> QuerySet[Participation]:
    """Advisors: the municipalities they advise; facilitators: every municipality of their programmes."""
    scope = scope_of(user)
    if scope.is_admin:
        where = Q()
    else:
        where = Q(pk__in=scope.advisor_participations) | Q(cohort__programme_id__in=scope.facilitator_programmes)
    return with_progress_status(Participation.objects.filter(where).select_related(
        "municipality", "cohort__programme")).order_by("-is_stalled", "municipality__name", "cohort__name")


def stalled_participations(*, user) -> QuerySet[Participation]:
    """For a facilitator's home page: the stalled tests in their programmes."""
    return my_municipalities(user=user).filter(is_stalled=True)
