"""Reads for the dashboards (issue 7): the politicians' plain-language overview and the facilitators' cohort
dashboard. Built on the timeline and board selectors, and on the workshops selectors for meetings, so the
visibility rules stay in one place. Every function makes a fixed number of queries whatever the data."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, RoleAssignment, User

from .display import build_timeline
from .models import Cohort, Participation, Programme
from .selectors import (
    OPEN_STATUSES,
    board_for_user,
    light_counts,
    milestone_list_for_user,
    stage_counts,
    status_participations,
    timeline_for_user,
    visible_participations,
)

UPCOMING_LIMIT = 8
CARDS_PER_PAGE = 24  # municipality cards per page of the politicians' overview
BOARD_PER_PAGE = 25  # board rows per page (board and cohort dashboard)
MINUTES_LIMIT = 8
OVERDUE_LIMIT = 50

# Latest progress status values (municipalities.ProgressEntry.Status); plain strings so this module works
# whether or not that model is installed.
ON_TRACK, AT_RISK, BLOCKED = "on_track", "at_risk", "blocked"


@dataclass(frozen=True)
class TrafficLight:
    colour: str  # "green", "amber" or "red": a CSS class, never the only signal
    label: str  # the words beside the colour
    shape: str  # the icon: "circle" (green), "triangle" (amber), "square" (red)
    reason: str  # one line: why this colour


TRAFFIC_LIGHT_COLOURS = ("green", "amber", "red")


def traffic_light(*, overdue: int, latest_status: str | None) -> TrafficLight:
    """How a municipality's local test is doing, in one colour with a reason.

    - red: two or more overdue milestones, or the latest published progress entry says *blocked*;
    - amber: one overdue milestone, or the latest published progress entry says *at risk*;
    - green: no overdue milestones, and the latest published progress entry is *on track* (or there is none
      yet).

    ``overdue`` counts open (planned or in progress) milestones of the municipality whose due date has
    passed; ``latest_status`` is the status of its latest published progress entry, or None."""
    if overdue >= 2:
        return TrafficLight("red", _("Needs attention"), "square", ngettext(
            "%(count)d milestone is overdue.", "%(count)d milestones are overdue.", overdue) % {"count": overdue})
    if latest_status == BLOCKED:
        return TrafficLight("red", _("Needs attention"), "square",
                            _("The latest progress report says the test is blocked."))
    if overdue == 1:
        return TrafficLight("amber", _("Watch"), "triangle", _("One milestone is overdue."))
    if latest_status == AT_RISK:
        return TrafficLight("amber", _("Watch"), "triangle",
                            _("The latest progress report says the test is at risk."))
    if latest_status is None:
        return TrafficLight("green", _("On track"), "circle",
                            _("No milestones are overdue; no progress report yet."))
    return TrafficLight("green", _("On track"), "circle",
                        _("No milestones are overdue and the latest progress report says on track."))


def _progress_model():
    """municipalities.ProgressEntry if it is installed (it arrives with the local-test work), else None."""
    try:
        return apps.get_model("municipalities", "ProgressEntry")
    except LookupError:
        return None


def latest_entries(entry_ids, fields=None) -> dict[int, object]:
    """The progress entries of these ids (the status rows' latest published ones), by participation id (one
    query); ``fields``: load only these columns (and the keys)."""
    model = _progress_model()
    ids = [pk for pk in entry_ids if pk]
    if model is None or not ids:
        return {}
    entries = model.objects.filter(pk__in=ids)
    if fields:
        entries = entries.only("participation_id", *fields)
    return {entry.participation_id: entry for entry in entries}


@dataclass
class MunicipalityCard:
    participation: Participation
    cohort: object
    advisors: list
    overdue: int
    light: TrafficLight
    latest: object | None  # the latest published progress entry

    @property
    def highlight(self) -> str:
        return self.latest.what_happened if self.latest is not None else ""


CARD_FIELDS = ("status", "happened_on", "what_happened")  # what a dashboard card shows of the latest entry


def municipality_cards(*, user, programme: Programme, board: list[dict] | None = None,
                       latest_fields=None, with_advisors: bool = True) -> list[MunicipalityCard]:
    """A card per municipality of ``board`` (default: every one the person may see), with its traffic light from
    the participation's status row: the board's reads plus one for the latest entries.

    Each board row gets its card as ``row["card"]``, so a page can show the board and the lights together.
    ``latest_fields``: load only these columns of the latest progress entries (e.g. ``CARD_FIELDS``);
    ``with_advisors=False``: cards without their advisors (one query less)."""
    if board is None:
        board = board_for_user(user=user, programme=programme, with_advisors=with_advisors)
    rows = [(group["cohort"], row) for group in board for row in group["rows"]]
    latest = latest_entries((row["participation"].latest_entry_id for _cohort, row in rows), fields=latest_fields)
    cards = []
    for cohort, row in rows:
        participation = row["participation"]
        entry = latest.get(participation.pk)
        row["card"] = MunicipalityCard(
            participation=participation, cohort=cohort, advisors=row["advisors"],
            overdue=participation.overdue_count, latest=entry,
            light=traffic_light(overdue=participation.overdue_count, latest_status=participation.latest_status or None),
        )
        cards.append(row["card"])
    return cards


def timeline_picture(*, user, programme: Programme, participations=None) -> dict:
    """The timeline page's data and picture (the same selector and geometry), for a dashboard to show;
    ``participations``: only these municipalities' rows (the phases and whole-programme row always)."""
    data = timeline_for_user(user=user, programme=programme, participations=participations)
    picture = None
    if programme.starts_on and programme.ends_on:
        picture = build_timeline(
            starts_on=programme.starts_on, ends_on=programme.ends_on, phases=data["phases"],
            programme_milestones=data["programme_milestones"],
            municipality_rows=[(str(p.municipality), ms) for p, ms in data["participation_rows"]],
            today=timezone.localdate(),
        )
    return {**data, "picture": picture}


