"""Reads for the municipality pages: enrolment search, the participation page and its audit history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from programmes.models import Cohort, LocalChallenge, Milestone, Participation
from programmes.permissions import can_view_participation, can_view_programme

from .models import Municipality
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
         | Q(role=Role.STAFF, municipality_id=participation.municipality_id)),
    ]


def participation_changes(*, participation: Participation):
    """Every recorded change of the participation, its local challenge, its advisors and its team,
    newest first, as ``(history_date, history_id, source)`` rows (paginate, then :func:`describe_changes`)."""
    combined = None
    for key, model, where in _history_sources(participation):
        rows = model.objects.filter(where).annotate(source=Value(key, output_field=CharField())).values_list(
            "history_date", "history_id", "source"
        )
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


_DESCRIBERS = {"participation": _describe_participation, "challenge": _describe_challenge, "role": _describe_role}
