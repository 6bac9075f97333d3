"""The home page: "what needs me now", one section per role the person holds.

Every section is read with one query whatever the data: lists are cut to a few rows and carry their full
count in the same query (``COUNT(*) OVER ()``), so the page's queries do not grow with the programme.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Role
from accounts.permissions import scope_of
from calls.selectors import reviews_to_do
from municipalities.models import AdvisorySession, StageGateOutput
from municipalities.selectors import publications_waiting, stalled_participations, with_progress_status
from notifications.models import Notification
from programmes.models import Participation
from programmes.selectors import milestones_needing_attention, programme_list_for_user
from workshops.models import Meeting, MeetingInvitation
from workshops.selectors import meeting_visibility

from .dashboards import politician_glance

SHOWN = 5  # rows per list; the count says how many there are in all
MILESTONES_SHOWN = 10


def _counted(queryset, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows and the total count, in one query."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


# What the two lists of stage-gate outputs show (templates/home.html): not the programme's descriptions and search
# vector, nor the people, carried through the window count of every waiting row (bench: 6.5 → 2 ms in the database)
OUTPUT_SHOWN_FIELDS = ("participation_id", "stage", "kind", "title", "state", "submitted_at", "reviewed_at",
                       "review_comment", "participation__municipality__name",
                       "participation__cohort__programme__name_da", "participation__cohort__programme__name_en")

# The lists of municipalities (stalled, advised, the staff's own) and of publications show names, stage and day
PARTICIPATION_SHOWN_FIELDS = ("stage", "municipality__name", "cohort__programme__name_da",
                              "cohort__programme__name_en")
ENTRY_SHOWN_FIELDS = ("participation_id", "happened_on", "what_happened", "participation__municipality__name",
                      "participation__cohort__programme__name_da", "participation__cohort__programme__name_en")


def returned_stage_outputs(*, participation_ids) -> tuple[list, int]:
    """Stage-gate outputs sent back for changes and not submitted again since (a new submission of the same
    output is a new row)."""
    newer = StageGateOutput.objects.filter(participation=OuterRef("participation"), stage=OuterRef("stage"),
                                           kind=OuterRef("kind"), pk__gt=OuterRef("pk"))
    queryset = (StageGateOutput.objects.filter(participation_id__in=participation_ids,
                                               state=StageGateOutput.State.RETURNED)
                .filter(~Exists(newer))
                .select_related("participation__municipality", "participation__cohort__programme")
                .only(*OUTPUT_SHOWN_FIELDS).order_by("-reviewed_at", "-id"))
    return _counted(queryset, SHOWN)


def outputs_waiting_for_review(*, programme_ids, everywhere: bool = False) -> tuple[list, int]:
    """Stage-gate outputs submitted in the facilitator's programmes (``everywhere``: all, for admins) and not
    reviewed yet, the longest waiting first; an output submitted again counts once, as its newest version."""
    newer = StageGateOutput.objects.filter(participation=OuterRef("participation"), stage=OuterRef("stage"),
                                           kind=OuterRef("kind"), pk__gt=OuterRef("pk"))
    queryset = StageGateOutput.objects.filter(state=StageGateOutput.State.SUBMITTED).filter(~Exists(newer))
    if not everywhere:
        queryset = queryset.filter(participation__cohort__programme_id__in=programme_ids)
    queryset = (queryset.select_related("participation__municipality", "participation__cohort__programme")
                .only(*OUTPUT_SHOWN_FIELDS).order_by("submitted_at", "id"))
    return _counted(queryset, SHOWN)


def meetings_to_answer(*, user) -> tuple[list, int]:
    """Invitations to meetings ahead that the person has not answered yet."""
    queryset = (MeetingInvitation.objects.filter(user=user, response=MeetingInvitation.Response.PENDING,
                                                 meeting__starts_at__gte=timezone.now(),
                                                 meeting__status=Meeting.Status.SCHEDULED,
                                                 meeting__in=Meeting.objects.filter(meeting_visibility(user)))
                .select_related("meeting__programme")
                .only("meeting__title_da", "meeting__title_en", "meeting__starts_at", "meeting__programme__name_da",
                      "meeting__programme__name_en")
                .order_by("meeting__starts_at", "id"))
    return _counted(queryset, SHOWN)


def unread_notifications(*, user) -> tuple[list, int]:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-id")
    return _counted(queryset, SHOWN)


def next_advisory_sessions(*, user, participation_ids) -> tuple[list, int]:
    """Advisory sessions from today on, in the municipalities the person advises (or held by them)."""
    queryset = (AdvisorySession.objects.filter(held_on__gte=timezone.localdate())
                .filter(Q(participation_id__in=participation_ids) | Q(advisor=user))
                .select_related("participation__municipality")
                .only("participation_id", "held_on", "topics", "participation__municipality__name")
                .order_by("held_on", "id"))
    return _counted(queryset, SHOWN)


POLITICIAN_PROGRAMMES_SHOWN = 3  # programmes pictured on a politician's home; the others are listed by name


def politician_section(*, user, programmes: list) -> dict:
    """A politician's home is their dashboard at a glance: per programme they follow, the traffic lights of its
    municipalities and the next follow-group meeting with its decisions (reports/dashboards.py)."""
    programmes = sorted(programmes, key=lambda p: (p.status == p.Status.COMPLETED, -(p.starts_on or date.min)
                                                   .toordinal()))
    return {
        "key": Role.POLITICIAN, "title": _("Your follow-group at a glance"),
        "glances": [politician_glance(user=user, programme=p) for p in programmes[:POLITICIAN_PROGRAMMES_SHOWN]],
        "programmes": programmes[POLITICIAN_PROGRAMMES_SHOWN:],
        "empty": _("You are not in a follow-group yet."),
    }


def home_sections(*, user) -> list[dict]:
    """What the home page shows, one section per role the person holds.

    Each section is a dict with ``key``, ``title``, ``empty`` (the empty state) and one list: ``milestones``,
    ``participations``, ``programmes``, ``outputs``, ``invitations``, ``notifications``, ``sessions`` or
    ``entries`` (publications waiting for review);
    ``count`` is the full number when the list is cut short, ``more_url`` where to see them all."""
    scope = scope_of(user)
    sections = []
    programmes = list(programme_list_for_user(user=user).only("slug", "name_da", "name_en", "starts_on", "ends_on",
                                                               "status"))
    by_id = {p.pk: p for p in programmes}
    works_locally = bool(scope.staff_participations or scope.advisor_participations)

    if scope.facilitator_programmes or scope.own_participation_ids or scope.is_admin:
        milestones, count = _counted(milestones_needing_attention(user=user), MILESTONES_SHOWN)
        sections.append({
            "key": "milestones", "title": _("Milestones due in the next 30 days or overdue"), "milestones": milestones,
            "count": count, "overdue": sum(1 for m in milestones if m.is_overdue),
            "empty": _("Nothing is due in the next 30 days."),
        })
    if works_locally:
        outputs, count = returned_stage_outputs(participation_ids=scope.own_participation_ids)
        sections.append({
            "key": "returned", "title": _("Stage-gate outputs sent back for changes"), "outputs": outputs,
            "count": count, "empty": _("No output is waiting for changes."),
        })
    if scope.staff_municipalities or scope.advisor_programmes:
        invitations, count = meetings_to_answer(user=user)
        sections.append({
            "key": "meetings", "title": _("Meetings to answer"), "invitations": invitations, "count": count,
            "empty": _("You have answered every invitation to the meetings ahead."),
        })
        notifications, count = unread_notifications(user=user)
        sections.append({
            "key": "notifications", "title": _("Unread reminders and notifications"),
            "notifications": notifications, "count": count,
            "empty": _("You have read all your notifications."),
        })
    if scope.is_admin or scope.facilitator_programmes:
        outputs, count = outputs_waiting_for_review(programme_ids=scope.facilitator_programmes,
                                                    everywhere=scope.is_admin)
        sections.append({
            "key": "review", "title": _("Waiting for your review"), "outputs": outputs, "count": count,
            "empty": _("No stage-gate output is waiting for your review."),
        })
        if not any(section["key"] == "notifications" for section in sections):
            notifications, count = unread_notifications(user=user)
            sections.append({
                "key": "notifications", "title": _("Unread reminders and notifications"),
                "notifications": notifications, "count": count,
                "empty": _("You have read all your notifications."),
            })
        pending = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                            expires_at__gt=timezone.now())
        if not scope.is_admin:
            pending = pending.filter(Q(invited_by=user) | Q(programme_id__in=scope.facilitator_programmes))
        sections.append({
            "key": Role.FACILITATOR, "title": _("Programmes you facilitate"),
            "programmes": programmes if scope.is_admin else [by_id[i] for i in scope.facilitator_programmes
                                                             if i in by_id],
            "pending_invitations": pending.count(),
            "empty": _("You do not facilitate any programme yet."),
        })
        sections.append({
            "key": "stalled", "title": _("Stalled local tests"),
            "participations": list(stalled_participations(user=user).only(*PARTICIPATION_SHOWN_FIELDS)[:10]),
            "empty": _("No local test has stalled: every running test has recent progress and no overdue "
                       "milestone."),
        })
    if scope.is_admin or scope.facilitator_programmes or scope.advisor_participations:
        entries, count = _counted(publications_waiting(user=user).only(*ENTRY_SHOWN_FIELDS), SHOWN)
        sections.append({
            "key": "publications", "title": _("Publications waiting for your review"), "entries": entries,
            "count": count, "empty": _("No published progress entry is waiting for your review."),
        })
    if scope.advisor_programmes:
        advised = list(with_progress_status(Participation.objects.filter(pk__in=scope.advisor_participations)
                                            .select_related("municipality", "cohort__programme")
                                            .only(*PARTICIPATION_SHOWN_FIELDS))
                       .order_by("-is_stalled", "municipality__name", "cohort__name"))
        sections.append({
            "key": Role.ADVISOR, "title": _("Municipalities you advise"), "participations": advised,
            "count": len(advised), "stalled": sum(1 for p in advised if p.is_stalled), "show_signs": True,
            "empty": _("No municipality has been assigned to you yet."),
        })
        sessions, count = next_advisory_sessions(user=user, participation_ids=scope.advisor_participations)
        sections.append({
            "key": "sessions", "title": _("Your next advisory sessions"), "sessions": sessions, "count": count,
            "empty": _("No advisory session is planned. Plan one on the municipality's advice page."),
        })
    if scope.staff_municipalities:
        sections.append({
            "key": Role.STAFF, "title": _("Your municipality in programmes"),
            "participations": list(Participation.objects.filter(pk__in=scope.staff_participations)
                                   .select_related("municipality", "cohort__programme")
                                   .only(*PARTICIPATION_SHOWN_FIELDS)),
            "empty": _("Your municipality does not take part in a programme yet."),
        })
    if scope.politician_programmes:
        sections.append(politician_section(user=user, programmes=[by_id[i] for i in scope.politician_programmes
                                                                  if i in by_id]))
    reviews, count = _counted(reviews_to_do(user), SHOWN)
    if reviews:  # no role says who reviews applications: only the reviews themselves do
        sections.append({
            "key": "call-reviews", "title": _("Applications waiting for your assessment"), "reviews": reviews,
            "count": count, "empty": "",
        })
    for role, ids, title, empty in (
        (Role.OBSERVER, scope.observer_programmes, _("Programmes you observe"),
         _("You do not observe any programme yet.")),
    ):
        if ids:
            sections.append({"key": role, "title": title, "programmes": [by_id[i] for i in ids if i in by_id],
                             "empty": empty})
    return sections
