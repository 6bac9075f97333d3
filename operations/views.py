"""The health check for load balancers and monitoring (operations/health.py)."""

import secrets

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from accounts.permissions import is_admin

from . import health as health_checks


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
