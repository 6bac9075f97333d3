from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Invitation, Role
from calls import services
from calls.models import Application, ApplicationFile, Call, Question, Review
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

pytestmark = pytest.mark.django_db


def test_the_deadline_holds_to_the_second_and_nothing_of_a_late_submit_is_stored(call):
    application = start_application(call, danish_municipality("Aarhus"))
    services.application_save(application=application, data=CHALLENGE, by_email="karen@kommune.dk")
    services.application_upload(application=application, question=call.questions.get(), upload=backing_letter(),
                                by_email="karen@kommune.dk")
    late = call.deadline + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=late), pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, by_email="karen@kommune.dk",
                                     data={**CHALLENGE, "challenge_title": "Ændret for sent"})
    assert "deadline" in " ".join(refused.value.messages)
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT
    assert application.submitted_at is None
    assert application.challenge_title == CHALLENGE["challenge_title"]  # the late change is not stored either
    assert mail.outbox == [] or all("Receipt" not in m.subject and "Kvittering" not in m.subject
                                    for m in mail.outbox)


def test_a_submit_at_the_deadline_itself_is_accepted(call):
    application = start_application(call, danish_municipality("Aarhus"))
    services.application_save(application=application, data=CHALLENGE, by_email="karen@kommune.dk")
    services.application_upload(application=application, question=call.questions.get(), upload=backing_letter(),
                                by_email="karen@kommune.dk")
    with mock.patch("django.utils.timezone.now", return_value=call.deadline):
        services.application_submit(application=application, by_email="karen@kommune.dk")
    application.refresh_from_db()
    assert application.is_submitted


def test_a_late_draft_save_and_upload_are_refused(call):
    application = start_application(call, danish_municipality("Aarhus"))
    close(call)
    with pytest.raises(ValidationError):
        services.application_save(application=application, data=CHALLENGE, by_email="karen@kommune.dk")
    with pytest.raises(ValidationError):
        services.application_upload(application=application, question=call.questions.get(),
                                    upload=backing_letter(), by_email="karen@kommune.dk")
    application.refresh_from_db()
    assert application.challenge_title == ""
    assert not ApplicationFile.objects.exists()


def test_a_second_application_for_the_same_municipality_and_call_is_refused(call):
    municipality = danish_municipality("Aarhus")
    start_application(call, municipality, "karen@kommune.dk")
    with pytest.raises(ValidationError) as refused:
        services.application_request_link(call=call, municipality=municipality, email="ole@kommune.dk",
                                          name="Ole", language="da")
    assert "already applied" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):  # a link asked for before the first was confirmed cannot make a second
        start_application(call, municipality, "ole@kommune.dk")
    assert Application.objects.filter(call=call, municipality=municipality).count() == 1


def test_the_same_municipality_may_apply_to_another_call(world, call):
    municipality = danish_municipality("Aarhus")
    start_application(call, municipality)
    other = make_call(world.b)
    start_application(other, municipality)
    assert Application.objects.filter(municipality=municipality).count() == 2


def test_asking_for_a_link_stores_nothing_and_mails_a_link(call):
    services.application_request_link(call=call, municipality=danish_municipality("Odense"),
                                      email="Anna@Odense.dk", name="Anna", language="en")
    assert not Application.objects.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@odense.dk"]
    assert "/calls/confirm/" in mail.outbox[0].body
    assert "Confirm your e-mail" in mail.outbox[0].subject


def test_a_tampered_or_expired_link_is_refused(call):
    token = services.make_link_token({"c": call.pk, "m": danish_municipality("Odense").pk, "e": "a@b.dk",
                                      "n": "", "l": "da"})
    with pytest.raises(ValidationError):
        services.application_confirm(token=token[:-2] + "xx")
    later = timezone.now() + timedelta(days=4)
    with mock.patch("time.time", return_value=later.timestamp()), pytest.raises(ValidationError):
        services.application_confirm(token=token)
    assert not Application.objects.exists()


def test_a_call_that_has_not_opened_takes_no_application(world):
    call = make_call(world.a, opens_in=timedelta(days=2), closes_in=timedelta(days=20))
    with pytest.raises(ValidationError):
        services.application_request_link(call=call, municipality=danish_municipality("Odense"),
                                          email="a@odense.dk", name="A")


