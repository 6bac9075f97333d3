"""The reminder engine in-process (any database): what is due when, to whom, claimed once, checked again
before sending. The same properties against a real worker, Redis and SMTP server: test_real_services.py."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from notifications import engine
from notifications.models import DEFAULT_RULES, Delivery, Kind, Notification, ReminderRule
from notifications.services import delivery_send
from programmes.models import Milestone
from tests.factories import MilestoneFactory, build_side, observer_of, politician_of
from tests.notifications.factories import InvitationFactory, MeetingFactory, ReminderRuleFactory, cph
from workshops.models import Meeting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=40)  # a due date in the future, so the send task (real clock) finds it valid


@pytest.fixture
def side():
    return build_side("a")


def claim_only(now):
    """A scan that claims but does not publish: the reminder is claimed and not yet sent."""
    return engine.scan(now=now, claims=engine.DatabaseClaims(publish=False))


def send(delivery, now=None):
    return delivery_send(delivery_id=delivery.pk, now=now or timezone.now())


def recipients(kind=None):
    rows = Delivery.objects.all() if kind is None else Delivery.objects.filter(kind=kind)
    return sorted(rows.values_list("recipient__email", flat=True))


# --- Time and daylight saving ----------------------------------------------------------------------------------

def test_nine_oclock_copenhagen_is_seven_utc_in_summer_and_eight_in_winter():
    utc = engine.local_moment
    assert utc(date(2027, 3, 27), time(9)).isoformat() == "2027-03-27T08:00:00+00:00"  # Saturday, winter time
    assert utc(date(2027, 3, 28), time(9)).isoformat() == "2027-03-28T07:00:00+00:00"  # last Sunday of March
    assert utc(date(2027, 10, 30), time(9)).isoformat() == "2027-10-30T07:00:00+00:00"  # still summer time
    assert utc(date(2027, 10, 31), time(9)).isoformat() == "2027-10-31T08:00:00+00:00"  # last Sunday of October


@pytest.mark.parametrize("day, utc_hour", [(date(2027, 3, 28), 7), (date(2027, 10, 31), 8)])
def test_meeting_reminder_on_a_daylight_saving_sunday_goes_out_at_nine_local(side, scan_at, day, utc_hour):
    """A meeting the day after the clocks change: its "1 day before" reminder is due on the Sunday itself."""
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(day + timedelta(days=1), 10))
    InvitationFactory(meeting=meeting, user=side.users["staff"])
    nine_local = engine.local_moment(day, time(9))
    assert nine_local.hour == utc_hour

    assert scan_at(nine_local - timedelta(seconds=1)).claimed == []  # 08:59:59 local: not yet
    result = scan_at(nine_local)
    delivery = Delivery.objects.get(pk__in=result.claimed, kind=Kind.MEETING_BEFORE)
    assert delivery.send_at == nine_local
    assert delivery.send_at.astimezone(engine.TZ).time() == time(9)
    assert delivery.state == Delivery.State.SENT
    assert len(mail.outbox) == 1


# --- Rules ------------------------------------------------------------------------------------------------------

def test_default_rules_are_stored_once_and_only_when_needed(side):
    rules = engine.RuleBook().all_rules([side.programme.pk])[side.programme.pk]
    assert sorted((r.kind, r.offset_days) for r in rules) == sorted(DEFAULT_RULES)
    engine.RuleBook().all_rules([side.programme.pk])
    assert ReminderRule.objects.filter(programme=side.programme).count() == len(DEFAULT_RULES)


def test_replay_rule_book_writes_nothing(side):
    rules = engine.RuleBook(materialise=False).all_rules([side.programme.pk])[side.programme.pk]
    assert len(rules) == len(DEFAULT_RULES)
    assert not ReminderRule.objects.exists()


def test_a_programme_rule_replaces_the_defaults_of_its_kind_only(side):
    ReminderRuleFactory(programme=side.programme, kind=Kind.MILESTONE_BEFORE, offset_days=30)
    rules = engine.RuleBook().enabled([side.programme.pk])[side.programme.pk]
    before = sorted(r.offset_days for r in rules if r.kind == Kind.MILESTONE_BEFORE)
    assert before == [30]
    assert any(r.kind == Kind.MEETING_BEFORE for r in rules)


# --- Who receives what ------------------------------------------------------------------------------------------

def test_milestone_reminder_goes_to_owner_else_team_else_facilitators(side, scan_at):
    owner = observer_of(side.programme, user__email="owner@example.org")  # an owner has a role in the programme
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=owner)
    MilestoneFactory(programme=side.programme, participation=side.participation, due_on=SOON)
    MilestoneFactory(programme=side.programme, due_on=SOON)
    scan_at(cph(SOON - timedelta(days=3)))
    assert recipients() == sorted(["owner@example.org", "staff-a@example.org", "facilitator-a@example.org"])
    assert len(mail.outbox) == 3


def test_overdue_escalates_to_owner_then_advisor_then_facilitators(side, scan_at):
    due = TODAY - timedelta(days=20)
    MilestoneFactory(programme=side.programme, participation=side.participation, due_on=due,
                     status=Milestone.Status.IN_PROGRESS)
    scan_at(cph(due + timedelta(days=1)))
    assert recipients(Kind.MILESTONE_OVERDUE_OWNER) == ["staff-a@example.org"]
    scan_at(cph(due + timedelta(days=3)))
    assert recipients(Kind.MILESTONE_OVERDUE_ADVISOR) == ["advisor-a@example.org"]
    scan_at(cph(due + timedelta(days=7)))
    assert recipients(Kind.MILESTONE_OVERDUE_FACILITATORS) == ["facilitator-a@example.org"]
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 3
    assert [m.to for m in mail.outbox] == [["staff-a@example.org"], ["advisor-a@example.org"],
                                           ["facilitator-a@example.org"]]


def test_rsvp_nudge_goes_only_to_those_who_have_not_answered(side, scan_at):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 13))
    InvitationFactory(meeting=meeting, user=side.users["staff"])
    InvitationFactory(meeting=meeting, user=side.users["advisor"], response="yes", responded_at=timezone.now())
    InvitationFactory(meeting=meeting, user=side.users["facilitator"], response="no", responded_at=timezone.now())
    scan_at(cph(SOON - timedelta(days=3)))
    assert recipients(Kind.RSVP_NUDGE) == ["staff-a@example.org"]
    scan_at(cph(SOON - timedelta(days=1)))
    assert recipients(Kind.MEETING_BEFORE) == ["advisor-a@example.org", "staff-a@example.org"]  # not the "no"


def test_minutes_nudge_goes_to_the_organiser_until_published(side, scan_at):
    held = TODAY - timedelta(days=10)
    organiser = side.users["facilitator"]
    MeetingFactory(programme=side.programme, starts_at=cph(held, 10), organiser=organiser)
    scan_at(cph(held + timedelta(days=3)))
    assert recipients(Kind.MINUTES_NUDGE) == ["facilitator-a@example.org"]
    published = MeetingFactory(programme=side.programme, starts_at=cph(held, 14), organiser=organiser,
                               minutes_published_at=cph(held, 18))
    scan_at(cph(held + timedelta(days=3)) + timedelta(minutes=5))
    assert not Delivery.objects.filter(target_id=published.pk, kind=Kind.MINUTES_NUDGE).exists()


def test_followgroup_briefing_goes_to_politicians_in_office_before_follow_group_meetings(side, scan_at):
    former = politician_of(side.programme, user__email="former@example.org", ends_on=TODAY - timedelta(days=1))
    assert former
    MeetingFactory(programme=side.programme, kind=Meeting.Kind.FOLLOW_GROUP, starts_at=cph(SOON, 16))
    MeetingFactory(programme=side.programme, kind=Meeting.Kind.SPARRING, starts_at=cph(SOON, 10))
    scan_at(cph(SOON - timedelta(days=5)))
    assert recipients(Kind.FOLLOWGROUP_BRIEFING) == ["politician-a@example.org"]


# --- The grace window -------------------------------------------------------------------------------------------

def test_reminders_older_than_the_grace_window_are_never_sent(side, scan_at, settings):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    due_at = cph(SOON - timedelta(days=3))
    assert scan_at(due_at + timedelta(hours=13)).claimed == []  # 12 h grace: too late, stays unsent
    assert scan_at(due_at + timedelta(hours=11)).claimed  # within the window: sent late rather than never


def test_loading_a_historical_programme_sends_nothing(side, scan_at):
    for month in range(1, 13):
        MilestoneFactory(programme=side.programme, due_on=date(2022, month, 15), owner=side.users["staff"])
    assert scan_at(timezone.now()).claimed == []
    assert not Delivery.objects.exists()
    assert mail.outbox == []


# --- Exactly once ------------------------------------------------------------------------------------------------

def test_a_second_scan_claims_nothing_new(side, scan_at):
    MilestoneFactory.create_batch(3, programme=side.programme, due_on=SOON, owner=side.users["staff"])
    now = cph(SOON - timedelta(days=3))
    assert len(scan_at(now).claimed) == 3
    again = scan_at(now + timedelta(minutes=5))
    assert again.claimed == [] and again.already == 3
    assert Delivery.objects.count() == 3 and len(mail.outbox) == 3


def test_the_unique_constraint_refuses_a_claim_another_scan_made(side):
    """What a parallel scan sees: its window check ran before the other committed; the insert is refused."""
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    now = cph(SOON - timedelta(days=3))
    reminders = engine.find_due(now=now, rulebook=engine.RuleBook())
    first = engine.DatabaseClaims(publish=False).claim(reminders, now=now, window_start=now - timedelta(hours=12))
    # the second scan's window check happened "before" the first committed: it tries to insert everything
    second = engine.DatabaseClaims(publish=False).claim(reminders, now=now, window_start=now)
    assert len(first.claimed) == 1
    assert second.claimed == [] and second.conflicts == 1
    assert Delivery.objects.count() == 1


def test_sending_twice_sends_once(side):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    assert send(delivery) == Delivery.State.SENT
    assert send(delivery) == Delivery.State.SENT
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(delivery=delivery).count() == 1


# --- Changed after the claim -------------------------------------------------------------------------------------

def test_milestone_completed_after_the_claim_is_not_reminded(side):
    milestone = MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.DONE, completed_at=timezone.now())
    assert send(delivery) == Delivery.State.SKIPPED
    delivery.refresh_from_db()
    assert delivery.skip_reason == Delivery.SkipReason.CLOSED
    assert mail.outbox == []


def test_moved_milestone_skips_the_old_reminder_and_gets_its_own(side, scan_at):
    milestone = MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    old = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    new_due = SOON + timedelta(days=10)
    Milestone.objects.filter(pk=milestone.pk).update(due_on=new_due)
    assert send(old) == Delivery.State.SKIPPED
    old.refresh_from_db()
    assert old.skip_reason == Delivery.SkipReason.MOVED
    result = scan_at(cph(new_due - timedelta(days=3)))
    new = Delivery.objects.get(pk__in=result.claimed)
    assert new.occurrence == new_due.isoformat() and new.state == Delivery.State.SENT
    assert len(mail.outbox) == 1


def test_cancelled_meeting_after_the_claim_is_not_reminded(side):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 10))
    InvitationFactory(meeting=meeting, user=side.users["staff"])
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=7))).claimed)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, cancelled_at=timezone.now())
    assert send(delivery) == Delivery.State.SKIPPED
    delivery.refresh_from_db()
    assert delivery.skip_reason == Delivery.SkipReason.CANCELLED
    assert mail.outbox == []


def test_moved_meeting_skips_the_old_reminder_and_gets_its_own(side, scan_at):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 10))
    InvitationFactory(meeting=meeting, user=side.users["staff"])
    old = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=7))).claimed)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=cph(SOON, 14), ends_at=cph(SOON, 16))
    assert send(old) == Delivery.State.SKIPPED
    assert scan_at(cph(SOON - timedelta(days=7)) + timedelta(minutes=5)).claimed  # same day, new time: new reminder
    assert len(mail.outbox) == 1


def test_answering_after_the_rsvp_nudge_was_claimed_stops_it(side):
    meeting = MeetingFactory(programme=side.programme, starts_at=cph(SOON, 10))
    invitation = InvitationFactory(meeting=meeting, user=side.users["staff"])
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    invitation.response, invitation.responded_at = "yes", timezone.now()
    invitation.save()
    assert send(delivery) == Delivery.State.SKIPPED


def test_person_who_left_the_role_after_the_claim_is_not_reminded(side):
    MilestoneFactory(programme=side.programme, participation=side.participation, due_on=SOON)
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    RoleAssignment.objects.filter(user=side.users["staff"], role=Role.STAFF).update(
        ends_on=TODAY - timedelta(days=1))
    assert send(delivery) == Delivery.State.SKIPPED
    delivery.refresh_from_db()
    assert delivery.skip_reason == Delivery.SkipReason.NOT_RECIPIENT


def test_rule_switched_off_after_the_claim_stops_the_reminder(side):
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    delivery = Delivery.objects.get(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    ReminderRule.objects.filter(pk=delivery.rule_id).update(enabled=False)
    assert send(delivery) == Delivery.State.SKIPPED
    assert mail.outbox == []


# --- Stalled tests -------------------------------------------------------------------------------------------------

def _entry(participation, day, state="published"):
    from municipalities.models import ProgressEntry

    return ProgressEntry.objects.create(participation=participation, happened_on=day, what_happened="Test",
                                        state=state)


def test_staff_are_nudged_four_weeks_after_the_last_published_entry(side):
    ReminderRuleFactory(programme=side.programme, kind=Kind.PROGRESS_STALE, offset_days=28)
    _entry(side.participation, date(2022, 1, 10))
    _entry(side.participation, date(2022, 1, 20), state="draft")  # a draft is not progress anyone can read
    due = engine.find_due(now=cph(date(2022, 2, 7)), rulebook=engine.RuleBook())
    stale = [r for r in due if r.rule.kind == Kind.PROGRESS_STALE and r.target.pk == side.participation.pk]
    assert [r.occurrence for r in stale] == ["2022-01-10"]
    assert {r.recipient_id for r in stale} == {side.users["staff"].pk}


def test_a_newer_published_entry_postpones_the_nudge(side):
    ReminderRuleFactory(programme=side.programme, kind=Kind.PROGRESS_STALE, offset_days=28)
    _entry(side.participation, date(2022, 1, 10))
    _entry(side.participation, date(2022, 1, 20))
    due = engine.find_due(now=cph(date(2022, 2, 7)), rulebook=engine.RuleBook())
    assert not [r for r in due if r.rule.kind == Kind.PROGRESS_STALE and r.target.pk == side.participation.pk]
    due = engine.find_due(now=cph(date(2022, 2, 17)), rulebook=engine.RuleBook())
    assert [r.occurrence for r in due if r.rule.kind == Kind.PROGRESS_STALE
            and r.target.pk == side.participation.pk] == ["2022-01-20"]


# --- Scan cost -----------------------------------------------------------------------------------------------------

def _scan_queries(now) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = claim_only(now)
    return len(captured), result.due


def test_scan_cost_grows_with_what_is_due_not_with_what_is_stored(side):
    """Ten times the stored milestones, meetings and deliveries outside the window: the same queries, the
    same reminders examined."""
    now = cph(SOON - timedelta(days=3))
    MilestoneFactory.create_batch(2, programme=side.programme, due_on=SOON, owner=side.users["staff"])

    def add_history(n):
        for i in range(n):
            old = MilestoneFactory(programme=side.programme, due_on=SOON - timedelta(days=60 + i),
                                   owner=side.users["staff"])
            claim_only(cph(old.due_on - timedelta(days=3)))
            MeetingFactory(programme=side.programme, starts_at=cph(SOON + timedelta(days=30 + i), 10))

    add_history(3)
    claim_only(now - timedelta(days=1))  # rules stored, content types cached
    queries_1x, due_1x = _scan_queries(now)
    Delivery.objects.filter(send_at=now).delete()
    add_history(30)
    queries_10x, due_10x = _scan_queries(now)
    assert due_1x == due_10x == 2
    assert queries_10x == queries_1x
