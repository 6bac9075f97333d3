from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Role
from accounts.permissions import scope_of

from .models import Milestone, Participation, Programme
from .permissions import can_view_participation, can_view_programme


def programme_list_for_user(*, user) -> QuerySet[Programme]:
    scope = scope_of(user)
    return Programme.objects.filter(scope.programme_filter()).annotate(
        participation_count=Count("cohorts__participations", distinct=True)
    ).order_by("-starts_on", "name_da")


def programme_get_for_user_or_404(*, user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not can_view_programme(user, programme):
        raise Http404
    return programme


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
    return (
        Milestone.objects.filter(open_q & where)
        .select_related("programme", "participation__municipality", "owner")
        .order_by("due_on")
    )


def home_sections(*, user) -> list[dict]:
    """What the home page shows, one section per role the person holds."""
    scope = scope_of(user)
    sections = []
    programmes = list(programme_list_for_user(user=user).only("slug", "name_da", "name_en", "starts_on", "ends_on",
                                                               "status"))
    by_id = {p.pk: p for p in programmes}

    if scope.facilitator_programmes or scope.own_participation_ids or scope.is_admin:
        milestones = list(milestones_needing_attention(user=user)[:10])
        sections.append({
            "key": "milestones", "title": _("Milestones due in the next 30 days or overdue"), "milestones": milestones,
            "empty": _("Nothing is due in the next 30 days."),
        })
    if scope.is_admin or scope.facilitator_programmes:
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
    if scope.advisor_programmes:
        sections.append({
            "key": Role.ADVISOR, "title": _("Municipalities you advise"),
            "participations": list(Participation.objects.filter(pk__in=scope.advisor_participations)
                                   .select_related("municipality", "cohort__programme")),
            "empty": _("No municipality has been assigned to you yet."),
        })
    if scope.staff_municipalities:
        sections.append({
            "key": Role.STAFF, "title": _("Your municipality in programmes"),
            "participations": list(Participation.objects.filter(pk__in=scope.staff_participations)
                                   .select_related("municipality", "cohort__programme")),
            "empty": _("Your municipality does not take part in a programme yet."),
        })
    for role, ids, title, empty in (
        (Role.POLITICIAN, scope.politician_programmes, _("Programmes you follow as a politician"),
         _("You are not in a follow-group yet.")),
        (Role.OBSERVER, scope.observer_programmes, _("Programmes you observe"),
         _("You do not observe any programme yet.")),
    ):
        if ids:
            sections.append({"key": role, "title": title, "programmes": [by_id[i] for i in ids if i in by_id],
                             "empty": empty})
    return sections
