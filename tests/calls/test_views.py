import re

import pytest
from django.core import mail
from django.urls import reverse

from calls import services
from calls.models import Application, ApplicationFile
from tests.calls.helpers import (
    CHALLENGE,
    backing_letter,
    close,
    danish_municipality,
    make_call,
    reviewer_of,
    start_application,
    submitted_application,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da"}


def _confirm_from_mail(client):
    url = re.search(r"https?://\S+/calls/confirm/\S+/", mail.outbox[-1].body).group(0)
    return client.get(url[url.index("/calls/"):])


def test_an_applicant_confirms_saves_uploads_and_submits_in_danish(client, call):
    client.cookies["django_language"] = "da"
    page = client.get(reverse("calls:apply", args=[call.pk]))
    assert "Ansøg for din kommune" in page.content.decode()
    response = client.post(reverse("calls:apply", args=[call.pk]), {
        "municipality": danish_municipality("Aarhus").pk, "name": "Karen Jensen", "email": "karen@aarhus.dk"})
    assert response.status_code == 200 and not Application.objects.exists()
    response = _confirm_from_mail(client)
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("calls:application-edit",
                                                                            args=[application.pk])
    edit = reverse("calls:application-edit", args=[application.pk])
    data = {key: value for key, value in CHALLENGE.items() if key != "sdgs"} | {"sdgs": ["11", "12"]}
    response = client.post(edit, {**data, "challenge_title": "Kladde"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Kladden er gemt" in response.content.decode()
    application.refresh_from_db()
    assert application.challenge_title == "Kladde" and application.state == "draft"
    question = call.questions.get()
    response = client.post(reverse("calls:application-upload", args=[application.pk]),
                           {"question": question.pk, "file": backing_letter()})
    assert response.status_code == 302
    response = client.post(edit, {**data, "submit": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_submitted
    stored = ApplicationFile.objects.get()
    assert client.get(reverse("calls:file", args=[stored.pk])).status_code == 200


def test_a_late_submit_shows_a_clear_message_and_stores_nothing(client, call):
    application = start_application(call, danish_municipality("Aarhus"), "karen@aarhus.dk")
    session = client.session
    session["calls_applicant"] = {str(application.pk): "karen@aarhus.dk"}
    session.save()
    close(call)
    data = {key: value for key, value in CHALLENGE.items() if key != "sdgs"}
    response = client.post(reverse("calls:application-edit", args=[application.pk]), {**data, "submit": "1"})
    assert response.status_code == 422
    assert "The deadline" in response.content.decode() and "Nothing was saved" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "draft" and application.challenge_title == ""


def test_an_applicant_does_not_reach_another_municipalitys_application(client, call):
    mine = start_application(call, danish_municipality("Aarhus"), "karen@aarhus.dk")
    theirs = start_application(call, danish_municipality("Odense"), "ole@odense.dk")
    session = client.session
    session["calls_applicant"] = {str(mine.pk): "karen@aarhus.dk", str(theirs.pk): "karen@aarhus.dk"}
    session.save()
    assert client.get(reverse("calls:application-edit", args=[mine.pk])).status_code == 200
    # a session that names an address which is not an editor of the application opens nothing
    assert client.get(reverse("calls:application-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("calls:application-upload", args=[theirs.pk]), {}).status_code == 404


def test_a_second_application_for_the_same_municipality_is_refused_on_the_page(client, call):
    start_application(call, danish_municipality("Aarhus"), "karen@aarhus.dk")
    response = client.post(reverse("calls:apply", args=[call.pk]), {
        "municipality": danish_municipality("Aarhus").pk, "name": "Ole", "email": "ole@aarhus.dk"})
    assert "has already applied" in response.content.decode()
    assert mail.outbox == []


def test_a_closed_call_is_not_public(client, call):
    close(call)
    assert client.get(reverse("calls:public-detail", args=[call.pk])).status_code == 404
    assert client.get(reverse("calls:apply", args=[call.pk])).status_code == 404
    assert call.title not in client.get(reverse("calls:public-list")).content.decode()


def test_an_external_reviewer_sees_only_the_application_assigned(client, world, call):
    external = UserFactory(email="ekspert@example.org")
    reviewer = reviewer_of(call=call, user=external, by=world.a.users["facilitator"])
    assigned = submitted_application(call, danish_municipality("Aarhus"))
    other = submitted_application(call, danish_municipality("Odense"), "o@odense.dk")
    review = services.review_assign(application=assigned, reviewer=reviewer)
    client.force_login(external)
    page = client.get(reverse("calls:my-reviews")).content.decode()
    assert "Aarhus" in page and "Odense" not in page
    assert client.get(reverse("calls:review", args=[review.pk])).status_code == 200
    assert client.get(reverse("calls:application-detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("calls:application-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("calls:file", args=[other.files.get().pk])).status_code == 404
    assert client.get(reverse("calls:assessment", args=[call.pk])).status_code == 404
    criteria = list(call.criteria.all())
    response = client.post(reverse("calls:review", args=[review.pk]), {
        "submit": "1", "comment": "Stærk", **{f"score_{c.pk}": "4" for c in criteria}})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_done and review.scores.count() == 2


def test_the_facilitator_of_the_other_programme_gets_404(client, world, call):
    application = submitted_application(call, danish_municipality("Aarhus"))
    client.force_login(world.b.users["facilitator"])
    assert client.get(reverse("calls:manage", args=[call.pk])).status_code == 404
    assert client.get(reverse("calls:application-detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("calls:decide", args=[application.pk]), {"decision": "accepted"}).status_code == 404


def _fill(world, call, count):
    names = ["Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Horsens", "Vejle", "Roskilde",
             "Herning", "Silkeborg", "Næstved", "Fredericia", "Viborg", "Køge", "Holstebro", "Slagelse",
             "Hillerød", "Sønderborg", "Svendborg", "Hjørring", "Holbæk"]
    reviewers = [reviewer_of(call=call, user=world.a.users[role], by=None)
                 for role in ("facilitator", "advisor")]
    criteria = list(call.criteria.all())
    done = Application.objects.filter(call=call).count()
    for name in names[done:done + count]:
        application = submitted_application(call, danish_municipality(name), f"kontakt@{name.lower()}.dk")
        for index, reviewer in enumerate(reviewers):
            review = services.review_assign(application=application, reviewer=reviewer)
            if index == 0:
                services.review_save(review=review, conflict_of_interest=False,
                                     scores={c.pk: (3, "") for c in criteria})


def test_the_assessment_table_costs_the_same_queries_at_1x_and_20x(client, world, django_assert_max_num_queries):
    call = make_call(world.a, file_question=False)
    client.force_login(world.a.users["facilitator"])
    _fill(world, call, 1)
    url = reverse("calls:assessment", args=[call.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and "Aarhus" in response.content.decode()
    _fill(world, call, 19)
    with django_assert_max_num_queries(14):
        response = client.get(url + "?sort=municipality")
    assert response.content.decode().count("/calls/manage/applications/") == 20
    with django_assert_max_num_queries(14):
        assert client.get(reverse("calls:assessment-xlsx", args=[call.pk])).status_code == 200


def test_the_assessment_table_weights_scores_and_shows_missing_reviews(client, world):
    call = make_call(world.a, file_question=False)
    application = submitted_application(call, danish_municipality("Aarhus"))
    ambition, anchoring = call.criteria.all()
    first = services.review_assign(application=application, reviewer=reviewer_of(
        call=call, user=world.a.users["facilitator"], by=None))
    second = services.review_assign(application=application, reviewer=reviewer_of(
        call=call, user=world.a.users["advisor"], by=None))
    services.review_assign(application=application, reviewer=reviewer_of(
        call=call, user=world.a.users["staff"], by=None))
    services.review_save(review=first, conflict_of_interest=False,
                         scores={ambition.pk: (5, ""), anchoring.pk: (2, "")})
    services.review_save(review=second, conflict_of_interest=False,
                         scores={ambition.pk: (2, ""), anchoring.pk: (2, "")})
    from calls.selectors import assessment_table

    row = assessment_table(call=call)[0]
    assert row.score == pytest.approx((4 + 2) / 2)  # (5·2 + 2·1)/3 = 4 and 2
    assert row.spread == pytest.approx(2)
    assert row.done == 2 and row.missing == 1


def test_the_facilitator_accepts_and_the_participation_has_the_challenge(client, world, call):
    application = submitted_application(call, danish_municipality("Aarhus"))
    close(call)
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("calls:decide", args=[application.pk]),
                           {"decision": "accepted", "message": "Velkommen"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.participation.challenge.problem_statement == CHALLENGE["problem_statement"]


def test_pages_render_in_danish(client, world, call):
    client.cookies["django_language"] = "da"
    application = submitted_application(call, danish_municipality("Aarhus"))
    client.force_login(world.a.users["facilitator"])
    for url, text in ((reverse("calls:manage", args=[call.pk]), "Bedømmelseskriterier"),
                      (reverse("calls:assessment", args=[call.pk]), "Ansøgninger og bedømmelse"),
                      (reverse("calls:application-detail", args=[application.pk]), "Lokal udfordring"),
                      (reverse("calls:public-list"), "Åbne ansøgningsrunder")):
        response = client.get(url)
        assert response.status_code == 200
        assert text in response.content.decode(), url


def test_inviting_a_colleague_outside_the_municipalitys_domain_is_refused_in_danish(client, call):
    client.cookies["django_language"] = "da"
    client.post(reverse("calls:apply", args=[call.pk]), {
        "municipality": danish_municipality("Aarhus").pk, "name": "Karen Jensen", "email": "karen@aarhus.dk"})
    _confirm_from_mail(client)
    application = Application.objects.get()
    invite = reverse("calls:application-invite", args=[application.pk])
    response = client.post(invite, {"name": "Ole", "email": "ole@privat.example.org"})
    assert response.status_code == 422
    assert "adressen skal være på aarhus.dk" in response.content.decode()
    response = client.post(invite, {"name": "Karen", "email": "karen@aarhus.dk"})
    assert response.status_code == 422 and "Det er din egen adresse" in response.content.decode()
    response = client.post(invite, {"name": "Ole", "email": "ole@aarhus.dk"}, follow=True)
    assert "Din kollega har fået tilsendt et link." in response.content.decode()
    assert sorted(application.editors.values_list("email", flat=True)) == ["karen@aarhus.dk", "ole@aarhus.dk"]


def test_a_number_answer_reads_as_a_danish_number_for_the_reviewer_and_the_facilitator(client, world, call):
    """Hours a month answered as 1234,5 read "1.234,50", and 60 reads "60", not "1234.5" or "60.0"."""
    from calls.models import Question

    hours = services.question_add(call=call, kind=Question.Kind.NUMBER, label_da="Timer om måneden")
    staff = services.question_add(call=call, kind=Question.Kind.NUMBER, label_da="Antal medarbejdere")
    application = start_application(call, danish_municipality("Aarhus"))
    services.application_save(application=application, by_email="karen@kommune.dk",
                              data={**CHALLENGE, "answers": {str(hours.pk): "1234,5", str(staff.pk): "60"}})
    for question in call.questions.filter(kind=Question.Kind.FILE):
        services.application_upload(application=application, question=question, upload=backing_letter(),
                                    by_email="karen@kommune.dk")
    application = services.application_submit(application=application, by_email="karen@kommune.dk")
    external = UserFactory(email="ekspert@example.org", language="da")
    review = services.review_assign(application=application, reviewer=reviewer_of(
        call=call, user=external, by=world.a.users["facilitator"]))
    facilitator = world.a.users["facilitator"]
    facilitator.language = "da"
    facilitator.save(update_fields=["language"])
    for user, url in ((external, reverse("calls:review", args=[review.pk])),
                      (facilitator, reverse("calls:application-detail", args=[application.pk]))):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "<dd>1.234,50</dd>" in page and "<dd>60</dd>" in page, url
        assert "1234.5" not in page and "60.0" not in page, url
