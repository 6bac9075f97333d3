import pytest
from django.db.models import Count

from accounts.models import Role, RoleAssignment, User
from programmes.demo import DEMO_DOMAIN, SLUG, demo_email, load_demo
from programmes.models import LocalChallenge, Participation

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(RoleAssignment.objects.values_list("role").annotate(n=Count("id"))),
        LocalChallenge.objects.count(), User.objects.count(), LocalChallenge.history.count(),
        Participation.history.count(),
    )


def test_demo_participations_get_challenges_teams_advisors_and_a_follow_group():
    programme = load_demo()["programme"]
    participations = list(Participation.objects.filter(cohort__programme=programme).select_related("municipality"))
    assert len(participations) == 6
    for participation in participations:
        challenge = participation.challenge
        assert challenge.problem_statement and challenge.strategy and challenge.sdgs
        assert participation.solution_model
        assert 2 <= RoleAssignment.objects.filter(role=Role.STAFF, municipality=participation.municipality).count() <= 3
        assert RoleAssignment.objects.filter(role=Role.ADVISOR, participation=participation).count() == 1
    pool = RoleAssignment.objects.filter(role=Role.ADVISOR, programme=programme, participation__isnull=True)
    assert pool.count() == 3
    roskilde = next(p for p in participations if p.municipality.code == "265")
    assert RoleAssignment.objects.get(role=Role.ADVISOR, participation=roskilde).user.email == demo_email("advisor")
    politicians = RoleAssignment.objects.filter(role=Role.POLITICIAN, programme=programme)
    assert politicians.count() == 8
    assert politicians.filter(ends_on__isnull=False).exists() and politicians.filter(ends_on__isnull=True).exists()
    assert not User.objects.exclude(email__endswith="@" + DEMO_DOMAIN).exists()


def test_loading_twice_changes_nothing_and_reset_loads_anew():
    load_demo()
    first = snapshot()
    load_demo()
    assert snapshot() == first
    load_demo(reset=True)
    assert snapshot()[:3] == first[:3]
    assert Participation.objects.filter(cohort__programme__slug=SLUG).count() == 6
