"""Reliability against the real components: a Celery worker (and beat) started as subprocesses, the real
Redis as broker (its own database number, flushed first), PostgreSQL (the live test database, committed data)
and an SMTP server (aiosmtpd) started by the test, whose received mail is checked.

Skipped on a laptop without PostgreSQL and Redis; CC_REQUIRE_SERVICES=1 (CI) makes a missing service fail.

* two scans at the same moment: every reminder claimed and mailed once;
* a worker SIGKILLed after its attempt started, before the SMTP conversation: after a restart (the sweeper
  re-queues the claim) the mail arrives once, flagged as "may have been sent twice" (the platform cannot know),
  and a late redelivery of the lost message changes nothing;
* a worker SIGKILLed right after the SMTP server accepted a message, many times in a row: every reminder
  arrives, a repeat always with the same Message-ID, and the delivery log shows it;
* the broker down when the scan runs: the claims wait, and are delivered once it is back;
* a milestone completed or moved, a meeting cancelled after the claim: nothing stale is mailed, and the
  moved date gets its own reminder;
* the last Sundays of March and October: the 09:00 reminder is claimed at 09:00 Copenhagen time;
* beat drives the scan on its own: one mail per reminder, however many scans run.
"""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from datetime import time as dtime
from email import policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import engine
from notifications.models import Delivery, Kind, Notification
from notifications.services import publish_deliveries, run_scan, run_sweep
from programmes.models import Milestone
from tests.factories import MilestoneFactory, build_side, observer_of
from tests.notifications.factories import InvitationFactory, MeetingFactory, ReminderRuleFactory, cph
from workshops.models import Meeting

ROOT = Path(__file__).resolve().parents[2]
# The broker's Redis database: REDIS_URL's own (each engineer and CI run has theirs), or 5 when that is 0.
REDIS_DB = int(urlsplit(os.environ.get("REDIS_URL", "")).path.strip("/") or 0) or 5
SOON = timezone.localdate() + timedelta(days=40)

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


# --- The SMTP server ----------------------------------------------------------------------------------------

class Inbox:
    """The test's mail server. ``arm(moment, action)`` runs ``action`` once, on the next message, at the moment
    it has been accepted: "data" after the whole message is stored, before the 250 reply goes out; "quit" after
    the 250 went out, before the answer to the client's QUIT. Both leave a client that cannot know."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.armed: tuple[str, object] | None = None
        self.fired = threading.Event()
        self._pending: dict[int, object] = {}  # session → the action waiting for its QUIT

    def arm(self, moment: str, action) -> None:
        self.fired.clear()
        self.armed = (moment, action)

    def _fire(self, action) -> None:
        action()
        self.fired.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                          policy=policy.default))
            armed, self.armed = self.armed, None
        if armed and armed[0] == "data":
            self._fire(armed[1])
        elif armed:
            self._pending[id(session)] = armed[1]
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        action = self._pending.pop(id(session), None)
        if action is not None:
            self._fire(action)
        return "221 Bye"

    def wait_for(self, count: int, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.1)
        raise AssertionError(f"expected {count} mails within {timeout}s, got {len(self.messages)}")

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


# --- Celery against the real broker --------------------------------------------------------------------------

def _with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


@contextmanager
def broker(url: str):
    """Point this process's Celery app at another broker (its connection pools are rebuilt)."""
    from circular_cities.celery import app

    def reset():
        from kombu import pools

        pools.reset()  # close and forget kombu's shared connection and producer pools
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset()


