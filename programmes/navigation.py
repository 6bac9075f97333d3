"""What every programme page shows around its content, wherever the page lives (programmes/ or reports/)."""

from .permissions import can_edit_programme, can_view_budget, can_view_history


def programme_page_context(user, programme, section: str) -> dict:
    """The programme's sub-navigation (``section`` is the current tab) and the booleans that decide which
    actions appear."""
    return {
        "programme": programme,
        "section": section,
        "can_edit": can_edit_programme(user, programme),
        "can_view_budget": can_view_budget(user, programme),
        "can_view_history": can_view_history(user, programme),
    }
