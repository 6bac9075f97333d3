"""Writes about programmes: validation (bad input gets a clear message and nothing is saved), ordering,
budget warnings and the audit history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role, RoleAssignment
from programmes import services
from programmes.models import BudgetLine, Cohort, Milestone, Objective, Phase, Programme, Spending
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    ParticipationFactory,
    PhaseFactory,
    ProgrammeFactory,
    UserFactory,
    facilitator_of,
    staff_of,
)
from tests.programmes.helpers import BudgetLineFactory, SpendingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Danish translation is the lead's pass over locale/."""
    with translation.override("en"):
        yield


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- Programme ----------------------------------------------------------------------------------------

def test_create_programme_makes_the_creator_a_facilitator():
    user = UserFactory()
    programme = services.programme_create(
        by=user, name_da="Cirkulære havne", name_en="Circular Harbours", starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31), budget_dkk=Decimal("1000000"), objectives=[("Mål et", "Goal one"), ("", "")],
    )
    assert programme.slug == "circular-harbours"
    assert RoleAssignment.objects.filter(user=user, role=Role.FACILITATOR, programme=programme).exists()
    assert list(programme.objectives.values_list("text_da", "text_en")) == [("Mål et", "Goal one")]
    assert programme.history.first().history_user == user


def test_programme_slugs_stay_unique_and_avoid_reserved_words():
    user = UserFactory()
    first = services.programme_create(by=user, name_da="Ny", name_en="New")
    second = services.programme_create(by=user, name_da="Ny", name_en="New")
    assert first.slug not in services.RESERVED_SLUGS
    assert second.slug != first.slug
    with pytest.raises(ValidationError) as error:
        services.programme_create(by=user, name_da="X", slug="new")
    assert "reserved" in messages_of(error.value, "slug")


def test_programme_ending_before_it_starts_is_refused_and_nothing_saved():
    with pytest.raises(ValidationError) as error:
        services.programme_create(by=UserFactory(), name_da="Baglæns", starts_on=date(2024, 2, 1),
                                  ends_on=date(2023, 1, 1))
    assert "cannot end before it starts" in messages_of(error.value, "ends_on")
    assert not Programme.objects.exists()
    assert not RoleAssignment.objects.exists()


def test_negative_budget_is_refused():
    with pytest.raises(ValidationError) as error:
        services.programme_create(by=UserFactory(), name_da="Minus", budget_dkk=Decimal("-1"))
    assert "cannot be negative" in messages_of(error.value, "budget_dkk")
    programme = ProgrammeFactory(budget_dkk=Decimal("10"))
    with pytest.raises(ValidationError):
        services.programme_update(programme=programme, budget_dkk=Decimal("-5"))
    programme.refresh_from_db()
    assert programme.budget_dkk == Decimal("10")


