import importlib
import re
from collections import Counter

import pytest
from django.apps import apps as django_apps

from municipalities.data import DANISH_MUNICIPALITIES, EXPECTED_REGION_COUNTS
from municipalities.models import Municipality, Region

MIGRATION_MODULE = "municipalities.migrations.0002_load_danish_municipalities"


def danish():
    return Municipality.objects.filter(country="DK").exclude(code="")


def test_data_module_is_consistent():
    codes = [code for code, _name, _region in DANISH_MUNICIPALITIES]
    assert len(DANISH_MUNICIPALITIES) == 98
    assert len(set(codes)) == 98
    assert "411" not in codes  # Christiansø is not a municipality
    assert Counter(region for *_rest, region in DANISH_MUNICIPALITIES) == EXPECTED_REGION_COUNTS
    assert set(EXPECTED_REGION_COUNTS) == set(Region.values) - {Region.INTERNATIONAL}


@pytest.mark.django_db
def test_98_danish_municipalities_exist_after_migrations():
    assert danish().count() == 98


@pytest.mark.django_db
def test_codes_are_unique_and_three_digits():
    codes = list(danish().values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 98
    assert all(re.fullmatch(r"\d{3}", code) for code in codes)


@pytest.mark.django_db
def test_region_counts():
    counts = Counter(danish().values_list("region", flat=True))
    assert counts == {
        Region.HOVEDSTADEN: 29,
        Region.SJAELLAND: 17,
        Region.SYDDANMARK: 22,
        Region.MIDTJYLLAND: 19,
        Region.NORDJYLLAND: 11,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("101", "København", Region.HOVEDSTADEN),
        ("751", "Aarhus", Region.MIDTJYLLAND),
        ("851", "Aalborg", Region.NORDJYLLAND),
        ("461", "Odense", Region.SYDDANMARK),
        ("265", "Roskilde", Region.SJAELLAND),
        ("400", "Bornholm", Region.HOVEDSTADEN),
        ("169", "Høje-Taastrup", Region.HOVEDSTADEN),
        ("492", "Ærø", Region.SYDDANMARK),
    ],
)
def test_spot_checks(code, name, region):
    municipality = Municipality.objects.get(code=code)
    assert municipality.name == name
    assert municipality.region == region
    assert municipality.country == "DK"
    assert municipality.is_danish


@pytest.mark.django_db
def test_loading_twice_does_not_duplicate():
    migration = importlib.import_module(MIGRATION_MODULE)
    Municipality.objects.filter(code="101").update(name="Kobenhavn", region=Region.SJAELLAND)

    migration.load_municipalities(django_apps, None)
    migration.load_municipalities(django_apps, None)

    assert danish().count() == 98
    assert Municipality.objects.count() == 98
    copenhagen = Municipality.objects.get(code="101")
    assert copenhagen.name == "København"
    assert copenhagen.region == Region.HOVEDSTADEN
