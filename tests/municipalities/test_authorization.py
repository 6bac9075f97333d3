from tests.authz import Case, everyone
from tests.factories import CohortFactory, ParticipationFactory, staff_of


def _own(w):
    return {"pk": w.a.participation.pk}


def _fresh_participation(w):
    """A participation to withdraw: the own staff's municipality in a new cohort of programme A, with the own
    staff member on its team (a team belongs to one participation)."""
    participation = ParticipationFactory(cohort=CohortFactory(programme=w.a.programme),
                                         municipality=w.a.participation.municipality)
    staff_of(participation, user=w.a.users["staff"])
    return {"pk": participation.pk}


FACILITATORS = everyone(403, admin=200, facilitator=200)
EDITORS = everyone(403, admin=200, facilitator=200, staff=200)

CASES = {
    "municipalities:participation": Case(kwargs=_own, own=everyone(200)),
    "municipalities:enrol": Case(kwargs=lambda w: {"cohort_pk": w.a.cohort.pk}, own=FACILITATORS),
    "municipalities:participation-edit": Case(kwargs=_own, own=EDITORS),
    "municipalities:challenge-edit": Case(kwargs=_own, own=EDITORS),
    "municipalities:advisor-edit": Case(kwargs=_own, own=FACILITATORS),
    "municipalities:participation-history": Case(kwargs=_own, own=FACILITATORS),
    # The advisor does not advise the new participation, so it is hidden from them.
    "municipalities:withdraw": Case(kwargs=_fresh_participation, method="post",
                                    own=everyone(403, admin=302, facilitator=302, advisor=404)),
}


# --- Local tests (issue 4) ------------------------------------------------------------------------------------

def _entry(w, **kwargs):
    from tests.municipalities.factories_local import ProgressEntryFactory

    return ProgressEntryFactory(participation=w.a.participation, **kwargs)


def _photo(w):
    """A photo on a published entry; the file is reused across runs (the matrix keeps the real MEDIA_ROOT)."""
    from django.core.files.base import ContentFile

    from municipalities.models import ProgressPhoto
    from municipalities.storage import private_storage
    from tests.municipalities.factories_local import image_bytes

    name = "progress/authorization-matrix.jpg"
    storage = private_storage()
    if not storage.exists(name):
        storage.save(name, ContentFile(image_bytes()))
    photo = ProgressPhoto.objects.create(entry=_entry(w), image=name, thumbnail=name, content_type="image/jpeg",
                                         width=64, height=48)
    return {"pk": photo.pk}


def _output(w):
    from tests.municipalities.factories_local import StageGateOutputFactory

    return {"pk": StageGateOutputFactory(participation=w.a.participation).pk}


def _session(w):
    from tests.municipalities.factories_local import AdvisorySessionFactory

    return {"pk": AdvisorySessionFactory(participation=w.a.participation).pk}


def _action(w):
    from tests.municipalities.factories_local import AgreedActionFactory

    return {"pk": AgreedActionFactory(session__participation=w.a.participation).pk}


WORKERS = everyone(403, admin=302, facilitator=302, advisor=302, staff=302)
ADVISORS = everyone(403, admin=302, facilitator=302, advisor=302)

CASES.update({
    "municipalities:progress-list": Case(kwargs=_own, own=everyone(200)),
    "municipalities:progress-create": Case(kwargs=_own, own=EDITORS),
    "municipalities:progress-detail": Case(kwargs=lambda w: {"pk": _entry(w).pk}, own=everyone(200)),
    "municipalities:progress-edit": Case(kwargs=lambda w: {"pk": _entry(w).pk}, own=EDITORS),
    # A draft: read-only roles do not even see it.
    "municipalities:progress-publish": Case(
        kwargs=lambda w: {"pk": _entry(w, state="draft").pk}, method="post",
        own=everyone(403, admin=302, facilitator=302, staff=302, politician=404, observer=404)),
    "municipalities:progress-comment": Case(kwargs=lambda w: {"pk": _entry(w).pk}, method="post",
                                            data=lambda w: {"body": "Godt gået"}, own=WORKERS),
    "municipalities:photo": Case(kwargs=_photo, own=everyone(200)),
    "municipalities:photo-thumbnail": Case(kwargs=_photo, own=everyone(200)),
    "municipalities:stages": Case(kwargs=_own, own=everyone(200)),
    "municipalities:stage-output-review": Case(kwargs=_output, method="post",
                                               data=lambda w: {"decision": "accept"},
                                               own=everyone(403, admin=302, facilitator=302)),
    "municipalities:indicators": Case(kwargs=_own, own=everyone(200)),
    "municipalities:partners": Case(kwargs=_own, own=everyone(200)),
    "municipalities:cohort-partners": Case(kwargs=lambda w: {"cohort_pk": w.a.cohort.pk}, own=everyone(200)),
    "municipalities:advisory": Case(kwargs=_own, own=everyone(200, politician=403, observer=403)),
    "municipalities:action-add": Case(kwargs=_session, method="post",
                                      data=lambda w: {"text": "Ring til vaskeriet", "due_on": "2022-10-01"},
                                      own=ADVISORS),
    "municipalities:action-milestone": Case(kwargs=_action, method="post", own=ADVISORS),
    "municipalities:my-municipalities": Case(own=everyone(403, admin=200, facilitator=200, advisor=200),
                                             scoped=False),
    "municipalities:publication-queue": Case(own=everyone(403, admin=200, facilitator=200, advisor=200),
                                             scoped=False),
})


# --- Correcting data and the second pair of eyes (issue 15.9, 15.10) ------------------------------------------

def _partner(w):
    from tests.municipalities.factories_local import PartnerInvolvementFactory

    return {"pk": PartnerInvolvementFactory(participation=w.a.participation).pk}


def _measurement(w):
    from tests.municipalities.factories_local import MeasurementFactory

    return {"pk": MeasurementFactory(indicator__participation=w.a.participation).pk}


WRITERS = everyone(403, admin=302, facilitator=302, staff=302)

CASES.update({
    # staff of the municipality and the programme's facilitators withdraw; the advisor reads and reviews
    "municipalities:progress-withdraw": Case(kwargs=lambda w: {"pk": _entry(w).pk}, method="post",
                                             data=lambda w: {"reason": "Tallene var forkerte"}, own=WRITERS),
    # the second pair of eyes: the programme's facilitators and the municipality's advisor, not its staff
    "municipalities:progress-accept": Case(kwargs=lambda w: {"pk": _entry(w, review="pending").pk},
                                           method="post", own=ADVISORS),
    "municipalities:partner-edit": Case(kwargs=_partner, own=EDITORS),
    "municipalities:partner-delete": Case(kwargs=_partner, method="post", own=WRITERS),
    "municipalities:measurement-edit": Case(kwargs=_measurement, own=EDITORS),
    "municipalities:measurement-delete": Case(kwargs=_measurement, method="post", own=WRITERS),
})
