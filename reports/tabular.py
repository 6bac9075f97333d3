"""CSV and XLSX files built from sections: a title, a header row and rows of plain values.

Numbers stay numbers (``Decimal``, ``int``, ``float``): in XLSX they are real numbers a funder can sum, in CSV
they are written without grouping, with the decimal mark of the file's format (circular_cities/downloads.py:
Danish ``;`` and decimal comma, English ``,`` and decimal point, open data always the latter). Dates are ISO
dates in CSV and real dates in XLSX. Text never starts a formula in either (CSV/XLSX injection)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse

from circular_cities.downloads import CSV_TYPE, FORMULA_START, CsvFormat, download_response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_LENGTH = 31  # Excel's limit


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


def _section_rows(sections: list[Section]):
    for index, section in enumerate(sections):
        if index:
            yield []
        if section.title:
            yield [section.title]
        yield section.header
        yield from section.rows


def csv_bytes(sections: list[Section], *, csv_format: CsvFormat | None = None) -> bytes:
    """One section after another: its title, header and rows, a blank line between sections, in the format of
    the active language unless ``csv_format`` says otherwise."""
    return (csv_format or CsvFormat.for_language()).encoded(_section_rows(sections))


def csv_response(filename: str, sections: list[Section], *, csv_format: CsvFormat | None = None) -> HttpResponse:
    return download_response(csv_bytes(sections, csv_format=csv_format), filename=filename, content_type=CSV_TYPE)


def _shorten_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut after the last whole word that fits (one long word is cut)."""
    if len(text) <= limit:
        return text
    if text[limit] == " ":  # the last word fits exactly
        return text[:limit].rstrip()
    space = text[:limit].rfind(" ")
    shortened = text[:space] if space > 0 else text[:limit]
    return shortened.rstrip(" ,;–-") or text[:limit]


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, cut between words, none of []:*?/\\, and not
    starting or ending with an apostrophe (Excel refuses those)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", str(title))
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Sheet"
    name, number = _shorten_at_word(base, SHEET_TITLE_LENGTH), 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = _shorten_at_word(base, SHEET_TITLE_LENGTH - len(suffix)) + suffix, number + 1
    used.add(name.lower())
    return name


def _text_cell(cell) -> None:
    """Text is text, even when it looks like a formula: a string cell, marked as quoted (as typing ' first in
    Excel does), so editing it later does not turn it into a formula either."""
    cell.data_type = "s"
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True


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
            _text_cell(cell)
        for row in section.rows:
            sheet.append([_xlsx_value(v) for v in row])
        widths = [len(str(h)) for h in section.header]
        for row_number, row in enumerate(section.rows, start=2):
            for column, value in enumerate(row):
                cell = sheet.cell(row=row_number, column=column + 1)
                if isinstance(value, str) or (value is not None and not isinstance(
                        value, (bool, int, float, Decimal, date))):
                    _text_cell(cell)
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
    return download_response(xlsx_bytes(sections, title=title), filename=filename, content_type=XLSX_TYPE)
