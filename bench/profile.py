"""Where a slow page spends its time: queries (count, total ms, the most repeated) and wall time, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_bench \\
        .venv/bin/python -m bench.profile facilitator /programmes/national-circular-cities/board/

Uses the benchmark database as ``make bench`` left it (``var/bench/dataset.json`` names the users).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        sys.exit(__doc__)
    role, paths = argv[0], argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.procs import ROOT

    info = json.loads((ROOT / "var" / "bench" / "dataset.json").read_text())
    client = Client()
    client.force_login(User.objects.get(email=info["users"][role]))
    for path in paths:
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        shapes = Counter(re.sub(r"\b\d+\b", "N", q["sql"])[:160] for q in queries.captured_queries)
        print(f"{path}: HTTP {response.status_code}, {len(queries)} queries ({db_ms:.0f} ms in the database), "
              f"{seconds * 1000:.0f} ms in all")
        for sql, n in shapes.most_common(5):
            if n > 1:
                print(f"   {n:>4}× {sql}")
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        for q in slow:
            print(f"   {float(q['time']) * 1000:7.1f} ms {q['sql'][:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
