"""load_demo: the Circular Cities programme exactly as the seeds describe it, a full demo timeline and budget,
and nothing changes when it runs twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from programmes.demo import PROGRAMME_MILESTONES, SLUG, load_demo
from programmes.models import BudgetLine, Milestone, Participation, Phase, Programme, Spending

pytestmark = pytest.mark.django_db

SEED_OBJECTIVES_DA = [
    "Øge samarbejde og udvikling på tværs af ressortområder i den enkelte kommune",
    "Opbygge kompetencer og viden om systemtænkning og cirkulære løsningsmodeller",
    "Sikre politisk forankring af viden via en følgegruppe for politikere i de deltagende kommuner",
    "Skabe og teste konkrete cirkulære løsningsmodeller sammen med industri, erhvervsliv, forskning og "
    "civilsamfund",
    "Understøtte tværkommunalt samarbejde, hvor sparring og videndeling mellem kommuner om cirkulære "
    "løsningsmodeller og systemisk udvikling fandt sted",
    "Opbygge et ‘community’ af ambitiøse cirkulære byer",
]
SEED_OBJECTIVES_EN = [
    "Increasing cooperation and development across departmental areas in the individual municipality",
    "Building skills and knowledge about systems thinking and circular solution models",
    "Ensuring political anchoring of knowledge via a follow-up group for politicians in participating "
    "municipalities",
    "Creating and testing concrete circular solution models together with industry, business, research, and "
    "civil society",
    "Supporting cross-municipal cooperation, where sparring and knowledge sharing between municipalities about "
    "circular solution models and systemic development took place",
    "Building a ‘community’ of ambitious circular cities",
]


def orgs(programme, part):
    return sorted(programme.organisation_links.filter(part=part).values_list("organisation__name", flat=True))


def test_circular_cities_has_exactly_the_seed_facts():
    load_demo()
    programme = Programme.objects.get(slug=SLUG)
    assert programme.slug == "circular-cities"
    assert (programme.name_da, programme.name_en) == ("Cirkulære byer", "Circular Cities")
    assert (programme.starts_on, programme.ends_on) == (date(2021, 8, 31), date(2024, 2, 29))
    assert programme.budget_dkk == Decimal("5460000")
    assert orgs(programme, "funder") == ["Realdania"]
    assert orgs(programme, "facilitator") == ["CLEAN", "Danish Design Center"]
    assert orgs(programme, "partner") == ["BLOXHUB", "C40", "Ellen MacArthur Foundation"]
    objectives = list(programme.objectives.order_by("order"))
    assert [o.text_da for o in objectives] == SEED_OBJECTIVES_DA
    assert [o.text_en for o in objectives] == SEED_OBJECTIVES_EN
    assert Participation.objects.filter(cohort__programme=programme).count() == 6
    assert programme.is_demo


def test_demo_timeline_and_budget_fit_the_programme():
    programme = load_demo()["programme"]
    phases = list(Phase.objects.filter(programme=programme))
    assert len(phases) == 7 and all(programme.contains(p.starts_on) and programme.contains(p.ends_on) for p in phases)
    for phase in phases:
        phase.full_clean()
    milestones = Milestone.objects.filter(programme=programme)
    assert 20 <= len(PROGRAMME_MILESTONES) <= 30  # learning modules, follow-group meetings, stage gates, reports
    titles = set(milestones.filter(participation__isnull=True).values_list("title_da", flat=True))
    assert {da for _due, da, _en, _phase in PROGRAMME_MILESTONES} <= titles  # other apps may add their own
    assert milestones.filter(participation__isnull=False).count() >= 6 * 3
    assert all(programme.contains(m.due_on) for m in milestones)
    lines = BudgetLine.objects.filter(programme=programme)
    assert [line.code for line in lines] == ["WP1", "WP2", "WP3", "WP4", "WP5"]
    assert sum(line.allocated_dkk for line in lines) == Decimal("5460000")
    assert Spending.objects.filter(budget_line__programme=programme).exists()
    stages = set(Participation.objects.filter(cohort__programme=programme).values_list("stage", flat=True))
    assert Participation.Stage.DISCOVER not in stages  # a finished programme: everyone got well beyond the start


def counts() -> dict:
    """Rows in every table of the project, and the audit history of programmes, milestones and participations."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label in {"programmes", "municipalities", "accounts"}
            and (not model.__name__.startswith("Historical") or model._meta.app_label == "programmes")}


def test_loading_twice_changes_nothing():
    load_demo()
    before = counts()
    programme = Programme.objects.get(slug=SLUG)
    updated_at = programme.updated_at
    load_demo()
    assert counts() == before
    programme.refresh_from_db()
    assert programme.updated_at == updated_at


def test_reset_starts_over(capsys):
    call_command("load_demo", "--quiet-logins")
    before = counts()
    Milestone.objects.filter(programme__slug=SLUG).first().delete()
    call_command("load_demo", "--reset", "--quiet-logins")
    after = counts()
    assert after["programmes.Milestone"] == before["programmes.Milestone"]
    assert after["programmes.Programme"] == before["programmes.Programme"]
