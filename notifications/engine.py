"""The reminder engine (DESIGN.md §5): which reminders are due at a moment, claiming them exactly once, and
checking a claimed reminder again right before it is sent.

Every function takes ``now`` as a parameter. The scan task passes the real clock; ``replay_reminders`` and
the benchmark pass a simulated one. Nothing here reads the clock itself.

How a scan stays cheap (its cost grows with the reminders due, not with what is stored):

* The window is ``(now - grace, now]``. A reminder whose send time lies before the window is never sent,
  so loading a historical programme (or a worker that was down for a week) never sends stale mail.
* From the window and the (offset, time of day) of the enabled rules the scan computes the exact set of
  dates that can have a reminder due in it (a milestone due on day D has its "3 days before, 09:00"
  reminder at 09:00 on D − 3), and fetches only milestones / meetings / tests on those dates, with indexed
  queries. A scan at a moment when nothing is due fetches nothing.
* The claim reads only the deliveries whose send time is in the window, and inserts the rest under the
  unique constraint (``ignore_conflicts``): a reminder that another scan claimed at the same moment is
  simply not inserted twice. The rows this scan inserted are found by its claim token and published on
  commit.

State "as of" a moment, so the same code answers for today and for a replayed day of 2022:
a milestone is open at ``now`` unless it is cancelled, or done with ``completed_at <= now``; a meeting is
cancelled at ``now`` if ``cancelled_at <= now`` (or it is cancelled with no time recorded); minutes are
published if ``minutes_published_at <= now``; an invitation is answered if ``responded_at <= now``; a role
counts on a day inside its term (``starts_on``/``ends_on``).
"""

from __future__ import annotations

import bisect
import logging
import time as time_module
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce

from accounts.models import Role, RoleAssignment
from programmes.models import Milestone, Participation

from .models import AFTER_KINDS, DEFAULT_RULES, DEFAULT_SEND_TIME, Delivery, Kind, ReminderRule

logger = logging.getLogger(__name__)

TZ = ZoneInfo(settings.TIME_ZONE)  # Europe/Copenhagen
Skip = Delivery.SkipReason


# --- Time ---------------------------------------------------------------------------------------------------

def local_moment(day: date, at: dtime) -> datetime:
    """``at`` o'clock Copenhagen time on ``day``, as an aware UTC datetime.

    zoneinfo applies the offset in force on that day, so 09:00 is 07:00 UTC in summer and 08:00 UTC in winter,
    also on the last Sundays of March and October. A wall time that does not exist (02:30 on the day clocks
    go forward) is read with the offset before the change, i.e. it falls just after the gap; a wall time that
    occurs twice (02:30 on the day clocks go back) means its first occurrence (``fold=0``)."""
    return datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def default_grace() -> timedelta:
    return timedelta(hours=settings.REMINDER_GRACE_HOURS)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- Rules --------------------------------------------------------------------------------------------------

def rule_key(rule: ReminderRule):
    """Stored rules by id; the replay's unsaved default rules by what they are."""
    return rule.pk if rule.pk else f"{rule.programme_id}:{rule.kind}:{rule.offset_days}"


def send_day_for(rule: ReminderRule, event_day: date) -> date:
    step = timedelta(days=rule.offset_days)
    return event_day + step if rule.kind in AFTER_KINDS else event_day - step


