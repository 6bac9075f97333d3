"""Meeting rules: what is refused (with nothing saved), sequences, invitations, attendance, minutes, skills."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from programmes.models import Milestone
from tests.factories import (
    ParticipationFactory,
    ProgrammeFactory,
    UserFactory,
    advisor_of,
    facilitator_of,
    observer_of,
    politician_of,
    staff_of,
)
from tests.workshops.factories import (
    ActionItemFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
    PastMeetingFactory,
)
from workshops import services
from workshops.models import Decision, Meeting, MeetingInvitation, SkillAssessment
from workshops.permissions import can_view_meeting
from workshops.selectors import attendance_summary, meeting_visibility

pytestmark = pytest.mark.django_db
YES, NO, MAYBE = "yes", "no", "maybe"


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def facilitator(programme):
    return facilitator_of(programme)


def _fields(**overrides):
    starts = (timezone.localtime() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    fields = {"kind": Meeting.Kind.SPARRING, "title_da": "Sparring", "starts_at": starts,
              "ends_at": starts + timedelta(hours=2)}
    fields.update(overrides)
    return fields


# --- Bad input: clear messages, nothing saved -------------------------------------------------------------

def test_a_meeting_cannot_end_before_or_when_it_starts(programme, facilitator):
    fields = _fields()
    for ends in (fields["starts_at"] - timedelta(hours=1), fields["starts_at"]):
        with pytest.raises(ValidationError) as error:
            services.meeting_create(programme=programme, by=facilitator, **{**fields, "ends_at": ends},
                                    agenda=[{"title": "Velkomst"}])
        assert "ends_at" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_capacity_cannot_go_below_the_number_of_yes_answers(facilitator, programme):
    meeting = MeetingFactory(programme=programme, capacity=5)
    InvitationFactory.create_batch(3, meeting=meeting, response=YES)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, by=facilitator, capacity=2, title_da="Nyt navn")
    assert "capacity" in error.value.message_dict
    assert "3" in error.value.message_dict["capacity"][0]
    meeting.refresh_from_db()
    assert meeting.capacity == 5 and meeting.title_da != "Nyt navn"
    services.meeting_update(meeting=meeting, by=facilitator, capacity=3)  # exactly the yes answers is fine


@pytest.mark.parametrize("meeting_factory,message", [
    (lambda: PastMeetingFactory(), "already taken place"),
    (lambda: MeetingFactory(status=Meeting.Status.CANCELLED), "cancelled"),
])
def test_no_answers_to_a_past_or_cancelled_meeting(meeting_factory, message):
    invitation = InvitationFactory(meeting=meeting_factory())
    with pytest.raises(ValidationError) as error:
        services.invitation_answer(invitation=invitation, response=YES)
    assert message in " ".join(error.value.messages)
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.PENDING and invitation.responded_at is None


def test_a_meeting_that_has_started_takes_no_more_answers():
    meeting = MeetingFactory(starts_at=timezone.now() - timedelta(minutes=5),
                             ends_at=timezone.now() + timedelta(hours=1))
    invitation = InvitationFactory(meeting=meeting)
    with pytest.raises(ValidationError):
        services.invitation_answer(invitation=invitation, response=NO)


def test_a_full_meeting_refuses_yes_but_takes_maybe_and_no():
    meeting = MeetingFactory(capacity=2)
    InvitationFactory.create_batch(2, meeting=meeting, response=YES)
    late = InvitationFactory(meeting=meeting)
    with pytest.raises(ValidationError) as error:
        services.invitation_answer(invitation=late, response=YES)
    assert "full" in " ".join(error.value.messages)
    assert services.invitation_answer(invitation=late, response=MAYBE).response == MAYBE
    first = meeting.invitations.filter(response=YES).first()
    services.invitation_answer(invitation=first, response=NO)  # a seat frees up
    assert services.invitation_answer(invitation=late, response=YES).response == YES
    assert services.invitation_answer(invitation=late, response=YES).response == YES  # again: no double count


def test_an_answer_must_be_yes_no_or_maybe():
    invitation = InvitationFactory()
    with pytest.raises(ValidationError):
        services.invitation_answer(invitation=invitation, response="pending")


def test_a_meeting_for_a_municipality_of_another_programme_is_refused(programme, facilitator):
    stranger = ParticipationFactory()
    with pytest.raises(ValidationError) as error:
        services.meeting_create(programme=programme, by=facilitator, participation=stranger, **_fields())
    assert "participation" in error.value.message_dict
    assert not Meeting.objects.exists()


# --- Moving and cancelling --------------------------------------------------------------------------------

def test_moving_raises_the_sequence_and_tells_the_invitees(facilitator, programme,
                                                          django_capture_on_commit_callbacks):
    meeting = MeetingFactory(programme=programme)
    invitation = InvitationFactory(meeting=meeting, response=YES)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=facilitator, title_da="Sparring om test")
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and not mail.outbox  # a new title is not a move
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=facilitator, starts_at=meeting.starts_at + timedelta(hours=1),
                                ends_at=meeting.ends_at + timedelta(hours=1))
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=facilitator, place="Roskilde Rådhus")
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    assert [m.to for m in mail.outbox] == [[invitation.user.email]] * 2
    ics = mail.outbox[-1].attachments[0]
    assert ics[2].startswith("text/calendar; method=PUBLISH")
    assert "SEQUENCE:2" in ics[1]


def test_cancelling_keeps_the_meeting_and_sends_a_cancellation(facilitator, programme,
                                                              django_capture_on_commit_callbacks):
    meeting = MeetingFactory(programme=programme)
    invitation = InvitationFactory(meeting=meeting, response=YES)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=facilitator, reason="For få tilmeldte")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1 and meeting.cancel_reason == "For få tilmeldte"
    (message,) = mail.outbox
    assert message.to == [invitation.user.email]
    name, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar; method=CANCEL")
    assert "STATUS:CANCELLED" in content and "METHOD:CANCEL" in content
    services.meeting_cancel(meeting=meeting, by=facilitator)  # twice changes nothing
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, by=facilitator, title_da="Igen")


def test_a_meeting_that_has_started_cannot_be_cancelled(facilitator):
    meeting = PastMeetingFactory()
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=facilitator)
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


# --- Invitations ------------------------------------------------------------------------------------------

def test_invite_by_role_municipality_cohort_and_person(programme, facilitator, django_capture_on_commit_callbacks):
    first = ParticipationFactory(cohort__programme=programme)
    second = ParticipationFactory(cohort=first.cohort)
    other_cohort = ParticipationFactory(cohort__programme=programme)
    staff_first = staff_of(first.municipality, department="Klima")
    staff_second = staff_of(second.municipality)
    staff_other = staff_of(other_cohort.municipality)
    advisor = advisor_of(first)
    politician = politician_of(programme, municipality=second.municipality)
    observer = observer_of(programme)
    meeting = MeetingFactory(programme=programme, cohort=first.cohort, organiser=facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, participations=[first]) == 2
    assert set(meeting.invitations.values_list("user", flat=True)) == {staff_first.pk, advisor.pk}
    snapshot = meeting.invitations.get(user=staff_first)
    assert (snapshot.municipality, snapshot.department, snapshot.via) == (first.municipality, "Klima",
                                                                           MeetingInvitation.Via.MUNICIPALITY)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, cohorts=[first.cohort]) == 1  # + second
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, roles=[Role.POLITICIAN]) == 1
    assert meeting.invitations.get(user=politician).municipality == second.municipality
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, people=[observer, staff_first]) == 1
    # Staff "by role" are the staff of the municipalities the meeting is for: not the other cohort's.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, roles=[Role.STAFF]) == 0
    invited = set(meeting.invitations.values_list("user", flat=True))
    assert staff_second.pk in invited and staff_other.pk not in invited
    assert len(mail.outbox) == 5  # one mail per new invitee, never twice
    message = next(m for m in mail.outbox if m.to == [staff_first.email])
    assert "/meetings/answer/" in message.body and "?answer=yes" in message.body
    assert message.attachments[0][2].startswith("text/calendar")


def test_inviting_needs_someone_and_a_meeting_that_is_not_cancelled(facilitator):
    with pytest.raises(ValidationError):
        services.meeting_invite(meeting=MeetingFactory(), by=facilitator)
    with pytest.raises(ValidationError):
        services.meeting_invite(meeting=MeetingFactory(status=Meeting.Status.CANCELLED), by=facilitator,
                                people=[UserFactory()])


def test_the_answer_token_names_one_invitation_and_cannot_be_forged():
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting, user=observer_of(meeting.programme))
    token = services.rsvp_token(invitation)
    assert services.invitation_from_rsvp_token(token) == invitation
    assert services.invitation_from_rsvp_token(token[:-2] + "xx") is None
    assert services.invitation_from_rsvp_token("nonsense") is None


# --- Attendance, minutes, actions -------------------------------------------------------------------------

def test_attendance_waits_for_the_meeting_and_records_municipalities_and_departments(programme, facilitator):
    participation = ParticipationFactory(cohort__programme=programme)
    future = MeetingFactory(programme=programme)
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=future, by=facilitator, attended_user_ids=[])
    meeting = PastMeetingFactory(programme=programme)
    came = staff_of(participation.municipality, department="Klima")
    absent = staff_of(participation.municipality, department="Økonomi")
    services.meeting_invite(meeting=meeting, by=facilitator, people=[came, absent])
    walk_in = staff_of(participation.municipality, department="Indkøb")
    assert services.attendance_record(meeting=meeting, by=facilitator, attended_user_ids=[came.pk],
                                      walk_ins=[walk_in]) == 2
    assert meeting.invitations.get(user=absent).attended is False
    assert meeting.invitations.get(user=walk_in).via == MeetingInvitation.Via.ATTENDANCE
    (row,) = attendance_summary(meeting)
    assert (row.municipality, row.people, row.departments) == (str(participation.municipality), 2,
                                                               ["Indkøb", "Klima"])


def test_minutes_are_published_after_the_meeting_and_mailed_once(facilitator, programme,
                                                                django_capture_on_commit_callbacks):
    future = MeetingFactory(programme=programme, minutes="Referat")
    with pytest.raises(ValidationError):
        services.minutes_publish(meeting=future, by=facilitator)
    meeting = PastMeetingFactory(programme=programme)
    InvitationFactory(meeting=meeting)
    with pytest.raises(ValidationError) as error:
        services.minutes_publish(meeting=meeting, by=facilitator)  # nothing written yet
    assert "Write the minutes" in error.value.messages[0]
    services.minutes_save(meeting=meeting, by=facilitator, minutes="  Vi drøftede testene.  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(meeting=meeting, by=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(meeting=meeting, by=facilitator)
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi drøftede testene." and meeting.minutes_published_at
    assert len(mail.outbox) == 1 and "#minutes" in mail.outbox[0].body


def test_an_action_becomes_a_milestone_of_the_municipality_once(programme, facilitator):
    participation = ParticipationFactory(cohort__programme=programme)
    owner = staff_of(participation.municipality)
    meeting = PastMeetingFactory(programme=programme, participation=participation, cohort=participation.cohort)
    action = services.action_add(meeting=meeting, text="Kortlæg materialestrømme", owner=owner,
                                 due_on=date(2023, 5, 1), make_milestone=True)
    milestone = action.milestone
    assert (milestone.programme, milestone.participation, milestone.title_da, milestone.owner, milestone.due_on) == (
        programme, participation, "Kortlæg materialestrømme", owner, date(2023, 5, 1))
    assert services.action_make_milestone(action=action) == milestone
    assert Milestone.objects.count() == 1


def test_an_action_due_outside_the_programme_cannot_become_a_milestone(programme):
    action = ActionItemFactory(meeting=PastMeetingFactory(programme=programme), due_on=date(2030, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.action_make_milestone(action=action)
    assert "due_on" in error.value.message_dict
    action.refresh_from_db()
    assert action.milestone is None and not Milestone.objects.exists()


def test_adding_an_action_with_a_refused_milestone_saves_nothing(programme, facilitator):
    meeting = PastMeetingFactory(programme=programme)
    with pytest.raises(ValidationError):
        services.action_add(meeting=meeting, text="Noget", owner=None, due_on=date(2031, 1, 1), make_milestone=True)
    assert not meeting.action_items.exists()


# --- Skills ----------------------------------------------------------------------------------------------

def test_participants_assess_their_skills_linked_to_the_modules_they_attended(programme):
    participation = ParticipationFactory(cohort__programme=programme)
    person = staff_of(participation.municipality)
    attended = PastMeetingFactory(programme=programme, kind=Meeting.Kind.LEARNING_MODULE)
    skipped = PastMeetingFactory(programme=programme, kind=Meeting.Kind.LEARNING_MODULE)
    InvitationFactory(meeting=attended, user=person, attended=True)
    InvitationFactory(meeting=skipped, user=person, attended=False)
    assessment = services.skill_assessment_save(user=person, programme=programme, stage="before",
                                                systems_thinking=2, circular_models=1)
    assert assessment.participation == participation
    assert list(assessment.modules.all()) == [attended]
    services.skill_assessment_save(user=person, programme=programme, stage="before", systems_thinking=3,
                                   circular_models=2)
    assert SkillAssessment.objects.get().systems_thinking == 3  # the same stage again replaces the answer
    with pytest.raises(ValidationError):
        services.skill_assessment_save(user=person, programme=programme, stage="after", systems_thinking=6,
                                       circular_models=2)
    with pytest.raises(ValidationError):
        services.skill_assessment_save(user=politician_of(programme), programme=programme, stage="after",
                                       systems_thinking=3, circular_models=3)
    assert SkillAssessment.objects.count() == 1


# --- Who sees which meeting --------------------------------------------------------------------------------

def test_visibility_rules_and_the_list_filter_agree(world):
    a = world.a
    meetings = {
        "programme": MeetingFactory(programme=a.programme),
        "cohort": MeetingFactory(programme=a.programme, cohort=a.cohort),
        "local": MeetingFactory(programme=a.programme, participation=a.participation, cohort=a.cohort,
                                kind=Meeting.Kind.LOCAL_TEST),
        "other_local": MeetingFactory(programme=a.programme, participation=a.other_participation,
                                      cohort=a.cohort, kind=Meeting.Kind.LOCAL_TEST),
        "follow_group": MeetingFactory(programme=a.programme, kind=Meeting.Kind.FOLLOW_GROUP),
        "presenting": MeetingFactory(programme=a.programme, kind=Meeting.Kind.FOLLOW_GROUP),
        "foreign": MeetingFactory(programme=world.b.programme),
    }
    InvitationFactory(meeting=meetings["presenting"], user=a.users["staff"])  # invited to present
    expected = {
        "facilitator": {"programme", "cohort", "local", "other_local", "follow_group", "presenting"},
        "politician": {"programme", "cohort", "local", "other_local", "follow_group", "presenting"},
        "observer": {"programme", "cohort", "local", "other_local"},
        "staff": {"programme", "cohort", "local", "presenting"},
        "advisor": {"programme", "cohort", "local"},
    }
    for role, names in expected.items():
        user = a.users[role]
        visible = set(Meeting.objects.filter(meeting_visibility(user)).values_list("pk", flat=True))
        assert visible == {meetings[n].pk for n in names}, role
        for name, meeting in meetings.items():
            assert can_view_meeting(user, meeting) == (name in names), (role, name)
    assert Meeting.objects.filter(meeting_visibility(world.admin)).count() == len(meetings)


def test_a_politician_whose_term_ended_no_longer_sees_the_follow_group(programme):
    politician = politician_of(programme, starts_on=date(2021, 9, 1), ends_on=date(2021, 12, 31))
    meeting = PastMeetingFactory(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP)
    InvitationFactory(meeting=meeting, user=politician)
    assert not can_view_meeting(politician, meeting)
    assert not Meeting.objects.filter(meeting_visibility(politician)).exists()


def test_the_list_filter_agrees_with_the_rule_for_mixed_roles_and_through_decisions(world):
    """``meeting_visibility`` leaves out conditions implied by others (issue 22): for people holding roles of
    different kinds in both programmes it still answers exactly as ``can_view_meeting``, meeting by meeting, and
    the same filter on decisions (``prefix="meeting__"``) finds the decisions of those meetings and no others."""
    a, b = world.a, world.b
    meetings = []
    for side in (a, b):
        for kind in (Meeting.Kind.FOLLOW_GROUP, Meeting.Kind.LOCAL_TEST):
            meetings += [MeetingFactory(programme=side.programme, kind=kind),
                         MeetingFactory(programme=side.programme, cohort=side.cohort, kind=kind),
                         MeetingFactory(programme=side.programme, cohort=side.cohort,
                                        participation=side.participation, kind=kind),
                         MeetingFactory(programme=side.programme, cohort=side.cohort,
                                        participation=side.other_participation, kind=kind)]
    for meeting in meetings:
        DecisionFactory(meeting=meeting)
    observer_and_advisor = observer_of(a.programme)
    advisor_of(b.participation, user=observer_and_advisor)
    staff_and_politician = staff_of(b.participation)
    politician_of(a.programme, user=staff_and_politician)
    invited_staff = a.shared_users
    for meeting in meetings[:8:3]:  # programme A's meetings of both kinds
        InvitationFactory(meeting=meeting, user=b.users["staff"])
        InvitationFactory(meeting=meeting, user=invited_staff["staff"])
    people = [observer_and_advisor, staff_and_politician, b.users["staff"], invited_staff["staff"],
              a.shared_users["advisor"], *a.users.values(), world.admin, UserFactory()]
    for user in people:
        expected = {m.pk for m in meetings if can_view_meeting(user, m)}
        assert set(Meeting.objects.filter(meeting_visibility(user)).values_list("pk", flat=True)) == expected, user
        assert set(Decision.objects.filter(meeting_visibility(user, "meeting__")).values_list(
            "meeting_id", flat=True)) == expected, user
    assert {m.pk for m in meetings if can_view_meeting(observer_and_advisor, m)}  # the case is not empty


def test_inviting_a_person_without_a_role_in_the_programme_is_refused_and_nothing_sent(
        world, django_capture_on_commit_callbacks):
    """The invite form offers only the programme's people; the service holds the same line for any caller: B's
    politician is not invited to A's meeting, in Danish, and nobody of the same call is invited or mailed."""
    from django.utils import translation

    meeting = MeetingFactory(programme=world.a.programme)
    facilitator = world.a.users["facilitator"]
    outsider, insider = world.b.users["politician"], world.a.users["politician"]
    with translation.override("da"), django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(ValidationError) as refused:
        services.meeting_invite(meeting=meeting, by=facilitator, people=[insider, outsider])
    assert refused.value.message_dict["people"] == [
        f"Kun personer med en rolle i programmet kan inviteres: {outsider.get_full_name()}."]
    assert not meeting.invitations.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting, by=facilitator, people=[insider]) == 1
    assert [m.to for m in mail.outbox] == [[insider.email]]
