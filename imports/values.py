"""Cell values as people type them in Danish and English spreadsheets: dates and amounts.

Dates: ``15.03.2022`` (also ``15-03-2022``, ``15/3/2022``) and ISO ``2022-03-15``. Amounts: Danish
``1.234,50``, plain ``1234.50`` or ``1234,5``, with or without ``kr.``/``DKK``. A lone comma is a decimal comma
(Danish first); a point followed by groups of exactly three digits (``1.234``, ``1.234.567``) is a Danish
thousands separator. XLSX number cells never reach these rules as ambiguous text: the reader writes them with a
decimal comma and no grouping (readers.py).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DANISH_DATE = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
DANISH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
CURRENCY = re.compile(r"(?i)\s*(kr\.?|dkk)\s*")


def parse_date(text: str) -> date:
    text = text.strip()
    match = DANISH_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = ISO_DATE.match(text)
        if not match:
            raise ValidationError(_("Write the date as dd.mm.yyyy (e.g. 15.03.2022) or yyyy-mm-dd."),
                                  code="bad_date")
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(_("%(text)s is not a date in the calendar.") % {"text": text},
                              code="bad_date") from None


def parse_amount(text: str) -> Decimal:
    cleaned = CURRENCY.sub("", text.strip())
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", cleaned)  # spaces and apostrophes group thousands too
    negative = cleaned.startswith("-")
    digits = cleaned[1:] if negative else cleaned
    if not digits or not re.fullmatch(r"[\d.,]+", digits) or not digits[0].isdigit():
        raise ValidationError(_("Write the amount as a number, e.g. 1.234,50 or 1234.50."), code="bad_amount")
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        digits = digits.replace(grouping, "").replace(decimal_mark, ".")
    elif "," in digits:
        if digits.count(",") > 1:
            raise ValidationError(_("Write the amount as a number, e.g. 1.234,50 or 1234.50."), code="bad_amount")
        digits = digits.replace(",", ".")
    elif "." in digits and DANISH_THOUSANDS.match(digits):
        digits = digits.replace(".", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise ValidationError(_("Write the amount as a number, e.g. 1.234,50 or 1234.50."),
                              code="bad_amount") from None
    return -value if negative else value


LANGUAGES = {"da": "da", "dansk": "da", "danish": "da", "en": "en", "engelsk": "en", "english": "en"}


def parse_language(text: str) -> str:
    code = LANGUAGES.get(text.strip().lower())
    if code is None:
        raise ValidationError(_("Write da (Danish) or en (English)."), code="bad_language")
    return code