class RuleBook:
    """Each programme's rules: its own rows, and for every kind it has no row of, the defaults.

    With ``materialise`` (the real engine, the rules page) the defaults are stored the first time they are
    needed, so deliveries can point at them and facilitators can change them. The replay passes
    ``materialise=False`` and works with unsaved default rules: it never writes."""

    def __init__(self, *, materialise: bool = True):
        self.materialise = materialise
        self._rules: dict[int, list[ReminderRule]] = {}
        self._schedules: dict[tuple | None, dict[str, set[tuple[int, dtime]]]] = {}

    def schedules(self, programme_ids: Iterable[int] | None = None) -> dict[str, set[tuple[int, dtime]]]:
        """Every (offset, time of day) an enabled rule of each kind can have, to know which dates can have a
        reminder due in a window. Read once per RuleBook (one scan; the whole replay)."""
        key = None if programme_ids is None else tuple(sorted(programme_ids))
        if key not in self._schedules:
            self._schedules[key] = self._read_schedules(key)
        return self._schedules[key]

    def _read_schedules(self, programme_ids) -> dict[str, set[tuple[int, dtime]]]:
        result: dict[str, set[tuple[int, dtime]]] = defaultdict(set)
        for kind, offset in DEFAULT_RULES:
            result[kind].add((offset, DEFAULT_SEND_TIME))
        rows = ReminderRule.objects.filter(enabled=True)
        if programme_ids is not None:
            rows = rows.filter(programme_id__in=list(programme_ids))
        for kind, offset, at in rows.order_by().values_list("kind", "offset_days", "send_time").distinct():
            result[kind].add((offset, at))
        return result

    def all_rules(self, programme_ids: Iterable[int]) -> dict[int, list[ReminderRule]]:
        wanted = set(programme_ids) - set(self._rules)
        if wanted:
            stored: dict[int, list[ReminderRule]] = defaultdict(list)
            for rule in ReminderRule.objects.filter(programme_id__in=wanted):
                stored[rule.programme_id].append(rule)
            missing = [
                ReminderRule(programme_id=pid, kind=kind, offset_days=offset, send_time=DEFAULT_SEND_TIME)
                for pid in sorted(wanted)
                for kind, offset in DEFAULT_RULES
                if kind not in {r.kind for r in stored[pid]}
            ]
            if missing and self.materialise:
                ReminderRule.objects.bulk_create(missing, ignore_conflicts=True)
                stored = defaultdict(list)
                for rule in ReminderRule.objects.filter(programme_id__in=wanted):
                    stored[rule.programme_id].append(rule)
            elif missing:
                for rule in missing:
                    stored[rule.programme_id].append(rule)
            for pid in wanted:
                self._rules[pid] = sorted(stored[pid], key=lambda r: (list(Kind.values).index(r.kind),
                                                                      -r.offset_days))
        return {pid: self._rules[pid] for pid in programme_ids}

    def enabled(self, programme_ids: Iterable[int]) -> dict[int, list[ReminderRule]]:
        return {pid: [r for r in rules if r.enabled] for pid, rules in self.all_rules(programme_ids).items()}


# --- Roles --------------------------------------------------------------------------------------------------

