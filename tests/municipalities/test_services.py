from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role, RoleAssignment
from accounts.permissions import scope_of
from municipalities.models import Municipality
from municipalities.services import (
    advisor_assign,
    challenge_save,
    participation_enrol,
    participation_update,
    participation_withdraw,
)
from programmes.models import LocalChallenge, Participation
from tests.factories import (
    CohortFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoleAssignmentFactory,
    UserFactory,
    advisor_of,
)

pytestmark = pytest.mark.django_db


def pool_advisor(programme, **kwargs):
    return RoleAssignmentFactory(role=Role.ADVISOR, programme=programme, participation=None, **kwargs).user


def test_enrol_creates_a_participation_dated_within_the_cohort():
    cohort = CohortFactory(starts_on=date(2021, 8, 31), ends_on=date(2023, 6, 30))
    roskilde = Municipality.objects.get(code="265")
    participation = participation_enrol(cohort=cohort, municipality=roskilde)
    assert participation.pk and participation.municipality == roskilde
    assert participation.joined_on == date(2023, 6, 30)  # the cohort is over: the last day, not today
    assert participation.history.get().history_type == "+"


def test_duplicate_enrolment_is_refused_in_the_users_language_and_nothing_is_saved():
    cohort = CohortFactory(name="Hold 1")
    roskilde = Municipality.objects.get(code="265")
    participation_enrol(cohort=cohort, municipality=roskilde)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        participation_enrol(cohort=cohort, municipality=roskilde)
    assert caught.value.message_dict == {"municipality": ["Roskilde already takes part in Hold 1."]}
    assert Participation.objects.filter(cohort=cohort).count() == 1


def test_the_same_municipality_may_take_part_in_another_cohort():
    programme = ProgrammeFactory()
    roskilde = Municipality.objects.get(code="265")
    participation_enrol(cohort=CohortFactory(programme=programme), municipality=roskilde)
    participation_enrol(cohort=CohortFactory(programme=programme), municipality=roskilde)
    assert Participation.objects.filter(municipality=roskilde).count() == 2


def test_withdraw_deletes_the_participation_and_keeps_its_history():
    participation = ParticipationFactory()
    advisor = advisor_of(participation)
    pk = participation.pk
    participation_withdraw(participation=participation)
    assert not Participation.objects.filter(pk=pk).exists()
    assert not RoleAssignment.objects.filter(user=advisor, participation_id=pk).exists()
    assert Participation.history.filter(id=pk, history_type="-").exists()


def test_advisor_from_the_pool_is_assigned_and_replaces_the_old_one():
    participation = ParticipationFactory()
    programme = participation.cohort.programme
    old = advisor_of(participation)
    new = pool_advisor(programme)
    assignment = advisor_assign(participation=participation, advisor=new)
    assert assignment.user == new and assignment.participation == participation
    assert list(RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation)
                .values_list("user", flat=True)) == [new.pk]
    assert participation.pk not in scope_of(old).advisor_participations
    assert participation.pk in scope_of(new).advisor_participations


def test_assigning_the_same_advisor_again_changes_nothing():
    participation = ParticipationFactory()
    advisor = pool_advisor(participation.cohort.programme)
    first = advisor_assign(participation=participation, advisor=advisor)
    again = advisor_assign(participation=participation, advisor=advisor)
    assert first.pk == again.pk
    assert RoleAssignment.history.filter(participation_id=participation.pk).count() == 1


def test_an_advisor_who_is_not_in_the_pool_is_refused_and_nothing_is_saved():
    participation = ParticipationFactory()
    current = advisor_of(participation)
    stranger = UserFactory(full_name="Ulla Udenfor")
    other_programme_advisor = pool_advisor(ProgrammeFactory())
    for person in (stranger, other_programme_advisor):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            advisor_assign(participation=participation, advisor=person)
        assert "is not an innovation advisor in" in caught.value.message_dict["advisor"][0]
    assert list(RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation)
                .values_list("user", flat=True)) == [current.pk]


def test_an_ended_pool_membership_does_not_count():
    participation = ParticipationFactory()
    advisor = pool_advisor(participation.cohort.programme, ends_on=date(2022, 1, 1), starts_on=date(2021, 9, 1))
    with pytest.raises(ValidationError):
        advisor_assign(participation=participation, advisor=advisor)


def test_no_advisor_removes_the_assignment():
    participation = ParticipationFactory()
    advisor_of(participation)
    assert advisor_assign(participation=participation, advisor=None) is None
    assert not RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation).exists()


def test_challenge_is_created_then_changed_with_history():
    participation = ParticipationFactory()
    data = {"title": "Byggeaffald", "problem_statement": "Meget spild.", "material_stream": "construction",
            "strategy": "R3", "sdgs": [12, 11, 12]}
    challenge = challenge_save(participation=participation, **data)
    assert challenge.sdgs == [11, 12]
    challenge_save(participation=participation, **{**data, "strategy": "R2"})
    challenge_save(participation=participation, **{**data, "strategy": "R2"})  # unchanged: no new history
    assert LocalChallenge.objects.get(participation=participation).strategy == "R2"
    assert list(LocalChallenge.history.filter(participation_id=participation.pk)
                .values_list("history_type", flat=True)) == ["~", "+"]


@pytest.mark.parametrize("sdgs", [[0], [18], ["12"]])
def test_challenge_with_sdgs_outside_1_to_17_is_refused(sdgs):
    participation = ParticipationFactory()
    with pytest.raises(ValidationError) as caught:
        challenge_save(participation=participation, title="T", problem_statement="P", material_stream="food",
                       strategy="R2", sdgs=sdgs)
    assert "sdgs" in caught.value.message_dict
    assert not LocalChallenge.objects.filter(participation=participation).exists()


def test_challenge_with_an_unknown_strategy_is_refused():
    participation = ParticipationFactory()
    with pytest.raises(ValidationError) as caught:
        challenge_save(participation=participation, title="T", problem_statement="P", material_stream="food",
                       strategy="R10", sdgs=[])
    assert "strategy" in caught.value.message_dict


def test_participation_update_validates_the_link_and_saves_nothing_on_error():
    participation = ParticipationFactory(action_plan_url="https://example.org/plan")
    with pytest.raises(ValidationError):
        participation_update(participation=participation, action_plan_url="not a link", solution_model="x")
    participation.refresh_from_db()
    assert participation.action_plan_url == "https://example.org/plan"
    assert participation.solution_model == ""
