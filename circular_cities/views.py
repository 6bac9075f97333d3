import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.permissions import is_admin, scope_of
from circular_cities.home import home_sections
from operations import health as health_checks


@login_required
def home(request):
    """Each person's start page: what needs them now, for every role they hold. The sections are the
    person's own (their milestones, invitations, notifications)."""
    user = request.user
    return render(request, "home.html", {"scope": scope_of(user), "sections": home_sections(user=user)})


@never_cache
def health(request):
    """For load balancers and compose health checks: the database answers (one query, no session).

    ``?detail=1`` adds database, cache, Celery broker and queue length, and beat (operations/health.py) for
    monitoring. It shows internals, so it needs ``Authorization: Bearer <HEALTH_TOKEN>`` or a signed-in admin.
    Either answer is 503 when something failed."""
    if not request.GET.get("detail"):
        if not health_checks.database_answers():
            return JsonResponse({"status": "fail"}, status=503)
        return JsonResponse({"status": "ok"})
    token = settings.HEALTH_TOKEN
    scheme, _space, offered = request.headers.get("Authorization", "").partition(" ")
    offered = offered.strip() if scheme == "Bearer" else ""
    if not ((token and offered and secrets.compare_digest(offered, token)) or is_admin(request.user)):
        return JsonResponse({"status": "forbidden", "detail": "Send Authorization: Bearer <HEALTH_TOKEN>."},
                            status=403)
    report, healthy = health_checks.detailed_health()
    return JsonResponse(report, status=200 if healthy else 503)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the error may be the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render({"request": request}))
