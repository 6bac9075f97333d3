"""Where a slow page spends its time, in-process, with the production settings ``make bench`` serves with.

    .venv/bin/python -m bench.profile facilitator /programmes/national-circular-cities/board/ [more paths]
    .venv/bin/python -m bench.profile --repeat 200 --cprofile staff /community/library/

For each path: the status, the queries of a request on a cold cache (count, time in the database, the most
repeated shapes, the slowest), then the mean time of ``--repeat`` requests on a warm cache, next to the same for
the logged-in trivial view and a plain page (the privacy page: the layout and nothing else). ``--cprofile``
prints the functions that took the most time on the warm requests.

Uses the benchmark database as ``make bench`` left it (``cc_bench``; ``var/bench/dataset.json`` names the
users) and Redis database 15 of ``--redis`` (emptied first) as the cache.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from collections import Counter

REFERENCES = ("/_bench/trivial/", "/people/privacy/")


def _setup(args) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_PRODUCTION": "1", "DJANGO_ALLOWED_HOSTS": "testserver",
        "SITE_URL": "http://testserver",
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis, "REQUIRE_MFA_FOR_PRIVILEGED": "0",
        "DJANGO_SECRET_KEY": "bench-profile-" + "x" * 50, "LOG_LEVEL": "ERROR",
    })
    from bench.procs import ROOT

    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench" / "static"))
    import django

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("role")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=50, help="warm requests per path")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cc_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)
    _setup(args)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.procs import ROOT

    info = json.loads((ROOT / "var" / "bench" / "dataset.json").read_text())
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(User.objects.get(email=info["users"][args.role]), backend=settings.AUTHENTICATION_BACKENDS[0])

    def get(path):
        return client.get(path, secure=True)

    def warm_mean(path) -> float:
        for _ in range(3):
            get(path)
        started = time.perf_counter()
        for _ in range(args.repeat):
            get(path)
        return (time.perf_counter() - started) / args.repeat * 1000

    cache.clear()
    references = {path: warm_mean(path) for path in REFERENCES}
    print("warm means: " + ", ".join(f"{path} {ms:.2f} ms" for path, ms in references.items()))
    for path in args.paths:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = get(path)
            cold = (time.perf_counter() - started) * 1000
        db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        warm = warm_mean(path)
        with CaptureQueriesContext(connection) as warm_queries:
            get(path)
        print(f"\n{path}: HTTP {response.status_code}, {len(response.content) // 1024} KB; cold cache "
              f"{cold:.0f} ms, {len(queries)} queries ({db_ms:.0f} ms in the database); warm cache "
              f"{warm:.2f} ms ({warm - references['/people/privacy/']:+.2f} ms against the plain page), "
              f"{len(warm_queries)} queries")
        shapes = Counter(re.sub(r"\b\d+\b", "N", q["sql"])[:160] for q in queries.captured_queries)
        for sql, n in shapes.most_common(5):
            if n > 1:
                print(f"   {n:>4}× {sql}")
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"   {float(q['time']) * 1000:7.1f} ms {q['sql'][:220]}")
        if args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
