import pytest


@pytest.fixture(autouse=True)
def _side_effects_at_once(monkeypatch):
    """Mail and tasks that services publish on commit run at once: the tests' transaction never commits, and the
    tests look at the e-mail (receipt, links, decisions, the staff invitation) between two steps."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def call(world):
    """An open call of programme a, with criteria (tests/calls/helpers.py)."""
    from tests.calls.helpers import make_call

    return make_call(world.a)
