"""Reminders of a call: reviewers with reviews due and facilitators when the assessment ends (the reminder
engine), applicants with drafts before the deadline (calls.reminders, they have no account)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calls import services
from calls.models import ApplicantReminder, Call
from calls.reminders import remind_applicants
from notifications import engine
from notifications.models import Delivery, Kind
from notifications.services import delivery_send
from tests.calls.helpers import (
    danish_municipality,
    make_call,
    reviewer_of,
    start_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _at_nine(day):
    return engine.local_moment(day, engine.DEFAULT_SEND_TIME) + timedelta(minutes=1)


def test_reviewers_with_reviews_due_are_reminded_and_those_done_are_not(world):
    call = make_call(world.a, file_question=False)
    ends = timezone.localdate() + timedelta(days=30)
    Call.objects.filter(pk=call.pk).update(assessment_ends_on=ends)
    application = submitted_application(call, danish_municipality("Aarhus"))
    facilitator, advisor = world.a.users["facilitator"], world.a.users["advisor"]
    done = services.review_assign(application=application, reviewer=reviewer_of(
        call=call, user=facilitator, by=None))
    services.review_assign(application=application, reviewer=reviewer_of(call=call, user=advisor, by=None))
    services.review_save(review=done, conflict_of_interest=True)
    engine.scan(now=_at_nine(ends - timedelta(days=3)), claims=engine.DatabaseClaims(publish=False))
    due = Delivery.objects.filter(kind=Kind.CALL_REVIEWS_DUE)
    assert list(due.values_list("recipient", flat=True)) == [advisor.pk]
    mail.outbox.clear()
    delivery_send(delivery_id=due.get().pk, now=timezone.now())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [advisor.email]
    # a second scan at the same moment claims nothing new
    engine.scan(now=_at_nine(ends - timedelta(days=3)), claims=engine.DatabaseClaims(publish=False))
    assert due.count() == 1


def test_the_facilitators_hear_when_the_assessment_ends(world):
    call = make_call(world.a, file_question=False)
    ends = timezone.localdate() + timedelta(days=30)
    Call.objects.filter(pk=call.pk).update(assessment_ends_on=ends)
    engine.scan(now=_at_nine(ends), claims=engine.DatabaseClaims(publish=False))
    recipients = set(Delivery.objects.filter(kind=Kind.CALL_ASSESSMENT_ENDS).values_list("recipient", flat=True))
    assert recipients == {world.a.users["facilitator"].pk}  # not programme B's


def test_applicants_with_drafts_are_reminded_once_before_the_deadline(world):
    call = make_call(world.a, closes_in=timedelta(days=2))
    draft = start_application(call, danish_municipality("Aarhus"), "karen@aarhus.dk")
    submitted_application(call, danish_municipality("Odense"), "ole@odense.dk")
    mail.outbox.clear()
    assert remind_applicants() == 1
    assert [m.to for m in mail.outbox] == [["karen@aarhus.dk"]]
    assert "ikke indsendt" in mail.outbox[0].subject  # in the applicant's language (Danish)
    assert remind_applicants() == 0  # claimed once
    assert ApplicantReminder.objects.get().application == draft


def test_no_reminder_long_before_or_after_the_deadline(world):
    far = make_call(world.a, closes_in=timedelta(days=20))
    start_application(far, danish_municipality("Aarhus"))
    assert remind_applicants() == 0
    assert remind_applicants(now=far.deadline + timedelta(seconds=1)) == 0
