# ruff: noqa: S603, S607  (runs our own tools: wrk, dropdb, createdb, manage.py)
"""``make bench`` (issue 7): the main pages at national scale, as multiples of a trivial view of the same server.

1. Recreates the PostgreSQL database ``cc_bench`` (only that one) on ``--pg`` (default the machine's
   127.0.0.1:5432), migrates it and writes the national dataset (``bench.generate``).
2. Starts its own Redis (cache and broker, port 6398, no persistence) and gunicorn with the production
   settings (``DJANGO_PRODUCTION=1``; collected static files; MFA not required, so the benchmark users can log
   in with a password) plus ``bench.settings``, which adds ``/_bench/trivial/``.
3. Logs in through the real login form, one session per role.
4. Runs wrk against every page (``bench/wrk_report.lua``: p50/p95/p99 and every non-2xx response) and prints
   the table: p95 as a multiple of the trivial view's p95, next to the target (5× for a page about one
   programme, municipality or meeting; 10× for national lists and boards).

Pages that exist in ``reports/urls.py`` when it runs are measured too. Exit status 1 if a page misses its target
or answered anything but 2xx.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import time

from bench.client import Session
from bench.procs import ROOT, VENV_BIN, Redis, gunicorn, port_free, stop, wait_for_port

ONE, NATIONAL = "one object", "national list"
TARGET = {ONE: 5.0, NATIONAL: 10.0}
VAR = ROOT / "var" / "bench"


def server_env(database_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1", "REQUIRE_MFA_FOR_PRIVILEGED": "0",
        "STATIC_ROOT": str(VAR / "static"), "MEDIA_ROOT": str(VAR / "media"), "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    env.pop("DJANGO_DEBUG", None)
    env.pop("EMAIL_URL", None)  # mail goes to files under var/
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], env=env, cwd=ROOT, check=True)


def prepare_database(pg: str, name: str) -> str:
    host, port = pg.split(":")
    common = ["-h", host, "-p", port, "-U", "postgres"]
    subprocess.run(["dropdb", *common, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *common, name], check=True)
    return f"postgres://postgres@{host}:{port}/{name}"


def pages(info: dict, report_urls: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """(label, path, role, kind) of every page measured."""
    slug, part, meeting = info["programme"], info["participation"], info["meeting"]
    rows = [
        ("home (facilitator of 12 programmes)", "/", "facilitator", NATIONAL),
        ("programme detail", f"/programmes/{slug}/", "facilitator", ONE),
        ("programme dashboard (politician)", f"/programmes/{slug}/dashboard/", "politician", ONE),
        ("cohort dashboard", f"/programmes/{slug}/dashboard/cohort/", "facilitator", ONE),
        ("board (98 municipalities)", f"/programmes/{slug}/board/", "facilitator", NATIONAL),
        ("timeline", f"/programmes/{slug}/timeline/", "facilitator", ONE),
        ("milestones", f"/programmes/{slug}/milestones/", "facilitator", ONE),
        ("participation page (staff)", f"/municipalities/participations/{part}/", "staff", ONE),
        ("progress log (staff)", f"/municipalities/participations/{part}/progress/", "staff", ONE),
        ("meeting detail", f"/meetings/{meeting}/", "facilitator", ONE),
        ("meetings of the programme", f"/meetings/programmes/{slug}/", "facilitator", ONE),
        ("programme list", "/programmes/", "facilitator", NATIONAL),
        ("my municipalities (advisor)", "/municipalities/my/", "advisor", NATIONAL),
        ("community: municipalities", "/community/municipalities/", "staff", NATIONAL),
        ("community: members", "/community/members/", "staff", NATIONAL),
        ("community: library", "/community/library/", "staff", NATIONAL),
        ("community: search 'genbrug'", "/community/search/?q=genbrug", "staff", NATIONAL),
        ("community: sparring threads", "/community/sparring/", "staff", NATIONAL),
        ("notifications centre", "/notifications/", "facilitator", NATIONAL),
    ]
    return rows + [(label, path, role, ONE) for label, path, role in report_urls]


def report_pages(env: dict, info: dict) -> list[tuple[str, str, str]]:
    """The GET pages in reports/urls.py today, with the benchmark's programme / meeting / cohort filled in."""
    code = (
        "import django, json; django.setup()\n"
        "from django.urls import get_resolver\n"
        "r = get_resolver('circular_cities.urls').url_patterns\n"
        "rep = [p for p in r if getattr(p, 'namespace', None) == 'reports']\n"
        "out = []\n"
        "for inc in rep:\n"
        "    for p in inc.url_patterns:\n"
        "        out.append([p.name, str(p.pattern), sorted(p.pattern.regex.groupindex)])\n"
        "print(json.dumps(out))\n"
    )
    raw = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    result = []
    for name, pattern, groups in json.loads(raw.strip().splitlines()[-1]):
        meeting = info["follow_group_meeting"] if "briefing" in name else info["meeting"]
        values = {"slug": info["programme"], "pk": meeting, "meeting_pk": meeting,
                  "cohort_pk": info["cohort"], "participation_pk": info["participation"]}
        if any(g not in values for g in groups):
            print(f"  reports:{name} ({pattern}): skipped, unknown argument(s) {groups}")
            continue
        path = "/reports/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: str(v[m.group(1)]), pattern)
        result.append((f"report: {name}", path, "facilitator"))
    return result


