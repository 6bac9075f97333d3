"""Example files, made on the fly from the same column definitions the reader uses (kinds.py), so an example's
headers are always ones the import understands, in the language asked for. Generating them costs a few
milliseconds and keeps no second copy of the headers in static files that could drift from the code."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from circular_cities.downloads import CsvFormat, download_filename

from .kinds import AMOUNT, DATE, KINDS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def example_filename(kind: str, language: str, extension: str) -> str:
    with translation.override(language):
        return download_filename(translation.gettext("example"), KINDS[kind].title, extension=extension)


def _headers(kind, language: str) -> list[str]:
    with translation.override(language):
        return [str(column.label) for column in kind.columns]


def example_xlsx(kind_key: str, language: str) -> bytes:
    kind = KINDS[kind_key]
    workbook = Workbook()
    sheet = workbook.active
    with translation.override(language):
        sheet.title = str(kind.title)[:31]
    sheet.append(_headers(kind, language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in kind.example_rows(language):
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in values])
    for index, column in enumerate(kind.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(str(sheet.cell(row=1, column=index).value)) + 4)
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row=row, column=index)
            if column.kind == DATE:
                cell.number_format = "DD.MM.YYYY" if language == "da" else "YYYY-MM-DD"
            elif column.kind == AMOUNT:
                cell.number_format = "#,##0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def example_csv(kind_key: str, language: str) -> bytes:
    """Danish: ``;`` between cells, dates as 15.03.2022 and a decimal comma, as Danish Excel writes them;
    English: ``,``, ISO dates and a decimal point."""
    kind = KINDS[kind_key]
    csv_format = CsvFormat.for_language(language)
    rows = [_headers(kind, language)]
    for values in kind.example_rows(language):
        rows.append([f"{value:%d.%m.%Y}" if isinstance(value, date) and language == "da" else value
                     for value in values])
    return csv_format.encoded(rows)
