"""Factories and helpers for the programme tests (beside tests/factories.py, which another part owns)."""

import itertools
from datetime import date
from decimal import Decimal

import factory

from programmes.models import BudgetLine, Spending
from tests.factories import ProgrammeFactory

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    """A fresh name per call: authorization cases post once per role and must not collide."""
    return f"{prefix}{next(_numbers)}"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"WP{n}")
    name_da = factory.Sequence(lambda n: f"Arbejdspakke {n}")
    name_en = factory.Sequence(lambda n: f"Work package {n}")
    allocated_dkk = Decimal("100000")


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    budget_line = factory.SubFactory(BudgetLineFactory)
    spent_on = date(2022, 5, 1)
    amount_dkk = Decimal("1000")
    description = factory.Sequence(lambda n: f"Udgift {n}")


def three_towns(*, advisors: bool = False):
    """A programme with one cohort, two phases and three municipalities whose traffic lights differ by their
    overdue milestones: Aarhusby none (green), Vejleby one, "Tender published" (amber), Sønderby two (red).
    Returns (programme, {name: participation}); the dashboards' and the briefing's browser tests start here."""
    from tests.factories import (
        CohortFactory,
        MilestoneFactory,
        MunicipalityFactory,
        ParticipationFactory,
        PhaseFactory,
        advisor_of,
    )

    cohort = CohortFactory(name="Hold 1")
    programme = cohort.programme
    PhaseFactory(programme=programme, name_en="Discover", name_da="Afdæk", starts_on=date(2021, 9, 1),
                 ends_on=date(2022, 2, 28))
    PhaseFactory(programme=programme, name_en="Develop and test", name_da="Udvikl og test",
                 starts_on=date(2022, 3, 1), ends_on=date(2023, 8, 31))
    towns = {}
    for name, stage in (("Aarhusby", "deliver"), ("Vejleby", "develop"), ("Sønderby", "define")):
        towns[name] = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=name), stage=stage)
        if advisors:
            advisor_of(towns[name])
    MilestoneFactory(programme=programme, participation=towns["Vejleby"], title_en="Tender published",
                     due_on=date(2022, 6, 1))
    for day in (date(2022, 9, 1), date(2023, 1, 15)):
        MilestoneFactory(programme=programme, participation=towns["Sønderby"], due_on=day)
    return programme, towns


def url_name(name: str) -> str:
    """A programme page's URL name: the dashboards live on the read side (reports/dashboard_urls.py)."""
    return {"dashboard": "dashboards:programme", "cohort-dashboard": "dashboards:cohort"}.get(
        name, f"programmes:{name}")
