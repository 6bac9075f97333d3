"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A select that writes its options in Python instead of one template per option: the same HTML as
    Django's ``select.html`` / ``select_option.html``, at a fraction of the cost for long lists (every
    municipality or person of a national programme, the filter bars of the national lists)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(format_html('\n  <option value="{}"{}>{}</option>', str(option["value"]),
                                     flatatt(option["attrs"]), option["label"]) for option in options)
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))  # noqa: S308 (a constant)
        parts.append(mark_safe("\n</select>"))  # noqa: S308 (a constant)
        return mark_safe("".join(parts))  # noqa: S308 (every part is escaped by format_html)


ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """``<input type="date">`` whose value is always ISO (2024-01-24), whatever the language.

    A browser's date input accepts only ISO values; Django's own DateInput writes the active locale's format
    (24.01.2024 in Danish), which the browser drops, so an edit form showed an empty date. The field still
    parses the localised formats too (Django adds the ISO ones to every language's input formats)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with an ISO value (2024-01-24T09:30) in the current time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)