class RoleIndex:
    """The role assignments that decide recipients, loaded with one query and asked per day.

    ``people`` (the owners, organisers and invitees of the targets) are loaded with their roles in the targets'
    programmes (one more query), so that a person named on a milestone or a meeting is reminded only while
    their roles let them see it (mirroring ``programmes.permissions`` and ``workshops.permissions``): being
    named does not outlast leaving the programme (removed from the team, the advisor replaced, the role ended)."""

    SCOPE_FIELD = {Role.FACILITATOR: "programme_id", Role.POLITICIAN: "programme_id",
                   Role.ADVISOR: "participation_id", Role.STAFF: "participation_id"}
    WHOLE_PROGRAMME = frozenset({Role.FACILITATOR, Role.OBSERVER, Role.POLITICIAN})
    OWN_PARTICIPATION = frozenset({Role.STAFF, Role.ADVISOR})

    def __init__(self, rows=()):
        self._by_scope: dict[tuple[str, int], list[tuple[int, date | None, date | None]]] = defaultdict(list)
        self._of_person: dict[int, list[tuple[str, int | None, int | None, date | None, date | None]]] = \
            defaultdict(list)
        for role, programme_id, participation_id, municipality_id, user_id, starts_on, ends_on in rows:
            scope = {"programme_id": programme_id, "participation_id": participation_id,
                     "municipality_id": municipality_id}[self.SCOPE_FIELD[role]]
            if scope is not None:
                self._by_scope[(role, scope)].append((user_id, starts_on, ends_on))

    @classmethod
    def load(cls, *, programmes=(), participations=(), politicians=False, people=()) -> RoleIndex:
        query = Q(role=Role.FACILITATOR, programme_id__in=set(programmes))
        if politicians:
            query |= Q(role=Role.POLITICIAN, programme_id__in=set(programmes))
        participations = {p for p in participations if p}
        if participations:  # advisors and the team of each participation (not the municipality's other teams)
            query |= Q(role__in=[Role.ADVISOR, Role.STAFF], participation_id__in=participations)
        rows = RoleAssignment.objects.filter(query, user__is_active=True).order_by().values_list(
            "role", "programme_id", "participation_id", "municipality_id", "user_id", "starts_on", "ends_on")
        index = cls(rows)
        people = {p for p in people if p}
        if people:
            index._load_people(people, set(programmes))
        return index

    def _load_people(self, people: set[int], programmes: set[int]) -> None:
        # As accounts.permissions.scope_of reads a role: a staff role opens the programme of its participation
        # (a staff role without one opens none); every other role the programme it names.
        in_programme = Case(When(role=Role.STAFF, then=F("participation__cohort__programme_id")),
                            default=F("programme_id"))
        rows = (RoleAssignment.objects.filter(user_id__in=people, user__is_active=True)
                .annotate(in_programme=in_programme)
                .filter(Q(in_programme__in=programmes) | Q(role=Role.ADMIN)).order_by()
                .values_list("user_id", "role", "in_programme", "participation_id", "starts_on", "ends_on"))
        for user_id, role, programme_id, participation_id, starts_on, ends_on in rows:
            self._of_person[user_id].append((role, programme_id, participation_id, starts_on, ends_on))

    def users(self, role: str, scope_id: int | None, day: date) -> list[int]:
        if scope_id is None:
            return []
        return sorted({
            user_id for user_id, starts_on, ends_on in self._by_scope.get((role, scope_id), ())
            if (starts_on is None or starts_on <= day) and (ends_on is None or ends_on >= day)
        })

    # What a person named on a target may see on ``day`` (``people`` must have been loaded with the target).

    def _held(self, user, day: date) -> list[tuple[str, int | None, int | None]]:
        return [(role, programme_id, participation_id)
                for role, programme_id, participation_id, starts_on, ends_on in self._of_person.get(user.pk, ())
                if (starts_on is None or starts_on <= day) and (ends_on is None or ends_on >= day)]

    def _is_admin(self, user, held) -> bool:
        return user.is_superuser or any(role == Role.ADMIN for role, _p, _part in held)

    def in_programme(self, user, programme_id: int, day: date) -> bool:
        """Any role in the programme (``can_view_programme``; an invitee's ``can_view_meeting``)."""
        held = self._held(user, day)
        return self._is_admin(user, held) or any(p == programme_id for _r, p, _part in held)

    def sees_participation(self, user, programme_id: int, participation_id: int, day: date) -> bool:
        """The participation's team and advisor, and who sees the whole programme (``can_view_participation``)."""
        held = self._held(user, day)
        return self._is_admin(user, held) or any(
            (role in self.WHOLE_PROGRAMME and p == programme_id)
            or (role in self.OWN_PARTICIPATION and part == participation_id) for role, p, part in held)

    def facilitates(self, user, programme_id: int, day: date) -> bool:
        """``is_facilitator_of``: who may organise the programme's meetings (and publish their minutes)."""
        held = self._held(user, day)
        return self._is_admin(user, held) or any(
            role == Role.FACILITATOR and p == programme_id for role, p, _part in held)


# --- Sources: what reminders are about ---------------------------------------------------------------------

class Source:
    """One kind of thing reminders are about. Subclasses answer, for a target:
    its programme, the local day the offsets count from, the occurrence (what makes a moved date a new
    reminder), whether a rule applies at ``now`` (``None``) or why not (a skip reason), and who receives it."""

    kinds: frozenset[str] = frozenset()
    moved_reason = Skip.MOVED

    def available(self) -> bool:
        return True

    @property
    def model(self) -> type[models.Model]:
        raise NotImplementedError

    def fetch(self, event_days: set[date], *, now: datetime, programme_ids=None) -> list:
        raise NotImplementedError

    def fetch_one(self, pk: int, *, now: datetime):
        raise NotImplementedError

    def programme_id(self, target) -> int:
        return target.programme_id

    def event_day(self, target) -> date:
        raise NotImplementedError

    def occurrence(self, target) -> str:
        raise NotImplementedError

    def skip_reason(self, rule: ReminderRule, target, now: datetime) -> str | None:
        raise NotImplementedError

    def load_roles(self, targets: list) -> RoleIndex:
        raise NotImplementedError

    def recipients(self, rule: ReminderRule, target, roles: RoleIndex, day: date, now: datetime) -> list[int]:
        raise NotImplementedError


