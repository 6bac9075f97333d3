"""Demo calls (issue 19): the running programme's call for a third cohort, open now, with applications in
different states; and the historical programme's closed call, whose accepted applications are its six
municipalities. Idempotent like the rest of the demo (programmes/demo.py ``_ensure``): a second load writes
nothing, and what people changed while using the demo stays changed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

CPH = ZoneInfo("Europe/Copenhagen")

CRITERIA = [("Ambition og systemisk tilgang", "Ambition and systemic approach", 3),
            ("Politisk og tværgående forankring", "Political and cross-departmental anchoring", 2),
            ("Mulighed for at teste i praksis", "Room to test in practice", 2)]
QUESTIONS = [  # kind, Danish, English, required, choices (Danish, English)
    ("file", "Politisk opbakning (brev fra udvalg eller direktion)",
     "Political backing (letter from a committee or the executive board)", True, "", ""),
    ("long_text", "Hvem i kommunen deltager, og fra hvilke forvaltninger?",
     "Who in the municipality takes part, and from which departments?", True, "", ""),
    ("number", "Hvor mange timer om måneden kan teamet afsætte?",
     "How many hours a month can the team set aside?", False, "", ""),
    ("yes_no", "Har kommunen en vedtaget cirkulær handleplan?",
     "Does the municipality have an adopted circular action plan?", True, "", ""),
]

RUNNING_CALL = {
    "title_da": "Optag til hold 3 i Cirkulære byer",
    "title_en": "Admission to cohort 3 of Circular Cities",
    "text_da": ("Vi søger kommuner med høje ambitioner om at arbejde både systemisk og praktisk med lokale "
                "cirkulære udfordringer. Hold 3 følger samme forløb som hold 2: læringsmoduler, sparring på tværs "
                "af kommuner og en lokal test med en innovationsrådgiver."),
    "text_en": ("We are looking for municipalities with high ambitions to work both systemically and in practice "
                "with local circular challenges. Cohort 3 follows the same course as cohort 2: learning modules, "
                "sparring across municipalities and a local test with an innovation advisor."),
    "eligibility_da": "Danske kommuner med en konkret cirkulær udfordring fra egen handleplan.",
    "eligibility_en": "Danish municipalities with a concrete circular challenge from their own action plan.",
    "places": 6,
}
# code, contact, state, challenge (title, problem, stream, strategy, SDGs), answers done
RUNNING_APPLICATIONS = [
    ("615", "Mette Holm", "submitted",
     ("Genbrug af byggematerialer fra kommunale nedrivninger", "Materialer fra nedrivning af kommunale bygninger "
      "ender som affald, selv om en stor del kan genbruges.", "construction", "R3", [11, 12]), True),
    ("621", "Jonas Friis", "submitted",
     ("Mindre madspild i kommunens køkkener", "Kommunens produktionskøkkener smider dagligt mad ud, der kunne "
      "være brugt.", "food", "R2", [2, 12]), True),
    ("740", "Line Kjær", "draft",
     ("Cirkulære indkøb af møbler", "", "furniture", "", []), False),
    ("607", "Anders Lund", "draft", ("", "", "", "", []), False),
]
HISTORICAL_CALL = {
    "title_da": "Invitation til Cirkulære byer",
    "title_en": "Invitation to Circular Cities",
    "text_da": ("Realdania, Danish Design Center og CLEAN inviterer kommuner med høje ambitioner om at arbejde både "
                "systemisk og praktisk med lokale cirkulære udfordringer til at søge om at deltage."),
    "text_en": ("Realdania, Danish Design Center and CLEAN invite municipalities with high ambitions to work both "
                "systemically and in practice with local circular challenges to apply."),
    "eligibility_da": "Danske kommuner.",
    "eligibility_en": "Danish municipalities.",
    "places": 6,
    "opens_at": datetime(2021, 3, 1, 9, 0, tzinfo=CPH),
    "deadline": datetime(2021, 5, 3, 12, 0, tzinfo=CPH),
    "assessment_ends_on": date(2021, 6, 1),
}
DECLINED = [("147", "Frederiksberg"), ("461", "Odense")]  # applied to the historical call, not selected
# An expert from outside the programme who reviews the open call, invited by name and e-mail (local part, name).
EXTERNAL_REVIEWER = ("reviewer", "Rikke Bedømmer")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=CPH)


def _call(programme, cohort, values: dict, creator):
    from programmes.demo import _ensure

    from .models import Call, Criterion, Question

    call, created = _ensure(Call, {"programme": programme, "title_da": values["title_da"]},
                            {**{k: v for k, v in values.items() if k != "title_da"}, "cohort": cohort,
                             "created_by": creator})
    if created:
        for order, (da, en, weight) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(call=call, order=order, name_da=da, name_en=en, weight=weight)
        for order, (kind, da, en, required, choices_da, choices_en) in enumerate(QUESTIONS, start=1):
            Question.objects.create(call=call, order=order, kind=kind, label_da=da, label_en=en, required=required,
                                    choices_da=choices_da, choices_en=choices_en)
    return call


def _answers(call) -> dict:
    answers = {}
    for question in call.questions.all():
        if question.kind == "long_text":
            answers[str(question.pk)] = "Klima og Miljø, Ejendomme og Indkøb; projektleder fra Teknik og Miljø."
        elif question.kind == "number":
            answers[str(question.pk)] = 60.0
        elif question.kind == "yes_no":
            answers[str(question.pk)] = True
    return answers


def _application(call, municipality, contact: str, values: dict):
    from programmes.demo import _ensure

    from .models import Application, ApplicationEditor

    local = contact.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    email = f"{local}@{municipality.name.lower().replace('ø', 'oe').replace('æ', 'ae').replace('å', 'aa')}.dk"
    application, created = _ensure(Application, {"call": call, "municipality": municipality}, {
        "contact_name": contact, "contact_email": email, "contact_department": "Teknik og Miljø",
        "language": "da", **values})
    if created:
        ApplicationEditor.objects.create(application=application, email=email, name=contact,
                                         confirmed_at=application.created_at)
    return application


def _review(application, reviewer, scores: list[int], submitted_at, comment: str = ""):
    from programmes.demo import _ensure

    from .models import Review, Score

    review, created = _ensure(Review, {"application": application, "reviewer": reviewer},
                              {"comment": comment, "submitted_at": submitted_at})
    if created and submitted_at:
        for criterion, value in zip(application.call.criteria.all(), scores, strict=False):
            Score.objects.create(review=review, criterion=criterion, value=value)
    return review


def _facilitator_reviewer(call, facilitator):
    """The programme's facilitator as a reviewer, added as the page adds one; one already there is kept as it is
    (a second load writes nothing, even if the role changed meanwhile)."""
    from .services import reviewer_add

    return call.reviewers.filter(user=facilitator).first() or reviewer_add(call=call, user=facilitator,
                                                                           by=facilitator)


def _external_reviewer(call, invited_by):
    """The open call's external reviewer, made as the UI makes one: an invitation to review this call (the demo
    writes it directly, so no e-mail goes out), accepted through the platform's acceptance service, which creates
    the account and, through the calls app's receiver, the reviewer. A second load finds them and writes nothing;
    after ``--reset`` (a new call, the account kept) the existing account accepts a new invitation."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Invitation, User
    from accounts.services import hash_token, invitation_accept
    from programmes.demo import _demo_password_hash, demo_email

    from .models import Reviewer, ReviewerInvitation
    from .services import reviewer_invitation_purpose, reviewer_landing_url

    local, name = EXTERNAL_REVIEWER
    user = User.objects.filter(email__iexact=demo_email(local)).first()
    reviewer = user and Reviewer.objects.filter(call=call, user=user).first()
    if reviewer:
        return reviewer
    token = secrets.token_urlsafe(32)
    invitation = Invitation(email=demo_email(local), full_name=name, language="da", role="",
                            purpose=reviewer_invitation_purpose(call, "da"), next_url=reviewer_landing_url(),
                            token_hash=hash_token(token), invited_by=invited_by,
                            expires_at=timezone.now() + timedelta(days=14))
    invitation.full_clean()
    invitation.save()
    ReviewerInvitation.objects.create(call=call, invitation=invitation)
    accepted = invitation_accept(token=token, full_name=name, user=user)
    if user is None:  # a new account: the demo password, like every demo login
        accepted.password = _demo_password_hash()
        accepted.save(update_fields=["password"])
    return Reviewer.objects.get(call=call, user=accepted)


