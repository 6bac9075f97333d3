"""Every write about people: invitations, accounts and roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, Role, RoleAssignment, User
from .permissions import forget_scope
from .signals import invitation_accepted


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationUnusable(Exception):
    """The link cannot be used: ``reason`` is one of Invitation.State (not pending)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def invitation_create(
    *, email: str, role: str, invited_by: User | None, full_name: str = "", language: str = "da",
    programme=None, participation=None, municipality=None, department: str = "", responsibility: str = "",
    position: str = "", valid_days: int | None = None, starts_on=None, ends_on=None, purpose: str = "",
    next_url: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation and send its link by e-mail once the transaction commits. ``next_url``: the page of
    this site the person lands on after accepting (else the home page).

    Returns the invitation and the raw token (only its hash is stored)."""
    if participation is not None and programme is None:
        programme = participation.cohort.programme
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email.strip().lower(), full_name=full_name.strip(), language=language, role=role,
        programme=programme, participation=participation, municipality=municipality,
        department=department, responsibility=responsibility, position=position,
        starts_on=starts_on, ends_on=ends_on, invited_by=invited_by, token_hash=hash_token(token),
        purpose=purpose.strip(), next_url=next_url.strip(),
        expires_at=timezone.now() + timedelta(days=valid_days or settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    from .tasks import send_invitation_email_task

    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.pk, token))
    return invitation, token


def invitation_get_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("programme", "participation__municipality", "municipality", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.state != Invitation.State.PENDING:
        raise InvitationUnusable(invitation.state)


@transaction.atomic
def invitation_accept(*, token: str, full_name: str = "", password: str | None = None,
                      user: User | None = None) -> User:
    """Use an invitation once: create the account (or take the signed-in one) and grant the role.

    A new account's e-mail counts as verified: the person proved it by opening the link."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    invitation_check_usable(invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this e-mail address already exists. Log in to accept."))
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name,
                    language=invitation.language)
        user.set_password(password)
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    if invitation.role:
        role_assign(
            user=user, role=invitation.role, programme=invitation.programme,
            participation=invitation.participation, municipality=invitation.municipality,
            department=invitation.department, responsibility=invitation.responsibility,
            position=invitation.position, starts_on=invitation.starts_on, ends_on=invitation.ends_on,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Inside the transaction: what another app grants for this invitation (a call's reviewer) lands with it or
    # not at all.
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> tuple[Invitation, str]:
    """A new link with a new expiry; the old link stops working."""
    if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.REVOKED):
        raise ValidationError(_("Only waiting or expired invitations can be sent again."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    from .tasks import send_invitation_email_task

    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.pk, token))
    return invitation, token


@transaction.atomic
def role_assign(*, user: User, role: str, programme=None, participation=None, municipality=None,
                department: str = "", responsibility: str = "", position: str = "",
                starts_on=None, ends_on=None) -> RoleAssignment:
    """Grant a role in a scope. Granting the same role in the same scope again changes nothing."""
    if participation is not None and programme is None:
        programme = participation.cohort.programme
    if role == Role.STAFF and participation is not None:
        municipality = participation.municipality  # the team of a participation: see RoleScopeFields.clean
    existing = RoleAssignment.objects.filter(
        user=user, role=role, programme=programme, participation=participation, municipality=municipality
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment(
        user=user, role=role, programme=programme, participation=participation, municipality=municipality,
        department=department, responsibility=responsibility, position=position,
        starts_on=starts_on, ends_on=ends_on,
    )
    assignment.full_clean()
    assignment.save()
    forget_scope(user)
    return assignment


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# --- The cross-departmental team of a municipality in a programme ------------------------------
# Team members are staff role assignments of one participation (department, responsibility). The team of the
# same municipality in another programme is another team: nothing here reaches it.

def _active(queryset):
    today = timezone.localdate()
    return queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _pending_invitations(**scope):
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now(), **scope)


@transaction.atomic
def team_member_invite(*, participation, email: str, full_name: str, department: str, responsibility: str = "",
                       language: str = "da", invited_by: User) -> tuple[Invitation, str]:
    """Invite a person to the team of the municipality in this programme; they get the staff role of this
    participation (and no other) when they accept."""
    email = email.strip().lower()
    municipality = participation.municipality
    if not department.strip():
        raise ValidationError({"department": _("Give the department the person works in.")})
    earlier = RoleAssignment.objects.filter(role=Role.STAFF, participation=participation, user__email__iexact=email)
    if _active(earlier).exists():
        raise ValidationError({"email": _("%(email)s is already on the team of %(municipality)s.") % {
            "email": email, "municipality": municipality}})
    if earlier.exists():  # accepting would find the ended role and grant nothing
        raise ValidationError({"email": _(
            "%(email)s had a staff role in %(municipality)s that has ended. An administrator must remove the "
            "old role before the person can be invited again.") % {"email": email, "municipality": municipality}})
    if _pending_invitations(role=Role.STAFF, participation=participation, email__iexact=email).exists():
        raise ValidationError({"email": _("An invitation to %(email)s is already waiting for an answer.") % {
            "email": email}})
    return invitation_create(email=email, full_name=full_name, language=language, role=Role.STAFF,
                             participation=participation, department=department.strip(),
                             responsibility=responsibility.strip(), invited_by=invited_by)


def _check_on_team(member: RoleAssignment, participation) -> None:
    """A team edit reaches only the team it was asked for (views find the member in that team already)."""
    if participation is not None and (member.role != Role.STAFF or member.participation_id != participation.pk):
        raise ValidationError(_("This person is not on the team of %(municipality)s in this programme.") % {
            "municipality": participation.municipality})


@transaction.atomic
def team_member_update(*, member: RoleAssignment, department: str, responsibility: str,
                       participation=None) -> RoleAssignment:
    _check_on_team(member, participation)
    values = {"department": department.strip(), "responsibility": responsibility.strip()}
    if not values["department"]:
        raise ValidationError({"department": _("Give the department the person works in.")})
    if all(getattr(member, name) == value for name, value in values.items()):
        return member
    for name, value in values.items():
        setattr(member, name, value)
    member.full_clean()
    member.save(update_fields=list(values))
    return member


@transaction.atomic
def team_member_remove(*, member: RoleAssignment, by: User, participation=None) -> None:
    """Take a person off the team: the staff role of this participation is deleted, so their access to it ends
    at once (a place on the municipality's team in another programme stays).

    The audit history keeps who was on the team, who removed them and when."""
    _check_on_team(member, participation)
    if member.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself from the team. Ask a colleague or a facilitator."))
    member.delete()
    forget_scope(member.user)


# --- The political follow-group of a programme --------------------------------------------------
# Members are politician role assignments (programme, municipality, position, term from/to).

def _check_politician(*, programme, municipality, position: str, starts_on, ends_on) -> None:
    from programmes.models import Participation

    errors = {}
    if not position.strip():
        errors["position"] = _("Give the politician's position, e.g. chair of the technical committee.")
    if municipality is None:
        errors["municipality"] = _("Choose the municipality the politician represents.")
    elif not Participation.objects.filter(cohort__programme=programme, municipality=municipality).exists():
        errors["municipality"] = _("%(municipality)s does not take part in %(programme)s.") % {
            "municipality": municipality, "programme": programme}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def politician_invite(*, programme, email: str, full_name: str, municipality, position: str, starts_on=None,
                      ends_on=None, language: str = "da", invited_by: User) -> tuple[Invitation, str]:
    """Invite a politician to the follow-group; the term travels with the invitation to the role."""
    email = email.strip().lower()
    _check_politician(programme=programme, municipality=municipality, position=position, starts_on=starts_on,
                      ends_on=ends_on)
    earlier = RoleAssignment.objects.filter(role=Role.POLITICIAN, programme=programme, user__email__iexact=email)
    if _active(earlier).exists():
        raise ValidationError({"email": _("%(email)s is already in the follow-group of %(programme)s.") % {
            "email": email, "programme": programme}})
    if earlier.exists():  # e.g. re-elected: the old membership gets a new term instead of a second one
        raise ValidationError({"email": _(
            "%(email)s has been in the follow-group before. Change the term of the existing membership "
            "instead.") % {"email": email}})
    if _pending_invitations(role=Role.POLITICIAN, programme=programme, email__iexact=email).exists():
        raise ValidationError({"email": _("An invitation to %(email)s is already waiting for an answer.") % {
            "email": email}})
    return invitation_create(email=email, full_name=full_name, language=language, role=Role.POLITICIAN,
                             programme=programme, municipality=municipality, position=position.strip(),
                             starts_on=starts_on, ends_on=ends_on, invited_by=invited_by)


@transaction.atomic
def politician_update(*, member: RoleAssignment, municipality, position: str, starts_on, ends_on) -> RoleAssignment:
    _check_politician(programme=member.programme, municipality=municipality, position=position,
                      starts_on=starts_on, ends_on=ends_on)
    values = {"municipality": municipality, "position": position.strip(), "starts_on": starts_on,
              "ends_on": ends_on}
    if all(getattr(member, name) == value for name, value in values.items()):
        return member
    for name, value in values.items():
        setattr(member, name, value)
    member.full_clean()
    member.save(update_fields=list(values))
    forget_scope(member.user)
    return member


@transaction.atomic
def politician_end(*, member: RoleAssignment, ends_on=None) -> RoleAssignment:
    """End a politician's membership of the follow-group (today unless a day is given).

    The membership stays on the list as a former one; read access ends after that day."""
    ends_on = ends_on or timezone.localdate()
    if member.ends_on is not None and member.ends_on <= ends_on:
        return member  # already ended
    if member.starts_on and ends_on < member.starts_on:
        raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
    member.ends_on = ends_on
    member.full_clean()
    member.save(update_fields=["ends_on"])
    forget_scope(member.user)
    return member
