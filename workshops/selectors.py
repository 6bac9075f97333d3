"""Every read the meeting screens need, with the person's visibility built in (see permissions.py)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import scope_of
from programmes.models import Cohort, Participation, Programme
from programmes.selectors import programme_people, visible_participations

from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Decision,
    Material,
    Meeting,
    MeetingInvitation,
    SkillAssessment,
)
from .permissions import can_organise_meeting, can_view_meeting

YES = MeetingInvitation.Response.YES


# --- Visibility -------------------------------------------------------------------------------------------

def meeting_visibility(user, prefix: str = "") -> Q:
    """A filter on Meeting for what the person may see: the same rules as ``can_view_meeting``. ``prefix``: the
    path to the meeting from another model (``"meeting__"`` for decisions and action items), so their reads join
    the meeting once instead of asking a subquery of the meetings.

    The rules, written out: a follow-group meeting is seen in the programmes one facilitates or is a politician in;
    any other meeting in the programmes seen whole (facilitator, observer, politician), a local meeting also in
    one's own local tests, a cohort meeting also by the cohort's advisors and teams, a programme-wide one in every
    programme one has a role in; and a meeting one is invited to in those programmes. Below they are grouped so
    that a condition already implied by another is left out (and an empty set asks nothing): for a facilitator of
    every programme this is ``programme_id IN (…)`` alone, which the database plans and Python compiles in a
    fraction of the time (issue 22: the search builds it for meetings, decisions and action items)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    p = prefix
    follow_group_programmes = scope.facilitator_programmes | scope.politician_programmes
    whole = follow_group_programmes | scope.observer_programmes
    every = scope.programme_ids  # ⊇ whole
    if not every:
        return Q(**{f"{p}pk__in": []})
    # Any kind, follow groups included: the programmes of a facilitator or politician.
    visible = Q(**{f"{p}programme_id__in": follow_group_programmes}) if follow_group_programmes else None
    # Not a follow group: the rest of the programmes seen whole, one's local tests, one's cohorts (advisor or
    # team), and programme-wide meetings of the other programmes one has a role in.
    other = []
    if whole - follow_group_programmes:
        other.append(Q(**{f"{p}programme_id__in": whole - follow_group_programmes}))
    if scope.own_participation_ids:
        other.append(Q(**{f"{p}participation_id__in": scope.own_participation_ids}))
    in_cohort = []
    if scope.advisor_programmes - whole:
        in_cohort.append(Q(**{f"{p}programme_id__in": scope.advisor_programmes - whole}))
    if scope.staff_participations:
        staff_cohorts = Participation.objects.filter(pk__in=scope.staff_participations).values("cohort_id")
        in_cohort.append(Q(**{f"{p}cohort_id__in": staff_cohorts}))
    if in_cohort:
        other.append(Q(**{f"{p}participation__isnull": True, f"{p}cohort__isnull": False})
                     & _any(in_cohort))
    if every - whole:
        other.append(Q(**{f"{p}participation__isnull": True, f"{p}cohort__isnull": True,
                          f"{p}programme_id__in": every - whole}))
    if other:
        not_follow_group = ~Q(**{f"{p}kind": Meeting.Kind.FOLLOW_GROUP}) & _any(other)
        visible = not_follow_group if visible is None else visible | not_follow_group
    # Invited, in a programme one has a role in (the programmes above see every meeting already).
    if every - follow_group_programmes:
        invited = Q(Exists(MeetingInvitation.objects.filter(meeting=OuterRef(f"{p}pk"), user=user)),
                    **{f"{p}programme_id__in": every - follow_group_programmes})
        visible = invited if visible is None else visible | invited
    return visible