def _meeting_selectors():
    # Imported here: workshops.selectors imports programmes.selectors, and programmes must not need workshops
    # to load.
    from workshops import selectors

    return selectors


def board_page(*, user, programme: Programme, light: str = "", cohort_id: int | None = None, page=None,
               per_page: int | None = None, with_advisors: bool = True):
    """One page of board rows of the municipalities that match (traffic-light colour, cohort), grouped by
    cohort: (page, groups, matching). Filtered, counted and paginated in SQL on the status rows; each group's
    ``columns`` count the matching municipalities per stage over the whole cohort, not only this page."""
    matching = status_participations(user=user, programme=programme, light=light, cohort_id=cohort_id)
    board_page = Paginator(matching, per_page or BOARD_PER_PAGE).get_page(page)
    groups = board_for_user(user=user, programme=programme, with_advisors=with_advisors,
                            participations=board_page.object_list, columns=stage_counts(matching))
    return board_page, groups, matching


def politician_dashboard(*, user, programme: Programme, light: str = "", cohort_id: int | None = None,
                         page=None) -> dict:
    """Timeline, a page of municipality cards (of one colour and/or cohort, or all), upcoming follow-group
    meetings and the latest published minutes. The light counts cover every municipality; the timeline shows
    the phases, the whole programme's milestones and the municipalities of the cards on the page."""
    meetings = _meeting_selectors()
    from workshops.models import AgendaItem, Meeting

    upcoming = meetings.meeting_list(user=user, programme=programme, kind=Meeting.Kind.FOLLOW_GROUP,
                                     when="upcoming").exclude(status=Meeting.Status.CANCELLED).prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.filter(decision_needed=True).order_by("order", "pk"),
                 to_attr="decisions_needed"))
    minutes = meetings.meetings_for_user(user=user, programme=programme).filter(
        minutes_published_at__isnull=False).order_by("-minutes_published_at", "-pk")
    visible = status_participations(user=user, programme=programme)
    counts = light_counts(visible)
    cohorts = list(Cohort.objects.filter(pk__in=visible.values("cohort_id")).order_by("starts_on", "name"))
    card_page, groups, _matching = board_page(user=user, programme=programme, light=light, cohort_id=cohort_id,
                                              page=page, per_page=CARDS_PER_PAGE, with_advisors=False)
    cards = municipality_cards(user=user, programme=programme, board=groups, latest_fields=CARD_FIELDS)
    return {
        **timeline_picture(user=user, programme=programme, participations=[c.participation for c in cards]),
        "cards": cards,
        "page": card_page,
        "municipality_count": sum(counts.values()),
        "matching_count": card_page.paginator.count,
        "card_cohorts": cohorts,
        "light_counts": lights_with_counts(counts),
        "upcoming_meetings": list(upcoming[:UPCOMING_LIMIT]),
        "minutes_meetings": list(minutes[:MINUTES_LIMIT]),
        "has_progress": _progress_model() is not None,
    }


GLANCE_CARDS = 6  # municipalities named on a politician's home page per programme: those needing attention first


def politician_glance(*, user, programme: Programme) -> dict:
    """The politicians' overview in brief, for their home page: the light counts, the municipalities that need
    attention most, and the next follow-group meeting with the decisions on its agenda (or, when none is
    planned, the latest one held and the decisions it made). A fixed number of queries per programme: the
    lights are counted and the worst municipalities chosen in SQL on the status rows."""
    meetings = _meeting_selectors()
    from workshops.models import AgendaItem, Decision, Meeting

    visible = status_participations(user=user, programme=programme)
    counts = light_counts(visible)
    worst_first = visible.order_by(Case(*(When(light=colour, then=Value(n)) for n, colour in enumerate(
        ("red", "amber", "green"))), default=Value(3)), "municipality__name", "pk")
    board = board_for_user(user=user, programme=programme, with_advisors=False,
                           participations=worst_first[:GLANCE_CARDS])
    cards = municipality_cards(user=user, programme=programme, board=board, latest_fields=CARD_FIELDS)
    follow_group = meetings.meeting_list(user=user, programme=programme, kind=Meeting.Kind.FOLLOW_GROUP,
                                         when="upcoming").exclude(status=Meeting.Status.CANCELLED)
    next_meeting = follow_group.prefetch_related(Prefetch(
        "agenda_items", queryset=AgendaItem.objects.filter(decision_needed=True).order_by("order", "pk"),
        to_attr="decisions_needed")).first()
    last_meeting = None
    if next_meeting is None:
        last_meeting = meetings.meeting_list(user=user, programme=programme, kind=Meeting.Kind.FOLLOW_GROUP,
                                             when="past").exclude(status=Meeting.Status.CANCELLED).prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("order", "pk"), to_attr="decisions_made")
        ).first()
    return {
        "programme": programme,
        "light_counts": lights_with_counts(counts),
        "municipality_count": sum(counts.values()),
        "cards": cards,
        "next_meeting": next_meeting,
        "last_meeting": last_meeting,
    }


