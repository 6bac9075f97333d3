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