class MilestoneSource(Source):
    """Milestones: before, on and after the due day. The occurrence is the due date."""

    kinds = frozenset({Kind.MILESTONE_BEFORE, Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE_OWNER,
                       Kind.MILESTONE_OVERDUE_ADVISOR, Kind.MILESTONE_OVERDUE_FACILITATORS})
    OPEN = (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)

    @property
    def model(self):
        return Milestone

    def _queryset(self):
        return Milestone.objects.select_related("programme", "owner", "participation__municipality")

    def _open_at(self, now) -> Q:
        return Q(status__in=self.OPEN) | Q(status=Milestone.Status.DONE, completed_at__gt=now)

    def fetch(self, event_days, *, now, programme_ids=None):
        queryset = self._queryset().filter(self._open_at(now), due_on__in=sorted(event_days)).order_by()
        if programme_ids is not None:
            queryset = queryset.filter(programme_id__in=list(programme_ids))
        return list(queryset)

    def fetch_one(self, pk, *, now):
        return self._queryset().filter(pk=pk).first()

    def event_day(self, milestone):
        return milestone.due_on

    def occurrence(self, milestone):
        return milestone.due_on.isoformat()

    def is_open(self, milestone, now) -> bool:
        if milestone.status in self.OPEN:
            return True
        return milestone.status == Milestone.Status.DONE and milestone.completed_at is not None \
            and milestone.completed_at > now

    def skip_reason(self, rule, milestone, now):
        if not self.is_open(milestone, now):
            return Skip.CLOSED
        if rule.kind in (Kind.MILESTONE_BEFORE, Kind.MILESTONE_DUE) and local_day(now) > milestone.due_on:
            return Skip.TOO_LATE  # an escalation follows instead
        return None

    def load_roles(self, milestones):
        return RoleIndex.load(
            programmes={m.programme_id for m in milestones},
            participations={m.participation_id for m in milestones},
            people={m.owner_id for m in milestones},
        )

    @staticmethod
    def owner_sees(milestone, roles, day) -> bool:
        """The owner is reminded while their roles let them see the milestone (``can_view_milestone``)."""
        owner = milestone.owner
        if owner is None or not owner.is_active:
            return False
        if milestone.participation_id is None:
            return roles.in_programme(owner, milestone.programme_id, day)
        return roles.sees_participation(owner, milestone.programme_id, milestone.participation_id, day)

    def responsible(self, milestone, roles, day) -> list[int]:
        """The owner; without one (or once the owner has left the programme or the municipality's test), the
        municipality's staff (for a municipality's milestone); without them, the programme's facilitators."""
        if milestone.owner_id and self.owner_sees(milestone, roles, day):
            return [milestone.owner_id]
        if milestone.participation_id:
            staff = roles.users(Role.STAFF, milestone.participation_id, day)
            if staff:
                return staff
        return roles.users(Role.FACILITATOR, milestone.programme_id, day)

    def recipients(self, rule, milestone, roles, day, now):
        if rule.kind == Kind.MILESTONE_OVERDUE_ADVISOR:
            # The municipality's innovation advisor; a milestone of the whole programme has none.
            return roles.users(Role.ADVISOR, milestone.participation_id, day)
        if rule.kind == Kind.MILESTONE_OVERDUE_FACILITATORS:
            return roles.users(Role.FACILITATOR, milestone.programme_id, day)
        return self.responsible(milestone, roles, day)


