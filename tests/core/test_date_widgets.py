"""One date and one date-time widget for the whole platform, always ISO whatever the language (issue 15.1)."""

import inspect
from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

import accounts.forms
import audit.forms
import community.forms
import municipalities.forms
import notifications.forms
import programmes.forms
import workshops.forms
from circular_cities.dates import DateField, DateTimeField
from circular_cities.widgets import DateInput, DateTimeInput

FORM_MODULES = [accounts.forms, audit.forms, community.forms, municipalities.forms, notifications.forms,
                programmes.forms, workshops.forms]


@pytest.mark.parametrize("language", ["da", "en"])
def test_dates_render_as_iso_in_every_language(language):
    with translation.override(language):
        assert 'value="2024-01-24"' in DateInput().render("day", date(2024, 1, 24))
        assert 'type="date"' in DateInput().render("day", date(2024, 1, 24))
        html = DateTimeInput().render("at", datetime(2024, 1, 24, 9, 30))
        assert 'value="2024-01-24T09:30"' in html and 'type="datetime-local"' in html


def test_a_danish_form_shows_its_initial_date_as_iso():
    class Form(forms.Form):
        day = DateField()

    with translation.override("da"):
        assert 'value="2024-01-24"' in str(Form(initial={"day": date(2024, 1, 24)})["day"])
        assert Form({"day": "24.01.2024"}).is_valid()  # typed the Danish way still parses


def test_every_date_field_of_every_form_uses_the_platform_widget():
    checked = 0
    for module in FORM_MODULES:
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form_class, forms.BaseForm) or form_class.__module__ != module.__name__:
                continue
            for field_name, field in form_class.base_fields.items():
                where = f"{form_class.__module__}.{form_class.__name__}.{field_name}"
                if isinstance(field, forms.DateTimeField):
                    assert isinstance(field, DateTimeField) and isinstance(field.widget, DateTimeInput), where
                    checked += 1
                elif isinstance(field, forms.DateField):
                    assert isinstance(field, DateField) and isinstance(field.widget, DateInput), where
                    checked += 1
    assert checked >= 15


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_the_date_field_refuses_years_the_platform_cannot_handle(typed):
    with translation.override("da"):
        field = DateField()
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(typed)
    assert refused.value.messages == ["Angiv en dato mellem 01.01.2000 og 31.12.2099."]
    html = DateInput(attrs=DateField().widget_attrs(DateInput())).render("day", None)
    assert 'min="2000-01-01"' in html and 'max="2099-12-31"' in html


def test_the_date_time_field_refuses_year_9999_without_overflowing():
    field = DateTimeField()
    for typed in ("0001-01-01T00:30", "9999-12-31T23:59"):
        with pytest.raises(forms.ValidationError):
            field.clean(typed)
    assert field.clean("2030-03-31T10:00").year == 2030
