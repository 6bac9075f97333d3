"""Who may read the audit trail: facilitators (their programmes' records) and admins (everything)."""

from accounts.permissions import scope_of


def can_view_audit(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.facilitator_programmes)