class MeetingSource(Source):
    """Meetings (workshops app): before they start, the RSVP nudge, the minutes nudge after them, and the
    follow-group briefing. The occurrence is the start time, so a moved meeting gets its own reminders.
    The offsets count from the meeting's day (Copenhagen time)."""

    kinds = frozenset({Kind.MEETING_BEFORE, Kind.RSVP_NUDGE, Kind.MINUTES_NUDGE, Kind.FOLLOWGROUP_BRIEFING})
    BEFORE = frozenset({Kind.MEETING_BEFORE, Kind.RSVP_NUDGE, Kind.FOLLOWGROUP_BRIEFING})

    def available(self):
        return self._models() is not None

    def _models(self):
        try:
            return apps.get_model("workshops", "Meeting"), apps.get_model("workshops", "MeetingInvitation")
        except LookupError:
            return None

    @property
    def model(self):
        return self._models()[0]

    def _queryset(self):
        meeting_model, invitation_model = self._models()
        invitations = invitation_model.objects.select_related("user").exclude(via="attendance")
        return meeting_model.objects.select_related("programme", "organiser", "participation__municipality") \
            .prefetch_related(Prefetch("invitations", queryset=invitations, to_attr="reminder_invitations"))

    def fetch(self, event_days, *, now, programme_ids=None):
        meeting_model = self.model
        days = sorted(event_days)
        ranges, start = [], None
        for i, day in enumerate(days):  # contiguous days become one range: few OR-ed index ranges
            start = start or day
            if i + 1 == len(days) or days[i + 1] != day + timedelta(days=1):
                ranges.append((local_moment(start, dtime(0)), local_moment(day + timedelta(days=1), dtime(0))))
                start = None
        when = Q()
        for low, high in ranges:
            when |= Q(starts_at__gte=low, starts_at__lt=high)
        not_cancelled = Q(status=meeting_model.Status.SCHEDULED) | Q(
            status=meeting_model.Status.CANCELLED, cancelled_at__gt=now)
        queryset = self._queryset().filter(when).filter(not_cancelled).order_by()
        if programme_ids is not None:
            queryset = queryset.filter(programme_id__in=list(programme_ids))
        return list(queryset)

    def fetch_one(self, pk, *, now):
        return self._queryset().filter(pk=pk).first()

    def event_day(self, meeting):
        return local_day(meeting.starts_at)

    def occurrence(self, meeting):
        return meeting.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def is_cancelled(self, meeting, now) -> bool:
        if meeting.status != meeting.Status.CANCELLED:
            return False
        return meeting.cancelled_at is None or meeting.cancelled_at <= now

    def skip_reason(self, rule, meeting, now):
        if self.is_cancelled(meeting, now):
            return Skip.CANCELLED
        if rule.kind in self.BEFORE and meeting.starts_at <= now:
            return Skip.TOO_LATE
        if rule.kind == Kind.FOLLOWGROUP_BRIEFING and meeting.kind != meeting.Kind.FOLLOW_GROUP:
            return Skip.NOT_RECIPIENT
        if rule.kind == Kind.MINUTES_NUDGE and meeting.minutes_published_at is not None \
                and meeting.minutes_published_at <= now:
            return Skip.MINUTES_PUBLISHED
        return None

    def load_roles(self, meetings):
        people = {m.organiser_id for m in meetings}
        for meeting in meetings:
            people |= {i.user_id for i in self._invitations(meeting)}
        return RoleIndex.load(programmes={m.programme_id for m in meetings}, politicians=True, people=people)

    @staticmethod
    def _invitations(meeting) -> list:
        invitations = getattr(meeting, "reminder_invitations", None)
        if invitations is None:
            invitations = list(meeting.invitations.select_related("user").exclude(via="attendance"))
            meeting.reminder_invitations = invitations
        return invitations

    @staticmethod
    def answer_at(invitation, now) -> str:
        if invitation.response != "pending" and (invitation.responded_at is None or invitation.responded_at <= now):
            return invitation.response
        return "pending"

    def recipients(self, rule, meeting, roles, day, now):
        # An invitation opens the meeting only to someone with a role in its programme (can_view_meeting): one
        # who has left the programme since is not reminded of it.
        invitations = [i for i in self._invitations(meeting)
                       if i.user.is_active and roles.in_programme(i.user, meeting.programme_id, day)]
        if rule.kind == Kind.MEETING_BEFORE:  # everyone invited who has not said no
            return sorted({i.user_id for i in invitations if i.user.is_active and self.answer_at(i, now) != "no"})
        if rule.kind == Kind.RSVP_NUDGE:  # everyone invited who has not answered
            return sorted({i.user_id for i in invitations
                           if i.user.is_active and self.answer_at(i, now) == "pending"})
        if rule.kind == Kind.MINUTES_NUDGE:  # the organiser while they may publish them; else the facilitators
            organiser = meeting.organiser
            if organiser is not None and organiser.is_active and roles.facilitates(organiser, meeting.programme_id,
                                                                                   day):
                return [meeting.organiser_id]
            return roles.users(Role.FACILITATOR, meeting.programme_id, day)
        if rule.kind == Kind.FOLLOWGROUP_BRIEFING:  # the programme's politicians in office on the day
            return roles.users(Role.POLITICIAN, meeting.programme_id, day)
        return []


