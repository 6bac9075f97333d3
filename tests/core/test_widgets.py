"""The fast select writes what Django's template-rendered select writes, escaping included."""

import re

from django import forms

from circular_cities.widgets import FastSelect

CHOICES = [("", "Any"), ("a", "Aarhus & Co"), ("Region", [("b", "<Billund>"), ("c", "Céramique")])]


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_same_markup_as_djangos_select_with_a_selected_value_and_groups():
    for value in ("", "a", "b", None, "unknown"):
        expected = forms.Select(choices=CHOICES, attrs={"id": "id_x"}).render("x", value)
        fast = FastSelect(choices=CHOICES, attrs={"id": "id_x"}).render("x", value)
        assert _normalised(fast) == _normalised(expected)
    assert "&lt;Billund&gt;" in FastSelect(choices=CHOICES).render("x", "b")
    assert 'value="b" selected' in FastSelect(choices=CHOICES).render("x", "b")
