from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Invitation, RoleAssignment, User
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
