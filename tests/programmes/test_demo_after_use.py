"""load_demo after ordinary use (issue 15.2): a newcomer restarts the platform after trying it out, and the demo
loads again without an error, without adding a row anywhere (history tables included) and without undoing what
they did."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, RoleAssignment, User
from municipalities.models import AdvisorySession, Indicator, StageGateOutput
from municipalities.services import (
    advisor_assign,
    advisory_session_log,
    agreed_action_add,
    measurement_add,
    participation_update,
    progress_entry_save,
    stage_output_review,
    stage_output_submit,
)
from programmes.demo import SLUG, demo_email, load_demo
from programmes.models import Milestone, Participation
from workshops.models import Meeting, MeetingInvitation, SkillAssessment
from workshops.services import action_add, invitation_answer, meeting_create, meeting_invite, skill_assessment_save

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
# Tables that record sessions of the test client or the scheduler's own bookkeeping are not demo data.
NOT_DEMO = {"sessions", "admin", "contenttypes", "auth", "django_celery_beat", "django_celery_results"}


def row_counts() -> dict[str, int]:
    """Rows in every table of the platform, the audit history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label not in NOT_DEMO}


def use_the_platform(programme) -> dict:
    """What a newcomer does on a first visit, through the same services as the screens."""
    roskilde = Participation.objects.select_related("municipality", "cohort__programme").get(
        cohort__programme=programme, municipality__code="265")
    staff = User.objects.get(email=demo_email("staff"))
    facilitator = User.objects.get(email=demo_email("facilitator"))
    advisor = User.objects.get(email=demo_email("advisor"))
    # A second gate output for a stage and kind the demo already has one of (the crash of issue 15.2), reviewed.
    existing = StageGateOutput.objects.filter(participation=roskilde).order_by("pk").first()
    second = stage_output_submit(participation=roskilde, by=staff, stage=existing.stage, kind=existing.kind,
                                 title="Ny udgave", body="Rettet efter feedback.")
    stage_output_review(output=second, by=facilitator, accept=False, comment="Mangler kilder.")
    # A progress entry on a demo entry's day, naming a demo partner again and measuring a demo indicator that day.
    indicator = Indicator.objects.filter(participation=roskilde).order_by("pk").first()
    measured_on = indicator.measurements.order_by("measured_on").first().measured_on
    progress_entry_save(participation=roskilde, by=staff, happened_on=date(2021, 11, 15),
                        what_happened="Ekstra møde med arrangørerne.", publish=True,
                        partners=[("Lokal byggevirksomhed (demo)", "industry", "Leverer kopper")])
    measurement_add(indicator=indicator, measured_on=measured_on, value=42)
    # A second advisory session on a demo session's day, with the same agreed action as the demo's.
    demo_session = AdvisorySession.objects.filter(participation=roskilde).order_by("held_on").first()
    session = advisory_session_log(participation=roskilde, advisor=advisor, held_on=demo_session.held_on,
                                   topics="Opfølgning")
    agreed_action_add(session=demo_session, text=demo_session.actions.first().text, owner=staff,
                      due_on=demo_session.held_on + timedelta(days=14))
    agreed_action_add(session=session, text="Ring til vaskeriet", owner=staff,
                      due_on=demo_session.held_on + timedelta(days=7))
    # The solution model is rewritten, and another advisor from the pool takes over Roskilde.
    participation_update(participation=roskilde, action_plan_url="https://example.org/ny-plan",
                         solution_model="En ny model, skrevet af kommunen.")
    other_advisor = User.objects.get(email=demo_email("advisor.birgitte"))
    advisor_assign(participation=roskilde, advisor=other_advisor)
    # A new meeting with an invitation and an RSVP, an action on a demo meeting, a skills answer changed.
    starts = datetime.combine(date.today() + timedelta(days=30), datetime.min.time().replace(hour=10), tzinfo=CPH)
    meeting = meeting_create(programme=programme, by=facilitator, kind=Meeting.Kind.SPARRING,
                             title_da="Ekstra sparring", starts_at=starts, ends_at=starts + timedelta(hours=2),
                             place="Roskilde Rådhus")
    meeting_invite(meeting=meeting, by=facilitator, participations=[roskilde])
    invitation_answer(invitation=MeetingInvitation.objects.get(meeting=meeting, user=staff), response="yes")
    demo_meeting = Meeting.objects.filter(programme=programme, participation=roskilde).first()
    action_add(meeting=demo_meeting, text="Følg op på evalueringen", owner=staff,
               due_on=demo_meeting.starts_at.date() + timedelta(days=10))
    skill_assessment_save(user=staff, programme=programme, stage=SkillAssessment.Stage.AFTER, systems_thinking=1,
                          circular_models=1, comment="Ændret svar")
    # A demo milestone is reopened.
    milestone = Milestone.objects.filter(programme=programme, participation=roskilde).order_by("due_on").first()
    milestone.status = Milestone.Status.PLANNED
    milestone.completed_at = None
    milestone.save()
    return {"roskilde": roskilde, "other_advisor": other_advisor, "milestone": milestone}


def test_load_demo_again_after_use_fails_nowhere_and_adds_no_row():
    programme = load_demo()["programme"]
    used = use_the_platform(programme)
    before = row_counts()

    call_command("load_demo", "--quiet-logins")
    call_command("load_demo", "--quiet-logins")

    after = row_counts()
    assert {label: (before[label], n) for label, n in after.items() if before[label] != n} == {}
    # What the newcomer did is still there.
    roskilde = used["roskilde"]
    roskilde.refresh_from_db()
    assert roskilde.solution_model == "En ny model, skrevet af kommunen."
    assert RoleAssignment.objects.get(role=Role.ADVISOR, participation=roskilde).user == used["other_advisor"]
    used["milestone"].refresh_from_db()
    assert used["milestone"].status == Milestone.Status.PLANNED
    assert SkillAssessment.objects.get(user__email=demo_email("staff"), programme=programme,
                                       stage=SkillAssessment.Stage.AFTER).systems_thinking == 1


def test_load_demo_twice_on_a_fresh_database_adds_no_history():
    load_demo()
    before = row_counts()
    load_demo()
    assert row_counts() == before
    assert Participation.objects.filter(cohort__programme__slug=SLUG).count() == 6
