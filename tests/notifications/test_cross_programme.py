"""Reminders, digests and notifications across programmes, as their recipients meet them.

The world (tests/factories.py): programmes A and B, each with its own people, and a municipality (Fællesby) that
both enrol, with a team and an advisor of its own in each programme. Nothing about programme B's milestones,
meetings, tests, minutes or reviews may reach a person without a role in B: not A's team of the very same
municipality, not A's facilitator, advisor or politician. A person who leaves B (removed from the team, the
advisor replaced, erased) stops receiving B's reminders, also those already claimed."""

import html
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.services import team_member_remove
from municipalities.models import StageGateOutput
from notifications import engine
from notifications.models import Delivery, Kind, Notification, NotificationPreference
from notifications.services import delivery_send, digest_dispatch
from programmes.models import Milestone
from tests.factories import MilestoneFactory
from tests.notifications.factories import MeetingFactory, NotificationFactory, ReminderRuleFactory, cph
from workshops.models import Meeting, MeetingInvitation
from workshops.services import meeting_invite

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=40)  # in the future: the send task (real clock) finds the reminder still valid


def people_of_a(world) -> set[str]:
    """Everyone with a role in A and none in B."""
    return {u.email for u in [*world.a.users.values(), *world.a.shared_users.values()]}


def delivered_to() -> set[str]:
    """Everyone a reminder was claimed for, e-mailed to, or put in the notification centre of."""
    return (set(Delivery.objects.values_list("recipient__email", flat=True))
            | {address for message in mail.outbox for address in message.to}
            | set(Notification.objects.values_list("recipient__email", flat=True)))


def claim_only(now):
    return engine.scan(now=now, claims=engine.DatabaseClaims(publish=False))


def b_shared_milestone(world, **kwargs):
    """A milestone of the shared municipality's local test in programme B."""
    b = world.b
    kwargs.setdefault("due_on", SOON)
    return MilestoneFactory(programme=b.programme, participation=b.shared_participation,
                            title_da="B's hemmelige milepæl", title_en="B's secret milestone", **kwargs)


# --- 1. Nothing of programme B reaches a person without a role in B --------------------------------------------

def test_b_milestone_of_the_shared_municipality_reaches_only_bs_team_advisor_and_facilitator(world, scan_at):
    due = TODAY - timedelta(days=20)
    b_shared_milestone(world, due_on=due, status=Milestone.Status.IN_PROGRESS)
    b_shared_milestone(world, due_on=SOON)
    scan_at(cph(SOON - timedelta(days=3)))  # before
    scan_at(cph(due + timedelta(days=1)))  # overdue: the owner (the team)
    scan_at(cph(due + timedelta(days=3)))  # the advisor
    scan_at(cph(due + timedelta(days=7)))  # the facilitators
    b = world.b
    assert delivered_to() == {b.shared_users["staff"].email, b.shared_users["staff2"].email,
                              b.shared_users["advisor"].email, b.users["facilitator"].email}
    assert not delivered_to() & people_of_a(world)
    assert len(mail.outbox) == Delivery.objects.filter(state=Delivery.State.SENT).count() == 6


def test_b_meeting_invitations_and_reminders_reach_only_bs_people(world, scan_at):
    b = world.b
    meeting = MeetingFactory(programme=b.programme, participation=b.shared_participation,
                             cohort=b.shared_participation.cohort, starts_at=cph(SOON, 10),
                             organiser=b.users["facilitator"])
    briefing = MeetingFactory(programme=b.programme, kind=Meeting.Kind.FOLLOW_GROUP, starts_at=cph(SOON, 14))
    meeting_invite(meeting=meeting, by=b.users["facilitator"], roles=[Role.STAFF, Role.ADVISOR],
                   participations=[b.shared_participation])
    meeting_invite(meeting=briefing, by=b.users["facilitator"], roles=[Role.POLITICIAN, Role.FACILITATOR])
    mail.outbox.clear()
    for days in (7, 5, 3, 1):
        scan_at(cph(SOON - timedelta(days=days)))
    assert set(Delivery.objects.filter(kind=Kind.FOLLOWGROUP_BRIEFING).values_list(
        "recipient__email", flat=True)) == {b.users["politician"].email}
    assert b.shared_users["staff"].email in delivered_to()
    assert not delivered_to() & people_of_a(world)
    assert all(world.a.users["politician"].email not in m.to for m in mail.outbox)


