"""The funder report of a programme (page, PDF, CSV, XLSX) and its open-data export (CSV, JSON).

Report: the programme's facilitators, observers, politicians and admins (``can_view_funder_report``); others
who see the programme get 403, everyone else 404. Open data: public once the programme is announced
(``can_download_open_data``); see reports/permissions.py for why."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from circular_cities.downloads import download_filename
from programmes.permissions import can_edit_programme, can_view_history

from .file_views import report_download
from .files import Kind, ReportRequest
from .funder import (
    display,
    funder_programme_or_404,
    funder_report,
    open_data_programme_or_404,
    report_charts,
    report_tables,
)
from .funder_document import SECTION_ORDER, funder_report_title


def _programme(request, slug):
    """The programme, once the person may read its funder report (403 for others who see it, 404 otherwise)."""
    return funder_programme_or_404(user=request.user, slug=slug)


def _report(request, programme):
    report = funder_report(user=request.user, programme=programme)
    return report, report_tables(report)


def _filename(programme, kind: str, extension: str) -> str:
    """``cirkulære-byer-rapport-til-bevillingsgiver-2024-01-31.pdf``: the programme's name as the reader sees it."""
    return download_filename(programme.name or programme.slug, kind, f"{timezone.localdate():%Y-%m-%d}",
                             extension=extension)


def _report_filename(programme, extension: str) -> str:
    return _filename(programme, _("Funder report"), extension)


@require_GET
@login_required
def funder_report_page(request, slug):
    programme = _programme(request, slug)
    # what _programme_head.html needs to show the programme's navigation: all that depends on the person
    can_edit, can_history = can_edit_programme(request.user, programme), can_view_history(request.user, programme)

    report, tables = _report(request, programme)
    return render(request, "reports/funder.html", {
        "programme": programme, "section": "funder", "report": report, "tables": tables,
        "sections": [tables[key] for key in SECTION_ORDER], "charts": report_charts(report),
        "key_figures": [(key, label, display(value, kind)) for key, label, value, kind in report.key_figures()],
        "can_edit": can_edit, "can_view_budget": True, "can_view_history": can_history,
    })


def _file(request, programme, kind, extension: str, *, title: str, filename: str | None = None,
          attachment: bool = True):
    return report_download(request, ReportRequest.make(kind, programme=programme, user=request.user),
                           filename=filename or _report_filename(programme, extension), title=title,
                           back_url=reverse("reports:funder", args=[programme.slug]), attachment=attachment)


@require_GET
@login_required
def funder_report_pdf(request, slug):
    programme = _programme(request, slug)
    return _file(request, programme, Kind.FUNDER_PDF, "pdf", title=funder_report_title(programme))


@require_GET
@login_required
def funder_report_csv(request, slug):
    programme = _programme(request, slug)
    return _file(request, programme, Kind.FUNDER_CSV, "csv", title=funder_report_title(programme))


@require_GET
@login_required
def funder_report_xlsx(request, slug):
    programme = _programme(request, slug)
    return _file(request, programme, Kind.FUNDER_XLSX, "xlsx", title=funder_report_title(programme))


# --- Open data (no login) -----------------------------------------------------------------------------------

def _open(response):
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _open_data_title(programme) -> str:
    return _("Open data: %(programme)s") % {"programme": programme.name}


@require_GET
def open_data_csv(request, slug):
    """One long table for programs: ``,`` and a decimal point whatever the language, with a byte-order mark so a
    spreadsheet shows æ, ø and å (CSV readers skip it); text never starts a formula (circular_cities/downloads.py).
    Built by the worker (reports/files.py)."""
    programme = open_data_programme_or_404(user=request.user, slug=slug)
    return _open(_file(request, programme, Kind.OPEN_DATA_CSV, "csv", title=_open_data_title(programme),
                       filename=_filename(programme, "open-data", "csv")))


@require_GET
def open_data_json(request, slug):
    programme = open_data_programme_or_404(user=request.user, slug=slug)
    return _open(_file(request, programme, Kind.OPEN_DATA_JSON, "json", title=_open_data_title(programme),
                       filename=_filename(programme, "open-data", "json"), attachment=False))
