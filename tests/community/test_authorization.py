"""Every community URL for every role (see tests/authz.py). The community is shared across programmes, so
most pages answer the same in a foreign scope (``scoped=False``); cohort-only content is scoped to its
programme, and the public showcase answers anonymous visitors."""

from community.models import LibraryItem, Thread, Visibility
from tests.authz import Case, everyone
from tests.community.factories import (
    AdoptionFactory,
    LibraryItemFactory,
    ReportFactory,
    ThreadFactory,
    cohort_item,
    solution_model,
    with_file,
)
from tests.factories import CohortFactory, MunicipalityFactory, ParticipationFactory

READ = everyone(200)
CONTRIBUTE_PAGE = everyone(200, politician=403, observer=403)
MODERATE = everyone(403, admin=302, facilitator=302)


def _cohort_item(w):
    return {"pk": cohort_item(w.a.programme).pk}


def _file_item(w):
    # One file per matrix run: the item is made once per world.
    if not hasattr(w, "_community_file_item"):
        w._community_file_item = with_file(cohort_item(w.a.programme),
                                           fixed_name="community/library/authorization-matrix.pdf")
    return {"pk": w._community_file_item.pk}


def _local_test(w, municipality=None):
    """A fresh local test in programme A (a solution model is one per local test)."""
    cohort = CohortFactory(programme=w.a.programme)
    return ParticipationFactory(cohort=cohort, municipality=municipality or MunicipalityFactory())


def _cohort_model(w):
    """A solution model of another municipality in programme A, visible to programme A only."""
    return solution_model(_local_test(w), visibility=Visibility.COHORT)


def _cohort_thread(w):
    return ThreadFactory(visibility=Visibility.COHORT, programme=w.a.programme, kind=Thread.Kind.SPARRING,
                         municipality=w.a.participation.municipality)


def _model_of_a1(w):
    """The solution model of programme A's own local test (w.a.participation): its team edits it. One per
    local test, made once per world (the edit page is a GET, so no role changes it)."""
    existing = LibraryItem.objects.filter(participation=w.a.participation).first()
    return existing or solution_model(w.a.participation, visibility=Visibility.COHORT)


CASES = {
    "community:index": Case(own=READ, scoped=False),
    "community:library": Case(own=READ, scoped=False),
    "community:item-create": Case(own=CONTRIBUTE_PAGE, scoped=False),
    "community:item": Case(kwargs=_cohort_item, own=READ),
    # Edited by the author, the programme's facilitators and (for a solution model) the municipality's staff.
    "community:item-edit": Case(kwargs=lambda w: {"pk": _model_of_a1(w).pk},
                                own=everyone(403, admin=200, facilitator=200, staff=200)),
    "community:item-file": Case(kwargs=_file_item, own=READ, anonymous=404),
    # Staff adopt for their own municipality, facilitators for their programmes' municipalities.
    "community:item-adopt": Case(kwargs=lambda w: {"pk": _cohort_model(w).pk},
                                 own=everyone(403, admin=200, facilitator=200, staff=200)),
    "community:adoption-delete": Case(
        kwargs=lambda w: {"pk": AdoptionFactory(item=_cohort_model(w), municipality=w.a.participation.municipality).pk},
        method="post", own=everyone(403, admin=302, facilitator=302, staff=302)),
    "community:threads": Case(own=READ, scoped=False),
    "community:thread-create": Case(own=CONTRIBUTE_PAGE, scoped=False),
    "community:partner-suggestions": Case(own=READ, scoped=False),
    "community:thread": Case(kwargs=lambda w: {"pk": _cohort_thread(w).pk}, own=READ),
    "community:post-create": Case(kwargs=lambda w: {"pk": _cohort_thread(w).pk}, method="post",
                                  data=lambda w: {"body": "Vi har prøvet det."},
                                  own=everyone(302, politician=403, observer=403)),
    "community:members": Case(own=READ, scoped=False),
    "community:member": Case(kwargs=lambda w: {"pk": w.a.users["staff"].pk}, own=READ, scoped=False),
    "community:profile": Case(own=READ, scoped=False),
    "community:municipalities": Case(own=READ, scoped=False),
    "community:search": Case(own=READ, scoped=False),
    # Reporting is not posting: every member who sees the content may report it.
    "community:report": Case(kwargs=lambda w: {"kind": "item", **_cohort_item(w)}, own=READ),
    "community:moderate": Case(kwargs=lambda w: {"kind": "item", **_cohort_item(w)}, method="post",
                               data=lambda w: {"action": "hide", "reason": "Test"}, own=MODERATE),
    "community:moderation": Case(own=everyone(403, admin=200, facilitator=200), scoped=False),
    # Reports are seen only by the moderators of the content: everybody else gets 404.
    "community:report-resolve": Case(
        kwargs=lambda w: {"pk": ReportFactory(item=cohort_item(w.a.programme)).pk}, method="post",
        own=everyone(404, admin=302, facilitator=302)),
    "community:showcase": Case(own=READ, scoped=False, anonymous=200),
    "community:showcase-item": Case(
        kwargs=lambda w: {"pk": LibraryItemFactory(visibility=Visibility.PUBLIC).pk},
        own=READ, scoped=False, anonymous=200),
    "community:showcase-feed": Case(own=READ, scoped=False, anonymous=200),
}
