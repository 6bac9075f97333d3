"""The participation status rows (``ParticipationStatus``): what the dashboards, board, homes and reports show of
each municipality's local test, computed when the data is written instead of on every page.

``status_refresh(participation_ids=…)`` recomputes the rows of those participations from the rows they summarise
(open milestones, the latest published progress entry, the participation's join date) in a fixed number of
queries, and writes them in one statement. The services that write milestones, progress entries and
participations call it in their transaction; the nightly task calls ``status_refresh_all`` for what changes with
the date alone (a milestone becoming overdue, a test becoming stalled); ``manage.py rebuild_status`` does the same
on demand. A row is therefore always equal to what a rebuild would make (tests/programmes/test_status.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from circular_cities.schedule import daily_task

from .models import Milestone, Participation, ParticipationStatus

STALLED_AFTER_WEEKS = 4  # no published progress for this long (or an overdue milestone): the test is stalled
OPEN_MILESTONE_STATUSES = (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)
ON_TRACK, AT_RISK, BLOCKED = "on_track", "at_risk", "blocked"  # municipalities.ProgressEntry.Status values


def light_for(*, overdue: int, latest_status: str) -> str:
    """red: two or more overdue milestones, or the latest published entry says blocked; amber: one overdue, or at
    risk; green otherwise (programmes.lights.traffic_light gives the words)."""
    if overdue >= 2 or latest_status == BLOCKED:
        return ParticipationStatus.Light.RED
    if overdue == 1 or latest_status == AT_RISK:
        return ParticipationStatus.Light.AMBER
    return ParticipationStatus.Light.GREEN


def _latest_published(participation_ids) -> dict[int, dict]:
    entry_model = apps.get_model("municipalities", "ProgressEntry")
    published = entry_model.State.PUBLISHED
    latest = Subquery(entry_model.objects.filter(participation=OuterRef("pk"), state=published)
                      .order_by("-happened_on", "-published_at", "-id").values("pk")[:1])
    latest_ids = Participation.objects.filter(pk__in=participation_ids).annotate(latest_id=latest).values(
        "latest_id")
    return {row["participation_id"]: row for row in entry_model.objects.filter(pk__in=latest_ids).values(
        "pk", "participation_id", "happened_on", "status")}


def _last_activity(participation_ids) -> dict[int, date]:
    """The newest day anything was written about the test: a progress entry (any state), a completed milestone."""
    entry_model = apps.get_model("municipalities", "ProgressEntry")
    days: dict[int, date] = {}
    for row in entry_model.objects.filter(participation_id__in=participation_ids).values(
            "participation_id").annotate(last=Max("happened_on")).order_by():
        days[row["participation_id"]] = row["last"]
    for row in Milestone.objects.filter(participation_id__in=participation_ids, completed_at__isnull=False).values(
            "participation_id").annotate(last=Max("completed_at")).order_by():
        completed = timezone.localtime(row["last"]).date()
        current = days.get(row["participation_id"])
        days[row["participation_id"]] = max(current, completed) if current else completed
    return days


def compute(participation_ids, *, today: date | None = None) -> list[ParticipationStatus]:
    """The status rows of these participations as the data stands (unsaved): four queries whatever their number."""
    today = today or timezone.localdate()
    ids = list(participation_ids)
    if not ids:
        return []
    participations = Participation.objects.filter(pk__in=ids).values(
        "pk", "joined_on", "cohort__programme_id", "cohort__programme__ends_on").annotate(
        overdue=Count("milestones", filter=Q(milestones__status__in=OPEN_MILESTONE_STATUSES,
                                             milestones__due_on__lt=today)),
        next_due=Min("milestones__due_on", filter=Q(milestones__status__in=OPEN_MILESTONE_STATUSES,
                                                    milestones__due_on__gte=today)),
    ).order_by()
    latest = _latest_published(ids)
    activity = _last_activity(ids)
    stale_before = today - timedelta(weeks=STALLED_AFTER_WEEKS)
    rows = []
    for p in participations:
        entry = latest.get(p["pk"])
        latest_on = entry["happened_on"] if entry else None
        ended = p["cohort__programme__ends_on"] is not None and p["cohort__programme__ends_on"] < today
        stalled = not ended and (p["overdue"] > 0 or (latest_on or p["joined_on"]) < stale_before)
        rows.append(ParticipationStatus(
            participation_id=p["pk"], programme_id=p["cohort__programme_id"],
            light=light_for(overdue=p["overdue"], latest_status=entry["status"] if entry else ""),
            overdue_milestones=p["overdue"], next_due_on=p["next_due"],
            latest_entry_id=entry["pk"] if entry else None, latest_entry_on=latest_on,
            latest_status=entry["status"] if entry else "", is_stalled=stalled,
            last_activity_on=activity.get(p["pk"]), as_of=today))
    return rows


UPDATED_FIELDS = ["programme", "light", "overdue_milestones", "next_due_on", "latest_entry_id", "latest_entry_on",
                  "latest_status", "is_stalled", "last_activity_on", "as_of", "refreshed_at"]


@transaction.atomic
def status_refresh(*, participation_ids, today: date | None = None) -> int:
    """Recompute and store the status rows of these participations (one upsert); returns how many.

    The participations are locked first (in id order, so two writers never wait for each other in a circle): a
    second writer of the same participation computes only after the first has committed, and so never stores
    figures older than the first one's."""
    ids = list(Participation.objects.select_for_update().filter(pk__in=list(participation_ids)).order_by(
        "pk").values_list("pk", flat=True))
    rows = compute(ids, today=today)
    now = timezone.now()
    for row in rows:
        row.refreshed_at = now
    ParticipationStatus.objects.bulk_create(rows, update_conflicts=True, unique_fields=["participation"],
                                            update_fields=UPDATED_FIELDS)
    return len(rows)


def status_refresh_all(*, today: date | None = None, batch: int = 500) -> int:
    """Every participation's row afresh (the nightly task and ``manage.py rebuild_status``), in batches."""
    ids = list(Participation.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        done += status_refresh(participation_ids=ids[start:start + batch], today=today)
    return done


NIGHTLY_TASK = "programmes: participation status for the new day"


def setup_status_schedule(apps=None) -> str:
    """The nightly beat entry of ``programmes.tasks.status_refresh_all_task``, five minutes after midnight in
    Copenhagen (idempotent; called by a data migration)."""
    return daily_task(name=NIGHTLY_TASK, task="programmes.tasks.status_refresh_all_task", hour=0, minute=5,
                      apps=apps)
