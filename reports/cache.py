"""Whole computed reports in Django's cache (Redis in production, the file cache in the embedded run).

What is cached is only what reads the same for everyone allowed to see it:

* the open data of a programme (CSV and JSON bytes): public and the same for every visitor;
* the funder report (the page's body, the PDF, the CSV, the XLSX) per language: its readers are exactly the
  people who see the whole programme (``can_view_funder_report``), and the report shows the whole programme to
  each of them, so it does not depend on who asks (the view still checks the permission on every request).

The key holds the programme, the language and a **data version**: a token that changes whenever a row the reports
read is saved or deleted (``post_save``/``post_delete`` of the models in ``WATCHED_MODELS``, connected in
``ReportsConfig.ready``). Writes that send no signal (``bulk_create``, ``QuerySet.update``, raw SQL) are caught by
the time to live: a cached report is never older than ``REPORT_CACHE_SECONDS`` (10 minutes). The briefing is not
cached: what it shows depends on the person (their municipalities, their milestones, the previous meeting's
minutes).

The cache fails soft (circular_cities/cache.py): while Redis is down every read is a miss and the report is
computed as before.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import get_language

REPORT_CACHE_SECONDS = 10 * 60
VERSION_KEY = "reports:data-version"

# Every model whose rows the funder report or the open data read ("app_label.Model").
WATCHED_MODELS = (
    "programmes.Programme", "programmes.Cohort", "programmes.Participation", "programmes.BudgetLine",
    "programmes.Spending", "programmes.Organisation", "municipalities.Municipality",
    "municipalities.ProgressEntry", "municipalities.Indicator", "municipalities.Measurement",
    "municipalities.PartnerInvolvement", "municipalities.StageGateOutput", "community.LibraryItem",
    "community.Adoption", "workshops.SkillAssessment",
)


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY) or version
    return version


def bump_data_version(**_kwargs) -> None:
    """Signal receiver: a row the reports read changed, so every cached report is out of date."""
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"reports-version-save-{label}")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"reports-version-delete-{label}")


def cached(kind: str, programme, build, *, per_language: bool = True):
    """``build()`` once per programme, language and data version; the stored value otherwise."""
    language = (get_language() or "da") if per_language else "-"
    key = f"reports:{kind}:{programme.pk}:{language}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=REPORT_CACHE_SECONDS)
    return value
