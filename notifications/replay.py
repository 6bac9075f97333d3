"""Timeline replay: the real engine with a simulated clock over a programme's timeline, writing and sending
nothing (``manage.py replay_reminders``).

Every reminder goes out at a rule's time of day, so the replay scans exactly at those moments: each day of
the span at each distinct ``send_time`` of the programme's rules (Copenhagen time, so daylight saving is
handled as in production). Each scan is ``engine.scan`` with the rules read without storing defaults
(``RuleBook(materialise=False)``) and an in-memory claim store with the same unique key as Delivery.

Duplicates are counted two ways and reported together (both must be 0):
* claims the unique key refused that the window check before inserting did not catch (what a parallel scan
  causes in production; here it would mean the engine found one reminder twice);
* reminders claimed under different keys that would still reach the same person, about the same thing, of
  the same kind, at the same moment (a fault in the occurrence key would show here).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .engine import MemoryClaims, Reminder, RuleBook, local_day, local_moment, scan
from .models import DEFAULT_SEND_TIME, KIND_ORDER, Kind


@dataclass
class ReplayResult:
    programme: object
    start: date
    end: date
    scans: int = 0
    reminders: list[Reminder] = field(default_factory=list)
    conflicts: int = 0
    same_message_twice: int = 0

    @property
    def total(self) -> int:
        return len(self.reminders)

    @property
    def duplicates(self) -> int:
        return self.conflicts + self.same_message_twice

    def months(self) -> list[str]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return months

    def table(self) -> dict[str, Counter]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for reminder in self.reminders:
            counts[local_day(reminder.send_at).strftime("%Y-%m")][reminder.kind] += 1
        return counts

    def by_kind(self) -> Counter:
        return Counter(reminder.kind for reminder in self.reminders)


def replay(*, programme, start: date | None = None, end: date | None = None) -> ReplayResult:
    start = start or programme.starts_on
    end = end or programme.ends_on
    if start is None or end is None:
        raise ValueError("The programme has no dates; give --start and --end.")
    rulebook = RuleBook(materialise=False)
    rules = rulebook.enabled([programme.pk])[programme.pk]
    send_times = sorted({rule.send_time for rule in rules}) or [DEFAULT_SEND_TIME]
    claims = MemoryClaims()
    result = ReplayResult(programme=programme, start=start, end=end)
    day = start
    while day <= end:
        for at in send_times:
            outcome = scan(now=local_moment(day, at), claims=claims, rulebook=rulebook,
                           programme_ids=[programme.pk])
            result.scans += 1
            result.conflicts += outcome.conflicts
            result.reminders.extend(outcome.claimed)
        day += timedelta(days=1)
    seen = Counter((r.recipient_id, r.kind, r.target_type_id, r.target.pk, r.send_at) for r in result.reminders)
    result.same_message_twice = sum(n - 1 for n in seen.values() if n > 1)
    return result


SHORT = {
    Kind.MILESTONE_BEFORE: "ms before",
    Kind.MILESTONE_DUE: "ms due",
    Kind.MILESTONE_OVERDUE_OWNER: "late:owner",
    Kind.MILESTONE_OVERDUE_ADVISOR: "late:advisor",
    Kind.MILESTONE_OVERDUE_FACILITATORS: "late:facil.",
    Kind.MEETING_BEFORE: "meeting",
    Kind.RSVP_NUDGE: "rsvp",
    Kind.MINUTES_NUDGE: "minutes",
    Kind.FOLLOWGROUP_BRIEFING: "briefing",
    Kind.PROGRESS_STALE: "stale test",
    Kind.CALL_REVIEWS_DUE: "reviews",
    Kind.CALL_ASSESSMENT_ENDS: "assessment",
}


def format_table(result: ReplayResult) -> str:
    kinds = KIND_ORDER
    headers = ["month"] + [SHORT[Kind(k)] for k in kinds] + ["total"]
    table = result.table()
    rows = []
    for month in result.months():
        counts = table.get(month, Counter())
        rows.append([month] + [str(counts.get(k, 0)) for k in kinds] + [str(sum(counts.values()))])
    by_kind = result.by_kind()
    footer = ["total"] + [str(by_kind.get(k, 0)) for k in kinds] + [str(result.total)]
    widths = [max(len(row[i]) for row in [headers, footer, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(cells))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *[line(r) for r in rows], rule, line(footer)])
