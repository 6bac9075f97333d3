"""Whole computed reports, kept under the platform's data version (circular_cities/datacache.py).

What is kept is only what reads the same for everyone allowed to see it:

* the open data of a programme (CSV and JSON bytes): public and the same for every visitor;
* the funder report (the page's body, the PDF, the CSV, the XLSX) per language: its readers are exactly the
  people who see the whole programme (``can_view_funder_report``), and the report shows the whole programme to
  each of them, so it does not depend on who asks (the view still checks the permission on every request).

A saved or deleted row of any of the platform's apps makes every kept report out of date; writes that send no
signal are caught by the time to live (``settings.DATA_CACHE_SECONDS``).

Big values (the open data: two megabytes at national scale) cost more to fetch from Redis on every request
than the rest of the request together, so ``kept(..., local=True)`` also keeps them in the process, under the
same key (day, language, data version …) and until the same moment the Redis copy expires: the data version is
still read from Redis once per request, so a write anywhere makes the local copy unreachable at once, exactly
as it does the shared one. The process keeps at most ``LOCAL_BYTES`` of them (the least recently used go).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from circular_cities.datacache import cache_key

LOCAL_BYTES = 48 * 1024 * 1024  # per process

_local: OrderedDict[str, tuple[float, object, int]] = OrderedDict()  # key: (expires at, value, size)
_local_lock = threading.Lock()


def _size(value) -> int:
    return len(value) if isinstance(value, (bytes, str)) else 1024


def _local_get(key: str):
    with _local_lock:
        entry = _local.get(key)
        if entry is None:
            return None
        if entry[0] <= time.time():
            del _local[key]
            return None
        _local.move_to_end(key)
        return entry[1]


def _local_set(key: str, expires: float, value) -> None:
    size = _size(value)
    if size > LOCAL_BYTES // 4:
        return
    with _local_lock:
        _local[key] = (expires, value, size)
        _local.move_to_end(key)
        now, total = time.time(), sum(entry[2] for entry in _local.values())
        for old in [k for k, entry in _local.items() if entry[0] <= now]:
            total -= _local.pop(old)[2]
        while total > LOCAL_BYTES and _local:
            total -= _local.popitem(last=False)[1][2]


def clear_local() -> None:
    """Forget what this process keeps (tests)."""
    with _local_lock:
        _local.clear()


def kept(kind: str, *parts, build, local: bool = False):
    """``build()`` once per ``parts``, day, language and data version; the kept value otherwise (see the
    module's docstring for ``local``). ``DATA_CACHE_SECONDS = 0`` keeps nothing (the tests' default)."""
    seconds = settings.DATA_CACHE_SECONDS
    if seconds <= 0:
        return build()
    key = cache_key(f"report-{kind}", *parts)
    if local:
        value = _local_get(key)
        if value is not None:
            return value
    entry = cache.get(key)  # (expires at, value): the local copy expires when the shared one does
    if entry is None:
        entry = (time.time() + seconds, build())
        cache.set(key, entry, timeout=seconds)
    if local:
        _local_set(key, *entry)
    return entry[1]


def cached(kind: str, programme, build, *, per_language: bool = True, local: bool = False):
    """``build()`` once per programme, language and data version; the kept value otherwise."""
    language = (get_language() or "da") if per_language else "-"
    return kept(kind, programme.pk, language, build=build, local=local)
