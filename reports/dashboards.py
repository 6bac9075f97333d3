"""The dashboards (issue 7), on the read side above the domain apps: the politicians' plain-language overview
and its brief on their home page, and the facilitators' cohort dashboard. They combine the programme's status
rows and board (programmes/lights.py, programmes/selectors.py) with meetings and answers (workshops), so the
visibility rules stay in the selectors they call. Every function makes a fixed number of queries whatever the
data."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from programmes.lights import (
    CARD_FIELDS,
    CARDS_PER_PAGE,
    board_page,
    lights_with_counts,
    municipality_cards,
    timeline_picture,
)
from programmes.models import Cohort, Programme
from programmes.selectors import (
    OPEN_STATUSES,
    board_for_user,
    light_counts,
    milestone_list_for_user,
    status_participations,
    visible_participations,
)
from workshops import selectors as meetings
from workshops.models import AgendaItem, Decision, Meeting, MeetingInvitation

UPCOMING_LIMIT = 8
MINUTES_LIMIT = 8
OVERDUE_LIMIT = 50


def politician_dashboard(*, user, programme: Programme, light: str = "", cohort_id: int | None = None,
                         page=None) -> dict:
    """Timeline, a page of municipality cards (of one colour and/or cohort, or all), upcoming follow-group
    meetings and the latest published minutes. The light counts cover every municipality; the timeline shows
    the phases, the whole programme's milestones and the municipalities of the cards on the page."""
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
        "has_progress": True,
    }


GLANCE_CARDS = 6  # municipalities named on a politician's home page per programme: those needing attention first


def politician_glance(*, user, programme: Programme) -> dict:
    """The politicians' overview in brief, for their home page: the light counts, the municipalities that need
    attention most, and the next follow-group meeting with the decisions on its agenda (or, when none is
    planned, the latest one held and the decisions it made). A fixed number of queries per programme: the
    lights are counted and the worst municipalities chosen in SQL on the status rows."""
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



def _count_answers(response: str):
    answers = MeetingInvitation.objects.filter(meeting=OuterRef("pk"), response=response).order_by().values(
        "meeting").annotate(n=Count("pk")).values("n")[:1]
    return Subquery(answers, output_field=IntegerField())


def cohort_dashboard(*, user, programme: Programme, cohort_id: int | None = None, status: str = "",
                     page=None) -> dict:
    """The board, overdue milestones, upcoming meetings with answers, attendance and advisor workload, for one
    cohort (or all) and one traffic-light colour (or all). Board rows and attendance show one page of the
    matching municipalities; counts, overdue milestones and workload cover all of them."""
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
