"""Files the platform hands out: their names (RFC 6266) and the CSV they are written as.

Every download (CSV, XLSX, PDF, ICS, personal data, uploaded files) names itself with
``content_disposition``: ``filename*`` keeps æ, ø and å (RFC 6266 / RFC 8187), and a plain ASCII
``filename`` beside it serves the few clients that do not read ``filename*``. Django's
``content_disposition_header`` writes only one of the two, so the fallback is added here.

Every CSV is written with ``CsvFormat``:

- text a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return: CSV/formula injection, OWASP) gets a leading apostrophe, as spreadsheets themselves do;
- a UTF-8 byte-order mark, so Excel reads æ, ø and å instead of guessing a Windows code page;
- the separator and decimal mark of the reader's language: Danish Excel expects ``;`` between cells and a
  decimal comma (a ``,``-separated file opens in one column there); English gets ``,`` and a decimal point.
  Files for machines (open data) use ``MACHINE`` — ``,`` and a decimal point whatever the language — and still
  start with the byte-order mark, which CSV readers (Python's ``utf-8-sig``, pandas, R) skip.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import get_language

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# Danish letters have no decomposition in Unicode: the ASCII fallback spells them as Danes do without them.
DANISH_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


# --- File names -----------------------------------------------------------------------------------------------

def download_filename(*parts, extension: str) -> str:
    """``"Cirkulære byer", "rapport", date`` → ``cirkulære-byer-rapport-2024-01-31.csv``: each part slugified
    with its letters kept (æøå stay), empty parts left out."""
    words = [slugify(str(part), allow_unicode=True) for part in parts if part not in (None, "")]
    stem = "-".join(word for word in words if word) or "download"
    return f"{stem[:120].rstrip('-')}.{extension}"


def ascii_filename(filename: str) -> str:
    """The same name in printable ASCII, for clients that ignore ``filename*``: æ → ae, é → e, the rest _."""
    text = unicodedata.normalize("NFKD", str(filename).translate(DANISH_ASCII))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r'[^A-Za-z0-9._\- ()]', "_", text).strip(" .")
    return text or "download"


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """``attachment; filename="naeste-moede.ics"; filename*=utf-8''n%C3%A6ste-m%C3%B8de.ics``.

    Slashes, backslashes and control characters never reach the header (a name is never a path)."""
    disposition = "attachment" if attachment else "inline"
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", str(filename)).strip() or "download"
    fallback = ascii_filename(name)
    if fallback == name:
        return f'{disposition}; filename="{fallback}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=utf-8''{quote(name, safe='')}"


def name_download(response, filename: str, *, attachment: bool = True):
    """Give any response (HttpResponse, FileResponse, StreamingHttpResponse, JsonResponse) its file name."""
    response["Content-Disposition"] = content_disposition(filename, attachment=attachment)
    return response


def download_response(content: bytes | str, *, filename: str, content_type: str,
                      attachment: bool = True) -> HttpResponse:
    return name_download(HttpResponse(content, content_type=content_type), filename, attachment=attachment)


# --- CSV ------------------------------------------------------------------------------------------------------

def spreadsheet_text(text: str) -> str:
    """Text that a spreadsheet shows as text and never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _plain_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal: str

    @classmethod
    def for_language(cls, language: str | None = None) -> CsvFormat:
        """The reader's format: Danish ``;`` and ``,``; every other language ``,`` and ``.``."""
        language = (language or get_language() or "da").split("-")[0]
        return DANISH if language == "da" else ENGLISH

    def cell(self, value) -> str:
        """One value as the spreadsheet should read it: numbers as numbers (no grouping), dates as ISO dates,
        text never as a formula."""
        if value is None:
            return ""
        if type(value) is str:  # the common case first: most cells of a long export are text
            return spreadsheet_text(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, Decimal)):
            text = str(_plain_number(value))
            if "E" in text or "e" in text:  # a Decimal such as 1E+3 after normalize(): write it out
                text = format(Decimal(str(value)), "f")
            return text.replace(".", self.decimal) if self.decimal != "." else text
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return spreadsheet_text(str(value))

    def _writer(self, out):
        return csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")

    def lines(self, rows: Iterable[Iterable]) -> Iterator[str]:
        """The file a line at a time (for streaming responses), the byte-order mark first."""
        buffer = io.StringIO()
        writer = self._writer(buffer)
        first = True
        for row in rows:
            writer.writerow([self.cell(value) for value in row])
            line = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            yield (BOM + line) if first else line
            first = False
        if first:
            yield BOM

    def text(self, rows: Iterable[Iterable]) -> str:
        return "".join(self.lines(rows))

    def encoded(self, rows: Iterable[Iterable]) -> bytes:
        return self.text(rows).encode("utf-8")


DANISH = CsvFormat(delimiter=";", decimal=",")
ENGLISH = CsvFormat(delimiter=",", decimal=".")
MACHINE = CsvFormat(delimiter=",", decimal=".")  # open data: the same file for every language

CSV_TYPE = "text/csv; charset=utf-8"