def _any(conditions: list[Q]) -> Q:
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _with_counts(meetings: QuerySet, user) -> QuerySet:
    """Each meeting with ``yes_count`` and ``my_response`` (None when the person is not invited)."""
    yes = MeetingInvitation.objects.filter(meeting=OuterRef("pk"), response=YES).order_by().values("meeting")
    mine = MeetingInvitation.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]
    return meetings.annotate(
        yes_count=Subquery(yes.annotate(n=Count("pk")).values("n")[:1]),
        my_response=Subquery(mine),
    ).select_related("participation__municipality", "cohort")


def meetings_for_user(*, user, programme: Programme | None = None, kind: str = "") -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(meeting_visibility(user))
    if programme is not None:
        meetings = meetings.filter(programme=programme)
    if kind:
        meetings = meetings.filter(kind=kind)
    return _with_counts(meetings, user)


def meeting_get_for_user_or_404(*, user, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("programme", "cohort", "participation__municipality",
                                       "participation__cohort", "organiser"), pk=pk)
    if not can_view_meeting(user, meeting):
        raise Http404
    return meeting


def my_answer(*, meeting: Meeting, user) -> str:
    """The person's answer to their invitation to the meeting ("" when not invited)."""
    if not user.is_authenticated:
        return ""
    return MeetingInvitation.objects.filter(meeting=meeting, user=user).values_list(
        "response", flat=True).first() or ""


# --- Lists and the month calendar -------------------------------------------------------------------------

def meeting_list(*, user, programme: Programme, kind: str = "", when: str = "") -> QuerySet[Meeting]:
    meetings = meetings_for_user(user=user, programme=programme, kind=kind)
    now = timezone.now()
    if when == "upcoming":
        return meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if when == "past":
        return meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return meetings.order_by("starts_at", "pk")


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    meetings: list = field(default_factory=list)


@dataclass
class Week:
    number: int
    days: list[Day]


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at the start of ``first`` and the end of ``last`` (DST-safe)."""
    tz = timezone.get_current_timezone()
    return (datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))


def month_grid(*, user, programme: Programme, year: int, month: int, kind: str = "") -> list[Week]:
    """Weeks (Monday first, ISO week numbers) × days of the month, each day with its meetings (one query).

    A meeting shows on every local day it covers, so a two-day seminar appears on both days."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = local_day_bounds(weeks[0][0], weeks[-1][-1])
    meetings = meetings_for_user(user=user, programme=programme, kind=kind).filter(
        starts_at__lt=end, ends_at__gt=start).order_by("starts_at", "pk")
    today = timezone.localdate()
    days = {d: Day(d, d.month == month, d == today) for week in weeks for d in week}
    for meeting in meetings:
        first = timezone.localtime(meeting.starts_at).date()
        last = timezone.localtime(meeting.ends_at - timedelta(microseconds=1)).date()
        current = max(first, weeks[0][0])
        while current <= min(last, weeks[-1][-1]):
            days[current].meetings.append(meeting)
            current += timedelta(days=1)
    return [Week(week[0].isocalendar()[1], [days[d] for d in week]) for week in weeks]


def default_month(programme: Programme) -> date:
    """The month a calendar opens on: this month while the programme runs, else its first or last month."""
    today = timezone.localdate()
    if programme.ends_on and today > programme.ends_on:
        return programme.ends_on.replace(day=1)
    if programme.starts_on and today < programme.starts_on:
        return programme.starts_on.replace(day=1)
    return today.replace(day=1)


# --- My meetings and the feed --------------------------------------------------------------------------------

def my_meetings(*, user) -> QuerySet[Meeting]:
    """Meetings the person is invited to or organises, that they may (still) see."""
    mine = Q(Exists(MeetingInvitation.objects.filter(meeting=OuterRef("pk"), user=user))) | Q(organiser=user)
    return _with_counts(Meeting.objects.filter(mine).filter(meeting_visibility(user)), user).select_related(
        "programme")


def my_invitations_by_meeting(*, user, meetings) -> dict[int, MeetingInvitation]:
    return {i.meeting_id: i for i in MeetingInvitation.objects.filter(user=user, meeting__in=list(meetings))}


