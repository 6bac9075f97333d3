"""Correcting mistakes on a call's manage page: removing a criterion, a question or a reviewer (issue 19), and the
refusals once the thing is in use (nothing is removed and the reason is shown)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls import services
from calls.models import Criterion, Question, Review, Reviewer
from tests.calls.helpers import (
    backing_letter,
    danish_municipality,
    make_call,
    reviewer_of,
    start_application,
    submitted_application,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da"}


def _assigned(world, call, user_role="advisor"):
    application = submitted_application(call, danish_municipality("Aarhus"))
    reviewer = reviewer_of(call=call, user=world.a.users[user_role], by=world.a.users["facilitator"])
    return services.review_assign(application=application, reviewer=reviewer)


def _client(client, world, role="facilitator", language="da"):
    client.force_login(world.a.users[role])
    client.cookies["django_language"] = language
    return client


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- Criteria ------------------------------------------------------------------------------------------------

def test_an_unscored_criterion_is_removed_and_the_rest_renumbered(world, call):
    first, second = call.criteria.all()
    services.criterion_remove(criterion=first, by=world.a.users["facilitator"])
    assert list(call.criteria.values_list("pk", "order")) == [(second.pk, 1)]


def test_a_criterion_a_review_has_scored_is_not_removed(world, call):
    review = _assigned(world, call)
    first = call.criteria.first()
    services.review_save(review=review, conflict_of_interest=False, scores={first.pk: (4, "")}, submit=False)
    with pytest.raises(ValidationError, match="a review has already scored it"):
        services.criterion_remove(criterion=first, by=world.a.users["facilitator"])
    assert Criterion.objects.filter(pk=first.pk).exists() and review.scores.count() == 1


def test_removing_a_criterion_in_danish_and_the_refusal_shown(client, world, call):
    first, second = call.criteria.all()
    review = _assigned(world, call)
    services.review_save(review=review, conflict_of_interest=False, scores={first.pk: (4, "")}, submit=False)
    client = _client(client, world)
    refused = client.post(reverse("calls:criterion-remove", args=[call.pk, first.pk]), follow=True, **DANISH)
    assert refused.redirect_chain == [(reverse("calls:manage", args=[call.pk]), 302)]
    assert "“Ambition” kan ikke fjernes: en bedømmelse har allerede givet point for det." in _messages(refused)
    assert Criterion.objects.filter(pk=first.pk).exists()
    done = client.post(reverse("calls:criterion-remove", args=[call.pk, second.pk]), follow=True, **DANISH)
    assert "Kriteriet “Forankring” er fjernet." in _messages(done)
    assert list(call.criteria.all()) == [first]


def test_a_criterion_of_another_call_is_not_found_through_ones_own_call(client, world, call):
    foreign = make_call(world.b).criteria.first()
    response = _client(client, world).post(reverse("calls:criterion-remove", args=[call.pk, foreign.pk]))
    assert response.status_code == 404 and Criterion.objects.filter(pk=foreign.pk).exists()


# --- Questions -----------------------------------------------------------------------------------------------

def test_a_question_nobody_has_answered_is_removed_even_with_drafts(world, call):
    text = services.question_add(call=call, kind=Question.Kind.SHORT_TEXT, label_da="Antal ansatte")
    application = start_application(call, danish_municipality("Aarhus"))
    services.application_save(application=application, data={"answers": {str(text.pk): ""}},
                              by_email="karen@kommune.dk")
    file_question = call.questions.get(kind=Question.Kind.FILE)
    services.question_remove(question=file_question, by=world.a.users["facilitator"])
    assert list(call.questions.values_list("pk", "order")) == [(text.pk, 1)]
    services.question_remove(question=text, by=world.a.users["facilitator"])
    assert not call.questions.exists()


def test_a_question_a_draft_has_answered_or_attached_a_file_to_is_not_removed(world, call):
    text = services.question_add(call=call, kind=Question.Kind.SHORT_TEXT, label_da="Antal ansatte")
    application = start_application(call, danish_municipality("Aarhus"))
    services.application_save(application=application, data={"answers": {str(text.pk): "40"}},
                              by_email="karen@kommune.dk")
    with pytest.raises(ValidationError, match="an application has already answered it"):
        services.question_remove(question=text, by=world.a.users["facilitator"])
    file_question = call.questions.get(kind=Question.Kind.FILE)
    services.application_upload(application=application, question=file_question, upload=backing_letter(),
                                by_email="karen@kommune.dk")
    with pytest.raises(ValidationError, match="an application has already answered it"):
        services.question_remove(question=file_question, by=world.a.users["facilitator"])
    assert call.questions.count() == 2


def test_no_question_is_removed_once_an_application_is_submitted(client, world, call):
    unanswered = services.question_add(call=call, kind=Question.Kind.NUMBER, label_da="Antal indbyggere",
                                       label_en="Number of inhabitants")
    submitted_application(call, danish_municipality("Aarhus"))
    with pytest.raises(ValidationError, match="have already been submitted"):
        services.question_remove(question=unanswered, by=world.a.users["facilitator"])
    client = _client(client, world, language="en")
    refused = client.post(reverse("calls:question-remove", args=[call.pk, unanswered.pk]), follow=True)
    assert ("“Number of inhabitants” cannot be removed: applications to the call have already been submitted."
            in _messages(refused))
    client.cookies["django_language"] = "da"
    refused = client.post(reverse("calls:question-remove", args=[call.pk, unanswered.pk]), follow=True, **DANISH)
    assert ("“Antal indbyggere” kan ikke fjernes: der er allerede indsendt ansøgninger til ansøgningsrunden."
            in _messages(refused))
    assert Question.objects.filter(pk=unanswered.pk).exists()


def test_removing_a_question_in_danish(client, world, call):
    question = call.questions.get()
    done = _client(client, world).post(reverse("calls:question-remove", args=[call.pk, question.pk]), follow=True,
                                       **DANISH)
    assert "Spørgsmålet “Politisk opbakning” er fjernet." in _messages(done)
    assert not call.questions.exists()


# --- Reviewers -----------------------------------------------------------------------------------------------

def test_a_reviewer_who_has_not_started_is_removed_with_their_assignments(world, call):
    review = _assigned(world, call)
    other = reviewer_of(call=call, user=world.a.users["facilitator"])
    kept = services.review_assign(application=review.application, reviewer=other)
    services.reviewer_remove(reviewer=review.reviewer, by=world.a.users["facilitator"])
    assert not Reviewer.objects.filter(pk=review.reviewer_id).exists()
    assert list(Review.objects.all()) == [kept]


@pytest.mark.parametrize("saved", [
    {"conflict_of_interest": True, "comment": "Min søster er borgmester"},
    {"conflict_of_interest": False, "scores": "first", "submit": False},
    {"conflict_of_interest": False, "comment": "Halvvejs", "submit": False},
])
def test_a_reviewer_who_has_saved_a_review_is_not_removed(world, call, saved):
    review = _assigned(world, call)
    if saved.get("scores"):
        saved = {**saved, "scores": {call.criteria.first().pk: (3, "")}}
    services.review_save(review=review, **saved)
    with pytest.raises(ValidationError, match="they have already saved a review"):
        services.reviewer_remove(reviewer=review.reviewer, by=world.a.users["facilitator"])
    assert Reviewer.objects.filter(pk=review.reviewer_id).exists() and Review.objects.filter(pk=review.pk).exists()


def test_removing_a_reviewer_in_danish_and_the_refusal_shown(client, world, call):
    review = _assigned(world, call)
    idle = reviewer_of(call=call, user=world.a.users["facilitator"])
    services.review_save(review=review, conflict_of_interest=True, comment="Inhabil")
    client = _client(client, world)
    name = str(review.reviewer.user)
    refused = client.post(reverse("calls:reviewer-remove", args=[call.pk, review.reviewer_id]), follow=True,
                          **DANISH)
    assert f"{name} kan ikke fjernes: vedkommende har allerede gemt en bedømmelse." in _messages(refused)
    assert Reviewer.objects.filter(pk=review.reviewer_id).exists()
    done = client.post(reverse("calls:reviewer-remove", args=[call.pk, idle.pk]), follow=True, **DANISH)
    assert f"{idle.user} bedømmer ikke længere ansøgningsrunden." in _messages(done)
    assert list(call.reviewers.all()) == [review.reviewer]
    assert Reviewer.history.filter(id=idle.pk, history_type="-").get().history_user == world.a.users["facilitator"]


def test_the_manage_page_shows_a_confirmed_remove_button_for_each_row(client, world, call):
    reviewer_of(call=call, user=world.a.users["facilitator"])
    page = _client(client, world).get(reverse("calls:manage", args=[call.pk]), **DANISH).content.decode()
    assert page.count('class="danger small">Fjern') == 4
    assert 'data-confirm="Fjern kriteriet “Ambition”?"' in page
    assert 'data-confirm="Fjern spørgsmålet “Politisk opbakning”?"' in page


@pytest.mark.parametrize("extra", [0, 8])
def test_the_manage_page_queries_do_not_grow_with_the_rows(client, world, call, extra, django_assert_max_num_queries):
    for number in range(extra):
        services.criterion_add(call=call, name_da=f"Kriterium {number}", weight=1)
        services.question_add(call=call, kind=Question.Kind.NUMBER, label_da=f"Spørgsmål {number}")
        reviewer_of(call=call, user=UserFactory(), by=world.a.users["facilitator"])
    client = _client(client, world)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("calls:manage", args=[call.pk]), **DANISH)
    assert response.status_code == 200
