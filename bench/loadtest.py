# ruff: noqa: S603, S607  (starts our own servers)
"""``make loadtest`` (issue 9, item 5): mixed journeys against gunicorn + PostgreSQL + Redis, with faults.

Everything runs on servers of its own, under ``var/loadtest/``: a throw-away PostgreSQL cluster (initdb, port
5499), a Redis without persistence (port 6399), gunicorn (production settings), one Celery worker and one beat.
The machine's PostgreSQL and Redis are never touched.

1. Writes a dataset (``bench.generate``, smaller than the benchmark's national one) and reminders that fall
   due during the run: programmes whose only enabled rule is "milestone due" at a time of day a few seconds
   apart, each with milestones due today, so a reminder is due every few seconds for the first minutes,
   across the faults. Every other rule is switched off, so the expected set is exactly known.
2. 50 virtual users log in through the login form and then loop over journeys for their role (staff: home,
   participation, progress log, a progress entry saved as draft then published, an RSVP, notifications,
   library; facilitators: programme, cohort dashboard, board, meeting; politicians: dashboard, follow-group
   meeting; advisors: their municipalities), with 1–4 s of thinking between requests; now and then anyone
   logs out and in again. No request is ever retried: every error a person would have seen is counted.
3. Faults during the run: PostgreSQL ``pg_ctl restart -m fast``; the Celery worker SIGKILLed twice at the
   moment the mail server (an SMTP server in this process) has accepted a reminder, once before its 250 reply
   and once while the worker waits for the answer to QUIT; later Redis stopped, then started again. Worker and
   beat are supervised as compose's ``restart: unless-stopped`` would (restarts are reported).
4. Prints errors per window (steady state / each fault window / after), latency, and the reminders: expected,
   sent, missing, duplicated deliveries and notifications, and the e-mails counted by Message-ID: a reminder
   may arrive twice only with the same Message-ID and flagged in the delivery log. Exit status 1 on any error,
   missing reminder, duplicated delivery or notification, two different e-mails for one reminder, or a
   repeated e-mail the log does not flag.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from pathlib import Path

from bench.client import Session
from bench.procs import ROOT, VENV_BIN, Postgres, Redis, gunicorn, port_free, spawn, stop

VAR = ROOT / "var" / "loadtest"
DATABASE = "cc_loadtest"
MARK = "LTR"  # in the title of every load-test milestone, so its e-mails can be counted


@dataclass
class Hit:
    at: float
    user: int
    label: str
    status: int
    seconds: float
    error: str = ""


@dataclass
class Run:
    started: float = field(default_factory=time.monotonic)
    hits: list[Hit] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def now(self) -> float:
        return time.monotonic() - self.started

    def record(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)

    def event(self, text: str) -> None:
        self.events.append((self.now(), text))
        print(f"  t={self.now():6.1f}s  {text}", flush=True)


class MailServer:
    """The load test's SMTP server (aiosmtpd, in this process): stores every message it accepts under
    ``folder``, and can run an action (SIGKILL the worker) once, on the next message, at the moment it has
    accepted it: ``"data"`` before the 250 reply goes out, ``"quit"`` after it, before the answer to QUIT."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.count = 0
        self.lock = threading.Lock()
        self.armed: tuple[str, object] | None = None
        self.pending: dict[int, object] = {}
        self.controller = None

    def start(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
        self.folder.mkdir(parents=True, exist_ok=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def arm(self, moment: str, action) -> None:
        self.armed = (moment, action)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        with self.lock:
            self.count += 1
            (self.folder / f"{self.count:06d}.eml").write_bytes(envelope.original_content or envelope.content)
            armed, self.armed = self.armed, None
        if armed and armed[0] == "data":
            armed[1]()
        elif armed:
            self.pending[id(session)] = armed[1]
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        action = self.pending.pop(id(session), None)
        if action is not None:
            action()
        return "221 Bye"


# --- preparing the database (in this process, before any server starts) -------------------------------------

def prepare(env: dict, *, reminder_programmes: int, reminders_each: int, step_seconds: int, lead_seconds: int) -> dict:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from bench.generate import generate

    info = generate(programmes=6, municipalities_per_programme=20, cohorts=2, months=24, verbose=False)
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, RoleAssignment, User
    from notifications.engine import TZ
    from notifications.models import DEFAULT_RULES, DEFAULT_SEND_TIME, Kind, ReminderRule
    from notifications.schedule import setup_reminder_schedule
    from programmes.models import Milestone, Participation, Programme
    from workshops.models import MeetingInvitation

    setup_reminder_schedule()  # the intervals of this run (REMINDER_SCAN_EVERY_SECONDS …)
    ReminderRule.objects.update(enabled=False)  # only the load test's own reminders may go out
    today = timezone.localdate()
    first = timezone.now().astimezone(TZ) + timedelta(seconds=lead_seconds)
    owners = list(User.objects.filter(email__startswith="staff-", email__endswith="-2@bench.example.org")
                  .order_by("pk")[: reminder_programmes * reminders_each])
    expected, due = [], []
    for k in range(reminder_programmes):
        at = first + timedelta(seconds=k * step_seconds)
        programme = Programme.objects.create(slug=f"loadtest-reminders-{k:02d}", name_da=f"Påmindelser {k:02d}",
                                             starts_on=today - timedelta(days=30), ends_on=today + timedelta(30),
                                             status=Programme.Status.ACTIVE)
        ReminderRule.objects.bulk_create([
            ReminderRule(programme=programme, kind=kind, offset_days=offset, enabled=kind == Kind.MILESTONE_DUE,
                         send_time=at.time().replace(microsecond=0) if kind == Kind.MILESTONE_DUE
                         else DEFAULT_SEND_TIME) for kind, offset in DEFAULT_RULES])
        for i in range(reminders_each):
            owner = owners[(k * reminders_each + i) % len(owners)]
            milestone = Milestone.objects.create(programme=programme, title_da=f"{MARK}{k:02d}x{i}",
                                                 title_en=f"{MARK}{k:02d}x{i}", due_on=today, owner=owner)
            expected.append([milestone.pk, owner.pk, owner.email, f"{MARK}{k:02d}x{i}"])
        due.append(at.isoformat())

    main = Programme.objects.get(slug=info["programme"])
    roles = RoleAssignment.objects.filter(programme=main)
    staff_parts = {p.municipality_id: p.pk for p in Participation.objects.filter(cohort__programme=main)}
    staff = []
    for user in User.objects.filter(email__startswith="staff-", email__endswith="-1@bench.example.org",
                                    roles__role=Role.STAFF, roles__municipality_id__in=staff_parts).distinct():
        municipality = user.roles.filter(role=Role.STAFF, programme=main).values_list("municipality_id",
                                                                                      flat=True).first()
        meetings = list(MeetingInvitation.objects.filter(user=user, meeting__programme=main,
                                                         meeting__starts_at__gt=timezone.now())
                        .values_list("meeting_id", flat=True)[:5])
        staff.append({"email": user.email, "participation": staff_parts[municipality], "meetings": meetings})
    people = {
        "staff": staff,
        "facilitator": [{"email": e} for e in roles.filter(role=Role.FACILITATOR).values_list("user__email",
                                                                                               flat=True)],
        "politician": [{"email": e} for e in roles.filter(role=Role.POLITICIAN).values_list("user__email",
                                                                                             flat=True)],
        "advisor": [{"email": e, "participations": [pk]} for e, pk in roles.filter(
            role=Role.ADVISOR, participation__isnull=False).values_list("user__email", "participation_id")],
    }
    connection.close()  # the server restarts under us; later queries open a fresh connection
    return {**info, "people": people, "expected": expected, "due": due}


# --- the virtual users ------------------------------------------------------------------------------------------

class User:
    def __init__(self, index: int, role: str, person: dict, info: dict, run: Run, port: int, seed: int):
        self.index, self.role, self.person, self.info, self.run = index, role, person, info, run
        self.session = Session("127.0.0.1", port, timeout=30, keepalive=False,
                               client_ip=f"10.9.{index // 200}.{index % 200 + 1}")
        self.rng = random.Random(seed)

    def hit(self, label: str, method: str, path: str, data: dict | None = None, expect: int = 200):
        at = self.run.now()
        started = time.perf_counter()
        try:
            response = self.session.get(path) if method == "GET" else self.session.post(path, data or {})
        except Exception as exc:  # noqa: BLE001  (every failure a person would see is an error)
            self.run.record(Hit(at, self.index, label, 0, time.perf_counter() - started, type(exc).__name__))
            return None
        error = ""
        if response.status != expect:
            error = f"HTTP {response.status}"
            if response.status == 302 and "/accounts/login/" in response.headers.get("location", ""):
                error = "logged out"
        self.run.record(Hit(at, self.index, label, response.status, response.seconds, error))
        return None if error else response

    def think(self):
        self.run.stop.wait(self.rng.uniform(1.0, 4.0))

    def login(self) -> bool:
        from bench.generate import BENCH_PASSWORD

        page = self.hit("login form", "GET", "/accounts/login/")
        if page is None:
            return False
        return self.hit("log in", "POST", "/accounts/login/", {"csrfmiddlewaretoken": page.csrf(),
                                                               "login": self.person["email"],
                                                               "password": BENCH_PASSWORD}, expect=302) is not None

    def relogin(self):
        """Log out and in again (an expired session, another device): the login uses the cache (rate limits)."""
        page = self.hit("home", "GET", "/")
        if page is None:
            return
        if self.hit("log out", "POST", "/accounts/logout/", {"csrfmiddlewaretoken": page.csrf()}, expect=302):
            self.think()
            # a person whose login failed tries again before doing anything else (each failure is counted)
            while not self.login() and not self.run.stop.is_set():
                self.think()

    def journeys(self):
        slug = self.info["programme"]
        if self.role == "staff":
            part = self.person["participation"]
            return [
                [("home", "GET", "/")],
                [("participation", "GET", f"/municipalities/participations/{part}/"),
                 ("progress log", "GET", f"/municipalities/participations/{part}/progress/")],
                ["progress"],
                ["rsvp"],
                [("notifications", "GET", "/notifications/")],
                [("library", "GET", "/community/library/")],
            ]
        if self.role == "facilitator":
            return [[("home", "GET", "/")], [("programme", "GET", f"/programmes/{slug}/")],
                    [("cohort dashboard", "GET", f"/programmes/{slug}/dashboard/cohort/")],
                    [("board", "GET", f"/programmes/{slug}/board/")],
                    [("meeting", "GET", f"/meetings/{self.info['meeting']}/")]]
        if self.role == "politician":
            return [[("home", "GET", "/")], [("dashboard", "GET", f"/programmes/{slug}/dashboard/")],
                    [("follow-group meeting", "GET", f"/meetings/{self.info['follow_group_meeting']}/")]]
        return [[("home", "GET", "/")], [("my municipalities", "GET", "/municipalities/my/")],
                [("participation", "GET", f"/municipalities/participations/{self.person['participations'][0]}/")]]

    def progress(self):
        part = self.person["participation"]
        form = self.hit("progress form", "GET", f"/municipalities/participations/{part}/progress/new/")
        if form is None:
            return
        self.think()
        saved = self.hit("progress: save draft", "POST", f"/municipalities/participations/{part}/progress/new/", {
            "csrfmiddlewaretoken": form.csrf(), "happened_on": time.strftime("%Y-%m-%d"),
            "what_happened": f"Belastningstest {self.index}: workshop med borgere.", "status": "on_track",
            "learnings": "", "blockers": "", "next_steps": "", "partner": "", "partner_sector": "",
            "partner_role": "", "indicator": "", "value": ""}, expect=302)
        found = saved and re.search(r"/progress/(\d+)/", saved.headers.get("location", ""))
        if not found:
            return
        entry = found.group(1)
        page = self.hit("progress entry", "GET", f"/municipalities/progress/{entry}/")
        if page is None:
            return
        self.think()
        self.hit("progress: publish", "POST", f"/municipalities/progress/{entry}/publish/",
                 {"csrfmiddlewaretoken": page.csrf()}, expect=302)

    def rsvp(self):
        if not self.person["meetings"]:
            return
        meeting = self.rng.choice(self.person["meetings"])
        page = self.hit("meeting", "GET", f"/meetings/{meeting}/")
        if page is None:
            return
        self.think()
        self.hit("rsvp", "POST", f"/meetings/{meeting}/answer/", {
            "csrfmiddlewaretoken": page.csrf(), "response": self.rng.choice(["yes", "no", "maybe"])}, expect=302)

    def __call__(self):
        self.run.stop.wait(self.index * 0.3)  # people arrive over the first quarter minute
        while not self.run.stop.is_set() and not self.login():
            self.think()
        journeys = self.journeys()
        while not self.run.stop.is_set():
            journey = self.rng.choice(journeys)
            if self.rng.random() < 0.08:
                self.relogin()
            elif journey == ["progress"]:
                self.progress()
            elif journey == ["rsvp"]:
                self.rsvp()
            else:
                for label, method, path in journey:
                    if self.hit(label, method, path) is None or self.run.stop.is_set():
                        break
                    self.think()
            self.think()
        self.session.close()


def cast(info: dict, users: int) -> list[tuple[str, dict]]:
    """Who the virtual users are: mostly municipal staff, as on the real platform."""
    people = info["people"]
    share = {"facilitator": max(1, users * 12 // 100), "politician": max(1, users * 10 // 100),
             "advisor": max(1, users * 10 // 100)}
    share["staff"] = users - sum(share.values())
    result = []
    for role, count in share.items():
        pool = people[role]
        result += [(role, pool[i % len(pool)]) for i in range(count)]
    return result


# --- faults ------------------------------------------------------------------------------------------------------

class Supervisor(threading.Thread):
    """Starts worker and beat and starts them again if they exit (compose's ``restart: unless-stopped``)."""

    def __init__(self, run: Run, env: dict):
        super().__init__(daemon=True)
        self.load, self.env = run, env
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: Counter = Counter()
        self.quit = threading.Event()

    def command(self, name: str) -> list[str]:
        celery = str(VENV_BIN / "celery")
        if name == "worker":
            return [celery, "-A", "circular_cities", "worker", "-l", "INFO", "--concurrency", "2",
                    "--without-gossip", "--without-mingle", "-n", "loadtest@%h"]
        return [celery, "-A", "circular_cities", "beat", "-l", "INFO", "-s", str(VAR / "beat-schedule")]

    def start_one(self, name: str) -> None:
        self.processes[name] = spawn(self.command(name), env=self.env, log=VAR / f"{name}.log")

    def run(self):  # noqa: D102
        for name in ("worker", "beat"):
            self.start_one(name)
        while not self.quit.wait(1):
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.restarts[name] += 1
                    self.run_event(f"celery {name} exited ({process.returncode}); started again")
                    self.start_one(name)

    def run_event(self, text):
        self.load.event(text)

    def kill_worker(self, why: str) -> None:
        """SIGKILL the worker and its pool processes at once (the supervisor starts it again)."""
        process = self.processes.get("worker")
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            self.run_event(f"Celery worker SIGKILLed {why}")

    def stop_all(self):
        self.quit.set()
        for process in self.processes.values():
            stop(process, timeout=30)


def faults(run: Run, pg: Postgres, redis: Redis, *, pg_at: float, redis_at: float, redis_down: float,
           windows: list, mail: MailServer | None = None, supervisor: Supervisor | None = None,
           kills: tuple[tuple[float, str], ...] = ()):
    def until(t):
        while run.now() < t and not run.stop.is_set():
            time.sleep(0.05)

    until(pg_at)
    if run.stop.is_set():
        return
    begin = run.now()
    run.event("PostgreSQL: pg_ctl restart -m fast …")
    pg.restart()
    back = run.now()
    run.event(f"PostgreSQL: accepting connections again ({back - begin:.1f} s)")
    windows.append(("PostgreSQL restart", begin, back))
    for at, moment in kills:
        until(at)
        if run.stop.is_set() or mail is None or supervisor is None:
            return
        what = ("after the mail server accepted a reminder, before its 250 reply" if moment == "data"
                else "after the mail server accepted a reminder, waiting for the answer to QUIT")
        run.event(f"Celery worker: armed to be SIGKILLed on the next e-mail ({moment})")
        mail.arm(moment, lambda what=what: supervisor.kill_worker(what))
    until(redis_at)
    if run.stop.is_set():
        return
    begin = run.now()
    run.event("Redis: stopped")
    redis.stop()
    until(redis_at + redis_down)
    redis.start()
    back = run.now()
    run.event(f"Redis: started again ({back - begin:.1f} s down)")
    windows.append(("Redis stopped", begin, back))


# --- reminders after the run ------------------------------------------------------------------------------------

def check_reminders(info: dict, mail_dir: Path, *, wait: float) -> dict:
    from django.db import close_old_connections, connection

    from notifications.models import Delivery, Notification

    connection.close()
    expected = {(m, u) for m, u, _e, _t in info["expected"]}
    milestone_ids = [m for m, *_ in info["expected"]]
    deadline = time.monotonic() + wait
    while True:
        close_old_connections()
        rows = list(Delivery.objects.filter(target_id__in=milestone_ids, programme__slug__startswith="loadtest-")
                    .values_list("target_id", "recipient_id", "state"))
        waiting = [r for r in rows if r[2] == Delivery.State.CLAIMED]
        if (len(rows) >= len(expected) and not waiting) or time.monotonic() > deadline:
            break
        time.sleep(3)
    states = Counter(state for _m, _u, state in rows)
    sent = Counter((m, u) for m, u, state in rows if state == Delivery.State.SENT)
    notifications = Counter(Notification.objects.filter(delivery__target_id__in=milestone_ids,
                                                        delivery__programme__slug__startswith="loadtest-")
                            .values_list("delivery__target_id", "recipient_id"))
    # every e-mail the mail server accepted, by reminder (the mark in its subject) and Message-ID
    copies: dict[str, Counter] = defaultdict(Counter)
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        plain = message.get_body(("plain",))
        found = re.search(MARK + r"\d\dx\d+", str(message.get("Subject", "")) + " " + (
            plain.get_content() if plain is not None else ""))
        if found:
            copies[found.group(0)][str(message.get("Message-ID", ""))] += 1
    by_title = {t: (m, u) for m, u, _e, t in info["expected"]}
    mail_counts = Counter({by_title[key]: sum(ids.values()) for key, ids in copies.items() if key in by_title})
    flagged = set(Delivery.objects.filter(target_id__in=milestone_ids, programme__slug__startswith="loadtest-",
                                          unknown_outcomes__gt=0).values_list("target_id", "recipient_id"))
    repeated = {by_title[key] for key, ids in copies.items() if key in by_title and sum(ids.values()) > 1}
    return {
        "expected": len(expected),
        "deliveries": len(rows), "states": dict(states),
        "sent": len(sent), "missing": sorted(expected - set(sent)),
        "unexpected": sorted(set(sent) - expected),
        "duplicate_deliveries": sum(n - 1 for n in sent.values() if n > 1),
        "notifications": sum(notifications.values()),
        "duplicate_notifications": sum(n - 1 for n in notifications.values() if n > 1),
        "emails": sum(mail_counts.values()),
        "message_ids": sum(len(ids) for key, ids in copies.items() if key in by_title),
        # a second, different e-mail for one reminder: what must never happen
        "different_emails": sum(len(ids) - 1 for key, ids in copies.items() if key in by_title and len(ids) > 1),
        "repeated_emails": sum(n - 1 for n in mail_counts.values() if n > 1),
        "repeated_flagged": len(repeated & flagged),
        "repeated_unflagged": len(repeated - flagged),
        "flagged": len(flagged),
        "missing_emails": len(expected - set(mail_counts)),
    }


# --- the report ----------------------------------------------------------------------------------------------------

def summarise(run: Run, windows: list, seconds: float, recovery: float) -> tuple[str, int]:
    hits = sorted(run.hits, key=lambda h: h.at)
    spans = [(name, begin, end + recovery) for name, begin, end in windows]

    def window_of(hit):
        # a request belongs to a fault window if it was under way at any moment of it
        for name, begin, end in spans:
            if hit.at <= end and hit.at + hit.seconds >= begin:
                return name
        return "steady state"

    groups = defaultdict(list)
    for hit in hits:
        groups[window_of(hit)].append(hit)
    lines = ["| window | seconds | requests | errors | error kinds | p50 ms | p95 ms |", "|" + "---|" * 7]
    steady_seconds = seconds - sum(end - begin for _n, begin, end in spans)
    for name, length in [("steady state", steady_seconds)] + [(n, e - b) for n, b, e in spans]:
        group = groups.get(name, [])
        errors = [h for h in group if h.error]
        kinds = Counter(f"{h.error} on {h.label}" for h in errors)
        ok = sorted(h.seconds * 1000 for h in group if not h.error)
        p50 = statistics.median(ok) if ok else 0
        p95 = ok[int(len(ok) * 0.95) - 1] if len(ok) >= 20 else (ok[-1] if ok else 0)
        lines.append(f"| {name} | {length:.0f} | {len(group)} | {len(errors)} | "
                     f"{'; '.join(f'{n}× {k}' for k, n in kinds.most_common(4)) or '–'} | {p50:.0f} | {p95:.0f} |")
    errors = [h for h in hits if h.error]
    ok = sorted(h.seconds * 1000 for h in hits if not h.error)
    lines.append(f"| **all** | {seconds:.0f} | {len(hits)} | {len(errors)} | – | "
                 f"{statistics.median(ok) if ok else 0:.0f} | {ok[int(len(ok) * 0.95) - 1] if ok else 0:.0f} |")
    per_label = Counter(h.label for h in hits)
    journeys = ", ".join(f"{label} {n}" for label, n in per_label.most_common())
    recovered = []
    for name, begin, end in windows:
        last_error = max((h.at for h in errors if h.at >= begin), default=None)
        if last_error is None:
            recovered.append(f"{name}: no error at all")
        else:
            recovered.append(f"{name}: last error {last_error - end:+.1f} s after the service was back")
    return "\n".join(lines) + "\n\nRequests by step: " + journeys + "\n\nRecovery: " + "; ".join(recovered), \
        len(errors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 300)))
    parser.add_argument("--pg-restart-at", type=float, default=None, help="seconds into the run (default 30%%)")
    parser.add_argument("--redis-stop-at", type=float, default=None, help="seconds into the run (default 60%%)")
    parser.add_argument("--redis-down", type=float, default=15)
    parser.add_argument("--worker-kill-at", type=float, nargs="*", default=None,
                        help="seconds into the run at which the next accepted e-mail SIGKILLs the worker "
                             "(default 40%% and 50%%; none: no kill)")
    parser.add_argument("--smtp-port", type=int, default=8825)
    parser.add_argument("--database", default=DATABASE, help="the database's name in the load test's own cluster")
    parser.add_argument("--recovery", type=float, default=10, help="seconds after a fault still counted with it")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--redis-port", type=int, default=6399)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    pg_at = args.pg_restart_at if args.pg_restart_at is not None else args.seconds * 0.3
    redis_at = args.redis_stop_at if args.redis_stop_at is not None else args.seconds * 0.6
    kill_at = args.worker_kill_at if args.worker_kill_at is not None else [args.seconds * 0.4, args.seconds * 0.5]
    kills = tuple((at, "data" if i % 2 == 0 else "quit") for i, at in enumerate(kill_at))
    for port in (args.port, args.pg_port, args.redis_port, args.smtp_port):
        if not port_free(port):
            sys.exit(f"Port {port} is in use (another load test?).")
    began = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    mail_dir = VAR / "mail"
    if mail_dir.exists():
        for old in mail_dir.glob("*"):
            old.unlink()
    mail = MailServer(mail_dir, args.smtp_port)
    for log in VAR.glob("*.log"):
        log.unlink()

    from bench.run import server_env

    pg = Postgres(args.pg_port, VAR / "pg")
    redis = Redis(args.redis_port, VAR / "redis")
    env = server_env(f"postgres://postgres@127.0.0.1:{args.pg_port}/{args.database}",
                     f"redis://127.0.0.1:{args.redis_port}/0")
    env.update({"EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}", "EMAIL_TIMEOUT": "10",
                "STATIC_ROOT": str(VAR / "static"),
                "MEDIA_ROOT": str(VAR / "media"), "REMINDER_SCAN_EVERY_SECONDS": "10",
                "REMINDER_SWEEP_EVERY_SECONDS": "15", "REMINDER_SWEEP_AFTER_SECONDS": "30",
                # an attempt cut off by the kill counts as dead after 20 s (a send takes well under a second)
                "REMINDER_SEND_LEASE_SECONDS": "20", "LOG_LEVEL": "INFO"})
    server = supervisor = None
    run = Run()
    windows: list = []
    try:
        print(f"== Own PostgreSQL on {args.pg_port} and Redis on {args.redis_port} under {VAR}", flush=True)
        mail.start()
        pg.init()
        pg.start()
        pg.createdb(args.database)
        redis.start()
        # reminders fall due from 20 s into the run, one programme every `step` seconds, across both faults
        step = max(5, int(redis_at + args.redis_down + 30) // 12)
        print("== Migrate, generate, reminders", flush=True)
        setup_seconds = 60  # collectstatic and the servers, before the load starts
        info = prepare(env, reminder_programmes=12, reminders_each=5, step_seconds=step,
                       lead_seconds=setup_seconds)
        prepared = time.monotonic()
        subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                       cwd=ROOT, check=True)
        print(f"== gunicorn {args.workers} workers × {args.threads} threads; Celery worker and beat", flush=True)
        server = gunicorn(port=args.port, workers=args.workers, threads=args.threads, env=env,
                          log=VAR / "gunicorn.log")
        # start the load when the first reminder is 20 s away (the setup takes about setup_seconds)
        first_due = datetime.fromisoformat(info["due"][0])
        wait = (first_due - datetime.now(first_due.tzinfo)).total_seconds() - 20
        if wait > 0:
            time.sleep(wait)
        run = Run()
        supervisor = Supervisor(run, env)
        supervisor.start()
        print(f"== {args.users} users for {args.seconds} s (setup took {prepared - began:.0f} s); reminders due "
              f"from {info['due'][0][11:19]} to {info['due'][-1][11:19]} Copenhagen time", flush=True)
        users = [User(i, role, person, info, run, args.port, args.seed + i)
                 for i, (role, person) in enumerate(cast(info, args.users))]
        threads = [threading.Thread(target=u, daemon=True) for u in users]
        for t in threads:
            t.start()
        fault_thread = threading.Thread(target=faults, args=(run, pg, redis), daemon=True, kwargs={
            "pg_at": pg_at, "redis_at": redis_at, "redis_down": args.redis_down, "windows": windows,
            "mail": mail, "supervisor": supervisor, "kills": kills})
        fault_thread.start()
        while run.now() < args.seconds:
            time.sleep(0.5)
        run.stop.set()
        for t in threads:
            t.join(40)
        fault_thread.join(60)
        loaded = run.now()
        print("== Load over; waiting for the reminders to be sent", flush=True)
        reminders = check_reminders(info, mail_dir, wait=120)
    finally:
        run.stop.set()
        if supervisor is not None:
            supervisor.stop_all()
        stop(server)
        redis.stop()
        pg.stop()
        mail.stop()

    table, errors = summarise(run, windows, loaded, args.recovery)
    restarts = dict(supervisor.restarts) if supervisor else {}
    bad = (errors or reminders["missing"] or reminders["duplicate_deliveries"] or reminders["different_emails"]
           or reminders["repeated_unflagged"] or reminders["duplicate_notifications"] or reminders["missing_emails"]
           or reminders["unexpected"])
    report = "\n".join([
        f"{args.users} users, {loaded:.0f} s, gunicorn {args.workers}×{args.threads}, Celery worker (2) and beat; "
        f"a fault window runs from the fault to {args.recovery:.0f} s after the service is back.",
        "", table, "",
        "Events: " + "; ".join(f"t={t:.0f}s {text}" for t, text in run.events),
        f"Celery restarts by the supervisor: {restarts or 'none'}", "",
        "| reminders | count |", "|---|---|",
        f"| expected (due during the run) | {reminders['expected']} |",
        f"| deliveries claimed | {reminders['deliveries']} ({reminders['states']}) |",
        f"| sent | {reminders['sent']} |",
        f"| missing | {len(reminders['missing'])} |",
        f"| sent but not expected | {len(reminders['unexpected'])} |",
        f"| duplicated deliveries | {reminders['duplicate_deliveries']} |",
        f"| notifications / duplicated | {reminders['notifications']} / {reminders['duplicate_notifications']} |",
        f"| e-mails received / distinct Message-IDs / reminders without an e-mail | {reminders['emails']} / "
        f"{reminders['message_ids']} / {reminders['missing_emails']} |",
        f"| second, different e-mail for a reminder (a new Message-ID) | {reminders['different_emails']} |",
        f"| repeated e-mails, same Message-ID / their reminders flagged in the log / not flagged | "
        f"{reminders['repeated_emails']} / {reminders['repeated_flagged']} / {reminders['repeated_unflagged']} |",
        f"| deliveries flagged \"may have been sent twice\" | {reminders['flagged']} |",
        "", f"Result: {'FAILED' if bad else 'passed'}. Total {time.monotonic() - began:.0f} s.",
    ])
    print("\n" + report)
    (VAR / "last-report.md").write_text(report + "\n")
    (VAR / "hits.json").write_text(json.dumps([h.__dict__ for h in run.hits]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
