"""The manage page's adds and removals (one shape for all: the service's refusal is shown, nothing is half-saved),
and the call's history: removing a criterion or a question shows in the audit with who did it, to the call's
programme's facilitators only."""

import pytest
from django.urls import reverse

from calls import services
from calls.models import Criterion, Question
from tests.calls.helpers import danish_municipality, reviewer_of, submitted_application

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da"}
AUDIT = reverse("audit:list")


def _client(client, user, language="da"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- One shape for every add and removal -----------------------------------------------------------------------

def test_an_add_with_bad_input_re_renders_the_page_with_the_error_and_saves_nothing(client, world, call):
    client = _client(client, world.a.users["facilitator"])
    response = client.post(reverse("calls:criterion-add", args=[call.pk]), {"name_da": "", "weight": "0"},
                           **DANISH)
    assert response.status_code == 422 and response.context["criterion_form"].errors
    response = client.post(reverse("calls:question-add", args=[call.pk]),
                           {"kind": "choice", "label_da": "Hvilken region?", "choices_da": "Kun én"}, **DANISH)
    assert response.status_code == 422
    assert "Angiv mindst to svarmuligheder" in response.content.decode()
    assert call.criteria.count() == 2 and call.questions.count() == 1


def test_an_add_the_service_refuses_shows_the_reason_on_the_page(client, world, call):
    facilitator = world.a.users["facilitator"]
    review = services.review_assign(application=submitted_application(call, danish_municipality("Aarhus")),
                                    reviewer=reviewer_of(call=call, user=facilitator))
    services.review_save(review=review, conflict_of_interest=True, comment="Inhabil")
    response = _client(client, facilitator, "en").post(reverse("calls:criterion-add", args=[call.pk]),
                                                       {"name_da": "Samarbejde", "weight": "1"})
    assert response.status_code == 422
    assert "Criteria cannot be added once reviews have been submitted." in response.content.decode()
    assert not call.criteria.filter(name_da="Samarbejde").exists()


def test_a_good_add_goes_back_to_the_manage_page(client, world, call):
    client = _client(client, world.a.users["facilitator"])
    response = client.post(reverse("calls:question-add", args=[call.pk]),
                           {"kind": "number", "label_da": "Antal indbyggere"}, follow=True, **DANISH)
    assert response.redirect_chain == [(reverse("calls:manage", args=[call.pk]), 302)]
    assert "Antal indbyggere" in response.content.decode()
    response = client.post(reverse("calls:reviewer-add", args=[call.pk]),
                           {"user": world.a.users["facilitator"].pk}, follow=True, **DANISH)
    assert f"{world.a.users['facilitator']} bedømmer nu ansøgningsrunden." in _messages(response)


def test_a_read_only_person_and_another_programmes_facilitator_remove_nothing(client, world, call):
    criterion = call.criteria.first()
    url = reverse("calls:criterion-remove", args=[call.pk, criterion.pk])
    assert _client(client, world.a.users["observer"]).post(url).status_code in (403, 404)
    assert _client(client, world.b.users["facilitator"]).post(url).status_code == 404
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert not Criterion.history.filter(history_type="-").exists()


# --- The call's history ------------------------------------------------------------------------------------------

def test_removing_a_criterion_and_a_question_is_in_the_history_with_who_did_it(client, world, call):
    facilitator = world.a.users["facilitator"]
    first, second = call.criteria.all()
    question = call.questions.get()
    client = _client(client, facilitator)
    client.post(reverse("calls:criterion-remove", args=[call.pk, first.pk]))
    client.post(reverse("calls:question-remove", args=[call.pk, question.pk]))
    assert not Criterion.objects.filter(pk=first.pk).exists() and not Question.objects.filter(pk=question.pk).exists()
    removed = Criterion.history.get(id=first.pk, history_type="-")
    assert removed.history_user == facilitator and removed.name_da == "Ambition"
    assert Question.history.get(id=question.pk, history_type="-").history_user == facilitator
    # the renumbering of the rest is bookkeeping, not a change anybody made
    assert not Criterion.history.filter(id=second.pk, history_type="~").exists()

    entries = client.get(AUDIT, {"action": "deleted"}, **DANISH).context["entries"]
    shown = {(e.kind, e.who, e.action_code, e.programme) for e in entries}
    assert ("criterion", facilitator, "-", world.a.programme.name) in shown
    assert ("question", facilitator, "-", world.a.programme.name) in shown
    subjects = [e.subject for e in entries if e.kind in ("criterion", "question")]
    assert f"Ambition · {call.title}" in subjects and f"Politisk opbakning · {call.title}" in subjects
    page = client.get(AUDIT, {"kind": "criterion"}, **DANISH).content.decode()
    assert "Ambition" in page and "Slettet" in page and str(facilitator) in page


def test_the_removal_service_records_who_outside_a_request(world, call):
    services.criterion_remove(criterion=call.criteria.first(), by=world.admin)
    assert Criterion.history.get(history_type="-").history_user == world.admin


def test_another_programmes_facilitator_does_not_see_the_removal_in_the_audit(client, world, call):
    _client(client, world.a.users["facilitator"]).post(
        reverse("calls:criterion-remove", args=[call.pk, call.criteria.first().pk]))
    entries = _client(client, world.b.users["facilitator"]).get(AUDIT, {"kind": "criterion"}).context["entries"]
    assert entries == []
