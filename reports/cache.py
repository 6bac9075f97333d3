"""Whole computed reports, kept under the platform's data version (circular_cities/datacache.py).

What is kept is only what reads the same for everyone allowed to see it:

* the open data of a programme (CSV and JSON bytes): public and the same for every visitor;
* the funder report (the page's body, the PDF, the CSV, the XLSX) per language: its readers are exactly the
  people who see the whole programme (``can_view_funder_report``), and the report shows the whole programme to
  each of them, so it does not depend on who asks (the view still checks the permission on every request).

A saved or deleted row of any of the platform's apps makes every kept report out of date; writes that send no
signal are caught by the time to live (``settings.DATA_CACHE_SECONDS``).
"""

from __future__ import annotations

from django.utils.translation import get_language

from circular_cities.datacache import cached_value


def cached(kind: str, programme, build, *, per_language: bool = True):
    """``build()`` once per programme, language and data version; the kept value otherwise."""
    language = (get_language() or "da") if per_language else "-"
    return cached_value(f"report-{kind}", programme.pk, language, build=build)
