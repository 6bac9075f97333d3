"""Benchmark of the reminder scan: ``make bench-reminders`` (``python -m notifications.bench``).

Builds the demo Circular Cities timeline (milestones, meetings, invitations, people) in a throwaway SQLite
database, then 10× and 100× of it (copies of the programme on the same dates), each with the delivery history
the replay says it would have by now (every reminder of the timeline stored as sent). At each size it times
the real scan (``engine.scan`` with the database claim store, publishing to an in-memory Celery broker):

* a quiet moment (03:00, nothing due): the fixed cost of a scan;
* the busiest 09:00 of the timeline, with its reminders not yet claimed: claims and publishes them all;
* the same moment five minutes later: everything is already claimed.

The quiet scan must stay flat while the stored rows grow 100×, and the busy scan must grow with the number
of reminders due. ``--database-url`` runs against another throwaway database (its name must contain "bench";
it is flushed). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta


def _setup(database_url: str | None) -> None:
    folder = tempfile.mkdtemp(prefix="cc-bench-")
    if database_url and "bench" not in database_url.rsplit("/", 1)[-1]:
        sys.exit("--database-url: the database name must contain 'bench' (it is flushed).")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)  # file cache; the broker is replaced by an in-memory one below
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circular_cities.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    from circular_cities.celery import app

    app.conf.broker_url = "memory://localhost/"
    app.conf.task_always_eager = False


def _timeline(programme):
    """The base programme's timeline, to copy."""
    from accounts.models import RoleAssignment
    from programmes.models import Milestone, Participation
    from workshops.models import Meeting

    participations = list(Participation.objects.filter(cohort__programme=programme))
    milestones = list(Milestone.objects.filter(programme=programme))
    meetings = list(Meeting.objects.filter(programme=programme).prefetch_related("invitations"))
    roles = list(RoleAssignment.objects.filter(programme=programme))
    return participations, milestones, meetings, roles


def _copy(programme, timeline, index: int) -> tuple[object, dict]:
    """One more programme with the same timeline and people. Returns it and the maps old pk → new pk."""
    from accounts.models import RoleAssignment
    from programmes.models import Cohort, Milestone, Participation, Programme
    from workshops.models import Meeting, MeetingInvitation

    participations, milestones, meetings, roles = timeline
    copy = Programme.objects.create(slug=f"bench-{index}", name_da=f"Bench {index}", starts_on=programme.starts_on,
                                    ends_on=programme.ends_on, status=programme.status)
    cohort = Cohort.objects.create(programme=copy, name="Hold 1")
    part_map = {}
    for participation in participations:
        part_map[participation.pk] = Participation.objects.create(
            cohort=cohort, municipality_id=participation.municipality_id, joined_on=participation.joined_on).pk
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user_id=r.user_id, role=r.role, programme=copy, municipality_id=r.municipality_id,
                       participation_id=part_map.get(r.participation_id), starts_on=r.starts_on, ends_on=r.ends_on)
        for r in roles])
    new_milestones = Milestone.objects.bulk_create([
        Milestone(programme=copy, participation_id=part_map.get(m.participation_id), title_da=m.title_da,
                  title_en=m.title_en, owner_id=m.owner_id, due_on=m.due_on, status=m.status,
                  completed_at=m.completed_at) for m in milestones])
    new_meetings = Meeting.objects.bulk_create([
        Meeting(programme=copy, cohort=cohort if m.cohort_id else None,
                participation_id=part_map.get(m.participation_id), kind=m.kind, title_da=m.title_da,
                title_en=m.title_en, starts_at=m.starts_at, ends_at=m.ends_at, status=m.status,
                cancelled_at=m.cancelled_at, organiser_id=m.organiser_id,
                minutes_published_at=m.minutes_published_at) for m in meetings])
    MeetingInvitation.objects.bulk_create([
        MeetingInvitation(meeting=new, user_id=i.user_id, via=i.via, response=i.response,
                          responded_at=i.responded_at)
        for old, new in zip(meetings, new_meetings, strict=True) for i in old.invitations.all()], batch_size=1000)
    targets = {("milestone", m.pk): n.pk for m, n in zip(milestones, new_milestones, strict=True)}
    targets.update({("meeting", m.pk): n.pk for m, n in zip(meetings, new_meetings, strict=True)})
    return copy, targets


