"""Who may do what: a user's scope, read from the database once per request, and small predicates on it.

Every app's permissions build on :func:`scope_of`. Deny by default: a predicate
answers ``False`` unless a role in the right scope says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .models import Role, RoleAssignment


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    facilitator_programmes: frozenset[int] = frozenset()
    observer_programmes: frozenset[int] = frozenset()
    politician_programmes: frozenset[int] = frozenset()
    advisor_programmes: frozenset[int] = frozenset()
    advisor_participations: frozenset[int] = frozenset()
    staff_municipalities: frozenset[int] = frozenset()
    staff_participations: frozenset[int] = frozenset()
    staff_programmes: frozenset[int] = frozenset()
    # participations seen in full by facilitators, observers and politicians: all of their programmes
    _whole_programmes: frozenset[int] = field(default=frozenset())

    @property
    def programme_ids(self) -> frozenset[int]:
        return (self.facilitator_programmes | self.observer_programmes | self.politician_programmes
                | self.advisor_programmes | self.staff_programmes)

    @property
    def own_participation_ids(self) -> frozenset[int]:
        """Participations the user works in (as advisor or staff), not just watches."""
        return self.advisor_participations | self.staff_participations

    def participation_filter(self, prefix: str = "") -> Q:
        """A filter on Participation (or on a model via ``prefix``) for what this user may see."""
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}pk__in": self.own_participation_ids}) | Q(
            **{f"{prefix}cohort__programme_id__in": self._whole_programmes}
        )

    def programme_filter(self, prefix: str = "") -> Q:
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}pk__in": self.programme_ids})


EMPTY_SCOPE = Scope()


def active_roles(user):
    today = timezone.localdate()
    return RoleAssignment.objects.filter(user=user).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def scope_of(user) -> Scope:
    """The user's scope: two queries, computed from the database once per request (kept on the user object, which
    lives as long as the request). Never read from a cache shared between requests."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_cc_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._cc_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    """One query (a staff role names its participation, so no second query for the municipality's). A role that
    is granted, changed or ended counts from the next request on: Django loads ``request.user`` anew for each."""
    sets: dict[str, set[int]] = {k: set() for k in (
        "fac", "obs", "pol", "adv_p", "adv_part", "staff_m", "staff_part", "staff_p")}
    roles = set()
    for role, programme_id, participation_id, municipality_id, participation_programme_id in (
        active_roles(user).values_list(
            "role", "programme_id", "participation_id", "municipality_id", "participation__cohort__programme_id")
    ):
        roles.add(role)
        if role == Role.FACILITATOR:
            sets["fac"].add(programme_id)
        elif role == Role.OBSERVER:
            sets["obs"].add(programme_id)
        elif role == Role.POLITICIAN:
            sets["pol"].add(programme_id)
        elif role == Role.ADVISOR:
            sets["adv_p"].add(programme_id)
            if participation_id:
                sets["adv_part"].add(participation_id)
        elif role == Role.STAFF:
            # The team of one participation: that participation, in that programme, and nothing else there.
            # (A staff role without a participation, from before teams were per programme, opens no programme;
            # the community still counts the municipality.)
            if municipality_id:
                sets["staff_m"].add(municipality_id)
            if participation_id:
                sets["staff_part"].add(participation_id)
                sets["staff_p"].add(participation_programme_id)
    is_admin = user.is_superuser or Role.ADMIN in roles
    if is_admin:
        roles.add(Role.ADMIN)
    return Scope(
        is_admin=is_admin,
        roles=frozenset(roles),
        facilitator_programmes=frozenset(sets["fac"]),
        observer_programmes=frozenset(sets["obs"]),
        politician_programmes=frozenset(sets["pol"]),
        advisor_programmes=frozenset(sets["adv_p"]),
        advisor_participations=frozenset(sets["adv_part"]),
        staff_municipalities=frozenset(sets["staff_m"]),
        staff_participations=frozenset(sets["staff_part"]),
        staff_programmes=frozenset(sets["staff_p"]),
        _whole_programmes=frozenset(sets["fac"] | sets["obs"] | sets["pol"]),
    )


def forget_scope(user) -> None:
    """Call after changing a user's roles within a request."""
    if hasattr(user, "_cc_scope"):
        del user._cc_scope


# --- Predicates about the person -------------------------------------------------------------

def is_admin(user) -> bool:
    return scope_of(user).is_admin


def is_facilitator(user) -> bool:
    """Facilitates at least one programme (or is an admin)."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.facilitator_programmes)


def is_facilitator_of(user, programme_id: int | None) -> bool:
    scope = scope_of(user)
    return scope.is_admin or (programme_id is not None and programme_id in scope.facilitator_programmes)


def needs_mfa(user) -> bool:
    """Facilitators and admins handle many people's data: they must use a second factor."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or is_facilitator(user))


def can_invite(user) -> bool:
    return is_facilitator(user)


def can_invite_to(user, *, role: str, programme_id: int | None, participation=None) -> bool:
    """Admins invite anyone; facilitators invite into their own programmes only. Staff join the team of one
    participation, so a facilitator who enrolled a municipality invites staff for that participation alone."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if role == Role.ADMIN or not scope.facilitator_programmes:
        return False
    if participation is not None:
        return participation.cohort.programme_id in scope.facilitator_programmes and (
            programme_id is None or programme_id == participation.cohort.programme_id)
    if programme_id is None:
        return True  # nothing to check yet: the service refuses a role without its scope, with a message
    return programme_id in scope.facilitator_programmes


def can_manage_invitation(user, invitation) -> bool:
    if is_admin(user):
        return True
    return invitation.invited_by_id == user.pk or is_facilitator_of(user, invitation.programme_id)
