"""A form of programme A offers only programme A's things: a facilitator of A who posts the id of programme B's
participation, phase, work package or person (an edited form, an old tab, a crafted request) gets the form back
with the reason in Danish, and nothing is saved. The authorization matrix asks who may post; this asks what they
may post."""

import pytest
from django.forms import ModelChoiceField
from django.urls import reverse
from django.utils import translation

from programmes.models import BudgetLine, Milestone, Spending
from tests.factories import PhaseFactory
from tests.programmes.helpers import BudgetLineFactory

pytestmark = pytest.mark.django_db


def invalid_choice_in_danish() -> str:
    with translation.override("da"):
        return str(ModelChoiceField.default_error_messages["invalid_choice"])


@pytest.fixture
def facilitator_a(client, world):
    user = world.a.users["facilitator"]
    user.language = "da"
    user.save(update_fields=["language"])
    client.force_login(user)
    return user


MILESTONE = {"milestone-new-title_da": "Læringsmodul", "milestone-new-due_on": "2022-03-15",
             "milestone-new-status": "planned"}


@pytest.mark.parametrize("field, foreign", [
    ("participation", lambda w: w.b.participation.pk),
    ("phase", lambda w: PhaseFactory(programme=w.b.programme).pk),
    ("owner", lambda w: w.b.users["staff"].pk),
])
def test_a_milestone_of_programme_a_takes_nothing_of_programme_b(client, world, facilitator_a, field, foreign):
    before = Milestone.objects.count()
    response = client.post(reverse("programmes:milestone-add", args=[world.a.programme.slug]),
                           {**MILESTONE, f"milestone-new-{field}": foreign(world)})
    assert response.status_code in (200, 422)
    assert invalid_choice_in_danish() in response.content.decode()
    assert Milestone.objects.count() == before
    # the same form with A's own choice saves: the refusal is about the foreign id, not the form
    own = {"participation": world.a.participation.pk, "phase": PhaseFactory(programme=world.a.programme).pk,
           "owner": world.a.users["staff"].pk}[field]
    saved = client.post(reverse("programmes:milestone-add", args=[world.a.programme.slug]),
                        {**MILESTONE, f"milestone-new-{field}": own})
    assert saved.status_code in (200, 302) and Milestone.objects.count() == before + 1


def test_spending_of_programme_a_goes_to_no_work_package_of_programme_b(client, world, facilitator_a):
    foreign_line = BudgetLineFactory(programme=world.b.programme, code="WPB")
    own_line = BudgetLineFactory(programme=world.a.programme, code="WPA")
    data = {"spending-spent_on": "2022-05-01", "spending-amount_dkk": "1250", "spending-description": "Lokaleleje"}
    response = client.post(reverse("programmes:spending-add", args=[world.a.programme.slug]),
                           {**data, "spending-budget_line": foreign_line.pk})
    assert response.status_code in (200, 422)
    assert invalid_choice_in_danish() in response.content.decode()
    assert not Spending.objects.exists()
    client.post(reverse("programmes:spending-add", args=[world.a.programme.slug]),
                {**data, "spending-budget_line": own_line.pk})
    assert list(Spending.objects.values_list("budget_line__code", flat=True)) == ["WPA"]
    assert BudgetLine.objects.get(pk=foreign_line.pk).spendings.count() == 0