class ProgressSource(Source):
    """Local tests without a progress entry for ``offset_days`` (default four weeks): a nudge to the
    municipality's staff, once per quiet spell (the occurrence is the day of the last entry, or the day the
    municipality joined when it has none yet).

    Only published entries count: a draft nobody can read yet is not progress the programme can see."""

    kinds = frozenset({Kind.PROGRESS_STALE})
    moved_reason = Skip.PROGRESS_LOGGED

    @property
    def model(self):
        return Participation

    def available(self):
        return True

    def _queryset(self, now):
        from municipalities.models import ProgressEntry

        entries = (
            ProgressEntry.objects.filter(participation=OuterRef("pk"), state=ProgressEntry.State.PUBLISHED,
                                         happened_on__lte=local_day(now))
            .order_by("-happened_on").values("happened_on")[:1]
        )
        return Participation.objects.select_related("cohort__programme", "municipality").annotate(
            last_progress=Coalesce(Subquery(entries, output_field=models.DateField()), F("joined_on")))

    def fetch(self, event_days, *, now, programme_ids=None):
        queryset = self._queryset(now).filter(last_progress__in=sorted(event_days)).filter(
            Q(cohort__programme__ends_on__isnull=True) | Q(cohort__programme__ends_on__gte=min(event_days)))
        if programme_ids is not None:
            queryset = queryset.filter(cohort__programme_id__in=list(programme_ids))
        return list(queryset)

    def fetch_one(self, pk, *, now):
        return self._queryset(now).filter(pk=pk).first()

    def programme_id(self, participation):
        return participation.cohort.programme_id

    def event_day(self, participation):
        return participation.last_progress

    def occurrence(self, participation):
        return participation.last_progress.isoformat()

    def skip_reason(self, rule, participation, now):
        programme = participation.cohort.programme
        if programme.ends_on and local_day(now) > programme.ends_on:
            return Skip.TOO_LATE
        return None

    def load_roles(self, participations):
        return RoleIndex.load(programmes={p.cohort.programme_id for p in participations},
                              participations={p.pk for p in participations})

    def recipients(self, rule, participation, roles, day, now):
        return roles.users(Role.STAFF, participation.pk, day)


class CallSource(Source):
    """Open calls (issue 19), counted from the last day of the assessment: reviewers with reviews still due
    (before it) and the programme's facilitators (on the day). The occurrence is that day, so a moved assessment
    period gives new reminders. Applicants have no account: their draft reminders are sent by
    ``calls.reminders``."""

    kinds = frozenset({Kind.CALL_REVIEWS_DUE, Kind.CALL_ASSESSMENT_ENDS})

    @property
    def model(self):
        return apps.get_model("calls", "Call")

    def _queryset(self):
        return self.model.objects.select_related("programme")

    def fetch(self, event_days, *, now, programme_ids=None):
        queryset = self._queryset().filter(assessment_ends_on__in=sorted(event_days)).order_by()
        if programme_ids is not None:
            queryset = queryset.filter(programme_id__in=list(programme_ids))
        return list(queryset)

    def fetch_one(self, pk, *, now):
        return self._queryset().filter(pk=pk).first()

    def event_day(self, call):
        return call.assessment_ends_on

    def occurrence(self, call):
        return call.assessment_ends_on.isoformat() if call.assessment_ends_on else ""

    def skip_reason(self, rule, call, now):
        if call.assessment_ends_on is None:
            return Skip.MOVED
        if local_day(now) > call.assessment_ends_on:
            return Skip.TOO_LATE
        return None

    def load_roles(self, calls):
        return RoleIndex.load(programmes={c.programme_id for c in calls})

    def recipients(self, rule, call, roles, day, now):
        if rule.kind == Kind.CALL_ASSESSMENT_ENDS:
            return roles.users(Role.FACILITATOR, call.programme_id, day)
        # reviewers with a review neither submitted nor declared a conflict of interest at ``now``
        review = apps.get_model("calls", "Review")
        return sorted(set(review.objects.filter(
            application__call=call, reviewer__user__is_active=True).filter(
            Q(submitted_at__isnull=True) | Q(submitted_at__gt=now)).values_list("reviewer__user_id", flat=True)))