def active_feed(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


FEED_LIMIT = 500


def feed_meetings(*, user) -> list[Meeting]:
    """The personal feed: the person's meetings (cancelled ones too, so calendar apps remove them)."""
    return list(my_meetings(user=user).select_related("organiser").order_by("-starts_at")[:FEED_LIMIT])


def programmes_with_calendar(*, user) -> QuerySet[Programme]:
    scope = scope_of(user)
    return Programme.objects.filter(scope.programme_filter()).exclude(status=Programme.Status.LISTED).order_by(
        "-starts_on", "name_da")


# --- One meeting -------------------------------------------------------------------------------------------

@dataclass
class AnswerCounts:
    yes: int = 0
    maybe: int = 0
    no: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.maybe + self.no + self.pending


def answer_counts(meeting: Meeting) -> AnswerCounts:
    counts = AnswerCounts()
    for response, n in meeting.invitations.order_by().values_list("response").annotate(n=Count("pk")):
        setattr(counts, response, n)
    return counts


def invitation_of(*, meeting: Meeting, user) -> MeetingInvitation | None:
    if not user.is_authenticated:
        return None
    return MeetingInvitation.objects.filter(meeting=meeting, user=user).first()


def meeting_invitations(*, meeting: Meeting) -> QuerySet[MeetingInvitation]:
    return meeting.invitations.select_related("user", "municipality").order_by(
        "municipality__name", "user__full_name", "pk")


@dataclass
class InviteeRow:
    """One invitee as the meeting page lists them (built from one row of values, no model instances)."""

    name: str
    municipality: str
    response: str
    response_label: str
    attended: bool | None


def invitee_rows(*, meeting: Meeting) -> list[InviteeRow]:
    """The invitees of the meeting page, in the order of :func:`meeting_invitations`: one query, plain rows."""
    labels = dict(MeetingInvitation.Response.choices)
    former = str(_("Former member"))
    rows = []
    for full_name, email, erased_at, municipality, response, attended in meeting_invitations(
            meeting=meeting).values_list("user__full_name", "user__email", "user__erased_at", "municipality__name",
                                         "response", "attended"):
        name = former if erased_at else (full_name or email)  # as User.__str__
        rows.append(InviteeRow(name, municipality or "", response, str(labels.get(response, response)), attended))
    return rows


def meeting_agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk")


def meeting_materials(meeting: Meeting) -> QuerySet[Material]:
    return Material.objects.filter(meeting=meeting).select_related("uploaded_by").order_by("uploaded_at", "pk")


def meeting_decisions(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).order_by("order", "pk")


def meeting_actions(meeting: Meeting) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(meeting=meeting).select_related("owner", "milestone").order_by("order", "pk")


@dataclass
class AttendanceRow:
    municipality: str
    people: int
    departments: list[str]


def attendance_summary(meeting: Meeting) -> list[AttendanceRow]:
    """Who came, per municipality (or organisation for people without one) and department."""
    groups: dict[str, dict] = defaultdict(lambda: {"people": 0, "departments": set()})
    for municipality, department in meeting.invitations.filter(attended=True).order_by().values_list(
            "municipality__name", "department"):
        key = municipality if municipality is not None else _("Programme team and others")
        groups[key]["people"] += 1
        if department:
            groups[key]["departments"].add(department)
    rows = [AttendanceRow(name, g["people"], sorted(g["departments"])) for name, g in groups.items()]
    other = _("Programme team and others")
    return sorted(rows, key=lambda r: (r.municipality == other, r.municipality))


def meeting_detail(*, user, meeting: Meeting) -> dict:
    """Everything the meeting page shows: a fixed number of queries whatever the number of invitees."""
    organiser = can_organise_meeting(user, meeting)
    invitation = invitation_of(meeting=meeting, user=user)
    context = {
        "meeting": meeting,
        "invitation": invitation,
        "counts": answer_counts(meeting),
        "agenda": list(meeting_agenda(meeting)),
        "materials": list(meeting_materials(meeting)),
        "can_organise": organiser,
        "can_answer": invitation is not None,
    }
    if organiser:
        context["invitations"] = invitee_rows(meeting=meeting)
    if meeting.minutes_are_published or (organiser and meeting.has_started):
        context["show_minutes"] = True
        context["decisions"] = list(meeting_decisions(meeting))
        context["actions"] = list(meeting_actions(meeting))
        context["attendance"] = attendance_summary(meeting)
    return context


# --- Choices for the forms ---------------------------------------------------------------------------------

def meeting_people(*, meeting: Meeting) -> QuerySet[User]:
    """People who may be invited to the meeting one by one: everybody with a role in the programme."""
    return programme_people(programme=meeting.programme)


def audience_choices(*, programme: Programme) -> tuple[list[Cohort], list[Participation]]:
    cohorts = list(Cohort.objects.filter(programme=programme).order_by("starts_on", "name"))
    participations = list(Participation.objects.filter(cohort__programme=programme).select_related(
        "municipality", "cohort").order_by("cohort__starts_on", "cohort__name", "municipality__name"))
    return cohorts, participations


def _department(assignment) -> str:
    """Where in the municipality the person comes from: their department, or a politician's position."""
    return assignment.department or assignment.position


def _current_roles() -> QuerySet[RoleAssignment]:
    today = timezone.localdate()
    return RoleAssignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), user__is_active=True)


