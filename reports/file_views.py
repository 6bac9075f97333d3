"""Serving report files: the stored file when it is ready, a "being prepared" page (polled with htmx) until then.

The views that call :func:`report_download` have already decided, from the database, that the person may have
the report; this module only finds or asks for the file (reports/files.py) and answers."""

from __future__ import annotations

import gzip
import json

from django.http import FileResponse, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from circular_cities.downloads import name_download

from .files import CONTENT_TYPES, ReportRequest, report_file_for
from .models import ReportFile

POLL_SECONDS = 2


def _etag(report: ReportFile) -> str:
    return f'"{report.key}"'


def _accepts_gzip(request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def serve_report_file(request, report: ReportFile, *, filename: str, attachment: bool = True) -> HttpResponse:
    """The stored file, with its key as ETag (a repeated download answers 304) and, for text, gzip when the
    client takes it."""
    etag = _etag(report)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    stored = report.file.open("rb")
    if report.compressed and _accepts_gzip(request):
        response = FileResponse(stored, content_type=CONTENT_TYPES[report.kind])
        response["Content-Encoding"] = "gzip"
    elif report.compressed:
        response = FileResponse(gzip.GzipFile(fileobj=stored, mode="rb"), content_type=CONTENT_TYPES[report.kind])
    else:
        response = FileResponse(stored, content_type=CONTENT_TYPES[report.kind])
    if report.compressed:
        patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # kept by the browser, but asked again (304) every time
    return name_download(response, filename, attachment=attachment)


def report_download(request, report_request: ReportRequest, *, filename: str, title: str, back_url: str,
                    attachment: bool = True) -> HttpResponse:
    """The file if it is ready; otherwise the "being prepared" page, or (to its htmx poll) the status part of
    it, which sends the browser to the file as soon as it is there."""
    report = report_file_for(report_request, user=request.user, retry=request.GET.get("retry") == "1")
    if report.is_ready and not request.htmx:
        return serve_report_file(request, report, filename=filename, attachment=attachment)
    context = {"report": report, "title": title, "back_url": back_url, "file_url": request.path,
               "poll_seconds": POLL_SECONDS}
    if request.htmx:
        response = TemplateResponse(request, "reports/preparing.html#status", context)
        if report.is_ready:
            response["HX-Trigger"] = json.dumps({"report-ready": {"url": request.path}})
        return response
    return TemplateResponse(request, "reports/preparing.html", context, status=202)
