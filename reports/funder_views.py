"""The funder report of a programme (page, PDF, CSV, XLSX) and its open-data export (CSV, JSON).

Report: the programme's facilitators, observers, politicians and admins (``can_view_funder_report``); others
who see the programme get 403, everyone else 404. Open data: public once the programme is announced
(``can_download_open_data``); see reports/permissions.py for why."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from circular_cities.downloads import CSV_TYPE, MACHINE, download_filename, download_response
from programmes.display import format_dkk
from programmes.permissions import can_edit_programme, can_view_history

from .funder import (
    display,
    funder_programme_or_404,
    funder_report,
    open_data,
    open_data_programme_or_404,
    report_charts,
    report_tables,
)
from .pdf import PAGE_WIDTH, PdfDocument
from .tabular import XLSX_TYPE, Section, csv_bytes, xlsx_bytes

SECTION_ORDER = ("budget", "stages", "municipalities", "solution_models", "partners", "skills", "indicators")


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


def _sections(tables) -> list[Section]:
    sections = []
    for key in ("key", *SECTION_ORDER):
        table = tables[key]
        rows = list(table.rows) + ([table.footer] if table.footer is not None else [])
        sections.append(Section(title=table.title, header=[c.label for c in table.columns], rows=rows,
                                money_columns=tuple(i for i, c in enumerate(table.columns) if c.kind == "money")))
    return sections


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


def _pdf(request, programme) -> bytes:
    report, tables = _report(request, programme)
    period = " – ".join(f"{day:%d.%m.%Y}" for day in (programme.starts_on, programme.ends_on) if day)
    document = PdfDocument(
        title=_("Funder report: %(programme)s") % {"programme": programme.name},
        subtitle=_("%(period)s · made %(date)s · published results only") % {
            "period": period, "date": timezone.localdate().strftime("%d.%m.%Y")})
    if programme.is_demo:
        document.paragraph(_("Demo data: parts of this programme are invented for demonstration."), muted=True)
    document.heading(tables["key"].title)
    document.key_values([(label, display(value, kind)) for _key, label, value, kind in report.key_figures()])
    charts = {
        "budget": ([(line.code, line.spent_dkk, line.allocated_dkk) for line in report.budget.lines], format_dkk,
                   _("Dark bar: spent. Light bar behind it: allocated.")),
        "stages": ([(s.label, s.count) for s in report.stages], lambda v: display(v, "int"), ""),
        "partners": ([(s.label, s.organisations) for s in report.partners], lambda v: display(v, "int"),
                     _("Partner organisations per sector.")),
        "indicators": ([(f"{r.municipality}: {r.name}", max(r.progress_percent, 0), 100) for r in report.indicators
                        if r.progress_percent is not None], lambda v: display(v, "percent"),
                       _("Per cent of the way from baseline to target; the light bar is 100 %.")),
    }
    for key in SECTION_ORDER:
        table = tables[key]
        document.heading(table.title)
        document.paragraph(table.summary)
        if key in charts and charts[key][0]:
            items, value_format, caption = charts[key]
            document.bar_chart(items, caption=caption, value_format=value_format)
        rows = [[text for text, _raw in row] for row in table.display_rows]
        if table.display_footer is not None and rows:
            rows.append([text for text, _raw in table.display_footer])
        document.table([c.label for c in table.columns], rows, numeric_columns=table.numeric_columns,
                       col_widths=table.widths(PAGE_WIDTH), empty=table.empty)
    return document.render()


@require_GET
@login_required
def funder_report_pdf(request, slug):
    programme = _programme(request, slug)
    content = _pdf(request, programme)
    return download_response(content, filename=_report_filename(programme, "pdf"), content_type="application/pdf")


@require_GET
@login_required
def funder_report_csv(request, slug):
    programme = _programme(request, slug)
    content = csv_bytes(_sections(_report(request, programme)[1]))
    return download_response(content, filename=_report_filename(programme, "csv"), content_type=CSV_TYPE)


@require_GET
@login_required
def funder_report_xlsx(request, slug):
    programme = _programme(request, slug)

    def build():
        return xlsx_bytes(_sections(_report(request, programme)[1]),
                          title=_("Funder report: %(programme)s") % {"programme": programme.name})

    return download_response(build(), filename=_report_filename(programme, "xlsx"),
                             content_type=XLSX_TYPE)


# --- Open data (no login) -----------------------------------------------------------------------------------

OPEN_DATA_CSV_COLUMNS = ["record", "municipality_code", "municipality", "cohort", "date", "stage", "status",
                         "indicator", "unit", "value", "baseline", "target", "sector", "title", "what_happened",
                         "learnings"]


def open_data_rows(data: dict) -> list[list]:
    """The open data as one long table: a ``record`` column says what each row is."""
    names = {m["code"]: m["name"] for m in data["municipalities"]}
    columns = OPEN_DATA_CSV_COLUMNS

    def row(**values):
        return [values.get(column) for column in columns]

    rows = [row(record="municipality", municipality_code=m["code"], municipality=m["name"], cohort=m["cohort"],
                stage=m["stage"], value=m["published_progress_entries"]) for m in data["municipalities"]]
    rows += [row(record="progress_entry", municipality_code=e["municipality_code"],
                 municipality=names.get(e["municipality_code"]), date=e["date"], status=e["status"],
                 what_happened=e["what_happened"], learnings=e["learnings"]) for e in data["progress_entries"]]
    for indicator in data["indicators"]:
        common = {"municipality_code": indicator["municipality_code"],
                  "municipality": names.get(indicator["municipality_code"]), "indicator": indicator["name"],
                  "unit": indicator["unit"], "baseline": indicator["baseline"], "target": indicator["target"]}
        rows += [row(record="measurement", date=m["date"], value=m["value"], **common)
                 for m in indicator["measurements"]]
    rows += [row(record="partners_by_sector", sector=p["sector"], value=p["organisations"])
             for p in data["partners_by_sector"]]
    rows += [row(record="solution_model", municipality_code=s["municipality_code"],
                 municipality=names.get(s["municipality_code"]), title=s["title_da"], value=s["adoptions"])
             for s in data["solution_models"]]
    return rows


def _open(response):
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def open_data_csv(request, slug):
    """One long table for programs: ``,`` and a decimal point whatever the language, with a byte-order mark so a
    spreadsheet shows æ, ø and å (CSV readers skip it); text never starts a formula (circular_cities/downloads.py)."""
    programme = open_data_programme_or_404(user=request.user, slug=slug)

    def build():
        section = Section(title="", header=OPEN_DATA_CSV_COLUMNS, rows=open_data_rows(open_data(programme=programme)))
        return csv_bytes([section], csv_format=MACHINE)

    content = build()
    return _open(download_response(content, filename=_filename(programme, "open-data", "csv"), content_type=CSV_TYPE))


@require_GET
def open_data_json(request, slug):
    programme = open_data_programme_or_404(user=request.user, slug=slug)

    def build():
        return json.dumps(open_data(programme=programme), cls=DjangoJSONEncoder, ensure_ascii=False,
                          indent=2).encode("utf-8")

    return _open(download_response(build(),
                                   filename=_filename(programme, "open-data", "json"),
                                   content_type="application/json", attachment=False))