def resolve_invitees(*, meeting: Meeting, roles=(), participations=(), cohorts=(), people=()) -> dict:
    """The people to invite, each with how they were chosen and the municipality/department they come from.

    * a role invites everybody holding it in the programme; for municipal staff, the staff of the
      municipalities the meeting is for;
    * a municipality or a cohort invites the staff and the assigned advisors of its municipalities.
    """
    programme = meeting.programme
    all_participations = Participation.objects.filter(cohort__programme=programme)
    if meeting.participation_id:
        audience = all_participations.filter(pk=meeting.participation_id)
    elif meeting.cohort_id:
        audience = all_participations.filter(cohort_id=meeting.cohort_id)
    else:
        audience = all_participations
    chosen: dict[int, dict] = {}

    def add(assignment, via, municipality_id=None):
        entry = chosen.setdefault(assignment.user_id, {"via": via, "municipality_id": None, "department": ""})
        where = _department(assignment)
        if municipality_id and not entry["municipality_id"]:
            entry["municipality_id"] = municipality_id
            entry["department"] = where
        elif not entry["department"] and where and not entry["municipality_id"]:
            entry["department"] = where

    def staff_and_advisors(participation_qs, via):
        for assignment in _current_roles().filter(role=Role.STAFF, participation__in=participation_qs):
            add(assignment, via, assignment.municipality_id)
        for assignment in _current_roles().filter(role=Role.ADVISOR, participation__in=participation_qs
                                                  ).select_related("participation"):
            add(assignment, via)

    for role in roles:
        if role == Role.STAFF:
            for assignment in _current_roles().filter(role=Role.STAFF, participation__in=audience):
                add(assignment, MeetingInvitation.Via.ROLE, assignment.municipality_id)
        else:
            for assignment in _current_roles().filter(role=role, programme=programme):
                add(assignment, MeetingInvitation.Via.ROLE, assignment.municipality_id)
    if participations:
        staff_and_advisors(all_participations.filter(pk__in=[p.pk for p in participations]),
                           MeetingInvitation.Via.MUNICIPALITY)
    if cohorts:
        staff_and_advisors(all_participations.filter(cohort__in=list(cohorts)), MeetingInvitation.Via.COHORT)
    if people:
        by_user = {}
        for assignment in _current_roles().filter(user__in=list(people)).filter(
                programme=programme).order_by("role"):
            by_user.setdefault(assignment.user_id, assignment)
        for person in people:
            assignment = by_user.get(person.pk)
            entry = chosen.setdefault(person.pk, {"via": MeetingInvitation.Via.PERSON, "municipality_id": None,
                                                  "department": ""})
            if assignment is not None and not entry["municipality_id"]:
                entry["municipality_id"] = assignment.municipality_id
                entry["department"] = _department(assignment)
    return chosen


