"""The funder report and the open data as files: what the background task writes (reports/files.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.display import format_dkk

from .funder import display
from .pdf import PAGE_WIDTH, PdfDocument
from .tabular import Section

SECTION_ORDER = ("budget", "stages", "municipalities", "solution_models", "partners", "skills", "indicators")


def funder_report_title(programme) -> str:
    """The title of the funder report (the page's downloads, the PDF and the XLSX file), in the active language."""
    return _("Funder report: %(programme)s") % {"programme": programme.name}


def funder_sections(tables) -> list[Section]:
    """The report's tables as sections of a CSV or XLSX file (the footer row last)."""
    sections = []
    for key in ("key", *SECTION_ORDER):
        table = tables[key]
        rows = list(table.rows) + ([table.footer] if table.footer is not None else [])
        sections.append(Section(title=table.title, header=[c.label for c in table.columns], rows=rows,
                                money_columns=tuple(i for i, c in enumerate(table.columns) if c.kind == "money")))
    return sections


def funder_pdf(programme, report, tables) -> bytes:
    """The funder report as a PDF: key figures, then each section with its chart and table."""
    period = " – ".join(f"{day:%d.%m.%Y}" for day in (programme.starts_on, programme.ends_on) if day)
    document = PdfDocument(
        title=funder_report_title(programme),
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



# --- Open data ------------------------------------------------------------------------------------------

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
