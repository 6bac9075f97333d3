# ruff: noqa: S603, S607  (runs our own tools: wrk, dropdb, createdb, manage.py)
"""``make bench`` (issues 7 and 17): the main pages at national scale, as multiples of a trivial view of the same
server, while people write.

1. Recreates the PostgreSQL database ``--database`` (default ``cc_bench``, only that one) on ``--pg`` (default
   the machine's 127.0.0.1:5432), migrates it and writes the national dataset (``bench.generate``).
2. Starts its own Redis (cache and broker, no persistence) and gunicorn with the production settings
   (``DJANGO_PRODUCTION=1``; collected static files; MFA not required, so the benchmark users can log in with
   a password) plus ``bench.settings``, which adds ``/_bench/trivial/``.
3. Logs in through the real login form, one session per role, and starts the writer (``bench.writer``): one
   write per second through the platform's forms spread over all programmes, one more every ten seconds in the
   measured programme, until the last table is taken.
4. Table (a), with the writer running: wrk against every page (``bench/wrk_report.lua``: p50/p95/p99 and every
   non-2xx response); p95 as a multiple of the anonymous trivial view's p95, next to the target (5× for a page
   about one programme, municipality or meeting; 10× for national lists and boards).
5. Table (b), every cache empty, with the writer running: before each page, gunicorn's workers are replaced
   (SIGHUP; forked from the master, which preloads the application: new processes, nothing in memory), each
   new worker answers the trivial view once to a person who is not measured (the admin: the worker has imported
   the URLs and views and opened its database connection, as one that served other people), Redis is emptied
   (FLUSHALL); then the first requests of the page, one per connection
   at once, ``--cold-rounds`` times. Targets 15× and 20× the anonymous trivial view of table (a).
6. If ``reports.files.build_times_for_bench(info)`` exists: the time one worker takes to build each report
   file (target 5 s each), in a process of its own with the server's environment, after the server stopped.

Pages that exist in ``reports/urls.py`` when it runs are measured too, as they answer. Exit status 1 if a page
misses its target or answered anything but 2xx, a write failed, or a report file took longer than its target.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import threading
import time

from bench import writer as bench_writer
from bench.client import Session
from bench.procs import ROOT, VENV_BIN, Redis, gunicorn, port_free, stop, wait_for_port

ONE, NATIONAL = "one object", "national list"
TARGET = {ONE: 5.0, NATIONAL: 10.0}
TARGET_COLD = {ONE: 15.0, NATIONAL: 20.0}
FILE_TARGET_SECONDS = 5.0
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


LAYOUT_PAGE = "/people/privacy/"  # a page that is the layout and a few paragraphs of text


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
        ("search 'genbruget' (everything)", "/search/?q=genbruget", "facilitator", NATIONAL),
        ("search 'kobenhavn' (everything)", "/search/?q=kobenhavn", "facilitator", NATIONAL),
        ("search 'genbrug', progress, page 2", "/search/?q=genbrug&kind=progress&page=2", "facilitator", NATIONAL),
        ("search 'genbrug' (staff)", "/search/?q=genbrug", "staff", NATIONAL),
        ("notifications centre", "/notifications/", "facilitator", NATIONAL),
    ]
    if info.get("call"):  # a dataset made before the open calls had none
        call, application = info["call"], info["call_application"]
        rows += [
            ("calls: open calls (public list)", "/calls/", "anonymous", NATIONAL),
            ("calls: manage the open call", f"/calls/manage/{call}/", "facilitator", ONE),
            ("calls: assessment of the open call", f"/calls/manage/{call}/assessment/", "facilitator", ONE),
            ("calls: application detail", f"/calls/manage/applications/{application}/", "facilitator", ONE),
            ("calls: my reviews (facilitator as reviewer)", "/calls/reviews/", "facilitator", ONE),
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


def python_in_server_env(env: dict, code: str) -> str:
    """Run ``code`` with the server's settings and database; the last line it prints."""
    out = subprocess.run([str(VENV_BIN / "python"), "-c", "import django; django.setup()\n" + code], env=env,
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1] if out.strip() else ""


# --- every cache empty -------------------------------------------------------------------------------------------