class Processes:
    """Workers and beat as subprocesses in their own process groups, so a whole worker can be SIGKILLed."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.running = env, logs, []

    def _start(self, name: str, args: list[str], extra_env: dict | None) -> subprocess.Popen:
        log = open(self.logs / f"{name}-{len(self.running)}.log", "w")  # noqa: SIM115  (closed in stop)
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "circular_cities", *args], cwd=ROOT,
                                   env={**self.env, **(extra_env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log = log
        self.running.append(process)
        return process

    def worker(self, concurrency: int = 2, **extra_env) -> subprocess.Popen:
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        return self._start("worker", ["worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                                      "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
                           extra_env)

    def beat(self) -> subprocess.Popen:
        return self._start("beat", ["beat", "--loglevel=INFO", f"--pidfile={self.logs / 'beat.pid'}",
                                    f"--schedule={self.logs / 'beat-schedule'}"], None)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes at once: nothing gets to clean up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """Cold shutdown: the test is over, nothing is left to finish (and the broker is flushed next time)."""
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.running:
            process.wait(timeout=10)
            process.log.close()

    def output(self) -> str:
        return "\n".join(f"--- {p.log.name}\n{Path(p.log.name).read_text()[-4000:]}" for p in self.running)


@pytest.fixture
def celery(requires_postgres, requires_redis, transactional_db, smtp, tmp_path, settings):
    """Real-worker tests: the broker is Redis database 5 (flushed), the database the live test database."""
    import redis

    from circular_cities.celery import app

    redis_url = _with_db(requires_redis, REDIS_DB)
    redis.Redis.from_url(redis_url).flushdb()
    database = connection.settings_dict
    database_url = urlunsplit(("postgres", f"{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                                           f"{database['PORT'] or 5432}", f"/{database['NAME']}", "", ""))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "circular_cities.settings", "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "SITE_URL": settings.SITE_URL,
           "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("REMINDER_TEST_SEND_DELAY", None)
    processes = Processes(env, tmp_path)
    app.conf.task_always_eager = False
    with broker(redis_url):
        processes.redis_url = redis_url
        try:
            yield processes
        finally:
            processes.stop_all()
            connection.close()
            if os.environ.get("CC_SHOW_WORKER_LOGS"):
                print(processes.output())  # noqa: T201


def wait_until(predicate, timeout: float = 20, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def state_of(delivery_id: int) -> str:
    return Delivery.objects.values_list("state", flat=True).get(pk=delivery_id)


def attempt_started(delivery_id: int) -> bool:
    """True once a send task has recorded (and committed) its attempt: it is about to talk to the mail server."""
    return Delivery.objects.filter(pk=delivery_id, attempt_started_at__isnull=False).exists()


def is_locked(delivery_id: int) -> bool:
    """True while a transaction holds the delivery's row lock."""
    try:
        with transaction.atomic():
            list(Delivery.objects.select_for_update(nowait=True).filter(pk=delivery_id))
    except DatabaseError:
        return True
    return False


def sweep_later(delivery_id: int) -> list[int]:
    """The sweeper's next run, once the claim (queued at the scan's simulated time) counts as stuck."""
    queued = Delivery.objects.values_list("published_at", flat=True).get(pk=delivery_id)
    return run_sweep(now=queued + timedelta(minutes=16))


@pytest.fixture
def side(celery):
    return build_side("a")


# --- The tests -------------------------------------------------------------------------------------------------

def test_two_scans_at_the_same_time_send_every_reminder_once(celery, smtp, side):
    owners = [observer_of(side.programme, user__email=f"owner{i}@example.org") for i in range(25)]  # a role in it
    for owner in owners:
        MilestoneFactory(programme=side.programme, due_on=SOON, owner=owner)
    engine.RuleBook().all_rules([side.programme.pk])  # as after an earlier scan
    now = cph(SOON - timedelta(days=3))
    barrier, results, errors = threading.Barrier(2), [], []

    def scan():
        try:
            barrier.wait()
            results.append(run_scan(now=now))
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    claimed = [pk for result in results for pk in result.claimed]
    assert len(claimed) == len(set(claimed)) == 25  # each claim made by exactly one scan
    # each scan found all 25; what it did not claim the other had (seen before inserting, or refused by the
    # unique constraint when both inserted at once, which is what usually happens here)
    assert all(len(r.claimed) + r.already + r.conflicts == 25 for r in results)
    celery.worker()
    smtp.wait_for(25)
    time.sleep(1.5)
    assert smtp.recipients() == sorted(o.email for o in owners)  # nobody twice
    assert Delivery.objects.count() == 25
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_worker_killed_after_the_attempt_started_delivers_after_restart(celery, smtp, side):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    # the sleep sits between "attempt started" (committed) and the SMTP conversation
    slow = celery.worker(REMINDER_TEST_SEND_DELAY="30")
    (delivery_id,) = run_scan(now=cph(SOON - timedelta(days=3))).claimed
    wait_until(lambda: attempt_started(delivery_id), timeout=20, message="the worker to start its attempt")
    assert not is_locked(delivery_id)  # no row lock (nor transaction) held while sending
    celery.kill(slow)
    assert state_of(delivery_id) == Delivery.State.CLAIMED and smtp.messages == []

    celery.worker(REMINDER_SEND_LEASE_SECONDS="1")  # the restart
    time.sleep(1)
    assert sweep_later(delivery_id) == [delivery_id]
    (message,) = smtp.wait_for(1)
    wait_until(lambda: state_of(delivery_id) == Delivery.State.SENT, message="the delivery to be marked sent")
    publish_deliveries([delivery_id])  # the lost message redelivered late (visibility timeout): harmless
    time.sleep(2)
    assert len(smtp.messages) == 1
    delivery = Delivery.objects.get(pk=delivery_id)
    assert message["To"] == side.users["staff"].email and message["Message-ID"] == delivery.message_id
    # the platform cannot tell whether the killed attempt reached the server: it says so
    assert delivery.attempts == 2 and delivery.unknown_outcomes == 1 and delivery.may_be_twice


