"""Who may do what with a call. Applicants have no account: their access is the confirmed address kept in their
session (``applicant_email``), checked against the application's editors."""

from accounts.permissions import is_facilitator_of, scope_of

SESSION_KEY = "calls_applicant"


def can_see_call_admin(user, call) -> bool:
    """The call's management pages exist for the people of its programme (others get 404)."""
    scope = scope_of(user)
    return scope.is_admin or call.programme_id in scope.programme_ids


def can_manage_call(user, call) -> bool:
    return is_facilitator_of(user, call.programme_id)


def can_create_call(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)


def applicant_email(request, application_id: int) -> str | None:
    """The address this browser confirmed for the application, if any."""
    return (request.session.get(SESSION_KEY) or {}).get(str(application_id))


def remember_applicant(request, application_id: int, email: str) -> None:
    confirmed = dict(request.session.get(SESSION_KEY) or {})
    confirmed[str(application_id)] = email
    request.session[SESSION_KEY] = confirmed


def can_edit_application(email: str | None, application, editor_emails) -> bool:
    return bool(email) and email.lower() in {e.lower() for e in editor_emails}


def is_reviewer_of(user, review) -> bool:
    return user.is_authenticated and review.reviewer.user_id == user.pk