# --- Skills -----------------------------------------------------------------------------------------------

STAGES = list(SkillAssessment.Stage)


@dataclass
class SkillRow:
    label: str
    is_total: bool
    # stage -> (average systems thinking, average circular models, number of answers)
    values: dict = field(default_factory=dict)

    def score(self, area: str, stage: str):
        value = self.values.get(stage)
        if value is None:
            return None
        return value[0] if area == "systems_thinking" else value[1]

    def change(self, area: str):
        before, after = self.score(area, "before"), self.score(area, "after")
        if before is None or after is None:
            return None
        return round(after - before, 1)


def skills_overview(*, user, programme: Programme) -> list[dict]:
    """Per cohort: a row per municipality the person may see and the cohort's average, per stage.

    Only averages are shown, never a person's own answers, and only over at least ``MIN_ANSWERS`` answers
    (fewer would reveal them). Two queries."""
    participations = list(visible_participations(user=user, programme=programme))
    rows_by_participation = defaultdict(dict)
    by_cohort = defaultdict(dict)
    aggregates = (SkillAssessment.objects.filter(programme=programme).order_by()
                  .values("participation_id", "participation__cohort_id", "stage")
                  .annotate(n=Count("pk"), st=_avg("systems_thinking"), cm=_avg("circular_models")))
    for row in aggregates:
        rows_by_participation[row["participation_id"]][row["stage"]] = (row["st"], row["cm"], row["n"])
        cohort_stage = by_cohort[row["participation__cohort_id"]].setdefault(row["stage"], [0.0, 0.0, 0])
        cohort_stage[0] += row["st"] * row["n"]
        cohort_stage[1] += row["cm"] * row["n"]
        cohort_stage[2] += row["n"]
    groups: dict[int, dict] = {}
    for participation in participations:
        group = groups.setdefault(participation.cohort_id, {"cohort": participation.cohort, "rows": []})
        values = {stage: _shown(*v) for stage, v in rows_by_participation.get(participation.pk, {}).items()}
        group["rows"].append(SkillRow(str(participation.municipality), False, values))
    for cohort_id, group in groups.items():
        totals = {stage: _shown(s / n, c / n, n) for stage, (s, c, n) in by_cohort[cohort_id].items()}
        group["rows"].append(SkillRow(_("%(cohort)s (all municipalities)") % {"cohort": group["cohort"]}, True,
                                      totals))
    return list(groups.values())


MIN_ANSWERS = 3  # an average of fewer answers would let a reader work out someone's own answer


def _shown(systems_thinking: float, circular_models: float, n: int) -> tuple:
    """(averages, number of answers); the averages are None when there are too few answers to show them."""
    if n < MIN_ANSWERS:
        return None, None, n
    return round(systems_thinking, 1), round(circular_models, 1), n


def _avg(name):
    from django.db.models import Avg, FloatField

    return Avg(name, output_field=FloatField())


def own_assessments(*, user, programme: Programme) -> dict[str, SkillAssessment]:
    return {a.stage: a for a in SkillAssessment.objects.filter(user=user, programme=programme)}


def assessing_participation(*, user, programme: Programme) -> Participation | None:
    """The municipality a participant answers for: their own one in this programme."""
    ids = scope_of(user).staff_participations
    return Participation.objects.filter(pk__in=ids, cohort__programme=programme).select_related(
        "municipality").order_by("pk").first()


def modules_attended(*, user, programme: Programme, until=None) -> QuerySet[Meeting]:
    until = until or timezone.now()
    return Meeting.objects.filter(programme=programme, kind=Meeting.Kind.LEARNING_MODULE, starts_at__lte=until,
                                  invitations__user=user, invitations__attended=True).distinct()