KILLS = int(os.environ.get("CC_REMINDER_KILLS", 8))  # SIGKILLs in one run (about 8 s each here)


def test_worker_killed_right_after_the_mail_server_accepted_never_sends_a_different_message(celery, smtp, side,
                                                                                            client):
    """SIGKILL the worker at the moment the SMTP server has accepted a message, KILLS times in a row (half of
    them before the 250 reply, half after it, while the client waits for the answer to QUIT). Every reminder
    arrives; a repeat carries the same Message-ID (and the same .ics UID) and the delivery log says so."""
    owners = [observer_of(side.programme, user__email=f"kill{i}@example.org") for i in range(6)]
    for owner in owners:
        MilestoneFactory(programme=side.programme, due_on=SOON, owner=owner)
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON + timedelta(days=4), 10))
    guests = [observer_of(side.programme, user__email=f"guest{i}@example.org") for i in range(2)]
    for guest in guests:
        InvitationFactory(meeting=meeting, user=guest)
    clock = cph(SOON - timedelta(days=3))  # the scan's simulated moment; the sweeper's runs follow it
    claimed = run_scan(now=clock).claimed  # 6 milestone + 2 meeting reminders
    assert len(claimed) == 8
    lease = {"REMINDER_SEND_LEASE_SECONDS": "1"}

    def sweep():  # the sweeper's next run, later each time (claims it re-queued are not stuck until then)
        nonlocal clock
        clock += timedelta(minutes=16)
        return run_sweep(now=clock)

    # one task at a time: each kill cuts off exactly one send, and no two attempts of one delivery overlap
    current = {}
    for kill in range(KILLS):
        smtp.arm("data" if kill % 2 == 0 else "quit", lambda: celery.kill(current["worker"]))
        current["worker"] = celery.worker(concurrency=1, **lease)
        assert smtp.fired.wait(60), f"kill {kill + 1}: no message reached the mail server\n{celery.output()}"
        assert current["worker"].poll() is not None
        sweep()  # what the killed worker held is queued again (the broker keeps it unacked for an hour)
    celery.worker(concurrency=1, **lease)
    deadline = time.monotonic() + 60
    while Delivery.objects.filter(state=Delivery.State.CLAIMED).exists() and time.monotonic() < deadline:
        time.sleep(2)
        sweep()
    time.sleep(1)

    deliveries = {d.recipient.email: d for d in Delivery.objects.select_related("recipient")}
    assert {d.state for d in deliveries.values()} == {Delivery.State.SENT}  # nothing lost
    by_recipient: dict[str, list] = {}
    for message in smtp.messages:
        by_recipient.setdefault(str(message["To"]), []).append(message)
    assert set(by_recipient) == set(deliveries)
    repeated = {}
    for address, messages in by_recipient.items():
        delivery = deliveries[address]
        assert {str(m["Message-ID"]) for m in messages} == {delivery.message_id}  # never a different message
        uids = {part.get_content().split("UID:")[1].split()[0] for m in messages for part in m.iter_attachments()
                if part.get_filename() == "meeting.ics"}
        assert len(uids) == (1 if delivery.kind == Kind.MEETING_BEFORE else 0)
        if len(messages) > 1:
            repeated[delivery.pk] = len(messages) - 1
            assert delivery.may_be_twice, address  # the log can tell
    assert sum(repeated.values()) == KILLS  # each kill came after the server had the message: one repeat each
    assert Notification.objects.count() == len(deliveries)  # the notification exactly once each

    client.force_login(side.users["facilitator"])
    client.cookies["django_language"] = "da"
    page = client.get(reverse("notifications:deliveries", args=[side.programme.slug])).content.decode()
    assert all(f'id="delivery-{d.pk}"' in page for d in deliveries.values())
    assert page.count("Kan være sendt to gange") == len(repeated)


