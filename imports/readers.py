"""Reading an uploaded spreadsheet into a header and rows of text, checked before anything is read.

XLSX goes through ``circular_cities.uploads.clean_document`` first (a real Office Open XML spreadsheet by its
content, no macros, inside the unpacked-size and entry limits), then openpyxl reads it in read-only mode with the
cached values of formulas (``data_only``; openpyxl parses the XML with defusedxml, which is installed). CSV is
decoded as UTF-8 (a byte-order mark is skipped) or, failing that, as Windows-1252, which Danish Excel on Windows
writes for "CSV (semikolonsepareret)"; its separator (``;`` or ``,``, also tab) is sniffed from the header row.

Every cell becomes text here, so what is kept between preview and confirm (the session) is plain JSON and the
same parsing runs on both: dates of XLSX date cells as ISO dates, numbers with a decimal comma and no grouping
(values.py reads that unambiguously).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from circular_cities.uploads import clean_document

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500  # data rows, the header not counted
MAX_COLUMNS = 30
MAX_CELL_CHARACTERS = 1000  # longer cells are cut here; the model's own limit refuses them with a message
# Rows read before giving up on a sheet that is mostly empty rows (a formatted but unused range).
MAX_SCANNED_ROWS = 5000


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number as the spreadsheet shows it, cells)

    @staticmethod
    def letter(index: int) -> str:
        return get_column_letter(index + 1)


def _refuse_too_many_rows():
    return ValidationError(_("The file has more than %(limit)s rows. Split it into smaller files.")
                           % {"limit": MAX_ROWS}, code="too_many_rows")


def _read_bytes(upload) -> bytes:
    size = getattr(upload, "size", None)
    too_large = ValidationError(_("The file is too large (%(size)s). The limit is %(limit)s.")
                                % {"size": filesizeformat(size or MAX_BYTES + 1), "limit": filesizeformat(MAX_BYTES)},
                                code="too_large")
    if size is not None and size > MAX_BYTES:
        raise too_large
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def read_spreadsheet(upload) -> Sheet:
    """The first worksheet of an XLSX file, or a CSV file: its first non-empty row as the header, then every
    non-empty row with its number. Anything else is refused with a message for the person who sent it."""
    data = _read_bytes(upload)
    name = (PurePath(getattr(upload, "name", "") or "").suffix or "").lower().lstrip(".")
    if data.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            document = clean_document(upload, max_bytes=MAX_BYTES)
        except ValidationError as error:
            if error.code in ("macros", "too_large", "empty"):
                raise
            raise _not_a_spreadsheet() from error  # a zip, but no Office file: the upload rules' own words name PDFs
        if document.extension != "xlsx":
            raise _not_a_spreadsheet()
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary Excel format (.xls)
        raise ValidationError(_("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV "
                                "and upload it again."), code="xls")
    if data.startswith(b"%PDF-") or b"\x00" in data[:4096] or name in ("xls", "xlsm", "ods", "pdf", "docx"):
        raise _not_a_spreadsheet()
    return _read_csv(data)


def _not_a_spreadsheet():
    return ValidationError(_("This is not a spreadsheet we can read. Upload an Excel workbook (.xlsx) or a CSV "
                             "file."), code="not_a_spreadsheet")


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(number.quantize(Decimal(1)))
        return format(number.normalize(), "f").replace(".", ",")  # no grouping, decimal comma: see values.py
    return str(value)[:MAX_CELL_CHARACTERS].strip()


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    """openpyxl pads every row to ``max_col``; the header and rows end where their last filled cell does."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    unreadable = ValidationError(_("The spreadsheet could not be read. Open it in Excel, save it again as .xlsx and "
                                   "upload the new file."), code="unreadable")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file (KeyError, ValueError, zip errors…)
        raise unreadable from error
    try:
        sheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
        if not sheets:
            raise _not_a_spreadsheet()
        rows = ((number, _without_trailing_blanks([_xlsx_cell(value) for value in values]))
                for number, values in enumerate(sheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS),
                                                start=1))
        return _collect(rows)
    except ValidationError:
        raise
    except Exception as error:  # broken XML inside a sound archive shows only while the rows are read
        raise unreadable from error
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The separator the header row uses most (headers hold no commas or semicolons of their own); the csv
    module's sniffer decides a file whose header has none."""
    first = next((line for line in text[:8192].splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in ";,\t"}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=";,\t").delimiter
    except csv.Error:
        return ","


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = ((number, [cell[:MAX_CELL_CHARACTERS].strip() for cell in cells[:MAX_COLUMNS]])
                for number, cells in enumerate(reader, start=1))
        return _collect(rows)
    except csv.Error as error:
        raise ValidationError(_("The CSV file could not be read: %(reason)s") % {"reason": error},
                              code="unreadable") from error


def _collect(rows) -> Sheet:
    sheet = None
    for number, cells in rows:
        if number > MAX_SCANNED_ROWS + MAX_ROWS:
            break
        if not any(cells):
            continue
        if sheet is None:
            sheet = Sheet(header=cells)
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise _refuse_too_many_rows()
        sheet.rows.append((number, cells))
    if sheet is None:
        raise ValidationError(_("The file has no rows."), code="empty")
    return sheet
