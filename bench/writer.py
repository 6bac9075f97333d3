"""The writer that runs while ``make bench`` measures the pages (issue 17, part 5): people using the platform.

Real HTTP writes through the platform's own forms, as a browser makes them: GET the page with the form, read the
form's fields and CSRF token out of the HTML, POST what the person typed, follow the redirect and check that the
page says the write happened. Four kinds, taken in turn in each programme:

* ``progress``: a member of a municipality's team saves and publishes a progress entry;
* ``comment``: the same person comments on one of their team's published entries;
* ``rsvp``: they answer an invitation to a coming meeting of the programme (yes, maybe, no in turn; in the
  national programme, the meeting whose page is measured);
* ``read``: they mark the newest unread notification of their notification centre read.

The plan (:func:`plan`): one write per second spread over all programmes in turn, plus one every ten seconds in
the measured programme. Each programme's person (``bench.generate``: ``info["writers"]``) logs in once through
the login form and keeps their session; writes run in a pool of threads, one write at a time per person: a write
that falls due while its person is still waiting for the answers to their last one is skipped and counted as
skipped (so no queue of writes builds up on a slow server and spills into the next page's measurement).
Every write is counted; a write fails when a request raises, answers anything but what the form answers on
success (a redirect to the saved thing, which then says so), or logs the person out. Nothing is retried.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.client import Form, Response, Session, forms_in

KINDS = ("progress", "comment", "rsvp", "read")
LABELS = {"progress": "progress entries", "comment": "comments", "rsvp": "invitations answered",
          "read": "notifications read"}
MARK = "Bench-skriver"  # every text the writer types starts with it
ANSWERS = ("yes", "maybe", "no")


@dataclass(frozen=True)
class Write:
    at: float  # seconds after the writer started
    programme: str  # slug
    kind: str  # one of KINDS
    measured: bool  # one of the extra writes in the measured programme


def plan(programmes: list[str], measured: str, *, per_second: float = 1.0,
         measured_every: float = 10.0) -> Iterator[Write]:
    """The writes in time order, endless: ``per_second`` spread over ``programmes`` in turn (the first at 0 s),
    and one every ``measured_every`` seconds in ``measured`` (the first half a period in, so the two streams do
    not coincide). Each programme takes the kinds in turn, so every kind happens in every programme."""
    if measured not in programmes:
        raise ValueError(f"The measured programme {measured!r} is not among the programmes.")
    turn: Counter[str] = Counter()
    spread, extra = 0, 0
    while True:
        at_spread = spread / per_second
        at_extra = measured_every * (extra + 0.5)
        if at_spread <= at_extra:
            slug, at, is_extra = programmes[spread % len(programmes)], at_spread, False
            spread += 1
        else:
            slug, at, is_extra = measured, at_extra, True
            extra += 1
        kind = KINDS[turn[slug] % len(KINDS)]
        turn[slug] += 1
        yield Write(at=at, programme=slug, kind=kind, measured=is_extra)


class WriteFailed(Exception):
    pass


def _form(page: Response, action: str) -> Form:
    """The form on ``page`` that posts to ``action`` (a path or a regular expression of one)."""
    for form in forms_in(page.text):
        if form.method == "post" and re.fullmatch(action, form.action.split("?")[0]):
            return form
    raise WriteFailed(f"no form posting to {action} on the page")


class Person:
    """One writer's person: a logged-in session of their own (``client_ip``: their own address, as the TLS proxy
    reports it), used by one write at a time."""

    def __init__(self, about: dict, port: int, index: int):
        self.about = about
        self.session = Session("127.0.0.1", port, timeout=60, keepalive=False, client_ip=f"10.8.{index // 200}."
                                                                                         f"{index % 200 + 1}")
        self.lock = threading.Lock()
        self.serial = itertools.count(1)

    def login(self, password: str) -> None:
        self.session.login(self.about["email"], password)

    def _check(self, response: Response, expect: int, what: str) -> Response:
        if response.status == 302 and "/accounts/login/" in response.headers.get("location", ""):
            raise WriteFailed(f"{what}: logged out")
        if response.status != expect:
            raise WriteFailed(f"{what}: HTTP {response.status}")
        return response

    def get(self, path: str) -> Response:
        return self._check(self.session.get(path), 200, f"GET {path}")

    def post(self, form: Form, values: list[tuple[str, str]]) -> Response:
        """POST like the browser and follow the redirect; returns the page it leads to."""
        answer = self._check(self.session.submit(form, values), 302, f"POST {form.action}")
        location = answer.headers.get("location", "")
        page = self.get(location.split("#")[0])
        if "message-error" in page.text:
            raise WriteFailed(f"POST {form.action}: the page after it shows an error")
        return page

    def write(self, kind: str) -> None:
        with self.lock:
            getattr(self, kind)(next(self.serial))

    def progress(self, serial: int) -> None:
        path = f"/municipalities/participations/{self.about['participation']}/progress/new/"
        form = _form(self.get(path), re.escape(path))
        page = self.post(form, form.values(button=("publish", "1"), status="on_track",
                                           what_happened=f"{MARK} {serial}: workshop med borgere om genbrug."))
        if "message-success" not in page.text:
            raise WriteFailed("progress entry: no confirmation after saving")

    def comment(self, serial: int) -> None:
        entry = self.about["entry"]
        path = f"/municipalities/progress/{entry}/"
        form = _form(self.get(path), re.escape(f"{path}comments/"))
        text = f"{MARK} {serial}: tak, vi prøver det samme hos os ({time.time_ns()})."
        page = self.post(form, form.values(body=text))
        if text not in page.text:
            raise WriteFailed("comment: not shown on the entry after posting it")

    def rsvp(self, serial: int) -> None:
        path = f"/meetings/{self.about['meeting']}/"
        form = _form(self.get(path), re.escape(f"{path}answer/"))
        page = self.post(form, form.values(button=("response", ANSWERS[serial % len(ANSWERS)])))
        if "message-success" not in page.text:
            raise WriteFailed("answer: no confirmation after answering")

    def read(self, serial: int) -> None:
        page = self.get("/notifications/")
        try:
            form = _form(page, r"/notifications/\d+/read/")
        except WriteFailed:
            raise WriteFailed("no unread notification left to mark read") from None
        after = self.post(form, form.values())
        if f'action="{form.action}"' in after.text:
            raise WriteFailed("notification still unread after marking it read")


class Writer:
    """Runs :func:`plan` against the server in the background until :meth:`stop`; counts what happened."""

    def __init__(self, port: int, people: list[dict], measured: str, *, password: str, per_second: float = 1.0,
                 measured_every: float = 10.0):
        if not people:
            raise ValueError("No writers in the dataset (bench.generate makes them; run without --reuse once).")
        self.people = {about["programme"]: Person(about, port, index) for index, about in enumerate(people)}
        self.measured, self.password = measured, password
        self.per_second, self.measured_every = per_second, measured_every
        # as many threads as people: a slow answer delays that person's next write, nobody else's
        self.pool = ThreadPoolExecutor(max_workers=len(self.people), thread_name_prefix="bench-writer")
        self.done: Counter[str] = Counter()  # "progress", …, and "measured" for the extra ones
        self.due = 0  # writes whose planned time has come
        self.skipped = 0  # due while their person was still waiting for the answers to their last write
        self._busy: set[str] = set()
        self.failures: list[str] = []
        self.slowest = 0.0
        self.latest_start = 0.0  # how late the most belated write started, in seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="bench-writer-plan", daemon=True)
        self.started = 0.0

    def start(self) -> None:
        for person in self.people.values():
            person.login(self.password)
        self.started = time.monotonic()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def snapshot(self) -> dict:
        with self._lock:
            return {"done": Counter(self.done), "failed": len(self.failures), "due": self.due,
                    "skipped": self.skipped, "at": time.monotonic()}

    def _run(self) -> None:
        for write in plan(list(self.people), self.measured, per_second=self.per_second,
                          measured_every=self.measured_every):
            if self._stop.wait(max(0.0, self.started + write.at - time.monotonic())):
                return
            with self._lock:
                self.due += 1
                if write.programme in self._busy:  # a person does one thing at a time; no queue builds up
                    self.skipped += 1
                    continue
                self._busy.add(write.programme)
            self.pool.submit(self._one, write)

    def _one(self, write: Write) -> None:
        late = time.monotonic() - (self.started + write.at)
        began = time.perf_counter()
        try:
            self.people[write.programme].write(write.kind)
        except Exception as exc:  # noqa: BLE001  (every failure is counted and reported, none retried)
            with self._lock:
                self.failures.append(f"{write.at:7.1f}s {write.programme} {write.kind}: {type(exc).__name__}: {exc}")
            return
        finally:
            with self._lock:
                self._busy.discard(write.programme)
        with self._lock:
            self.done[write.kind] += 1
            self.done["measured"] += write.measured
            self.slowest = max(self.slowest, time.perf_counter() - began)
            self.latest_start = max(self.latest_start, late)


def between(before: dict, after: dict) -> dict:
    """What the writer did between two snapshots."""
    done = after["done"] - before["done"]
    return {"done": done, "writes": sum(done[k] for k in KINDS), "failed": after["failed"] - before["failed"],
            "due": after["due"] - before["due"], "skipped": after["skipped"] - before["skipped"],
            "seconds": after["at"] - before["at"]}


def describe(span: dict) -> str:
    kinds = ", ".join(f"{LABELS[k]} {span['done'][k]}" for k in KINDS)
    rate = span["writes"] / span["seconds"] if span["seconds"] else 0.0
    return (f"{span['writes']} writes through the forms in {span['seconds']:.0f} s ({rate:.2f}/s; {kinds}; "
            f"{span['done']['measured']} of them the extra ones in the measured programme; {span['due']} were due "
            f"by the plan, {span['skipped']} of them skipped because their person was still waiting for the "
            f"answers to their last write), {span['failed']} failed")


def reset_stock() -> int:
    """Before a run (``--reuse`` too): the writer's stock of notifications unread again. Needs Django set up."""
    from bench.generate import WRITER_NOTE_TITLE
    from notifications.models import Notification

    return Notification.objects.filter(title__startswith=WRITER_NOTE_TITLE).update(read_at=None)
