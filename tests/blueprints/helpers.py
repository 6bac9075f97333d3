"""A small programme structure to copy: two phases, programme milestones, a municipality's milestone, meetings
with agendas (for the cohort, the whole programme, one municipality, one cancelled), budget with spending,
reminder rules, and people everywhere (which must not follow)."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from municipalities.models import ProgressEntry
from notifications.models import Kind, ReminderRule
from programmes.models import BudgetLine, Milestone, Phase, Spending
from tests.factories import MilestoneFactory, PhaseFactory
from workshops.models import AgendaItem, Meeting, MeetingInvitation


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def structure(side, *, milestones: int = 2) -> dict:
    """Fill programme A (or B) of ``build_world`` with a structure to copy; returns the pieces."""
    programme = side.programme
    facilitator = side.users["facilitator"]
    discover = PhaseFactory(programme=programme, name_da="Afdækning", name_en="Discover", order=1,
                            starts_on=date(2021, 9, 1), ends_on=date(2022, 2, 28))
    test = PhaseFactory(programme=programme, name_da="Test", name_en="Deliver (test)", order=2,
                        starts_on=date(2022, 3, 1), ends_on=date(2023, 12, 31))
    plan = [MilestoneFactory(programme=programme, phase=discover if n % 2 else test, title_da=f"Læringsmodul {n}",
                             title_en=f"Learning module {n}", due_on=date(2022, 1, 10 + n % 18), owner=facilitator,
                             status=Milestone.Status.DONE, completed_at=timezone.now())
            for n in range(milestones)]
    own = MilestoneFactory(programme=programme, participation=side.participation, title_da="Indsigtsrapport",
                           due_on=date(2022, 2, 1), owner=side.users["staff"])
    cohort_meeting = Meeting.objects.create(
        programme=programme, cohort=side.cohort, kind=Meeting.Kind.LEARNING_MODULE, title_da="Læringsmodul 1",
        title_en="Learning module 1", starts_at=at(date(2021, 11, 15), 9, 30), ends_at=at(date(2021, 11, 15), 15),
        place="BLOXHUB", online_url="https://meet.example.org/x", organiser=facilitator,
        minutes="Referat med navne", minutes_published_at=timezone.now())
    AgendaItem.objects.create(meeting=cohort_meeting, order=1, title="Velkomst", presenter="Frida",
                              duration_minutes=15)
    AgendaItem.objects.create(meeting=cohort_meeting, order=2, title="Beslutning om testplan", decision_needed=True)
    everyone = Meeting.objects.create(
        programme=programme, kind=Meeting.Kind.FOLLOW_GROUP, title_da="Følgegruppemøde",
        starts_at=at(date(2022, 4, 4), 16), ends_at=at(date(2022, 4, 4), 18), organiser=facilitator)
    local = Meeting.objects.create(
        programme=programme, participation=side.participation, kind=Meeting.Kind.LOCAL_TEST,
        title_da="Lokalt testmøde", starts_at=at(date(2022, 5, 2), 10), ends_at=at(date(2022, 5, 2), 12))
    cancelled = Meeting.objects.create(
        programme=programme, kind=Meeting.Kind.SPARRING, title_da="Aflyst sparring", status=Meeting.Status.CANCELLED,
        starts_at=at(date(2022, 6, 1), 10), ends_at=at(date(2022, 6, 1), 12))
    MeetingInvitation.objects.create(meeting=cohort_meeting, user=side.users["staff"])
    line = BudgetLine.objects.create(programme=programme, code="WP1", name_da="Læring", allocated_dkk=Decimal("1000"))
    Spending.objects.create(budget_line=line, spent_on=date(2022, 1, 1), amount_dkk=Decimal("250"),
                            description="Lokaleleje", recorded_by=facilitator)
    rule = ReminderRule.objects.create(programme=programme, kind=Kind.MILESTONE_BEFORE, offset_days=10)
    entry = ProgressEntry.objects.create(participation=side.participation, author=side.users["staff"],
                                         happened_on=date(2022, 3, 1), what_happened="Vi testede genbrug.")
    return {"phases": [discover, test], "plan": plan, "own": own, "cohort_meeting": cohort_meeting,
            "everyone": everyone, "local": local, "cancelled": cancelled, "line": line, "rule": rule, "entry": entry}


def new_phase_dates(programme) -> list:
    return list(Phase.objects.filter(programme=programme).order_by("order").values_list("starts_on", "ends_on"))
