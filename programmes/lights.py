"""Traffic lights, municipality cards, the board page and the timeline picture of one programme: reads of the
programme's own status rows (programmes/status.py) and board, shared by the programme's pages and by the
dashboards and briefings on the read side above (reports/). Every function makes a fixed number of queries
whatever the data."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .display import build_timeline
from .models import Participation, Programme
from .selectors import (
    board_for_user,
    stage_counts,
    status_participations,
    timeline_for_user,
)

CARDS_PER_PAGE = 24  # municipality cards per page of the politicians' overview
BOARD_PER_PAGE = 25  # board rows per page (board and cohort dashboard)

# Latest progress status values (municipalities.ProgressEntry.Status); plain strings so this module works
# whether or not that model is installed.
ON_TRACK, AT_RISK, BLOCKED = "on_track", "at_risk", "blocked"


@dataclass(frozen=True)
class TrafficLight:
    colour: str  # "green", "amber" or "red": a CSS class, never the only signal
    label: str  # the words beside the colour
    shape: str  # the icon: "circle" (green), "triangle" (amber), "square" (red)
    reason: str  # one line: why this colour


TRAFFIC_LIGHT_COLOURS = ("green", "amber", "red")


def traffic_light(*, overdue: int, latest_status: str | None) -> TrafficLight:
    """How a municipality's local test is doing, in one colour with a reason.

    - red: two or more overdue milestones, or the latest published progress entry says *blocked*;
    - amber: one overdue milestone, or the latest published progress entry says *at risk*;
    - green: no overdue milestones, and the latest published progress entry is *on track* (or there is none
      yet).

    ``overdue`` counts open (planned or in progress) milestones of the municipality whose due date has
    passed; ``latest_status`` is the status of its latest published progress entry, or None."""
    if overdue >= 2:
        return TrafficLight("red", _("Needs attention"), "square", ngettext(
            "%(count)d milestone is overdue.", "%(count)d milestones are overdue.", overdue) % {"count": overdue})
    if latest_status == BLOCKED:
        return TrafficLight("red", _("Needs attention"), "square",
                            _("The latest progress report says the test is blocked."))
    if overdue == 1:
        return TrafficLight("amber", _("Watch"), "triangle", _("One milestone is overdue."))
    if latest_status == AT_RISK:
        return TrafficLight("amber", _("Watch"), "triangle",
                            _("The latest progress report says the test is at risk."))
    if latest_status is None:
        return TrafficLight("green", _("On track"), "circle",
                            _("No milestones are overdue; no progress report yet."))
    return TrafficLight("green", _("On track"), "circle",
                        _("No milestones are overdue and the latest progress report says on track."))


def _progress_model():
    """municipalities.ProgressEntry if it is installed (it arrives with the local-test work), else None."""
    try:
        return apps.get_model("municipalities", "ProgressEntry")
    except LookupError:
        return None


def latest_entries(entry_ids, fields=None) -> dict[int, object]:
    """The progress entries of these ids (the status rows' latest published ones), by participation id (one
    query); ``fields``: load only these columns (and the keys)."""
    model = _progress_model()
    ids = [pk for pk in entry_ids if pk]
    if model is None or not ids:
        return {}
    entries = model.objects.filter(pk__in=ids)
    if fields:
        entries = entries.only("participation_id", *fields)
    return {entry.participation_id: entry for entry in entries}


@dataclass
class MunicipalityCard:
    participation: Participation
    cohort: object
    advisors: list
    overdue: int
    light: TrafficLight
    latest: object | None  # the latest published progress entry

    @property
    def highlight(self) -> str:
        return self.latest.what_happened if self.latest is not None else ""


CARD_FIELDS = ("status", "happened_on", "what_happened")  # what a dashboard card shows of the latest entry


def municipality_cards(*, user, programme: Programme, board: list[dict] | None = None,
                       latest_fields=None, with_advisors: bool = True) -> list[MunicipalityCard]:
    """A card per municipality of ``board`` (default: every one the person may see), with its traffic light from
    the participation's status row: the board's reads plus one for the latest entries.

    Each board row gets its card as ``row["card"]``, so a page can show the board and the lights together.
    ``latest_fields``: load only these columns of the latest progress entries (e.g. ``CARD_FIELDS``);
    ``with_advisors=False``: cards without their advisors (one query less)."""
    if board is None:
        board = board_for_user(user=user, programme=programme, with_advisors=with_advisors)
    rows = [(group["cohort"], row) for group in board for row in group["rows"]]
    latest = latest_entries((row["participation"].latest_entry_id for _cohort, row in rows), fields=latest_fields)
    cards = []
    for cohort, row in rows:
        participation = row["participation"]
        entry = latest.get(participation.pk)
        row["card"] = MunicipalityCard(
            participation=participation, cohort=cohort, advisors=row["advisors"],
            overdue=participation.overdue_count, latest=entry,
            light=traffic_light(overdue=participation.overdue_count, latest_status=participation.latest_status or None),
        )
        cards.append(row["card"])
    return cards


def timeline_picture(*, user, programme: Programme, participations=None) -> dict:
    """The timeline page's data and picture (the same selector and geometry), for a dashboard to show;
    ``participations``: only these municipalities' rows (the phases and whole-programme row always)."""
    data = timeline_for_user(user=user, programme=programme, participations=participations)
    picture = None
    if programme.starts_on and programme.ends_on:
        picture = build_timeline(
            starts_on=programme.starts_on, ends_on=programme.ends_on, phases=data["phases"],
            programme_milestones=data["programme_milestones"],
            municipality_rows=[(str(p.municipality), ms) for p, ms in data["participation_rows"]],
            today=timezone.localdate(),
        )
    return {**data, "picture": picture}


def board_page(*, user, programme: Programme, light: str = "", cohort_id: int | None = None, page=None,
               per_page: int | None = None, with_advisors: bool = True):
    """One page of board rows of the municipalities that match (traffic-light colour, cohort), grouped by
    cohort: (page, groups, matching). Filtered, counted and paginated in SQL on the status rows; each group's
    ``columns`` count the matching municipalities per stage over the whole cohort, not only this page."""
    matching = status_participations(user=user, programme=programme, light=light, cohort_id=cohort_id)
    board_page = Paginator(matching, per_page or BOARD_PER_PAGE).get_page(page)
    groups = board_for_user(user=user, programme=programme, with_advisors=with_advisors,
                            participations=board_page.object_list, columns=stage_counts(matching))
    return board_page, groups, matching


def lights_with_counts(counts: dict[str, int]) -> list[tuple[TrafficLight, int]]:
    """How many municipalities show each colour (``light_counts``), green first, each with a light to draw."""
    return [(TrafficLight(colour, label, shape, ""), counts.get(colour, 0)) for colour, label, shape in (
        ("green", _("On track"), "circle"), ("amber", _("Watch"), "triangle"),
        ("red", _("Needs attention"), "square"))]


# --- The facilitators' cohort dashboard -------------------------------------------------------------------