def test_new_dates_may_not_leave_phases_or_milestones_outside():
    programme = ProgrammeFactory(starts_on=date(2021, 8, 31), ends_on=date(2024, 2, 29))
    PhaseFactory(programme=programme, starts_on=date(2021, 9, 1), ends_on=date(2022, 3, 1))
    MilestoneFactory(programme=programme, due_on=date(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        services.programme_update(programme=programme, starts_on=date(2022, 1, 1), ends_on=date(2023, 12, 31))
    assert "before this start" in messages_of(error.value, "starts_on")
    assert "after this end" in messages_of(error.value, "ends_on")
    programme.refresh_from_db()
    assert programme.starts_on == date(2021, 8, 31)


def test_update_replaces_objectives_and_organisations():
    from programmes.models import Organisation, ProgrammeOrganisation

    programme = ProgrammeFactory()
    realdania = Organisation.objects.create(name="Realdania", kind=Organisation.Kind.FUNDER)
    services.programme_update(programme=programme, objectives=[("A", "A"), ("B", "")],
                              organisations={ProgrammeOrganisation.Part.FUNDER: [realdania]})
    services.programme_update(programme=programme, objectives=[("B", "Bee")])
    assert list(Objective.objects.filter(programme=programme).values_list("text_da", "text_en")) == [("B", "Bee")]
    assert programme.organisation_links.get().organisation == realdania
    with pytest.raises(ValidationError):
        services.programme_update(programme=programme, objectives=[("", "English only")])


def test_unchanged_programme_adds_no_history():
    programme = ProgrammeFactory()
    before = programme.history.count()
    services.programme_update(programme=programme, name_da=programme.name_da)
    assert programme.history.count() == before


# --- Cohorts and phases --------------------------------------------------------------------------------

def test_cohort_outside_the_programme_and_duplicate_names_are_refused():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        services.cohort_create(programme=programme, name="Hold 1", starts_on=date(2020, 1, 1))
    assert "within the programme" in messages_of(error.value, "starts_on")
    services.cohort_create(programme=programme, name="Hold 1")
    with pytest.raises(ValidationError) as error:
        services.cohort_create(programme=programme, name="hold 1")
    assert "already has a cohort" in messages_of(error.value, "name")
    assert Cohort.objects.filter(programme=programme).count() == 1


def test_cohort_with_municipalities_is_not_deleted():
    participation = ParticipationFactory()
    with pytest.raises(ValidationError):
        services.cohort_delete(cohort=participation.cohort)
    assert Cohort.objects.filter(pk=participation.cohort.pk).exists()


@pytest.mark.parametrize("starts_on, ends_on, field, text", [
    (date(2021, 1, 1), date(2021, 12, 1), "starts_on", "within the programme"),
    (date(2023, 1, 1), date(2024, 6, 1), "ends_on", "within the programme"),
    (date(2023, 1, 1), date(2022, 1, 1), "ends_on", "cannot end before it starts"),
])
def test_phase_outside_the_programme_is_refused(starts_on, ends_on, field, text):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        services.phase_create(programme=programme, name_da="Fase", starts_on=starts_on, ends_on=ends_on)
    assert text in messages_of(error.value, field)
    assert not Phase.objects.exists()


def test_phases_are_numbered_and_move_up_and_down():
    programme = ProgrammeFactory()
    a, b, c = (services.phase_create(programme=programme, name_da=n, starts_on=date(2022, 1, 1),
                                     ends_on=date(2022, 2, 1)) for n in "ABC")
    assert [a.order, b.order, c.order] == [1, 2, 3]
    assert services.phase_move(phase=c, direction="up") is True
    assert list(programme.phases.order_by("order").values_list("name_da", flat=True)) == ["A", "C", "B"]
    assert services.phase_move(phase=a, direction="up") is False  # already first: nothing changes
    with pytest.raises(ValidationError):
        services.phase_move(phase=a, direction="sideways")


# --- Milestones ----------------------------------------------------------------------------------------

def test_milestone_outside_the_programme_is_refused():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        services.milestone_create(programme=programme, title_da="For sent", due_on=date(2024, 3, 1))
    assert "within the programme" in messages_of(error.value, "due_on")
    assert not Milestone.objects.exists()


def test_milestone_owner_needs_a_role_in_the_programme():
    programme = ProgrammeFactory()
    participation = ParticipationFactory(cohort=CohortFactory(programme=programme))
    with pytest.raises(ValidationError) as error:
        services.milestone_create(programme=programme, title_da="X", due_on=date(2022, 1, 1), owner=UserFactory())
    assert "role in this programme" in messages_of(error.value, "owner")
    staff = staff_of(participation.municipality)
    milestone = services.milestone_create(programme=programme, title_da="X", due_on=date(2022, 1, 1), owner=staff,
                                          participation=participation)
    assert milestone.owner == staff


def test_milestone_of_another_programmes_municipality_is_refused():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        services.milestone_create(programme=programme, title_da="X", due_on=date(2022, 1, 1),
                                  participation=ParticipationFactory())
    assert "does not take part" in messages_of(error.value, "participation")


def test_status_done_sets_and_clears_completed_at():
    programme = ProgrammeFactory()
    milestone = services.milestone_create(programme=programme, title_da="X", due_on=date(2022, 1, 1),
                                          status=Milestone.Status.DONE)
    assert milestone.completed_at is not None
    services.milestone_update(milestone=milestone, status=Milestone.Status.IN_PROGRESS)
    assert milestone.completed_at is None


def test_complete_is_idempotent_and_recorded_with_who():
    facilitator = facilitator_of(programme := ProgrammeFactory())
    milestone = MilestoneFactory(programme=programme)
    services.milestone_complete(milestone=milestone, by=facilitator)
    first = milestone.completed_at
    services.milestone_complete(milestone=milestone, by=facilitator)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DONE and milestone.completed_at == first
    assert milestone.history.count() == 2  # created, completed: the double click added nothing
    assert milestone.history.first().history_user == facilitator


def test_milestones_due_the_same_day_can_be_reordered():
    programme = ProgrammeFactory()
    a = services.milestone_create(programme=programme, title_da="A", due_on=date(2022, 5, 1))
    b = services.milestone_create(programme=programme, title_da="B", due_on=date(2022, 5, 1))
    other = services.milestone_create(programme=programme, title_da="C", due_on=date(2022, 6, 1))
    assert services.milestone_move(milestone=b, direction="up") is True
    same_day = Milestone.objects.filter(due_on=date(2022, 5, 1)).order_by("order")
    assert [m.title_da for m in same_day] == ["B", "A"]
    assert services.milestone_move(milestone=other, direction="up") is False  # alone on its day
    a.refresh_from_db()
    assert a.order == 2


# --- Budget --------------------------------------------------------------------------------------------

def test_negative_allocation_and_duplicate_work_package_are_refused():
    programme = ProgrammeFactory(budget_dkk=Decimal("1000"))
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(programme=programme, code="WP1", name_da="A", allocated_dkk=Decimal("-1"))
    assert "cannot be negative" in messages_of(error.value, "allocated_dkk")
    services.budget_line_create(programme=programme, code="WP1", name_da="A", allocated_dkk=Decimal("100"))
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(programme=programme, code="wp1", name_da="B", allocated_dkk=Decimal("100"))
    assert "already has a work package" in messages_of(error.value, "code")
    assert BudgetLine.objects.count() == 1


def test_allocations_above_the_programme_budget_warn():
    programme = ProgrammeFactory(budget_dkk=Decimal("1000"))
    _line, warnings = services.budget_line_create(programme=programme, code="WP1", name_da="A",
                                                  allocated_dkk=Decimal("600"))
    assert warnings == []
    _line, warnings = services.budget_line_create(programme=programme, code="WP2", name_da="B",
                                                  allocated_dkk=Decimal("600"))
    assert len(warnings) == 1 and "more than the programme budget" in warnings[0]
    assert BudgetLine.objects.count() == 2  # a warning, not an error


def test_spending_above_the_allocation_is_saved_with_a_warning():
    line = BudgetLineFactory(allocated_dkk=Decimal("1000"), code="WP3")
    spending, warnings = services.spending_create(budget_line=line, spent_on=date(2022, 1, 1),
                                                  amount_dkk=Decimal("1200"), description="Værksted")
    assert spending.pk
    assert len(warnings) == 1 and "WP3" in warnings[0] and "more than its allocation" in warnings[0]


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-10")])
def test_spending_must_be_positive(amount):
    line = BudgetLineFactory()
    with pytest.raises(ValidationError) as error:
        services.spending_create(budget_line=line, spent_on=date(2022, 1, 1), amount_dkk=amount, description="x")
    assert "more than 0" in messages_of(error.value, "amount_dkk")
    assert not Spending.objects.exists()


def test_work_package_with_spending_is_not_deleted():
    spending = SpendingFactory()
    with pytest.raises(ValidationError):
        services.budget_line_delete(line=spending.budget_line)
    assert BudgetLine.objects.filter(pk=spending.budget_line.pk).exists()
