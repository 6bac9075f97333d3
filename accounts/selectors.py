from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Invitation, Role, RoleAssignment, User
from .permissions import can_manage_invitation, scope_of


def invitation_list_for_user(*, user: User) -> QuerySet[Invitation]:
    qs = Invitation.objects.select_related(
        "programme", "participation__municipality", "participation__cohort__programme", "municipality", "invited_by"
    )
    scope = scope_of(user)
    if scope.is_admin:
        return qs
    return qs.filter(Q(invited_by=user) | Q(programme_id__in=scope.facilitator_programmes))


def invitation_get_for_user_or_404(*, user: User, pk: int) -> Invitation:
    invitation = get_object_or_404(invitation_list_for_user(user=user), pk=pk)
    if not can_manage_invitation(user, invitation):
        raise Http404
    return invitation


def roles_of(*, user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related(
        "programme", "participation__municipality", "participation__cohort__programme", "municipality"
    )


# --- Team and follow-group --------------------------------------------------------------------

def _current(prefix: str = "") -> Q:
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": timezone.localdate()})


def pending_invitations(**scope) -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now(), **scope).order_by("created_at")


def team_members(*, participation) -> QuerySet[RoleAssignment]:
    """The cross-departmental team of the municipality in this programme: its current staff, by department and
    name. The municipality's team in another programme is not part of it."""
    return (RoleAssignment.objects.filter(_current(), role=Role.STAFF, participation=participation)
            .select_related("user").order_by("department", "user__full_name", "pk"))


def team_invitations(*, participation) -> QuerySet[Invitation]:
    return pending_invitations(role=Role.STAFF, participation=participation)


def team_member_get_or_404(*, participation, pk: int) -> RoleAssignment:
    """A member of this participation's team; anybody else (the same municipality's team in another
    programme included) is not found."""
    return get_object_or_404(team_members(participation=participation), pk=pk)


def follow_group_members(*, programme) -> QuerySet[RoleAssignment]:
    """The follow-group's politicians, current ones first (then upcoming, then former), each with
    ``term_state`` "current", "upcoming" or "former". Once the programme has ended, its whole follow-group is
    a former one."""
    today = timezone.localdate()
    former = Q(ends_on__lt=today)
    if programme.ends_on and programme.ends_on < today:
        former = Q(pk__isnull=False)
    return (
        RoleAssignment.objects.filter(role=Role.POLITICIAN, programme=programme)
        .select_related("user", "municipality")
        .annotate(term_state=Case(
            When(former, then=Value("former")),
            When(starts_on__gt=today, then=Value("upcoming")),
            default=Value("current"), output_field=CharField(),
        ), term_order=Case(
            When(former, then=Value(2)), When(starts_on__gt=today, then=Value(1)), default=Value(0),
            output_field=IntegerField(),
        ))
        .order_by("term_order", "municipality__name", "starts_on", "user__full_name", "pk")
    )


def follow_group_invitations(*, programme) -> QuerySet[Invitation]:
    return pending_invitations(role=Role.POLITICIAN, programme=programme).select_related("municipality")


def follow_group_member_get_or_404(*, programme, pk: int) -> RoleAssignment:
    return get_object_or_404(follow_group_members(programme=programme), pk=pk)


# --- Who to tell ------------------------------------------------------------------------------------------

def facilitators_of(*, programme_id: int | None = None) -> QuerySet[User]:
    """The active people who facilitate the programme now (``None``: any programme), for notifications."""
    roles = RoleAssignment.objects.filter(_current(), role=Role.FACILITATOR)
    if programme_id is not None:
        roles = roles.filter(programme_id=programme_id)
    return User.objects.filter(is_active=True, pk__in=roles.values("user_id")).order_by("pk")


def administrators() -> QuerySet[User]:
    """The active administrators (superusers and the admin role)."""
    admin_roles = RoleAssignment.objects.filter(_current(), role=Role.ADMIN).values("user_id")
    return User.objects.filter(Q(is_superuser=True) | Q(pk__in=admin_roles), is_active=True).order_by("pk")
