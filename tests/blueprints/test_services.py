"""A programme from a programme: the structure follows, moved by one number of days; nothing personal does;
all or nothing; dates stay inside the platform's; named templates."""

from collections import Counter
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from blueprints import services
from blueprints.models import ProgrammeTemplate
from blueprints.plan import build_plan, shift_moment
from municipalities.models import ProgressEntry, StageGateOutput
from notifications.models import Delivery, Notification, ReminderRule
from programmes.models import BudgetLine, Cohort, Milestone, Participation, Phase, Programme, Spending
from tests.blueprints.helpers import at, structure
from workshops.models import AgendaItem, Meeting, MeetingInvitation

pytestmark = pytest.mark.django_db


def personal_things(programme) -> dict:
    return {
        "participations": Participation.objects.filter(cohort__programme=programme).count(),
        "progress": ProgressEntry.objects.filter(participation__cohort__programme=programme).count(),
        "stage outputs": StageGateOutput.objects.filter(participation__cohort__programme=programme).count(),
        "municipal milestones": Milestone.objects.filter(programme=programme, participation__isnull=False).count(),
        "milestone owners": Milestone.objects.filter(programme=programme, owner__isnull=False).count(),
        "invitations": MeetingInvitation.objects.filter(meeting__programme=programme).count(),
        "spending": Spending.objects.filter(budget_line__programme=programme).count(),
        "deliveries": Delivery.objects.filter(programme=programme).count(),
    }


def test_the_demos_historical_programme_copied_moves_every_phase_and_milestone_by_the_same_days(
        django_capture_on_commit_callbacks, mailoutbox):
    """The acceptance point of issue 22 (2): the demo's Circular Cities (2021–2024) started again in 2027."""
    from programmes.demo import SLUG, load_demo

    users = load_demo()["users"]
    source = Programme.objects.get(slug=SLUG)
    creator = users["facilitator"]
    notifications_before, deliveries_before = Notification.objects.count(), Delivery.objects.count()
    new_start = date(2027, 1, 4)
    delta = new_start - source.starts_on

    with django_capture_on_commit_callbacks(execute=True):
        copy = services.programme_copy(source=source, by=creator, starts_on=new_start, name_da="Cirkulære byer 2",
                                       name_en="Circular Cities 2", slug="circular-cities-2027")

    copy.refresh_from_db()
    assert (copy.starts_on, copy.ends_on) == (new_start, source.ends_on + delta)
    assert copy.status == Programme.Status.PLANNED and not copy.is_demo
    # Every phase, in order, moved by the same number of days.
    old_phases = list(Phase.objects.filter(programme=source).order_by("order", "starts_on"))
    new_phases = list(Phase.objects.filter(programme=copy).order_by("order", "starts_on"))
    assert len(new_phases) == len(old_phases) == 7
    assert [(p.name_da, p.starts_on + delta, p.ends_on + delta) for p in old_phases] == [
        (p.name_da, p.starts_on, p.ends_on) for p in new_phases]
    # Every milestone of the programme's plan, moved by the same number of days, in its phase, planned again.
    old_plan = Milestone.objects.filter(programme=source, participation__isnull=True).select_related("phase")
    new_plan = Milestone.objects.filter(programme=copy).select_related("phase")
    assert old_plan.count() >= 20
    assert Counter((m.title_da, m.due_on + delta, m.phase.name_da if m.phase else None) for m in old_plan) == Counter(
        (m.title_da, m.due_on, m.phase.name_da if m.phase else None) for m in new_plan)
    assert {m.status for m in new_plan} == {Milestone.Status.PLANNED}
    assert all(m.phase.programme_id == copy.pk for m in new_plan if m.phase)
    # Cohorts, meetings (Copenhagen time of day kept), agendas, budget lines and reminder rules came along.
    assert list(Cohort.objects.filter(programme=copy).values_list("name", flat=True)) == list(
        Cohort.objects.filter(programme=source).order_by("starts_on", "name").values_list("name", flat=True))
    old_meetings = Meeting.objects.filter(programme=source, participation__isnull=True,
                                          status=Meeting.Status.SCHEDULED).order_by("starts_at")
    new_meetings = Meeting.objects.filter(programme=copy).order_by("starts_at")
    assert old_meetings.count() == new_meetings.count() > 0
    for old, new in zip(old_meetings, new_meetings, strict=True):
        assert timezone.localtime(new.starts_at).date() == timezone.localtime(old.starts_at).date() + delta
        assert timezone.localtime(new.starts_at).time() == timezone.localtime(old.starts_at).time()
        assert new.minutes == "" and new.minutes_published_at is None and new.organiser == creator
    assert AgendaItem.objects.filter(meeting__programme=copy).count() == AgendaItem.objects.filter(
        meeting__in=old_meetings).count()
    assert list(BudgetLine.objects.filter(programme=copy).values_list("code", "allocated_dkk")) == list(
        BudgetLine.objects.filter(programme=source).values_list("code", "allocated_dkk"))
    assert ReminderRule.objects.filter(programme=copy).count() == ReminderRule.objects.filter(
        programme=source).count()
    # Nothing personal: no municipalities, progress, results, owners, invitations, spending or reminders sent;
    # the only person is the one who copied it, as its facilitator.
    assert set(personal_things(copy).values()) == {0}
    assert list(RoleAssignment.objects.filter(programme=copy).values_list("user_id", "role")) == [
        (creator.pk, Role.FACILITATOR)]
    assert set(Meeting.objects.filter(programme=copy).values_list("organiser_id", flat=True)) == {creator.pk}
    assert (Notification.objects.count(), Delivery.objects.count()) == (notifications_before, deliveries_before)
    assert mailoutbox == []
    # The source is untouched, and the creation is in the audit history with who did it and from what.
    assert Phase.objects.filter(programme=source).count() == 7
    record = copy.history.earliest()
    assert record.history_type == "+" and record.history_user == creator
    assert record.history_change_reason == f"copied from {SLUG}"
    assert {h.history_user_id for h in Milestone.history.filter(programme_id=copy.pk)} == {creator.pk}


