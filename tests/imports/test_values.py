from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from imports.values import parse_amount, parse_date, parse_language


@pytest.mark.parametrize("text, expected", [
    ("15.03.2022", date(2022, 3, 15)), ("5.3.2022", date(2022, 3, 5)), ("15-03-2022", date(2022, 3, 15)),
    ("15/03/2022", date(2022, 3, 15)), ("2022-03-15", date(2022, 3, 15)), ("2022-03-15 00:00:00", date(2022, 3, 15)),
    (" 01.01.2024 ", date(2024, 1, 1)),
])
def test_danish_and_iso_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["03/15/2022", "15.03.22", "marts 2022", "31.02.2022", "2022-13-01", ""])
def test_other_dates_are_refused_with_a_message(text):
    with pytest.raises(ValidationError) as caught:
        parse_date(text)
    assert caught.value.messages[0]


@pytest.mark.parametrize("text, expected", [
    ("1.234,50", Decimal("1234.50")), ("1234,5", Decimal("1234.5")), ("1234.50", Decimal("1234.50")),
    ("1.234", Decimal("1234")), ("1.234.567", Decimal("1234567")), ("1,234.50", Decimal("1234.50")),
    ("1 234,50 kr.", Decimal("1234.50")), ("DKK 12.500", Decimal("12500")), ("0,5", Decimal("0.5")),
    ("-250,00", Decimal("-250.00")), ("1.5", Decimal("1.5")), ("12500", Decimal("12500")),
])
def test_danish_and_plain_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["tolv", "1,2,3", "", "kr.", "12a"])
def test_other_amounts_are_refused(text):
    with pytest.raises(ValidationError):
        parse_amount(text)


def test_language_names_in_both_languages():
    assert [parse_language(t) for t in ("da", "Dansk", "English", "EN", "engelsk")] == ["da", "da", "en", "en", "en"]
    with pytest.raises(ValidationError):
        parse_language("svensk")
