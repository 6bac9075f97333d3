from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_invite, scope_of
from audit.permissions import can_view_audit
from community.permissions import can_view_moderation
from community.permissions import is_member as is_community_member
from operations.mailbox import enabled as mail_page_enabled


def navigation(request):
    """The navigation shows only what the person may use."""
    user = getattr(request, "user", None)
    items = []
    moderates = False
    if user is not None and user.is_authenticated:
        scope = scope_of(user)
        items.append({"url": reverse("home"), "label": _("Home")})
        if scope.is_admin or scope.programme_ids:
            items.append({"url": reverse("programmes:list"), "label": _("Programmes")})
            items.append({"url": reverse("workshops:mine"), "label": _("Meetings")})
        if is_community_member(user):  # alumni too: membership outlives a programme
            items.append({"url": reverse("community:index"), "label": _("Community")})
            moderates = can_view_moderation(user)  # the community's own navigation links to moderation
        if scope.is_admin or scope.facilitator_programmes:  # no query: the scope is read once per request
            items.append({"url": reverse("calls:manage-list"), "label": _("Calls")})
        if can_invite(user):
            items.append({"url": reverse("accounts:invitation-list"), "label": _("Invitations")})
        if can_view_audit(user):
            items.append({"url": reverse("audit:list"), "label": _("Audit")})
        if user.is_staff:
            items.append({"url": reverse("admin:index"), "label": _("Administration")})
            if mail_page_enabled():  # the embedded run's sent e-mail (operations/mailbox.py)
                items.append({"url": reverse("mail:list"), "label": _("Sent e-mail")})
    else:
        items.append({"url": reverse("community:showcase"), "label": _("Showcase")})
        items.append({"url": reverse("calls:public-list"), "label": _("Open calls")})
    return {"nav_items": items, "nav_moderation": moderates, "LANGUAGES_AVAILABLE": settings.LANGUAGES,
            "ACCESSIBILITY_STATEMENT_URL": settings.ACCESSIBILITY_STATEMENT_URL}