SOURCES: list[Source] = [MilestoneSource(), MeetingSource(), ProgressSource(), CallSource()]
SOURCE_BY_KIND = {kind: source for source in SOURCES for kind in source.kinds}


# --- Finding what is due -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reminder:
    rule: ReminderRule
    programme_id: int
    recipient_id: int
    target: object
    target_type_id: int
    occurrence: str
    send_at: datetime

    @property
    def key(self) -> tuple:
        """The unique constraint of Delivery (the replay's rules may be unsaved, hence rule_key)."""
        return (rule_key(self.rule), self.recipient_id, self.target_type_id, self.target.pk, self.occurrence)

    @property
    def kind(self) -> str:
        return self.rule.kind


def find_due(*, now: datetime, rulebook: RuleBook, grace: timedelta | None = None,
             programme_ids: Iterable[int] | None = None) -> list[Reminder]:
    """Every reminder whose send time lies in ``(now - grace, now]`` and that applies at ``now``."""
    grace = default_grace() if grace is None else grace
    window_start = now - grace
    programme_ids = None if programme_ids is None else list(programme_ids)
    days = _days(local_day(window_start), local_day(now))
    schedules = rulebook.schedules(programme_ids)
    found: dict[tuple, Reminder] = {}
    for source in SOURCES:
        if not source.available():
            continue
        # the dates a reminder due in the window can be about: only (day, time of day) inside the window count
        event_days = {
            day - timedelta(days=offset) if kind in AFTER_KINDS else day + timedelta(days=offset)
            for kind in source.kinds for offset, at in schedules.get(kind, ()) for day in days
            if window_start < local_moment(day, at) <= now
        }
        if not event_days:
            continue
        targets = source.fetch(event_days, now=now, programme_ids=programme_ids)
        if not targets:
            continue
        rules = rulebook.enabled({source.programme_id(t) for t in targets})
        roles = source.load_roles(targets)
        content_type_id = ContentType.objects.get_for_model(source.model).pk
        for target in targets:
            event_day = source.event_day(target)
            for rule in rules[source.programme_id(target)]:
                if rule.kind not in source.kinds:
                    continue
                send_day = send_day_for(rule, event_day)
                send_at = local_moment(send_day, rule.send_time)
                if not window_start < send_at <= now:
                    continue
                if source.skip_reason(rule, target, now) is not None:
                    continue
                for recipient_id in source.recipients(rule, target, roles, send_day, now):
                    reminder = Reminder(rule=rule, programme_id=source.programme_id(target),
                                        recipient_id=recipient_id, target=target, target_type_id=content_type_id,
                                        occurrence=source.occurrence(target), send_at=send_at)
                    found.setdefault(reminder.key, reminder)
    return list(found.values())


# --- Claiming -------------------------------------------------------------------------------------------------

@dataclass
class ClaimResult:
    claimed: list = field(default_factory=list)  # delivery ids (database) or reminders (memory)
    already: int = 0  # claimed by an earlier scan (found in the window before inserting)
    conflicts: int = 0  # refused by the unique constraint: claimed by a scan running at the same time


class DatabaseClaims:
    """The real claim: Delivery rows under their unique constraint, published after commit."""

    def __init__(self, *, publish: bool = True):
        self.publish = publish

    def claim(self, reminders: list[Reminder], *, now: datetime, window_start: datetime) -> ClaimResult:
        from .services import publish_deliveries

        result = ClaimResult()
        if not reminders:
            return result
        token = uuid.uuid4()
        with transaction.atomic():
            existing = set(Delivery.objects.filter(send_at__gt=window_start, send_at__lte=now).values_list(
                "rule_id", "recipient_id", "target_type_id", "target_id", "occurrence"))
            rows = [
                Delivery(rule=r.rule, programme_id=r.programme_id, kind=r.kind, recipient_id=r.recipient_id,
                         target_type_id=r.target_type_id, target_id=r.target.pk, occurrence=r.occurrence,
                         send_at=r.send_at, claim_token=token, claimed_at=now, published_at=now)
                for r in reminders if r.key not in existing
            ]
            result.already = len(reminders) - len(rows)
            Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            result.claimed = list(Delivery.objects.filter(claim_token=token).order_by("pk").values_list(
                "pk", flat=True))
            result.conflicts = len(rows) - len(result.claimed)
            if result.claimed and self.publish:
                ids = list(result.claimed)
                # robust: a broker that is down must not undo the claim; the sweeper publishes it later
                transaction.on_commit(lambda: publish_deliveries(ids), robust=True)
        return result