def _store_history(programme, reminders, targets: dict | None, skip_moment) -> int:
    """Every reminder of the timeline as a sent delivery of ``programme`` (except those at ``skip_moment``)."""
    import uuid

    from notifications.engine import RuleBook
    from notifications.models import Delivery

    rules = {(r.kind, r.offset_days): r.pk for r in RuleBook().all_rules([programme.pk])[programme.pk]}
    token = uuid.uuid4()
    rows = []
    for r in reminders:
        if r.send_at == skip_moment:
            continue
        target_id = r.target.pk if targets is None else targets[(r.target._meta.model_name, r.target.pk)]
        rows.append(Delivery(rule_id=rules[(r.rule.kind, r.rule.offset_days)], programme=programme, kind=r.kind,
                             recipient_id=r.recipient_id, target_type_id=r.target_type_id, target_id=target_id,
                             occurrence=r.occurrence, send_at=r.send_at, state=Delivery.State.SENT,
                             claim_token=token, claimed_at=r.send_at, published_at=r.send_at, sent_at=r.send_at))
    Delivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _timed_scan(now):
    from notifications.engine import DatabaseClaims, scan

    started = time.perf_counter()
    result = scan(now=now, claims=DatabaseClaims(publish=True))
    return time.perf_counter() - started, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="Sizes to measure (default: 1,10,100).")
    parser.add_argument("--database-url", help="A throwaway database instead of a temporary SQLite file.")
    args = parser.parse_args(argv)
    scales = sorted(int(s) for s in args.scales.split(","))
    _setup(args.database_url)

    from django.db import connection

    from notifications.engine import TZ
    from notifications.models import Delivery
    from notifications.replay import replay
    from programmes.demo import load_demo
    from programmes.models import Milestone
    from workshops.models import Meeting

    print(f"Building the demo timeline in {connection.settings_dict['NAME']} ({connection.vendor}) …", flush=True)
    base = load_demo()["programme"]
    try:
        from workshops.demo import load_meetings_demo

        load_meetings_demo(base)
    except ImportError:
        pass
    history = replay(programme=base).reminders
    busiest, due_at_busiest = Counter(r.send_at for r in history).most_common(1)[0]
    quiet = busiest.replace(hour=1)  # 03:00 Copenhagen time on the same day (02:00 in winter)
    print(f"The demo timeline: {len(history)} reminders; the busiest moment, "
          f"{busiest.astimezone(TZ):%Y-%m-%d %H:%M} Copenhagen time, has {due_at_busiest}. Each copy adds the same.\n",
          flush=True)

    timeline = _timeline(base)
    _store_history(base, history, None, busiest)
    copies = 1
    header = (f"{'size':>5} {'milestones':>10} {'meetings':>8} {'deliveries':>10} | {'quiet scan':>10} | "
              f"{'due':>6} {'busy scan':>10} {'dispatched/s':>12} | {'re-scan':>8}")
    print(header)
    print("-" * len(header))
    for scale in scales:
        while copies < scale:
            copy, targets = _copy(base, timeline, copies)
            _store_history(copy, history, targets, busiest)
            copies += 1
        stored = Delivery.objects.count()
        quiet_ms = statistics.median(_timed_scan(quiet + timedelta(minutes=i))[0] for i in range(3)) * 1000
        busy_runs = []
        for _ in range(3):
            seconds, result = _timed_scan(busiest)
            busy_runs.append((seconds, len(result.claimed)))
            rescan_seconds, _again = _timed_scan(busiest + timedelta(minutes=5))
            Delivery.objects.filter(send_at=busiest).delete()  # fresh for the next run
        seconds, claimed = sorted(busy_runs)[1]
        print(f"{scale:>4}× {Milestone.objects.count():>10} {Meeting.objects.count():>8} {stored:>10} | "
              f"{quiet_ms:>7.1f} ms | {claimed:>6} {seconds * 1000:>7.1f} ms {claimed / seconds:>12.0f} | "
              f"{rescan_seconds * 1000:>5.1f} ms", flush=True)
    print("\nquiet scan: nothing due; busy scan: claims and queues every reminder due at the busiest 09:00; "
          "re-scan: the same moment again, all already claimed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