def test_broker_down_when_the_scan_runs_loses_nothing(celery, smtp, side):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    with broker(f"redis://127.0.0.1:{free_port()}/{REDIS_DB}"):  # nothing listens there
        result = run_scan(now=cph(SOON - timedelta(days=3)))
    (delivery_id,) = result.claimed
    assert state_of(delivery_id) == Delivery.State.CLAIMED
    celery.worker()
    time.sleep(1)
    assert smtp.messages == []  # never queued
    assert sweep_later(delivery_id) == [delivery_id]
    smtp.wait_for(1)
    wait_until(lambda: state_of(delivery_id) == Delivery.State.SENT, message="the delivery to be marked sent")
    time.sleep(1)
    assert len(smtp.messages) == 1


def test_changes_after_the_claim_send_nothing_stale_and_a_moved_date_gets_its_own(celery, smtp, side):
    staff, advisor = side.users["staff"], side.users["advisor"]
    done = MilestoneFactory(programme=side.programme, due_on=SOON, owner=staff, title_en="Done later")
    moved = MilestoneFactory(programme=side.programme, due_on=SOON, owner=advisor, title_en="Moved later")
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON + timedelta(days=4), 10))
    InvitationFactory(meeting=meeting, user=side.users["facilitator"])
    claimed = run_scan(now=cph(SOON - timedelta(days=3))).claimed  # queued; no worker yet
    assert len(claimed) == 3
    Milestone.objects.filter(pk=done.pk).update(status=Milestone.Status.DONE, completed_at=timezone.now())
    Milestone.objects.filter(pk=moved.pk).update(due_on=SOON + timedelta(days=10))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, cancelled_at=timezone.now())

    celery.worker()
    wait_until(lambda: not Delivery.objects.filter(state=Delivery.State.CLAIMED).exists(),
               message="the worker to handle the claims")
    reasons = set(Delivery.objects.filter(state=Delivery.State.SKIPPED).values_list("kind", "target_id",
                                                                                    "skip_reason"))
    assert reasons == {(Kind.MILESTONE_BEFORE, done.pk, "closed"), (Kind.MILESTONE_BEFORE, moved.pk, "moved"),
                       (Kind.MEETING_BEFORE, meeting.pk, "cancelled")}
    assert smtp.messages == []

    result = run_scan(now=cph(SOON + timedelta(days=7)))  # 3 days before the new due date
    (new_id,) = result.claimed
    (message,) = smtp.wait_for(1)
    assert message["To"] == advisor.email and moved.title_en in message["Subject"]  # in her language (en)
    assert Delivery.objects.get(pk=new_id).occurrence == (SOON + timedelta(days=10)).isoformat()


@pytest.mark.parametrize("sunday, utc_hour", [(date(2027, 3, 28), 7), (date(2027, 10, 31), 8)])
def test_daylight_saving_sunday_reminder_goes_out_at_nine_local(celery, smtp, side, sunday, utc_hour):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(sunday + timedelta(days=1), 10))
    InvitationFactory(meeting=meeting, user=side.users["staff"])
    nine = engine.local_moment(sunday, dtime(9))
    assert (nine.hour, nine.minute) == (utc_hour, 0)
    celery.worker()
    assert run_scan(now=nine - timedelta(seconds=1)).claimed == []
    (delivery_id,) = run_scan(now=nine).claimed
    (message,) = smtp.wait_for(1)
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.kind == Kind.MEETING_BEFORE and delivery.send_at == nine
    assert any(part.get_filename() == "meeting.ics" for part in message.iter_attachments())


def test_beat_drives_the_scan_and_every_reminder_goes_out_once(celery, smtp, side):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from notifications.schedule import SCAN, setup_reminder_schedule

    setup_reminder_schedule()
    every_two = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)[0]
    PeriodicTask.objects.filter(name=SCAN).update(interval=every_two)
    local_now = timezone.localtime()
    send_time = max(local_now - timedelta(minutes=1), local_now.replace(hour=0, minute=0, second=0, microsecond=0))
    ReminderRuleFactory(programme=side.programme, kind=Kind.MILESTONE_DUE, offset_days=0,
                        send_time=send_time.time().replace(microsecond=0))
    staff = side.users["staff"]
    staff.language = "en"
    staff.save()
    MilestoneFactory(programme=side.programme, due_on=send_time.date(), owner=staff, title_en="Due today")
    celery.worker()
    celery.beat()
    (message,) = smtp.wait_for(1, timeout=25)
    assert message["To"] == staff.email and "Due today" in message["Subject"]
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    assert "List-Unsubscribe" in message
    time.sleep(6)  # more scans run
    assert len(smtp.messages) == 1
    assert Delivery.objects.get().state == Delivery.State.SENT