def test_submit_needs_the_challenge_and_the_required_file(call):
    application = start_application(call, danish_municipality("Aarhus"))
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, by_email="karen@kommune.dk")
    missing = refused.value.message_dict
    assert {"challenge_title", "problem_statement", f"q{call.questions.get().pk}"} <= set(missing)
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_receipt_is_mailed_in_the_applicants_language(call):
    submitted_application(call, danish_municipality("Aarhus"))
    receipts = [m for m in mail.outbox if "Kvittering" in m.subject]
    assert len(receipts) == 1, [m.subject for m in mail.outbox]
    assert receipts[0].to == ["karen@kommune.dk"]


def test_an_upload_that_is_not_an_accepted_file_is_refused_and_nothing_stored(call):
    application = start_application(call, danish_municipality("Aarhus"))
    fake = SimpleUploadedFile("opbakning.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.application_upload(application=application, question=call.questions.get(), upload=fake,
                                    by_email="karen@kommune.dk")
    assert not ApplicationFile.objects.exists()


def test_a_colleague_gets_an_own_link_and_may_then_edit(call):
    application = start_application(call, danish_municipality("Aarhus"))
    services.editor_invite(application=application, email="ole@kommune.dk", name="Ole", by_email="karen@kommune.dk")
    link = mail.outbox[-1]
    assert link.to == ["ole@kommune.dk"]
    token = link.body.split("/calls/confirm/")[1].split("/")[0]
    opened, email = services.application_confirm(token=token)
    assert opened == application and email == "ole@kommune.dk"
    assert application.editors.get(email="ole@kommune.dk").confirmed_at is not None


def _reviewed(world, call, municipality, values=((5, 4), (3, 2))):
    application = submitted_application(call, municipality)
    criteria = list(call.criteria.all())
    reviewers = [reviewer_of(call=call, user=user, by=world.a.users["facilitator"])
                 for user in (world.a.users["facilitator"], world.a.users["advisor"])]
    for reviewer, scores in zip(reviewers, values, strict=True):
        review = services.review_assign(application=application, reviewer=reviewer)
        services.review_save(review=review, conflict_of_interest=False, comment="Fint",
                             scores={c.pk: (v, "") for c, v in zip(criteria, scores, strict=True)})
    return application


def test_accepting_makes_a_participation_with_the_challenge_and_invites_the_contact(world, call):
    application = _reviewed(world, call, danish_municipality("Aarhus"))
    close(call)
    mail.outbox.clear()
    services.application_decide(application=application, decision=Application.Decision.ACCEPTED,
                                message="Velkommen!", by=world.a.users["facilitator"])
    application.refresh_from_db()
    participation = application.participation
    assert participation.cohort == call.cohort and participation.municipality.name == "Aarhus"
    assert participation.challenge.title == CHALLENGE["challenge_title"]
    assert participation.challenge.strategy == "R3" and participation.challenge.sdgs == [11, 12]
    invitation = Invitation.objects.get(email="karen@kommune.dk")
    assert invitation.role == Role.STAFF and invitation.participation == participation
    subjects = [m.subject for m in mail.outbox]
    assert any("Afgørelse" in s for s in subjects), subjects  # the decision, in Danish
    assert len(mail.outbox) == 2  # the decision and the staff invitation


def test_decisions_wait_for_the_deadline(world, call):
    application = submitted_application(call, danish_municipality("Aarhus"))
    with pytest.raises(ValidationError):
        services.application_decide(application=application, decision=Application.Decision.DECLINED,
                                    by=world.a.users["facilitator"])


def test_places_are_limited_and_a_withdrawal_frees_one_for_the_wait_list(world):
    call = make_call(world.a, places=1, file_question=False)
    first = submitted_application(call, danish_municipality("Aarhus"))
    second = submitted_application(call, danish_municipality("Odense"), "o@odense.dk")
    close(call)
    facilitator = world.a.users["facilitator"]
    services.application_decide(application=first, decision="accepted", by=facilitator)
    with pytest.raises(ValidationError) as full:
        services.application_decide(application=second, decision="accepted", by=facilitator)
    assert "places are taken" in " ".join(full.value.messages)
    services.application_decide(application=second, decision="waitlisted", by=facilitator)
    services.application_withdraw(application=first, by=facilitator)
    first.refresh_from_db()
    assert first.decision == "withdrawn" and first.participation is None
    services.application_decide(application=second, decision="accepted", by=facilitator)
    second.refresh_from_db()
    assert second.participation.municipality.name == "Odense"


