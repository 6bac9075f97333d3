"""Dates, values and text a local test cannot take are refused with a clear Danish message and nothing stored
(issues 14.3, 14.7 and 15.11)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from circular_cities.text import LONG_TEXT
from municipalities import services
from municipalities.models import MAX_PHOTOS_PER_ENTRY, Measurement, ProgressEntry, ProgressPhoto
from municipalities.selectors import indicator_chart
from tests.municipalities.factories_local import IndicatorFactory, MeasurementFactory, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, world):
    client.cookies["django_language"] = "da"
    client.force_login(world.a.users["staff"])
    return client


def _entry_post(**overrides):
    return {"happened_on": "2022-05-01", "what_happened": "Workshop med vaskeriet", "status": "on_track",
            **overrides}


# --- Progress entries: dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2019-01-01", "2026-01-01"])
def test_a_progress_entry_far_outside_the_programme_is_refused_in_danish(staff_client, world, day):
    # The programme runs 31.08.2021 – 29.02.2024; a year either side is accepted.
    response = staff_client.post(reverse("municipalities:progress-create", args=[world.a.participation.pk]),
                                 _entry_post(happened_on=day))
    assert response.status_code == 200
    assert "Angiv en dato mellem" in response.text
    assert not ProgressEntry.objects.exists()


def test_a_year_around_the_programme_is_accepted(world):
    for day in (date(2020, 9, 1), date(2025, 2, 28)):
        services.progress_entry_save(participation=world.a.participation, by=None, happened_on=day,
                                     what_happened="Forberedelse og forankring")
    assert ProgressEntry.objects.count() == 2


def test_a_progress_entry_in_the_future_is_refused_by_the_service(world):
    programme = world.a.programme
    programme.ends_on = timezone.localdate() + timedelta(days=400)
    programme.save()
    with pytest.raises(ValidationError) as refused:
        services.progress_entry_save(participation=world.a.participation, by=None,
                                     happened_on=timezone.localdate() + timedelta(days=3), what_happened="Senere")
    assert "happened_on" in refused.value.error_dict
    assert not ProgressEntry.objects.exists()


# --- Measurements ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "message"), [
    ("2021-08-30", "Angiv en dato mellem 31.08.2021 og 29.02.2024."),  # the day before the programme
    ("2024-03-01", "Angiv en dato mellem 31.08.2021 og 29.02.2024."),  # the day after it
    ("0001-01-01", "Angiv en dato mellem"),
])
def test_a_measurement_outside_the_programme_period_is_refused(staff_client, world, day, message):
    indicator = IndicatorFactory(participation=world.a.participation)
    response = staff_client.post(reverse("municipalities:indicators", args=[world.a.participation.pk]),
                                 {"action": "measurement", "indicator": indicator.pk, "measured_on": day,
                                  "value": "3"})
    assert response.status_code == 200
    assert message in response.text
    assert not Measurement.objects.exists()


def test_the_date_pickers_offer_only_the_dates_the_programme_takes(staff_client, world):
    pk = world.a.participation.pk
    IndicatorFactory(participation=world.a.participation)
    measurement = staff_client.get(reverse("municipalities:indicators", args=[pk])).text
    assert 'min="2021-08-31"' in measurement and 'max="2024-02-29"' in measurement
    entry = staff_client.get(reverse("municipalities:progress-create", args=[pk])).text
    assert 'min="2020-08-30"' in entry and 'max="2025-03-01"' in entry


def test_a_measurement_in_the_future_is_refused(world):
    programme = world.a.programme
    programme.ends_on = timezone.localdate() + timedelta(days=400)
    programme.save()
    indicator = IndicatorFactory(participation=world.a.participation)
    with pytest.raises(ValidationError) as refused:
        services.measurement_add(indicator=indicator, measured_on=timezone.localdate() + timedelta(days=1),
                                 value=3)
    assert refused.value.message_dict["measured_on"] == ["The date cannot be in the future."]
    services.measurement_add(indicator=indicator, measured_on=timezone.localdate(), value=3)
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("unit", ["tons", "kg", "antal", "stk", "aktører"])
def test_a_negative_amount_or_count_is_refused(staff_client, world, unit):
    indicator = IndicatorFactory(participation=world.a.participation, unit=unit)
    response = staff_client.post(reverse("municipalities:indicators", args=[world.a.participation.pk]),
                                 {"action": "measurement", "indicator": indicator.pk, "measured_on": "2022-02-01",
                                  "value": "-4"})
    assert response.status_code == 200
    assert f"En værdi i {unit} kan ikke være negativ." in response.text
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("unit", ["DKK", "kg CO₂e", "tons CO2e"])
def test_money_and_net_emissions_may_be_negative(world, unit):
    indicator = IndicatorFactory(participation=world.a.participation, unit=unit, baseline=-5)
    services.measurement_add(indicator=indicator, measured_on=date(2022, 2, 1), value=-4)
    assert Measurement.objects.get().value == -4


def test_an_indicator_in_tonnes_cannot_start_below_zero(world):
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(participation=world.a.participation, name="Genbrugt", unit="tonnes",
                                  baseline=-1, target=10)
    assert "baseline" in refused.value.error_dict


def test_a_baseline_of_zero_shows_as_zero(staff_client, world):
    IndicatorFactory(participation=world.a.participation, baseline=0, target=0)
    page = staff_client.get(reverse("municipalities:indicators", args=[world.a.participation.pk])).text
    assert "Udgangspunkt: 0 · Mål: 0" in page


@pytest.mark.parametrize(("values", "ticks"), [
    ([12, 37, 83.7], ["0", "25", "50", "75", "100"]),
    ([3.3, 7.1], ["0", "2", "4", "6", "8"]),
    ([1200, 19_500], ["0", "5.000", "10.000", "15.000", "20.000"]),
    ([0.1, 0.7], ["0,0", "0,2", "0,4", "0,6", "0,8"]),
])
def test_axis_ticks_are_round_numbers(world, values, ticks):
    from django.utils import translation

    indicator = IndicatorFactory(participation=world.a.participation, baseline=None, target=None)
    for n, value in enumerate(values):
        MeasurementFactory(indicator=indicator, measured_on=date(2022, 3 + n, 1), value=value)
    with translation.override("da"):
        chart = indicator_chart(indicator)
    assert [tick["label"] for tick in chart["ticks"]] == ticks
    assert chart["ticks"][0]["y"] == chart["bottom"]  # the lowest tick sits on the axis


# --- Text and photos -------------------------------------------------------------------------------------

def test_a_one_megabyte_progress_entry_is_refused_with_a_danish_message(staff_client, world):
    response = staff_client.post(reverse("municipalities:progress-create", args=[world.a.participation.pk]),
                                 _entry_post(what_happened="x" * 1_000_000))
    assert response.status_code == 200
    assert f"Denne værdi må højst have {LONG_TEXT} tegn (den har 1000000)." in response.text
    assert not ProgressEntry.objects.exists()


def test_the_service_refuses_oversize_text_too(world):
    with pytest.raises(ValidationError) as refused:
        services.progress_entry_save(participation=world.a.participation, by=None, happened_on=date(2022, 5, 1),
                                     what_happened="Kort", learnings="y" * (LONG_TEXT + 1))
    assert "learnings" in refused.value.error_dict
    assert not ProgressEntry.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.advisory_session_log(participation=world.a.participation, advisor=None, held_on=date(2022, 3, 1),
                                      topics="z" * (LONG_TEXT + 1))
    assert "topics" in refused.value.error_dict


def test_the_text_fields_tell_the_browser_their_limit(staff_client, world):
    page = staff_client.get(reverse("municipalities:progress-create", args=[world.a.participation.pk])).text
    assert f'maxlength="{LONG_TEXT}"' in page


@pytest.mark.parametrize(("title", "message"), [
    ("Indsigter\r\nog mere", "Skriv det på én linje, uden linjeskift."),
    ("\u200b\u200b \u00a0", "Skriv noget, der kan læses"),
])
def test_titles_are_one_visible_line(staff_client, world, title, message):
    response = staff_client.post(reverse("municipalities:stages", args=[world.a.participation.pk]),
                                 {"kind": "insights", "title": title, "body": "Noter"})
    assert response.status_code == 200
    assert message in response.text
    assert not world.a.participation.stage_outputs.exists()


def test_at_most_ten_photos_per_entry(staff_client, world):
    url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    photos = [photo_upload(name=f"p{n}.jpg") for n in range(MAX_PHOTOS_PER_ENTRY + 1)]
    response = staff_client.post(url, _entry_post(photos=photos))
    assert response.status_code == 200
    assert "Et indlæg kan højst have 10 fotos; du valgte 11." in response.text
    assert not ProgressEntry.objects.exists() and not ProgressPhoto.objects.exists()


def test_photos_added_later_count_with_those_already_there(world):
    entry = services.progress_entry_save(participation=world.a.participation, by=None, happened_on=date(2022, 5, 1),
                                         what_happened="Start", photos=[photo_upload() for _ in range(8)])
    with pytest.raises(ValidationError) as refused:
        services.progress_entry_save(participation=world.a.participation, by=None, entry=entry,
                                     happened_on=date(2022, 5, 1), what_happened="Start",
                                     photos=[photo_upload() for _ in range(3)])
    assert "add at most 2 more" in " ".join(refused.value.message_dict["photos"])
    assert entry.photos.count() == 8
