"""CSV and XLSX files built from sections: a title, a header row and rows of plain values.

Numbers stay numbers (``Decimal``, ``int``, ``float``): in XLSX they are real numbers a funder can sum, in CSV
they are written without grouping and with a decimal point, so every program reads them. Dates are ISO dates in
CSV and real dates in XLSX. Text meant for a spreadsheet never starts a formula (CSV/XLSX injection)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Section:
    title: str
    header: list
    rows: list = field(default_factory=list)
    money_columns: tuple = ()  # indexes shown with thousands separators in XLSX


def _plain_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_value(value, *, spreadsheet: bool = True):
    if value is None:
        return ""
    if type(value) is str:  # the common case first: most cells of a long export are text
        return _safe_text(value) if spreadsheet else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(_plain_number(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return _safe_text(text) if spreadsheet else text


def csv_bytes(sections: list[Section], *, spreadsheet: bool = True) -> bytes:
    """One section after another: its title, header and rows, a blank line between sections. A byte-order mark
    lets spreadsheet programs read Danish letters; ``spreadsheet=False`` (open data) writes text as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, section in enumerate(sections):
        if index:
            writer.writerow([])
        if section.title:
            writer.writerow([csv_value(section.title, spreadsheet=spreadsheet)])
        writer.writerow([csv_value(h, spreadsheet=spreadsheet) for h in section.header])
        for row in section.rows:
            writer.writerow([csv_value(v, spreadsheet=spreadsheet) for v in row])
    text = buffer.getvalue()
    return ("\ufeff" + text if spreadsheet else text).encode("utf-8")


def csv_response(filename: str, sections: list[Section], *, spreadsheet: bool = True) -> HttpResponse:
    response = HttpResponse(csv_bytes(sections, spreadsheet=spreadsheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def xlsx_bytes(sections: list[Section], *, title: str = "") -> bytes:
    """One worksheet per section: the header row bold and frozen, numbers as numbers, columns wide enough."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    if title:
        book.properties.title = str(title)
    used: set[str] = set()
    bold = Font(bold=True)
    for section in sections:
        sheet = book.create_sheet(sheet_title(section.title, used))
        sheet.append([str(h) for h in section.header])
        for cell in sheet[1]:
            cell.font = bold
        for row in section.rows:
            sheet.append([_xlsx_value(v) for v in row])
        widths = [len(str(h)) for h in section.header]
        for row_number, row in enumerate(section.rows, start=2):
            for column, value in enumerate(row):
                cell = sheet.cell(row=row_number, column=column + 1)
                if isinstance(value, str):
                    cell.data_type = "s"  # text is text, even when it looks like a formula
                if column in section.money_columns and isinstance(value, (int, float, Decimal)):
                    cell.number_format = "#,##0.00" if _plain_number(value) != int(value) else "#,##0"
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                if column < len(widths):
                    widths[column] = max(widths[column], min(len(str(value if value is not None else "")), 60))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = max(10, width + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return _plain_number(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, date)):
        return value
    return str(value)


def xlsx_response(filename: str, sections: list[Section], *, title: str = "") -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sections, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