def workers_of(master: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return {int(pid) for pid in found.split()}


def fresh_workers(server: subprocess.Popen, *, workers: int, port: int, redis_port: int, connections: int,
                  someone: dict) -> None:
    """Replace every gunicorn worker by a new process and empty Redis: nothing of any page or person is left in
    memory or in the cache. Each new worker first answers the trivial view once to ``someone`` else (the cookies
    of a person who is not measured): it has imported the URLs and views and opened its database connection, as
    a worker that has served other people has; then Redis is flushed."""
    began = time.monotonic()
    old = workers_of(server.pid)
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 120
    while True:
        now = workers_of(server.pid)
        if len(now) == workers and not now & old:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not replace its workers in 120 s (old {old}, now {now})")
        time.sleep(0.1)
    replaced = time.monotonic()
    seen: set[int] = set()
    lock = threading.Lock()

    def poke():
        session = Session("127.0.0.1", port, keepalive=False)
        session.cookies = dict(someone)
        while time.monotonic() < deadline:
            with lock:
                if now <= seen:
                    return
            answer = session.get("/_bench/trivial/")
            with lock:
                seen.add(int(answer.headers.get("x-bench-worker", "0")))

    threads = [threading.Thread(target=poke) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if not now <= seen:
        raise RuntimeError(f"Not every new worker answered the trivial view in time ({now - seen} did not)")
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(redis_port), "FLUSHALL"], check=True,
                   capture_output=True)
    RESTARTS.append((replaced - began, time.monotonic() - replaced))


RESTARTS: list[tuple[float, float]] = []  # (seconds to replace the workers, seconds until each answered once)


def first_requests(port: int, path: str, cookies: dict, connections: int) -> list[tuple[float, int]]:
    """``connections`` requests at once, one per connection: (seconds, status) of each (status 0: no answer)."""
    barrier = threading.Barrier(connections)
    results: list[tuple[float, int]] = []
    lock = threading.Lock()

    def one():
        session = Session("127.0.0.1", port, keepalive=False, timeout=120)
        session.cookies = dict(cookies)
        barrier.wait()
        started = time.perf_counter()
        try:
            answer = session.get(path)
            result = (answer.seconds, answer.status)
        except OSError:
            result = (time.perf_counter() - started, 0)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=one) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def settle(port: int, workers: int, timeout: float = 300.0) -> None:
    """Wait until every worker is free: one trivial request per worker at once, all answered. wrk stops sending
    at the end of a page's run, but requests it left in the server's queue are still served; a slow page would
    otherwise spill into the next page's figures."""
    done = threading.Barrier(workers + 1, timeout=timeout)

    def one():
        try:
            Session("127.0.0.1", port, keepalive=False, timeout=timeout).get("/_bench/trivial/")
        finally:
            done.wait()

    for _ in range(workers):
        threading.Thread(target=one, daemon=True).start()
    done.wait()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- report files ---------------------------------------------------------------------------------------------------

FILES_CODE = """
import importlib.util, json, os, sys
if importlib.util.find_spec('reports.files') is None:
    print('BENCH-FILES null')
else:
    import reports.files
    build = getattr(reports.files, 'build_times_for_bench', None)
    if build is None:
        print('BENCH-FILES null')
    else:
        times = build(json.loads(os.environ['BENCH_INFO']))
        print('BENCH-FILES ' + json.dumps([[str(label), float(seconds)] for label, seconds in times]))
"""


def report_file_times(env: dict, info: dict) -> list[tuple[str, float]] | None:
    """``reports.files.build_times_for_bench(info)`` in a process with the server's environment; ``None`` if the
    module or the function does not exist."""
    last = python_in_server_env({**env, "BENCH_INFO": json.dumps(info)}, FILES_CODE)
    if not last.startswith("BENCH-FILES "):
        raise RuntimeError(f"reports.files.build_times_for_bench printed no result: {last!r}")
    found = json.loads(last[len("BENCH-FILES "):])
    return None if found is None else [(label, seconds) for label, seconds in found]