@transaction.atomic
def load_calls_demo(*, historical, running, users: dict) -> dict:
    from municipalities.models import Municipality
    from programmes.demo import _ensure
    from programmes.demo_running import anchor_of
    from programmes.models import Cohort

    from .models import Application

    facilitator = users["facilitator"]
    municipalities = {m.code: m for m in Municipality.objects.filter(country="DK")}

    # The running programme: a call for a third cohort, open from ten days before the demo's day to three weeks
    # after it (the demo's day is fixed when it is first loaded, so a second load moves nothing).
    day = anchor_of(running)
    cohort, _created = _ensure(Cohort, {"programme": running, "name": "Hold 3"},
                               {"starts_on": day + timedelta(days=90), "ends_on": running.ends_on})
    open_call = _call(running, cohort, {**RUNNING_CALL, "opens_at": _at(day - timedelta(days=10), 9),
                                        "deadline": _at(day + timedelta(days=21), 12),
                                        "assessment_ends_on": day + timedelta(days=45)}, facilitator)
    # Reviewers the UI allows: the programme's facilitator, added from the list, and an external reviewer who came
    # through an invitation (never, say, an advisor added directly).
    reviewers = [_facilitator_reviewer(open_call, facilitator),
                 _external_reviewer(open_call, facilitator)]
    for code, contact, state, (title, problem, stream, strategy, sdgs), answered in RUNNING_APPLICATIONS:
        submitted = state == Application.State.SUBMITTED
        application = _application(open_call, municipalities[code], contact, {
            "challenge_title": title, "problem_statement": problem, "material_stream": stream,
            "strategy": strategy, "sdgs": sdgs, "answers": _answers(open_call) if answered else {},
            "state": state, "submitted_at": _at(day - timedelta(days=2), 14) if submitted else None})
        if code == "615":  # one review in, one due
            _review(application, reviewers[0], [4, 3, 4], _at(day - timedelta(days=1), 10), "Tydelig udfordring.")
            _review(application, reviewers[1], [], None)
        elif code == "621":
            _review(application, reviewers[0], [], None)

    # The historical programme: the closed call whose accepted applications are its six municipalities.
    closed = _call(historical, historical.cohorts.order_by("pk").first(), HISTORICAL_CALL, facilitator)
    reviewer = _facilitator_reviewer(closed, facilitator)
    decided_at = _at(HISTORICAL_CALL["assessment_ends_on"], 15)
    submitted_at = _at(date(2021, 4, 28), 11)
    for participation in (closed.cohort.participations.select_related("municipality", "challenge")
                          .order_by("municipality__name")):
        challenge = getattr(participation, "challenge", None)
        application = _application(closed, participation.municipality, "Kontaktperson", {
            "challenge_title": challenge.title if challenge else "", "answers": _answers(closed),
            "problem_statement": challenge.problem_statement if challenge else "",
            "material_stream": challenge.material_stream if challenge else "",
            "strategy": challenge.strategy if challenge else "", "sdgs": challenge.sdgs if challenge else [],
            "state": Application.State.SUBMITTED, "submitted_at": submitted_at,
            "decision": Application.Decision.ACCEPTED, "decided_at": decided_at, "decided_by": facilitator,
            "decision_message": "Velkommen i Cirkulære byer.", "participation": participation})
        _review(application, reviewer, [4, 4, 3], decided_at - timedelta(days=7))
    for code, _name in DECLINED:
        application = _application(closed, municipalities[code], "Kontaktperson", {
            "challenge_title": "Cirkulær udfordring", "problem_statement": "Beskrevet i ansøgningen.",
            "material_stream": "other", "strategy": "R2", "state": Application.State.SUBMITTED,
            "submitted_at": submitted_at, "decision": Application.Decision.DECLINED, "decided_at": decided_at,
            "decided_by": facilitator, "decision_message": "Tak for ansøgningen."})
        _review(application, reviewer, [2, 3, 2], decided_at - timedelta(days=7))
    return {"open": open_call, "closed": closed}
