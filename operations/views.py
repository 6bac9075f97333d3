"""The health check for load balancers and monitoring (operations/health.py), and the sent-mail page of the
embedded run (operations/mailbox.py)."""

import re
import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.permissions import is_admin

from . import health as health_checks
from . import mailbox


@never_cache
def health(request):
    """For load balancers and compose health checks: the database answers (one query, no session).

    ``?detail=1`` adds database, cache, Celery broker and queue length, beat and the worker's heartbeat
    (operations/health.py) for monitoring. It shows internals, so it needs ``Authorization: Bearer
    <HEALTH_TOKEN>`` or a signed-in admin. Either answer is 503 when something failed."""
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


# --- Sent e-mail of the embedded run (operations/mailbox.py) -------------------------------------------------

def _mail_page_allowed(request) -> bool:
    """Embedded run only, and only for staff (the admin login): anyone else gets the same 404 as for a page that
    does not exist, in production for everyone."""
    return mailbox.enabled() and request.user.is_authenticated and request.user.is_active and request.user.is_staff


def _sent_mail_or_404(request, key: str):
    if not _mail_page_allowed(request):
        raise Http404
    message = mailbox.sent_mail_get(key)
    if message is None:
        raise Http404
    return message


@never_cache
def mail_list(request):
    if not _mail_page_allowed(request):
        raise Http404
    page = Paginator(mailbox.sent_mail(), 50).get_page(request.GET.get("page"))
    return render(request, "operations/mail_list.html", {"page": page, "folder": mailbox.mail_dir()})


@never_cache
def mail_detail(request, key: str):
    message = _sent_mail_or_404(request, key)
    return render(request, "operations/mail_detail.html", {"mail": message, "text": message.text(),
                                                           "has_html": bool(message.html())})


@never_cache
@xframe_options_sameorigin
def mail_html(request, key: str):
    """The HTML part on its own, for the sandboxed frame of the mail page: no scripts, no forms, links open in
    a new tab (the mail's links point to SITE_URL, i.e. this embedded run)."""
    message = _sent_mail_or_404(request, key)
    html = message.html()
    if not html:
        raise Http404
    base = '<base target="_blank">'
    html = re.sub(r"(<head[^>]*>)", r"\1" + base, html, count=1, flags=re.IGNORECASE) if re.search(
        r"<head[^>]*>", html, flags=re.IGNORECASE) else base + html
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: "
                                           "http: https:; frame-ancestors 'self'; sandbox allow-popups "
                                           "allow-popups-to-escape-sandbox")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def mail_attachment(request, key: str, number: int):
    message = _sent_mail_or_404(request, key)
    part = message.attachment_part(number)
    if part is None:
        raise Http404
    filename = part.get_filename() or f"attachment-{number}"
    response = HttpResponse(part.get_payload(decode=True) or b"", content_type=part.get_content_type())
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