class MemoryClaims:
    """The replay's claim store: the same unique key, kept in memory, nothing written or sent."""

    def __init__(self):
        self.claimed: dict[tuple, Reminder] = {}
        self._moments: list[datetime] = []  # sorted distinct send times
        self._keys_at: dict[datetime, set[tuple]] = defaultdict(set)

    def claim(self, reminders, *, now, window_start) -> ClaimResult:
        result = ClaimResult()
        low = bisect.bisect_right(self._moments, window_start)
        high = bisect.bisect_right(self._moments, now)
        existing = set().union(*(self._keys_at[m] for m in self._moments[low:high])) if high > low else set()
        for reminder in reminders:
            if reminder.key in existing:
                result.already += 1
            elif reminder.key in self.claimed:
                result.conflicts += 1
            else:
                self.claimed[reminder.key] = reminder
                if reminder.send_at not in self._keys_at:
                    bisect.insort(self._moments, reminder.send_at)
                self._keys_at[reminder.send_at].add(reminder.key)
                result.claimed.append(reminder)
        return result


@dataclass
class ScanResult:
    now: datetime
    window_start: datetime
    due: int
    claimed: list
    already: int
    conflicts: int
    seconds: float


def scan(*, now: datetime, claims=None, rulebook: RuleBook | None = None, grace: timedelta | None = None,
         programme_ids: Iterable[int] | None = None) -> ScanResult:
    """Find the reminders due at ``now`` and claim them (see the module docstring)."""
    started = time_module.perf_counter()
    grace = default_grace() if grace is None else grace
    claims = claims if claims is not None else DatabaseClaims()
    rulebook = rulebook if rulebook is not None else RuleBook()
    reminders = find_due(now=now, rulebook=rulebook, grace=grace, programme_ids=programme_ids)
    result = claims.claim(reminders, now=now, window_start=now - grace)
    return ScanResult(now=now, window_start=now - grace, due=len(reminders), claimed=result.claimed,
                      already=result.already, conflicts=result.conflicts,
                      seconds=time_module.perf_counter() - started)


def stuck_claims(*, now: datetime, older_than: timedelta, lease: timedelta, limit: int = 500) -> list[int]:
    """Claims queued more than ``older_than`` ago and still not sent (the broker was down, the worker died).

    Skipped: rows locked right now (a send task is recording its attempt or outcome) and claims whose attempt
    started less than ``lease`` ago (it may still be talking to the mail server)."""
    return list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(state=Delivery.State.CLAIMED, published_at__lt=now - older_than)
        .filter(Q(attempt_started_at__isnull=True) | Q(attempt_started_at__lte=now - lease))
        .order_by("published_at").values_list("pk", flat=True)[:limit]
    )


# --- Checking again before sending ---------------------------------------------------------------------------

def recheck(delivery: Delivery, *, now: datetime):
    """Whether a claimed reminder still applies at ``now``: ``(None, target)`` or ``(skip reason, target)``.

    The rule must still be on; the milestone still open with the same due date, the meeting not cancelled
    and not moved, the minutes unpublished, the test still without progress; and the person must still be
    among the recipients (same owner, still in the role, still not answered)."""
    rule = delivery.rule
    if not rule.enabled:
        return Skip.RULE_OFF, None
    source = SOURCE_BY_KIND[rule.kind]
    if not source.available():
        return Skip.TARGET_GONE, None
    target = source.fetch_one(delivery.target_id, now=now)
    if target is None:
        return Skip.TARGET_GONE, None
    if source.occurrence(target) != delivery.occurrence:
        return source.moved_reason, target
    reason = source.skip_reason(rule, target, now)
    if reason:
        return reason, target
    roles = source.load_roles([target])
    if delivery.recipient_id not in source.recipients(rule, target, roles, local_day(now), now):
        return Skip.NOT_RECIPIENT, target
    return None, target
