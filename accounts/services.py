"""Every write about people: invitations, accounts and roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, RoleAssignment, User
from .permissions import forget_scope


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
    position: str = "", valid_days: int | None = None, starts_on=None, ends_on=None,
) -> tuple[Invitation, str]:
    """Create an invitation and send its link by e-mail once the transaction commits.

    Returns the invitation and the raw token (only its hash is stored)."""
    if participation is not None and programme is None:
        programme = participation.cohort.programme
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email.strip().lower(), full_name=full_name.strip(), language=language, role=role,
        programme=programme, participation=participation, municipality=municipality,
        department=department, responsibility=responsibility, position=position,
        starts_on=starts_on, ends_on=ends_on, invited_by=invited_by, token_hash=hash_token(token),
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
    role_assign(
        user=user, role=invitation.role, programme=invitation.programme, participation=invitation.participation,
        municipality=invitation.municipality, department=invitation.department,
        responsibility=invitation.responsibility, position=invitation.position,
        starts_on=invitation.starts_on, ends_on=invitation.ends_on,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
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