def test_unpublished_minutes_of_b_are_nudged_to_bs_organiser_only(world, scan_at):
    held = TODAY - timedelta(days=10)
    b = world.b
    MeetingFactory(programme=b.programme, participation=b.shared_participation, starts_at=cph(held, 10),
                   organiser=None, minutes="Udkast: ikke offentligt endnu")
    scan_at(cph(held + timedelta(days=3)))
    assert delivered_to() == {b.users["facilitator"].email}


def _entry(participation, day, state):
    from municipalities.models import ProgressEntry

    return ProgressEntry.objects.create(participation=participation, happened_on=day, what_happened="Test",
                                        state=state)


def test_stalled_test_in_b_nudges_bs_team_and_as_entries_do_not_count_for_b(world):
    a, b = world.a, world.b
    ReminderRuleFactory(programme=b.programme, kind=Kind.PROGRESS_STALE, offset_days=28)
    ReminderRuleFactory(programme=a.programme, kind=Kind.PROGRESS_STALE, offset_days=28)
    day = date(2023, 3, 1)  # inside the programmes (2021-08-31 → 2024-02-29)
    last = day - timedelta(days=28)
    _entry(b.shared_participation, last, "published")
    _entry(b.shared_participation, last + timedelta(days=5), "draft")  # B's draft: nobody's progress yet
    _entry(a.shared_participation, last + timedelta(days=5), "published")  # A's entry of the same town
    _entry(a.shared_participation, last, "draft")
    claim_only(cph(day))
    stale = Delivery.objects.filter(kind=Kind.PROGRESS_STALE)
    assert set(stale.values_list("recipient__email", flat=True)) == {b.shared_users["staff"].email,
                                                                    b.shared_users["staff2"].email}
    assert set(stale.values_list("target_id", flat=True)) == {b.shared_participation.pk}


def test_review_of_bs_stage_gate_output_is_announced_to_bs_facilitator_only(world, django_capture_on_commit_callbacks):
    from municipalities.services import stage_output_submit

    b = world.b
    with django_capture_on_commit_callbacks(execute=True):
        stage_output_submit(participation=b.shared_participation, by=b.shared_users["staff"], stage="discover",
                            kind=StageGateOutput.Kind.INSIGHTS, title="Indsigter fra Fællesby B",
                            body="Hvad vi lærte af interviews.")
    assert delivered_to() == {b.users["facilitator"].email}


def test_reviews_due_in_bs_call_go_to_bs_reviewers_only(world):
    from calls import services as calls
    from calls.models import Call
    from tests.calls.helpers import danish_municipality, make_call, reviewer_of, submitted_application

    b = world.b
    call = make_call(b, file_question=False)
    ends = TODAY + timedelta(days=30)
    Call.objects.filter(pk=call.pk).update(assessment_ends_on=ends)
    application = submitted_application(call, danish_municipality("Aarhus"))
    calls.review_assign(application=application, reviewer=reviewer_of(call=call, user=b.users["facilitator"]))
    mail.outbox.clear()
    claim_only(cph(ends - timedelta(days=3)))
    claim_only(cph(ends))
    assert delivered_to() == {b.users["facilitator"].email}


