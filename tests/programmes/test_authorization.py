from tests.authz import Case, everyone
from tests.factories import CohortFactory, MilestoneFactory, PhaseFactory
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory, unique

# Reading: everyone who takes part in the programme. Setting it up: its facilitators (and admins).
EDIT_PAGE = everyone(403, admin=200, facilitator=200)
WRITE = everyone(403, admin=302, facilitator=302)
# Budget: those who run, fund or oversee the programme; not the municipalities' staff and advisors.
BUDGET_READ = everyone(200, advisor=403, staff=403)
HISTORY_READ = everyone(403, admin=200, facilitator=200)


def slug(w):
    return {"slug": w.a.programme.slug}


def fresh(factory, **kwargs):
    return lambda w: {"pk": factory(programme=w.a.programme, **kwargs).pk}


def _spending_data(w):
    line = BudgetLineFactory(programme=w.a.programme, code=unique("S"))
    return {"spending-budget_line": line.pk, "spending-spent_on": "2022-05-01", "spending-amount_dkk": "1250",
            "spending-description": "Workshop room"}


CASES = {
    "programmes:list": Case(own=everyone(200), scoped=False),
    "programmes:create": Case(own=everyone(403, admin=200, facilitator=200), scoped=False),
    "programmes:detail": Case(kwargs=slug, own=everyone(200)),
    "programmes:edit": Case(kwargs=slug, own=EDIT_PAGE),
    "programmes:cohort-add": Case(kwargs=slug, method="post", own=WRITE,
                                  data=lambda w: {"cohort-new-name": unique("Hold ")}),
    "programmes:cohort-edit": Case(kwargs=lambda w: {"pk": w.a.cohort.pk}, own=EDIT_PAGE),
    "programmes:cohort-delete": Case(kwargs=lambda w: {"pk": CohortFactory(programme=w.a.programme).pk},
                                     method="post", own=WRITE),
    "programmes:phases": Case(kwargs=slug, own=everyone(200)),
    "programmes:phase-add": Case(kwargs=slug, method="post", own=WRITE, data=lambda w: {
        "phase-new-name_da": "Afdækning", "phase-new-name_en": "Discover",
        "phase-new-starts_on": "2021-11-01", "phase-new-ends_on": "2022-02-28"}),
    "programmes:phase-edit": Case(kwargs=fresh(PhaseFactory), own=EDIT_PAGE),
    "programmes:phase-delete": Case(kwargs=fresh(PhaseFactory), method="post", own=WRITE),
    "programmes:phase-move": Case(kwargs=fresh(PhaseFactory), method="post", own=WRITE,
                                  data=lambda w: {"direction": "up"}),
    "programmes:milestones": Case(kwargs=slug, own=everyone(200)),
    "programmes:milestone-add": Case(kwargs=slug, method="post", own=WRITE, data=lambda w: {
        "milestone-new-title_da": "Læringsmodul", "milestone-new-due_on": "2022-03-15",
        "milestone-new-status": "planned"}),
    "programmes:milestone-edit": Case(kwargs=fresh(MilestoneFactory), own=EDIT_PAGE),
    "programmes:milestone-delete": Case(kwargs=fresh(MilestoneFactory), method="post", own=WRITE),
    "programmes:milestone-move": Case(kwargs=fresh(MilestoneFactory), method="post", own=WRITE,
                                      data=lambda w: {"direction": "down"}),
    # A municipality's milestone: its staff tick it off too; staff of another municipality do not see it.
    "programmes:milestone-complete": Case(
        kwargs=lambda w: {"pk": MilestoneFactory(programme=w.a.programme, participation=w.a.participation).pk},
        method="post", own=everyone(403, admin=302, facilitator=302, staff=302)),
    "programmes:budget": Case(kwargs=slug, own=BUDGET_READ),
    "programmes:budget-line-add": Case(kwargs=slug, method="post", own=WRITE, data=lambda w: {
        "line-new-code": unique("WP"), "line-new-name_da": "Læring", "line-new-allocated_dkk": "1000"}),
    "programmes:budget-line-edit": Case(kwargs=fresh(BudgetLineFactory), own=EDIT_PAGE),
    "programmes:budget-line-delete": Case(kwargs=fresh(BudgetLineFactory), method="post", own=WRITE),
    "programmes:spending-add": Case(kwargs=slug, method="post", own=WRITE, data=_spending_data),
    "programmes:spending-delete": Case(
        kwargs=lambda w: {"pk": SpendingFactory(budget_line=BudgetLineFactory(programme=w.a.programme)).pk},
        method="post", own=WRITE),
    "programmes:timeline": Case(kwargs=slug, own=everyone(200)),
    "programmes:board": Case(kwargs=slug, own=everyone(200)),
    "programmes:history": Case(kwargs=slug, own=HISTORY_READ),
    # Dashboards: the plain-language overview for everyone in the programme; the cohort dashboard for its
    # facilitators (others who see the programme get 403, everyone else 404).
    "dashboards:programme": Case(kwargs=slug, own=everyone(200)),
    "dashboards:cohort": Case(kwargs=slug, own=everyone(403, admin=200, facilitator=200)),
}