# --- the run --------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:  # noqa: C901, PLR0912, PLR0915  (one run, step by step)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "127.0.0.1:5432"), help="host:port (trust auth)")
    parser.add_argument("--database", default="cc_bench")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)),
                        help="seconds of wrk per page (table a)")
    parser.add_argument("--cold-rounds", type=int, default=3,
                        help="table (b): fresh workers and an empty Redis this many times per page, each followed "
                             "by one request per connection at once (0: no table b)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent users per page")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis-port", type=int, default=6398)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (no generate)")
    parser.add_argument("--only", help="measure only pages whose label contains this text")
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
    info_file = VAR / "dataset.json"
    server = writer = None
    results, cold, spans, files, file_error = [], [], {}, None, ""
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
            # A database in use has its planner statistics (autovacuum analyzes after this many inserts, but
            # only after its next nap): without them PostgreSQL plans the first minutes for empty tables.
            host, port = args.pg.split(":")
            subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-q", "-c", "ANALYZE",
                            args.database], check=True)
        else:
            manage(env, "migrate", "--noinput", "-v0")  # the kept database, brought up to this code's schema
        info = json.loads(info_file.read_text())
        if not info.get("writers"):
            sys.exit("The kept dataset has no writers (made before bench.writer): run once without --reuse.")
        python_in_server_env(env, "from bench.writer import reset_stock; print(reset_stock())")
        manage(env, "collectstatic", "--noinput", "-v0")
        print(f"== gunicorn: {args.workers} workers × {args.threads} thread(s) on 127.0.0.1:{args.port}", flush=True)
        server = gunicorn(port=args.port, workers=args.workers, threads=args.threads, env=env,
                          log=VAR / "gunicorn.log", preload=True)
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
        sessions["anonymous"] = Session("127.0.0.1", args.port)  # the public pages: nobody logged in

        measured = pages(info, report_pages(env, info))
        if args.only:
            measured = [p for p in measured if args.only in p[0]]

        def answers(label, path, role) -> bool:
            """The page answers its user 2xx (not a redirect to the login page, which would pass for fast)."""
            response = sessions[role].get(path)
            if not 200 <= response.status < 300:
                print(f"  ! {label}: {path} answers {response.status} to {role}; not measured")
                return False
            return True

        checked = [(label, path, role, kind) for label, path, role, kind in measured if answers(label, path, role)]

        writer = bench_writer.Writer(args.port, info["writers"], info["programme"], password=BENCH_PASSWORD)
        writer.start()
        print(f"== Writer: {len(writer.people)} people (one per programme) write through the forms: 1/s over all "
              f"programmes, 1/10 s more in {info['programme']}", flush=True)
        # warm every worker up once before measuring
        wrk(base + "/_bench/trivial/", cookie=None, duration=2, connections=args.connections, threads=2)

        def measure(path, cookie):
            settle(args.port, args.workers)
            return wrk(base + path, cookie=cookie, duration=args.duration, connections=args.connections, threads=2)

        print("== Table (a): with the writer running", flush=True)
        before = writer.snapshot()
        trivial = measure("/_bench/trivial/", None)
        # the same view with a session: what every logged-in request pays (session, user, roles, middleware)
        trivial_in = measure("/_bench/trivial/", sessions["facilitator"].cookie_header())
        # the layout and nothing else (header, navigation, footer): the floor of every page a person sees
        layout = measure(LAYOUT_PAGE, sessions["facilitator"].cookie_header())
        for label, path, role, kind in checked:
            print(f"   {label} …", flush=True)
            results.append((label, role, kind, measure(path, sessions[role].cookie_header())))
        trivial_after = measure("/_bench/trivial/", None)
        spans["a"] = bench_writer.between(before, writer.snapshot())

        if args.cold_rounds > 0:
            print(f"== Table (b): every cache empty ({args.cold_rounds} × fresh workers + empty Redis per page)",
                  flush=True)
            before = writer.snapshot()
            reference = [("trivial view, with a session", "/_bench/trivial/", "facilitator", "reference")]
            for label, path, role, kind in reference + checked:
                print(f"   {label} …", flush=True)
                if not answers(label, path, role):  # keeps the session in use, as a person would
                    cold.append((label, role, kind, []))
                    continue
                samples = []
                for _ in range(args.cold_rounds):
                    fresh_workers(server, workers=args.workers, port=args.port, redis_port=args.redis_port,
                                  connections=args.connections, someone=sessions["admin"].cookies)
                    samples += first_requests(args.port, path, sessions[role].cookies, args.connections)
                cold.append((label, role, kind, samples))
            spans["b"] = bench_writer.between(before, writer.snapshot())
    finally:
        if writer is not None:
            writer.stop()
        stop(server)
        try:
            if results:
                print("== Report files built by one worker (reports.files.build_times_for_bench)", flush=True)
                try:
                    files = report_file_times(env, info)
                except (subprocess.CalledProcessError, RuntimeError) as error:
                    file_error = str(error) + "\n" + (getattr(error, "stderr", "") or "")[-2000:]
        finally:
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
             row("trivial view, with a session", "facilitator", "reference", trivial_in)[1],
             row(f"layout only (`{LAYOUT_PAGE}`)", "facilitator", "reference", layout)[1]]
    failed = 0
    for label, role, kind, r in results:
        ok, line = row(label, role, kind, r, TARGET[kind])
        failed += not ok
        lines.append(line)
    lines.append(row("trivial view again, after the pages", "anonymous", "check", trivial_after)[1])
    missed = {"a": failed}
    writes_failed = len(writer.failures) if writer else 0

    def writer_line(span):
        return "Writer: " + bench_writer.describe(span) + "."

    out = ["### (a) With the writer running", "", "\n".join(lines), "",
           (f"wrk: {args.connections} connections, 2 threads, {args.duration} s per page; gunicorn "
            f"{args.workers} workers × {args.threads} thread(s); PostgreSQL {args.pg}/{args.database}; "
            f"dataset: {sum(v for k, v in info['counts'].items() if k != 'seconds')} rows "
            f"(generated in {info['counts']['seconds']} s). Pass: p95 ÷ anonymous trivial p95 within the target "
            "and no non-2xx answer. No page is cached: pages read the status rows kept by the services."),
           "", writer_line(spans["a"]), f"{failed} page(s) missed the target or answered non-2xx."]

    if cold:
        cold_lines = ["| page | user | kind | first requests | p50 ms | p95 ms | max ms | non-2xx | "
                      "p95 ÷ trivial p95 (a) | target | pass |", "|" + "---|" * 11]
        failed_cold = 0
        for label, role, kind, samples in cold:
            target = TARGET_COLD.get(kind)
            if not samples:
                failed_cold += target is not None
                cold_lines.append(f"| {label} | {role} | {kind} | 0 | – | – | – | – | – | "
                                  f"{'≤ %.0f×' % target if target else '–'} | **NO** |")
                continue
            ms = [s * 1000 for s, _status in samples]
            bad = sum(not 200 <= status < 300 for _s, status in samples)
            p95 = percentile(ms, 0.95)
            ok = target is None or (p95 / floor <= target and bad == 0)
            failed_cold += not ok
            cold_lines.append(f"| {label} | {role} | {kind} | {len(ms)} | {percentile(ms, 0.5):.1f} | {p95:.1f} | "
                              f"{max(ms):.1f} | {bad} | {p95 / floor:.1f}× | "
                              f"{'≤ %.0f×' % target if target else '–'} | "
                              f"{'–' if target is None else 'yes' if ok else '**NO**'} |")
        missed["b"] = failed_cold
        out += ["", "### (b) Every cache empty, with the writer running", "", "\n".join(cold_lines), "",
                (f"Before each round: gunicorn's {args.workers} workers replaced by new processes (SIGHUP; forked "
                 "from the master, which preloads the application), each new worker answers the trivial view once "
                 "to the admin, who is not measured (URLs and views imported, database connection open), Redis "
                 "emptied (FLUSHALL); then "
                 f"{args.connections} requests of the page at once, one per connection: the first requests of "
                 f"fresh workers with nothing kept. {args.cold_rounds} rounds per page. Targets against the "
                 f"anonymous trivial p95 of table (a) ({floor:.1f} ms). Replacing the workers took "
                 f"{sum(r[0] for r in RESTARTS) / max(1, len(RESTARTS)):.1f} s on average, until every new worker "
                 f"had answered once {sum(r[1] for r in RESTARTS) / max(1, len(RESTARTS)):.1f} s more."),
                "", writer_line(spans["b"]), f"{failed_cold} page(s) missed the target or answered non-2xx."]

    out += ["", "### Report file built by one worker", ""]
    files_failed = 0
    if file_error:
        files_failed = 1
        out.append(f"reports.files.build_times_for_bench failed: {file_error.strip()}")
    elif files is None:
        out.append("Skipped: reports.files.build_times_for_bench does not exist (yet).")
    else:
        file_lines = ["| report file | built in s | target | pass |", "|---|---|---|---|"]
        for label, seconds in files:
            ok = seconds <= FILE_TARGET_SECONDS
            files_failed += not ok
            file_lines.append(f"| {label} | {seconds:.2f} | ≤ {FILE_TARGET_SECONDS:.0f} s | "
                              f"{'yes' if ok else '**NO**'} |")
        out += ["\n".join(file_lines), "", f"{files_failed} file(s) took longer than the target."]

    if writer and writer.failures:
        out += ["", f"**{writes_failed} write(s) failed** (the run fails):"]
        out += [f"    {line}" for line in writer.failures[:20]]
    elif writer:
        out += ["", f"Writer over the whole run: {sum(writer.done[k] for k in bench_writer.KINDS)} writes, none "
                    f"failed; the slowest write (GET form, POST, GET the page it leads to) took "
                    f"{writer.slowest:.1f} s; the most belated started {writer.latest_start:.1f} s late."]
    report = "\n".join(out)
    print("\n" + report)
    total_missed = sum(missed.values()) + files_failed + writes_failed
    print(f"\n{total_missed} failure(s) in all (pages, files, writes). Total {time.monotonic() - started:.0f} s.")
    print("\nMachine:\n" + machine())
    (VAR / "last-table.md").write_text(report + "\n")
    return 1 if total_missed else 0


if __name__ == "__main__":
    sys.exit(main())