def lights_with_counts(counts: dict[str, int]) -> list[tuple[TrafficLight, int]]:
    """How many municipalities show each colour (``light_counts``), green first, each with a light to draw."""
    return [(TrafficLight(colour, label, shape, ""), counts.get(colour, 0)) for colour, label, shape in (
        ("green", _("On track"), "circle"), ("amber", _("Watch"), "triangle"),
        ("red", _("Needs attention"), "square"))]


# --- The facilitators' cohort dashboard -------------------------------------------------------------------

def _count_answers(response: str):
    from workshops.models import MeetingInvitation

    answers = MeetingInvitation.objects.filter(meeting=OuterRef("pk"), response=response).order_by().values(
        "meeting").annotate(n=Count("pk")).values("n")[:1]
    return Subquery(answers, output_field=IntegerField())


def cohort_dashboard(*, user, programme: Programme, cohort_id: int | None = None, status: str = "",
                     page=None) -> dict:
    """The board, overdue milestones, upcoming meetings with answers, attendance and advisor workload, for one
    cohort (or all) and one traffic-light colour (or all). Board rows and attendance show one page of the
    matching municipalities; counts, overdue milestones and workload cover all of them."""
    from workshops.models import Meeting, MeetingInvitation

    meetings = _meeting_selectors()
    today = timezone.localdate()
    board_pages, page_groups, matching = board_page(user=user, programme=programme, light=status,
                                                    cohort_id=cohort_id, page=page)
    page_cards = municipality_cards(user=user, programme=programme, board=page_groups, latest_fields=("status",))
    counts = light_counts(matching)

    overdue = milestone_list_for_user(user=user, programme=programme).filter(
        status__in=OPEN_STATUSES, due_on__lt=today).filter(
        Q(participation__isnull=True) | Q(participation_id__in=matching.values("pk")))
    overdue = list(overdue[:OVERDUE_LIMIT + 1])

    upcoming = meetings.meeting_list(user=user, programme=programme, when="upcoming").exclude(
        status=Meeting.Status.CANCELLED)
    if cohort_id is not None:
        upcoming = upcoming.filter(Q(cohort__isnull=True, participation__isnull=True) | Q(cohort_id=cohort_id)
                                   | Q(participation__cohort_id=cohort_id))
    upcoming = upcoming.annotate(**{f"{answer}_count": _count_answers(answer)
                                    for answer in ("maybe", "no", "pending")})

    municipality_ids = {card.participation.municipality_id for card in page_cards}
    attendance = {row["municipality_id"]: row for row in MeetingInvitation.objects.filter(
        meeting__programme=programme, municipality_id__in=municipality_ids,
        meeting__ends_at__lte=timezone.now()).exclude(meeting__status=Meeting.Status.CANCELLED)
        .values("municipality_id").annotate(
            invited=Count("meeting", distinct=True),
            attended=Count("meeting", distinct=True, filter=Q(attended=True)))}
    attendance_rows = [{"card": card, "attended": attendance.get(card.participation.municipality_id, {}).get(
        "attended", 0), "invited": attendance.get(card.participation.municipality_id, {}).get("invited", 0)}
        for card in page_cards]

    visible = visible_participations(user=user, programme=programme)
    advisor_roles = RoleAssignment.objects.filter(role=Role.ADVISOR, participation__in=visible.values("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    workload = {row["user"]: row["n"] for row in advisor_roles.order_by().values("user").annotate(
        n=Count("participation", distinct=True))}
    advisors = User.objects.filter(pk__in=workload).only("full_name", "email", "erased_at")
    return {
        "cohorts": page_groups,
        "page": board_pages,
        "cards": page_cards,
        "shown_count": board_pages.paginator.count,
        "light_counts": lights_with_counts(counts),
        "overdue_milestones": overdue[:OVERDUE_LIMIT],
        "overdue_more": len(overdue) > OVERDUE_LIMIT,
        "upcoming_meetings": list(upcoming[:UPCOMING_LIMIT]),
        "attendance": attendance_rows,
        "workload": sorted(((advisor, workload[advisor.pk]) for advisor in advisors),
                           key=lambda item: (-item[1], str(item[0]))),
        "unadvised": visible.exclude(Exists(advisor_roles.filter(participation=OuterRef("pk")))).count(),
    }