def test_structure_copied_people_and_results_left_behind(world):
    pieces = structure(world.a)
    facilitator = world.a.users["facilitator"]
    copy = services.programme_copy(source=world.a.programme, by=facilitator, starts_on=date(2026, 3, 2),
                                   name_da="Program a, runde 2")
    delta = date(2026, 3, 2) - world.a.programme.starts_on
    assert copy.slug == "program-a-runde-2"
    assert sorted(Milestone.objects.filter(programme=copy).values_list("due_on", flat=True)) == sorted(
        m.due_on + delta for m in pieces["plan"])
    meetings = list(Meeting.objects.filter(programme=copy).order_by("starts_at"))
    assert [m.title_da for m in meetings] == ["Læringsmodul 1", "Følgegruppemøde"]  # not local, not cancelled
    learning = meetings[0]
    assert learning.cohort.programme_id == copy.pk and learning.cohort.name == world.a.cohort.name
    assert learning.online_url == "" and learning.place == "BLOXHUB" and learning.minutes == ""
    assert list(learning.agenda_items.values_list("title", "presenter", "decision_needed")) == [
        ("Velkomst", "", False), ("Beslutning om testplan", "", True)]
    assert set(personal_things(copy).values()) == {0}
    assert list(RoleAssignment.objects.filter(programme=copy).values_list("user_id", flat=True)) == [facilitator.pk]
    assert ProgressEntry.objects.filter(pk=pieces["entry"].pk).exists()  # the source keeps everything


def test_meeting_keeps_its_copenhagen_time_across_summer_time():
    winter = at(date(2025, 1, 15), 9, 30)
    summer = shift_moment(winter, timedelta(days=150))
    assert timezone.localtime(summer).time() == time(9, 30)
    assert timezone.localtime(summer).date() == date(2025, 6, 14)


def test_a_start_that_moves_dates_past_2099_is_refused_and_nothing_is_saved(world):
    structure(world.a)
    before = (Programme.objects.count(), Phase.objects.count(), Milestone.objects.count(), Meeting.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.programme_copy(source=world.a.programme, by=world.a.users["facilitator"],
                                starts_on=date(2099, 6, 1), name_da="For sent")
    message = " ".join(raised.value.message_dict["starts_on"])
    assert "31.12.2099" in message
    assert (Programme.objects.count(), Phase.objects.count(), Milestone.objects.count(),
            Meeting.objects.count()) == before


def test_a_failure_half_way_saves_nothing(world, monkeypatch):
    structure(world.a)
    before = (Programme.objects.count(), Phase.objects.count(), Milestone.objects.count(),
              Meeting.objects.count(), RoleAssignment.objects.count())

    def broken(*args, **kwargs):
        raise ValidationError("agenda broke")

    monkeypatch.setattr(services.AgendaItem.objects, "bulk_create", broken)
    with pytest.raises(ValidationError):
        services.programme_copy(source=world.a.programme, by=world.a.users["facilitator"],
                                starts_on=date(2026, 3, 2), name_da="Halvt")
    assert (Programme.objects.count(), Phase.objects.count(), Milestone.objects.count(),
            Meeting.objects.count(), RoleAssignment.objects.count()) == before


def test_a_taken_short_name_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        services.programme_copy(source=world.a.programme, by=world.a.users["facilitator"],
                                starts_on=date(2026, 3, 2), name_da="Kopi", slug=world.b.programme.slug)
    assert "slug" in raised.value.message_dict


def test_a_source_without_a_start_cannot_be_moved(world):
    world.a.programme.starts_on = world.a.programme.ends_on = None
    world.a.programme.save()
    with pytest.raises(ValidationError) as raised:
        build_plan(source=world.a.programme, starts_on=date(2026, 1, 1))
    assert "starts_on" in raised.value.message_dict


def test_plan_lists_every_date_before_and_after(world):
    pieces = structure(world.a)
    plan = build_plan(source=world.a.programme, starts_on=world.a.programme.starts_on + timedelta(days=7))
    sections = {s.key: s for s in plan.sections()}
    assert plan.days == 7
    assert [(r.before, r.after) for r in sections["phases"].rows][:2] == [("01.09.2021", "08.09.2021"),
                                                                         ("28.02.2022", "07.03.2022")]
    assert len(sections["milestones"].rows) == len(pieces["plan"])
    assert ("15.11.2021 09:30", "22.11.2021 09:30") in [(r.before, r.after) for r in sections["meetings"].rows]
    assert plan.left_out == {"participations": 3, "municipal_milestones": 1, "municipal_meetings": 1,
                             "cancelled_meetings": 1}
    assert not plan.outside_rows()


def test_keep_rename_and_remove_a_template(world):
    template = services.template_keep(programme=world.a.programme, name_da="Byforløb", name_en="City course")
    again = services.template_keep(programme=world.a.programme, name_da="Byforløb 2")
    assert again.pk == template.pk and again.name_da == "Byforløb 2"
    assert ProgrammeTemplate.objects.count() == 1
    with pytest.raises(ValidationError):
        services.template_keep(programme=world.a.programme, name_da="To\nlinjer")
    services.template_remove(template=again)
    assert not ProgrammeTemplate.objects.exists() and Programme.objects.filter(pk=world.a.programme.pk).exists()
