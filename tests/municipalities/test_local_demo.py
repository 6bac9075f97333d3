"""The demo gives every demo municipality a local test: progress with photos, indicators, partners, gates, advice."""


import pytest
from django.db.models import Count

from municipalities.models import (
    AdvisorySession,
    Indicator,
    Measurement,
    PartnerInvolvement,
    ProgressEntry,
    ProgressPhoto,
    StageGateOutput,
)
from programmes.demo import load_demo
from programmes.models import Participation

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (ProgressEntry, ProgressPhoto, Indicator, Measurement, PartnerInvolvement,
                                        StageGateOutput, AdvisorySession)]


def test_every_demo_municipality_has_a_local_test_and_loading_twice_changes_nothing():
    programme = load_demo()["programme"]
    participations = Participation.objects.filter(cohort__programme=programme)
    assert participations.count() == 6
    for participation in participations:
        entries = ProgressEntry.objects.filter(participation=participation, state="published")
        assert entries.count() >= 4
        years = {e.happened_on.year for e in entries}
        assert {2021, 2022, 2023, 2024} <= years
        assert ProgressPhoto.objects.filter(entry__participation=participation).count() == entries.count()
        indicators = Indicator.objects.filter(participation=participation).annotate(n=Count("measurements"))
        assert len(indicators) == 2 and all(i.n >= 8 for i in indicators)
        assert 3 <= PartnerInvolvement.objects.filter(participation=participation).count() <= 4
        accepted = StageGateOutput.objects.filter(participation=participation, state="accepted")
        assert accepted.count() >= 3
        assert all(o.participation.stage for o in accepted)
    assert all("(demo)" in p.organisation.name for p in PartnerInvolvement.objects.select_related("organisation"))
    first = counts()
    load_demo()
    assert counts() == first