def test_a_digest_holds_only_the_persons_own_lines(world, scan_at, django_capture_on_commit_callbacks):
    a, b = world.a, world.b
    for user in (a.shared_users["staff"], a.shared_users["staff2"], b.shared_users["staff"], b.shared_users["staff2"]):
        NotificationPreference.objects.create(user=user, category="milestones", frequency="daily")
    MilestoneFactory(programme=a.programme, participation=a.shared_participation, due_on=SOON,
                     title_en="A's own milestone")
    b_shared_milestone(world)
    scan_at(cph(SOON - timedelta(days=3)))
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(frequency="daily")
    digests = {m.to[0]: m for m in mail.outbox}
    assert "A's own milestone" in digests[a.shared_users["staff"].email].body
    assert "B's secret milestone" not in digests[a.shared_users["staff"].email].body
    assert "B's secret milestone" in digests[b.shared_users["staff"].email].body


def test_a_digest_leaves_out_what_the_person_may_no_longer_see(world, scan_at, django_capture_on_commit_callbacks):
    """A reminder about B waiting for the daily digest is not mailed once its person has left B's team; it stays
    in their notification centre. Their colleague, still on the team, gets it in their digest."""
    b = world.b
    member, colleague = b.shared_users["staff"], b.shared_users["staff2"]
    for user in (member, colleague):
        NotificationPreference.objects.create(user=user, category="milestones", frequency="daily")
    b_shared_milestone(world)
    scan_at(cph(SOON - timedelta(days=3)))
    assert mail.outbox == [] and Notification.objects.filter(recipient=member, digest="daily").count() == 1
    team_member_remove(member=RoleAssignment.objects.get(user=member, participation=b.shared_participation),
                       by=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(frequency="daily")
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert "B's secret milestone" in mail.outbox[0].body or "B's hemmelige milepæl" in mail.outbox[0].body
    assert Notification.objects.get(recipient=member).emailed_at is not None  # handled: not mailed later either
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(frequency="daily")
    assert len(mail.outbox) == 1


# --- 2. The pages refuse another person's notification ---------------------------------------------------------

def test_another_persons_notification_answers_404_and_stays_unread(world, client):
    b = world.b
    theirs = NotificationFactory(recipient=b.shared_users["staff"], title="B's secret milestone",
                                 url=f"/municipalities/{b.shared_participation.pk}/")
    for user in (world.a.shared_users["staff"], b.shared_users["staff2"], world.admin):
        client.force_login(user)
        assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
        assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
        assert "B's secret milestone" not in client.get("/notifications/").content.decode()
        client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_link_of_a_b_reminder_opens_nothing_after_leaving_b(world, client, scan_at):
    b = world.b
    b_shared_milestone(world)
    scan_at(cph(SOON - timedelta(days=3)))
    member = b.shared_users["staff"]
    notification = Notification.objects.get(recipient=member)
    client.force_login(member)
    target = client.get(f"/notifications/{notification.pk}/open/")
    assert target.status_code == 302 and client.get(target.url).status_code == 200
    team_member_remove(member=RoleAssignment.objects.get(user=member, participation=b.shared_participation),
                       by=b.shared_users["staff2"])
    assert client.get(client.get(f"/notifications/{notification.pk}/open/").url).status_code == 404


def test_saving_settings_changes_only_ones_own(world, client):
    mine, theirs = world.a.shared_users["staff"], world.b.shared_users["staff"]
    client.force_login(mine)
    client.post("/notifications/settings/", {"user": theirs.pk, "milestones": "off", "meetings": "weekly"})
    assert not NotificationPreference.objects.filter(user=theirs).exists()


# --- 3. The mail speaks the recipient's language, with working absolute links -------------------------------

def test_a_danish_reminder_mail_is_danish_with_danish_dates_and_working_links(world, scan_at, client):
    b = world.b
    member = b.shared_users["staff"]
    member.language = "da"
    member.save(update_fields=["language"])
    b_shared_milestone(world)
    scan_at(cph(SOON - timedelta(days=3)))
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert message.subject == "Milepæl med frist om 3 dage: B's hemmelige milepæl"  # as written, not &#x27;
    page = html.unescape(message.alternatives[0][0])  # the HTML part escapes the apostrophe, as it should
    for text in (message.body, page):
        assert "B's hemmelige milepæl" in text and SOON.strftime("%d.%m.%Y") in text
        assert "Kære " in text and "Afmeld" in text
        assert "Milestone" not in text and "Unsubscribe" not in text
    links = set(re.findall(r"https?://[^\s\"<>]+", message.body))
    assert links and all(link.startswith("https://cc.example.org/") for link in links)
    client.force_login(member)
    for link in links:
        path = link.removeprefix("https://cc.example.org")
        assert client.get(path).status_code == 200, path  # the milestone, the settings, the unsubscribe page
    assert any("/notifications/unsubscribe/" in link for link in links)
    assert any(link.endswith("/notifications/settings/") for link in links)


def test_a_danish_digest_and_notification_mail_are_danish(world, scan_at, django_capture_on_commit_callbacks):
    from municipalities.services import stage_output_submit

    b = world.b
    facilitator, member = b.users["facilitator"], b.shared_users["staff"]
    for user in (facilitator, member):
        user.language = "da"
        user.save(update_fields=["language"])
    NotificationPreference.objects.create(user=member, category="milestones", frequency="daily")
    b_shared_milestone(world)
    scan_at(cph(SOON - timedelta(days=3)))
    with django_capture_on_commit_callbacks(execute=True):
        digest_dispatch(frequency="daily")
        stage_output_submit(participation=b.shared_participation, by=b.shared_users["staff2"], stage="discover",
                            kind=StageGateOutput.Kind.INSIGHTS, title="Indsigter", body="Hvad vi lærte.")
    digest = next(m for m in mail.outbox if m.to == [member.email])
    notice = next(m for m in mail.outbox if m.to == [facilitator.email])
    assert "B's hemmelige milepæl" in digest.body and SOON.strftime("%d.%m.%Y") in digest.body
    assert "https://cc.example.org/notifications/" in digest.body
    assert "Milestone" not in digest.body and "Milepæl" in digest.body
    assert "Indsigter" in notice.subject and "indsendt" in notice.subject
    assert "Afmeld" in notice.body and "https://cc.example.org/municipalities/" in notice.body


# --- 4. Leaving the programme, or being erased, stops the reminders --------------------------------------------

def test_an_owner_removed_from_bs_team_gets_no_more_b_milestone_reminders(world, scan_at):
    b = world.b
    owner, colleague = b.shared_users["staff"], b.shared_users["staff2"]
    b_shared_milestone(world, owner=owner)
    team_member_remove(member=RoleAssignment.objects.get(user=owner, participation=b.shared_participation),
                       by=colleague)
    scan_at(cph(SOON - timedelta(days=3)))
    assert owner.email not in delivered_to()
    assert delivered_to() == {colleague.email}  # the team takes over, as for a milestone without an owner


def test_an_owner_removed_after_the_claim_is_not_reminded(world):
    b = world.b
    owner, colleague = b.shared_users["staff"], b.shared_users["staff2"]
    b_shared_milestone(world, owner=owner)
    (delivery,) = Delivery.objects.filter(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed)
    team_member_remove(member=RoleAssignment.objects.get(user=owner, participation=b.shared_participation),
                       by=colleague)
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now()) == Delivery.State.SKIPPED
    assert mail.outbox == [] and not Notification.objects.exists()


