"""The part of ``make stack-test`` that runs inside the stack, in the application image (ops/stack_test.py
starts it with ``docker compose exec`` or ``run``). It prints one JSON object on its last line.

* ``logins --host web``: logs in as each demo role through the real login form over plain HTTP, saying
  ``X-Forwarded-Proto: https`` as the TLS proxy does (bench/client.py), and fetches the home page.
* ``seed-reminder MARK --lead SECONDS``: a programme whose only reminder is "milestone due", SECONDS from now,
  for one milestone titled MARK owned by the demo staff member, so exactly one e-mail about MARK must arrive.
* ``counts``: rows in a few tables, to compare a restored database with the one backed up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circular_cities.settings")


def logins(host: str, port: int) -> dict:
    import django

    django.setup()
    from bench.client import Session
    from programmes.demo import demo_logins

    results = []
    for label, email, password in demo_logins():
        session = Session(host, port, keepalive=False)
        started = time.perf_counter()
        row = {"role": label, "email": email}
        try:
            session.login(email, password)
            home = session.get("/")
            row.update(status=home.status, ok=home.status == 200 and "/accounts/logout/" in home.text)
        except (OSError, RuntimeError) as error:
            row.update(status=None, ok=False, error=str(error))
        row["seconds"] = round(time.perf_counter() - started, 2)
        results.append(row)
    return {"ok": all(row["ok"] for row in results), "logins": results}


def seed_reminder(mark: str, lead: int) -> dict:
    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from notifications.engine import TZ
    from notifications.models import DEFAULT_RULES, DEFAULT_SEND_TIME, Kind, ReminderRule
    from programmes.demo import demo_email
    from programmes.models import Milestone, Programme

    owner = User.objects.get(email=demo_email("staff"))
    at = (timezone.now() + timedelta(seconds=lead)).astimezone(TZ).replace(microsecond=0)
    today = at.date()
    programme = Programme.objects.create(slug=mark.lower(), name_da=f"Stak-test {mark}", name_en=f"Stack test {mark}",
                                         starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30),
                                         status=Programme.Status.ACTIVE)
    ReminderRule.objects.bulk_create([
        ReminderRule(programme=programme, kind=kind, offset_days=offset, enabled=kind == Kind.MILESTONE_DUE,
                     send_time=at.time() if kind == Kind.MILESTONE_DUE else DEFAULT_SEND_TIME)
        for kind, offset in DEFAULT_RULES])
    Milestone.objects.create(programme=programme, title_da=mark, title_en=mark, due_on=today, owner=owner)
    return {"ok": True, "mark": mark, "due_at": at.isoformat(), "to": owner.email}


def counts() -> dict:
    import django

    django.setup()
    from django.apps import apps

    names = ["accounts.User", "programmes.Programme", "programmes.Milestone", "municipalities.Municipality",
             "notifications.Delivery"]
    return {"ok": True, "counts": {name: apps.get_model(name).objects.count() for name in names}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    login = sub.add_parser("logins")
    login.add_argument("--host", default="web")
    login.add_argument("--port", type=int, default=8000)
    seed = sub.add_parser("seed-reminder")
    seed.add_argument("mark")
    seed.add_argument("--lead", type=int, default=20)
    sub.add_parser("counts")
    args = parser.parse_args(argv)
    if args.command == "logins":
        result = logins(args.host, args.port)
    elif args.command == "seed-reminder":
        result = seed_reminder(args.mark, args.lead)
    else:
        result = counts()
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
