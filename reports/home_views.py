"""Each person's start page: the read side that spans every app (reports/home.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.permissions import scope_of

from .home import home_sections


@login_required
def home(request):
    """What needs the person now, for every role they hold. The sections are the person's own (their
    milestones, invitations, notifications)."""
    user = request.user
    return render(request, "home.html", {"scope": scope_of(user), "sections": home_sections(user=user)})