def test_an_invitee_removed_from_bs_team_gets_no_more_b_meeting_reminders(world, scan_at):
    b = world.b
    member, colleague = b.shared_users["staff"], b.shared_users["staff2"]
    meeting = MeetingFactory(programme=b.programme, participation=b.shared_participation, starts_at=cph(SOON, 10))
    meeting_invite(meeting=meeting, by=b.users["facilitator"], participations=[b.shared_participation])
    assert MeetingInvitation.objects.filter(meeting=meeting, user=member).exists()
    (claimed,) = Delivery.objects.filter(pk__in=claim_only(cph(SOON - timedelta(days=3))).claimed,
                                         recipient=member)  # the RSVP nudge, claimed
    team_member_remove(member=RoleAssignment.objects.get(user=member, participation=b.shared_participation),
                       by=colleague)
    mail.outbox.clear()
    assert delivery_send(delivery_id=claimed.pk, now=timezone.now()) == Delivery.State.SKIPPED
    scan_at(cph(SOON - timedelta(days=1)))
    assert member.email not in {a for m in mail.outbox for a in m.to}
    assert not Notification.objects.filter(recipient=member).exists()
    assert colleague.email in {a for m in mail.outbox for a in m.to}  # the colleague still is reminded


def test_an_organiser_who_left_b_is_not_asked_for_the_minutes_the_facilitators_are(world, scan_at):
    held = TODAY - timedelta(days=10)
    b = world.b
    organiser = b.users["facilitator"]
    second = RoleAssignment.objects.create(user=world.a.users["facilitator"], role=Role.FACILITATOR,
                                           programme=b.programme)
    MeetingFactory(programme=b.programme, starts_at=cph(held, 10), organiser=organiser)
    RoleAssignment.objects.filter(user=organiser, programme=b.programme).delete()
    scan_at(cph(held + timedelta(days=3)))
    assert delivered_to() == {second.user.email}


