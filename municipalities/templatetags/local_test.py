"""Template helpers of the local-test pages."""

from django import template

from municipalities.permissions import can_view_advisory

register = template.Library()


@register.filter
def advisory_visible_to(participation, user) -> bool:
    """Whether the local test's navigation links to the advisory page: only for the people who may open it
    (politicians and observers would get 403 there)."""
    return bool(user and user.is_authenticated) and can_view_advisory(user, participation)
