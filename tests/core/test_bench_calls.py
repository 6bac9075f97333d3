"""The benchmark's open calls (bench/generate.py) are data the platform's own services could have left: every row
passes its model's checks, and the states hang together as ``calls.services`` keeps them."""

import pytest

from bench.generate import generate
from calls.models import Application, Call, Criterion, Question, Review, Reviewer, Score
from calls.services import missing_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return generate(programmes=2, municipalities_per_programme=8, cohorts=2, months=6, notifications_per_user=2)


def test_every_call_row_passes_its_models_checks(data):
    for model in (Call, Criterion, Question, Application, Reviewer, Review, Score):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()


def test_each_programme_has_an_open_and_a_closed_call_with_criteria_questions_and_three_reviewers(data):
    for call in Call.objects.all():
        assert call.criteria.count() == 4
        assert call.questions.count() == 5
        assert call.reviewers.count() == 3
        assert call.cohort.programme_id == call.programme_id
    phases = sorted((call.programme_id, call.phase()) for call in Call.objects.all())
    assert [phase for _p, phase in phases] == [Call.Phase.CLOSED, Call.Phase.OPEN] * 2


def test_the_states_are_those_the_services_leave(data):
    submitted = Application.objects.filter(state=Application.State.SUBMITTED)
    assert Application.objects.filter(state=Application.State.DRAFT).exists()
    for application in Application.objects.select_related("call", "participation__cohort"):
        if application.state == Application.State.DRAFT:
            assert application.submitted_at is None
            assert application.decision == Application.Decision.PENDING
            assert not application.reviews.exists()
            continue
        assert missing_answers(application) == {}  # a submission is refused while anything is missing
        assert application.call.opens_at <= application.submitted_at <= application.call.deadline
        if application.call.is_open:  # decisions come after the deadline
            assert application.decision == Application.Decision.PENDING
        else:
            assert application.decision != Application.Decision.PENDING
            assert application.decided_at > application.call.deadline
        if application.decision == Application.Decision.ACCEPTED:
            assert application.participation.cohort_id == application.call.cohort_id
            assert application.participation.municipality_id == application.municipality_id
        else:
            assert application.participation is None
    for call in Call.objects.all():
        assert call.applications.filter(decision=Application.Decision.ACCEPTED).count() <= call.places
    # every submitted application is assigned to the call's reviewers; about half are scored
    assert Review.objects.count() == 3 * submitted.count()
    scored = submitted.filter(reviews__submitted_at__isnull=False).distinct().count()
    assert 0 < scored < submitted.count()
    for review in Review.objects.select_related("application__call"):
        criteria = review.application.call.criteria.count()
        expected = criteria if review.is_done and not review.conflict_of_interest else 0
        assert review.scores.count() == expected


def test_the_measured_call_and_application_are_the_first_programmes(data):
    call = Call.objects.get(pk=data["call"])
    assert call.programme.slug == data["programme"]
    assert call.is_open
    application = Application.objects.get(pk=data["call_application"])
    assert application.call_id == call.pk
    assert application.is_submitted
    assert Score.objects.filter(review__application=application).exists()
    reviewers = set(call.reviewers.values_list("user__email", flat=True))
    assert data["users"]["facilitator"] in reviewers
