"""Links to the skills self-assessment from the programme's and the municipality's pages."""

from django import template

from workshops.permissions import can_view_skills

register = template.Library()


@register.filter
def skills_visible_to(programme, user) -> bool:
    """Whether the person may open the programme's skills page (everyone in the programme)."""
    return bool(user and user.is_authenticated) and can_view_skills(user, programme)