def test_a_conflict_of_interest_stores_no_scores(world, call):
    application = submitted_application(call, danish_municipality("Aarhus"))
    reviewer = reviewer_of(call=call, user=world.a.users["advisor"], by=world.a.users["facilitator"])
    review = services.review_assign(application=application, reviewer=reviewer)
    services.review_save(review=review, conflict_of_interest=True, comment="Min søster er borgmester")
    review.refresh_from_db()
    assert review.conflict_of_interest and review.is_done and not review.scores.exists()


def test_a_review_without_every_score_cannot_be_submitted(world, call):
    application = submitted_application(call, danish_municipality("Aarhus"))
    reviewer = reviewer_of(call=call, user=world.a.users["advisor"], by=world.a.users["facilitator"])
    review = services.review_assign(application=application, reviewer=reviewer)
    first = call.criteria.first()
    with pytest.raises(ValidationError):
        services.review_save(review=review, conflict_of_interest=False, scores={first.pk: (4, "")})
    assert not Review.objects.get(pk=review.pk).is_done


def test_a_call_cannot_close_before_it_opens_nor_take_another_programmes_cohort(world):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.call_create(programme=world.a.programme, cohort=world.a.cohort, by=None, title_da="X",
                             text_da="x", eligibility_da="x", opens_at=now, deadline=now - timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.call_create(programme=world.a.programme, cohort=world.b.cohort, by=None, title_da="X",
                             text_da="x", eligibility_da="x", opens_at=now, deadline=now + timedelta(days=1))
    assert not Call.objects.exists()


def test_a_choice_question_needs_two_choices(world, call):
    with pytest.raises(ValidationError):
        services.question_add(call=call, kind=Question.Kind.CHOICE, label_da="Størrelse", choices_da="Lille")


def test_gdpr_export_holds_the_applications_of_the_persons_address_and_erasure_scrubs_it(world, call):
    from accounts.gdpr import erase_person, personal_data
    from tests.factories import UserFactory

    person = UserFactory(email="karen@kommune.dk", full_name="Karen Jensen")
    application = start_application(call, danish_municipality("Aarhus"), "karen@kommune.dk")
    sections = {s["key"]: s for s in personal_data(person)["sections"]}
    assert len(sections["calls.application.contact_email"]["rows"]) == 1
    assert sections["calls.applicationeditor.email"]["rows"][0]["email"] == "karen@kommune.dk"
    erase_person(user=person)
    application.refresh_from_db()
    assert "karen@kommune.dk" not in application.contact_email
    assert not application.editors.filter(email="karen@kommune.dk").exists()


# --- Inviting a colleague: checked against the applicant's own address ------------------------------------------

def _editor_error(application, email, by_email="karen@kommune.dk") -> str:
    with pytest.raises(ValidationError) as error:
        services.editor_invite(application=application, email=email, by_email=by_email)
    return " ".join(error.value.message_dict["email"])


def test_a_colleague_is_at_the_applicants_mail_domain_not_their_own_address_nor_twice(call):
    application = start_application(call, danish_municipality("Aarhus"))
    assert "your own address" in _editor_error(application, " Karen@Kommune.dk")
    assert "must be at kommune.dk" in _editor_error(application, "ole@gmail.com")
    services.editor_invite(application=application, email="ole@kommune.dk", by_email="karen@kommune.dk")
    services.editor_invite(application=application, email="bo@teknik.kommune.dk", by_email="karen@kommune.dk")
    assert "can already edit" in _editor_error(application, "OLE@kommune.dk")
    assert sorted(application.editors.values_list("email", flat=True)) == [
        "bo@teknik.kommune.dk", "karen@kommune.dk", "ole@kommune.dk"]


def test_an_application_has_at_most_the_limit_of_editors(call):
    application = start_application(call, danish_municipality("Aarhus"))
    for number in range(services.EDITOR_LIMIT - 1):
        services.editor_invite(application=application, email=f"k{number}@kommune.dk", by_email="karen@kommune.dk")
    assert f"At most {services.EDITOR_LIMIT} people" in _editor_error(application, "endnu@kommune.dk")
    assert application.editors.count() == services.EDITOR_LIMIT