def wrk(url: str, *, cookie: str | None, duration: int, connections: int, threads: int) -> dict:
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "-s", str(ROOT / "bench" / "wrk_report.lua"), "-H", "X-Forwarded-Proto: https",
            "-H", "Accept-Language: da", "--timeout", "30s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    return json.loads(line[len("BENCH "):])


def machine() -> str:
    def sh(cmd):
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()  # noqa: S602

    return "\n".join([f"nproc: {os.cpu_count()}", sh("free -g | head -2"), sh("lscpu | head -14"),
                      f"python {platform.python_version()}, {sh('wrk --version 2>&1 | head -1')}",
                      sh("psql --version")])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "127.0.0.1:5432"), help="host:port (trust auth)")
    parser.add_argument("--database", default="cc_bench")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)),
                        help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent users per page")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis-port", type=int, default=6398)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (no generate)")
    parser.add_argument("--only", help="measure only pages whose label contains this text")
    parser.add_argument("--cold", action="store_true",
                        help="keep nothing between requests (DATA_CACHE_SECONDS=0): every request computes its page, "
                             "as after a write; the targets are for the normal, kept run")
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    for port in (args.port, args.redis_port):
        if not port_free(port):
            sys.exit(f"Port {port} is in use (another bench run?).")
    started = time.monotonic()

    host, port = args.pg.split(":")
    database_url = f"postgres://postgres@{host}:{port}/{args.database}"
    redis = Redis(args.redis_port, VAR / "redis")
    env = server_env(database_url, f"redis://127.0.0.1:{args.redis_port}/0")
    if args.cold:
        env["DATA_CACHE_SECONDS"] = "0"
    info_file = VAR / "dataset.json"
    server = None
    try:
        redis.start()
        if not args.reuse or not info_file.exists():
            print(f"== Database {args.database} on {args.pg}: recreate, migrate, generate", flush=True)
            prepare_database(args.pg, args.database)
            manage(env, "migrate", "--noinput", "-v0")
            t = time.monotonic()
            code = ("import django, json; django.setup()\n"
                    "from bench.generate import generate\n"
                    "info = generate(verbose=True)\n"
                    f"open({str(info_file)!r}, 'w').write(json.dumps(info))\n")
            subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True)
            print(f"   generated in {time.monotonic() - t:.0f} s", flush=True)
        else:
            manage(env, "migrate", "--noinput", "-v0")  # the kept database, brought up to this code's schema
        info = json.loads(info_file.read_text())
        manage(env, "collectstatic", "--noinput", "-v0")
        print(f"== gunicorn: {args.workers} workers × {args.threads} thread(s) on 127.0.0.1:{args.port}", flush=True)
        server = gunicorn(port=args.port, workers=args.workers, threads=args.threads, env=env,
                          log=VAR / "gunicorn.log")
        base = f"http://127.0.0.1:{args.port}"
        probe = Session("127.0.0.1", args.port)
        for _ in range(100):
            try:
                if probe.get("/health/").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        wait_for_port(args.port)

        from bench.generate import BENCH_PASSWORD

        sessions = {}
        for role, email in info["users"].items():
            session = Session("127.0.0.1", args.port)
            session.login(email, BENCH_PASSWORD)
            sessions[role] = session
        print(f"== Logged in as {', '.join(sessions)} through /accounts/login/", flush=True)

        measured = pages(info, report_pages(env, info))
        if args.only:
            measured = [p for p in measured if args.only in p[0]]
        # every page must answer 200 to its user before it is measured (not a redirect to the login page)
        checked = []
        for label, path, role, kind in measured:
            response = sessions[role].get(path)
            if response.status != 200:
                print(f"  ! {label}: {path} answers {response.status} to {role}; not measured")
                continue
            checked.append((label, path, role, kind, len(response.body)))
        # warm every worker up once before measuring
        wrk(base + "/_bench/trivial/", cookie=None, duration=2, connections=args.connections, threads=2)

        def measure(path, cookie):
            return wrk(base + path, cookie=cookie, duration=args.duration, connections=args.connections, threads=2)

        trivial = measure("/_bench/trivial/", None)
        # the same view with a session: what every logged-in request pays (session, user, roles, middleware)
        trivial_in = measure("/_bench/trivial/", sessions["facilitator"].cookie_header())
        results = []
        for label, path, role, kind, _size in checked:
            print(f"   {label} …", flush=True)
            results.append((label, role, kind, measure(path, sessions[role].cookie_header())))
        trivial_after = measure("/_bench/trivial/", None)
    finally:
        stop(server)
        redis.stop()

    floor = trivial["p95_us"] / 1000
    floor_in = trivial_in["p95_us"] / 1000

    def row(label, role, kind, r, target=None):
        p95 = r["p95_us"] / 1000
        bad = r["non2xx"] + r["socket_errors"]
        rate = r["requests"] / (r["duration_us"] / 1e6)
        if r["requests"] == 0:  # not one answer within the run: slower than the run itself
            return False, (f"| {label} | {role} | {kind} | – | > {args.duration * 1000} | – | 0 | {bad} | – | – | "
                           f"{'≤ %.0f×' % target if target else '–'} | **NO** |")
        ok = target is None or (p95 / floor <= target and bad == 0)
        verdict = "–" if target is None else ("yes" if ok else "**NO**")
        return ok, (f"| {label} | {role} | {kind} | {r['p50_us'] / 1000:.1f} | {p95:.1f} | {r['p99_us'] / 1000:.1f} "
                    f"| {rate:.0f} | {bad} | {p95 / floor:.1f}× | {p95 / floor_in:.1f}× | "
                    f"{'≤ %.0f×' % target if target else '–'} | {verdict} |")

    lines = ["| page | user | kind | p50 ms | p95 ms | p99 ms | req/s | non-2xx | p95 ÷ trivial p95 "
             "| p95 ÷ logged-in trivial p95 | target | pass |", "|" + "---|" * 12,
             row("trivial view `/_bench/trivial/`", "anonymous", "floor", trivial)[1],
             row("trivial view, with a session", "facilitator", "reference", trivial_in)[1]]
    failed = 0
    for label, role, kind, r in results:
        ok, line = row(label, role, kind, r, TARGET[kind])
        failed += not ok
        lines.append(line)
    lines.append(row("trivial view again, after the pages", "anonymous", "check", trivial_after)[1])
    table = "\n".join(lines)
    summary = (f"wrk: {args.connections} connections, 2 threads, {args.duration} s per page; gunicorn "
               f"{args.workers} workers × {args.threads} thread(s); PostgreSQL {args.pg}/{args.database}; "
               f"dataset: {sum(v for k, v in info['counts'].items() if k != 'seconds')} rows "
               f"(generated in {info['counts']['seconds']} s). Pass: p95 ÷ anonymous trivial p95 within the "
               "target and no non-2xx answer."
               + (" COLD RUN (nothing is kept between requests in any run now)." if args.cold else
                  " No page is cached: pages read the status rows kept by the services (programmes/status.py)."))
    print("\n" + table + "\n\n" + summary)
    print(f"\n{failed} page(s) missed the target or answered non-2xx. Total {time.monotonic() - started:.0f} s.")
    print("\nMachine:\n" + machine())
    (VAR / ("last-table-cold.md" if args.cold else "last-table.md")).write_text(table + "\n\n" + summary + "\n")
    return 1 if failed and not args.cold else 0


if __name__ == "__main__":
    sys.exit(main())