def test_a_replaced_advisor_gets_no_more_escalations(world, scan_at):
    from municipalities.services import advisor_assign

    b = world.b
    due = TODAY - timedelta(days=20)
    b_shared_milestone(world, due_on=due, status=Milestone.Status.IN_PROGRESS)
    RoleAssignment.objects.create(user=b.users["advisor"], role=Role.ADVISOR, programme=b.programme)  # the pool
    advisor_assign(participation=b.shared_participation, advisor=b.users["advisor"])
    scan_at(cph(due + timedelta(days=3)))
    assert set(Delivery.objects.filter(kind=Kind.MILESTONE_OVERDUE_ADVISOR).values_list(
        "recipient__email", flat=True)) == {b.users["advisor"].email}


def test_an_erased_person_gets_nothing_more(world, scan_at):
    from accounts.gdpr import erase_person

    b = world.b
    owner = b.shared_users["staff"]
    b_shared_milestone(world, owner=owner)
    meeting = MeetingFactory(programme=b.programme, starts_at=cph(SOON, 10))
    MeetingInvitation.objects.create(meeting=meeting, user=owner)
    claimed = claim_only(cph(SOON - timedelta(days=3))).claimed
    assert Delivery.objects.filter(pk__in=claimed, recipient=owner).count() == 2  # the milestone, the RSVP nudge
    erase_person(user=owner, by=world.admin)
    mail.outbox.clear()
    for pk in claimed:
        delivery_send(delivery_id=pk, now=timezone.now())
    scan_at(cph(SOON - timedelta(days=1)))
    assert not Delivery.objects.filter(recipient=owner).exists()
    assert not Notification.objects.filter(recipient=owner).exists()
    assert all(m.to != [owner.email] for m in mail.outbox)


# --- 5. The scan is idempotent ------------------------------------------------------------------------------

def test_scanning_again_the_same_day_sends_nothing_twice(world, scan_at, django_capture_on_commit_callbacks):
    b = world.b
    b_shared_milestone(world)
    meeting = MeetingFactory(programme=b.programme, participation=b.shared_participation, starts_at=cph(SOON, 10))
    meeting_invite(meeting=meeting, by=b.users["facilitator"], participations=[b.shared_participation])
    mail.outbox.clear()
    nine = cph(SOON - timedelta(days=3))
    first = scan_at(nine)
    sent = len(mail.outbox)
    assert sent == len(first.claimed) >= 4  # the milestone and the RSVP nudge, to two people each
    for later in (nine, nine + timedelta(minutes=5), nine + timedelta(hours=11)):
        assert scan_at(later).claimed == []
    assert len(mail.outbox) == sent
    for pk in first.claimed:  # a send task delivered twice by the broker
        with django_capture_on_commit_callbacks(execute=True):
            delivery_send(delivery_id=pk, now=timezone.now())
    assert len(mail.outbox) == sent
    assert Notification.objects.count() == sent
