"""Calls, applications and reviews for tests: built through the services, as the product builds them."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import services
from calls.models import Application, Call, Question
from municipalities.models import Municipality

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CHALLENGE = {"contact_name": "Karen Jensen", "contact_department": "Teknik og Miljø",
             "challenge_title": "Byggeaffald i kredsløb", "problem_statement": "For meget byggeaffald går til deponi.",
             "material_stream": "construction", "strategy": "R3", "sdgs": [11, 12]}


def backing_letter(name="opbakning.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_call(side, *, opens_in=timedelta(days=-10), closes_in=timedelta(days=20), places=2, criteria=True,
              file_question=True) -> Call:
    now = timezone.now()
    call = services.call_create(
        programme=side.programme, cohort=side.cohort, by=side.users["facilitator"],
        title_da=f"Ansøgning til {side.programme.name_da}", title_en=f"Call for {side.programme.name_en}",
        text_da="Vi søger ambitiøse kommuner.", text_en="We look for ambitious municipalities.",
        eligibility_da="Danske kommuner", eligibility_en="Danish municipalities",
        opens_at=now + opens_in, deadline=now + closes_in, places=places)
    if criteria:
        services.criterion_add(call=call, name_da="Ambition", name_en="Ambition", weight=2)
        services.criterion_add(call=call, name_da="Forankring", name_en="Anchoring", weight=1)
    if file_question:
        services.question_add(call=call, kind=Question.Kind.FILE, label_da="Politisk opbakning",
                              label_en="Political backing", required=True)
    return call


def danish_municipality(name: str) -> Municipality:
    return Municipality.objects.get(name=name, country="DK")


def start_application(call, municipality, email="karen@kommune.dk") -> Application:
    token = services.make_link_token({"c": call.pk, "m": municipality.pk, "e": email, "n": "Karen Jensen",
                                      "l": "da"})
    application, _email = services.application_confirm(token=token)
    return application


def submitted_application(call, municipality, email="karen@kommune.dk") -> Application:
    application = start_application(call, municipality, email)
    services.application_save(application=application, data=CHALLENGE, by_email=email)
    for question in call.questions.filter(kind=Question.Kind.FILE):
        services.application_upload(application=application, question=question, upload=backing_letter(),
                                    by_email=email)
    return services.application_submit(application=application, by_email=email)


def close(call) -> Call:
    """Move the deadline into the past (the assessment starts)."""
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - timedelta(days=30),
                                           deadline=timezone.now() - timedelta(seconds=1))
    call.refresh_from_db()
    return call


def reviewer_of(*, call, user, by=None):
    """Make ``user`` a reviewer of ``call`` the way the platform allows: a facilitator of the programme is added,
    anybody else with an account is invited by e-mail (and added at once, being known)."""
    from calls.selectors import programme_facilitators

    existing = call.reviewers.filter(user=user).first()
    if existing is not None:
        return existing
    if programme_facilitators(call.programme).filter(pk=user.pk).exists():
        return services.reviewer_add(call=call, user=user, by=by)
    return services.reviewer_invite(call=call, email=user.email, full_name=user.full_name, by=by)
