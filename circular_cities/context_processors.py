from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_invite, scope_of


def navigation(request):
    """The navigation shows only what the person may use."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        scope = scope_of(user)
        items.append({"url": reverse("home"), "label": _("Home")})
        if scope.is_admin or scope.programme_ids:
            items.append({"url": reverse("programmes:list"), "label": _("Programmes")})
        if can_invite(user):
            items.append({"url": reverse("accounts:invitation-list"), "label": _("Invitations")})
        if user.is_staff:
            items.append({"url": reverse("admin:index"), "label": _("Administration")})
    return {"nav_items": items, "LANGUAGES_AVAILABLE": settings.LANGUAGES}
