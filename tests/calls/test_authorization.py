"""Every URL of the calls app for every role (tests/authz.py). Applicants have no account: their pages answer 404
to everybody without the confirmed address in the session (tests/calls/test_views.py checks that they work with
it, and that one applicant does not reach another's application)."""

from calls import services
from tests.authz import Case, everyone
from tests.calls.helpers import close, danish_municipality, make_call, submitted_application

FACILITATORS_ONLY = everyone(403, admin=200, facilitator=200)
FACILITATORS_WRITE = everyone(403, admin=302, facilitator=302)


def _call(world):
    return make_call(world.a)


def _call_pk(world):
    return {"pk": _call(world).pk}


def _application(world, closed=False):
    call = _call(world)
    application = submitted_application(call, danish_municipality("Aarhus"))
    if closed:
        close(call)
    return application


def _application_pk(world):
    return {"pk": _application(world).pk}


def _closed_application_pk(world):
    return {"pk": _application(world, closed=True).pk}


def _accepted_application_pk(world):
    # a municipality the cohort does not have yet: every role's request accepts a fresh application into it
    from municipalities.models import Municipality

    call = _call(world)
    municipality = Municipality.objects.filter(country="DK").exclude(
        participations__cohort=call.cohort).order_by("code").first()
    application = submitted_application(call, municipality)
    close(call)
    services.application_decide(application=application, decision="accepted", by=world.a.users["facilitator"])
    return {"pk": application.pk}


def _file_pk(world):
    return {"pk": _application(world).files.get().pk}


def _review_pk(world):
    application = _application(world)
    reviewer = services.reviewer_add(call=application.call, user=world.a.users["facilitator"], by=None)
    return {"pk": services.review_assign(application=application, reviewer=reviewer).pk}


def _token(world):
    call = _call(world)
    return {"token": services.make_link_token({"c": call.pk, "m": danish_municipality("Vejle").pk,
                                               "e": "anna@vejle.dk", "n": "Anna", "l": "da"})}


def _reviewer_data(world):
    return {"user": world.a.users["facilitator"].pk}


def _invite_data(world):
    return {"full_name": "Eva Ekstern", "email": "eva@ekstern.example.org", "language": "en"}


def _criterion(world):
    call = _call(world)
    return {"pk": call.pk, "item": call.criteria.first().pk}


def _question(world):
    call = _call(world)
    return {"pk": call.pk, "item": call.questions.get().pk}


def _reviewer(world):
    call = _call(world)
    return {"pk": call.pk, "item": services.reviewer_add(call=call, user=world.a.users["facilitator"], by=None).pk}


APPLICANTS_ONLY = everyone(404)  # without the confirmed address in the session: nobody, whatever their role

CASES = {
    "calls:public-list": Case(own=everyone(200), anonymous=200, scoped=False),
    "calls:public-detail": Case(kwargs=_call_pk, own=everyone(200), anonymous=200, scoped=False),
    "calls:apply": Case(kwargs=_call_pk, own=everyone(200), anonymous=200, scoped=False),
    "calls:confirm": Case(kwargs=_token, own=everyone(302), anonymous=302, scoped=False),
    "calls:application-edit": Case(kwargs=_application_pk, own=APPLICANTS_ONLY, anonymous=404, scoped=False),
    "calls:application-upload": Case(kwargs=_application_pk, method="post", own=APPLICANTS_ONLY, anonymous=404,
                                     scoped=False),
    "calls:application-invite": Case(kwargs=_application_pk, method="post", own=APPLICANTS_ONLY, anonymous=404,
                                     scoped=False),
    # the programme's facilitators and assigned reviewers (and the applicant, by session): others may not know
    "calls:file": Case(kwargs=_file_pk, own=everyone(404, admin=200, facilitator=200), anonymous=404),
    "calls:manage-list": Case(own=everyone(200), scoped=False),
    "calls:create": Case(kwargs=lambda w: {"slug": w.a.programme.slug}, own=FACILITATORS_ONLY),
    "calls:manage": Case(kwargs=_call_pk, own=FACILITATORS_ONLY),
    "calls:edit": Case(kwargs=_call_pk, own=FACILITATORS_ONLY),
    "calls:criterion-add": Case(kwargs=_call_pk, method="post", own=FACILITATORS_WRITE,
                                data=lambda w: {"name_da": "Samarbejde", "name_en": "Cooperation", "weight": 1}),
    "calls:question-add": Case(kwargs=_call_pk, method="post", own=FACILITATORS_WRITE,
                               data=lambda w: {"kind": "number", "label_da": "Antal indbyggere"}),
    "calls:reviewer-add": Case(kwargs=_call_pk, method="post", own=FACILITATORS_WRITE, data=_reviewer_data),
    "calls:reviewer-invite": Case(kwargs=_call_pk, method="post", own=FACILITATORS_WRITE, data=_invite_data),
    # removing what was added by mistake: the programme's facilitators only (another programme's: 404)
    "calls:criterion-remove": Case(kwargs=_criterion, method="post", own=FACILITATORS_WRITE),
    "calls:question-remove": Case(kwargs=_question, method="post", own=FACILITATORS_WRITE),
    "calls:reviewer-remove": Case(kwargs=_reviewer, method="post", own=FACILITATORS_WRITE),
    "calls:assessment": Case(kwargs=_call_pk, own=FACILITATORS_ONLY),
    "calls:assessment-xlsx": Case(kwargs=_call_pk, own=FACILITATORS_ONLY),
    "calls:application-detail": Case(kwargs=_application_pk, own=FACILITATORS_ONLY),
    "calls:assign": Case(kwargs=_application_pk, method="post", own=FACILITATORS_WRITE, data=lambda w: {}),
    "calls:decide": Case(kwargs=_closed_application_pk, method="post", own=FACILITATORS_WRITE,
                         data=lambda w: {"decision": "declined", "message": "Desværre"}),
    "calls:withdraw": Case(kwargs=_accepted_application_pk, method="post", own=FACILITATORS_WRITE),
    "calls:my-reviews": Case(own=everyone(200), scoped=False),
    # only the reviewer it is assigned to (here programme A's facilitator), and admins
    "calls:review": Case(kwargs=_review_pk, own=everyone(404, admin=200, facilitator=200)),
}
