"""Forms of the notification pages. They parse and show input; services validate again and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANDATORY_CATEGORIES, Category, Delivery, Frequency, Kind, ReminderRule


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PreferencesForm(forms.Form):
    """One group of radio buttons per category; the ones that cannot be switched off have no "off"."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category:
            choices = [(value, label) for value, label in Frequency.choices
                       if not (category in MANDATORY_CATEGORIES and value == Frequency.OFF)]
            # Not required: a category the posted page did not show yet (a page opened before a new category
            # came) keeps the person's current choice.
            self.fields[category.value] = forms.ChoiceField(
                label=category.label, choices=choices, widget=forms.RadioSelect, required=False,
                initial=initial_choices.get(category.value, Frequency.IMMEDIATELY),
                help_text=_("Cannot be switched off.") if category in MANDATORY_CATEGORIES else "",
            )

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not cleaned.get(name) and name not in self.errors:
                cleaned[name] = field.initial
        return cleaned


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["offset_days", "send_time", "enabled"]
        widgets = {"send_time": TimeInput(), "offset_days": forms.NumberInput(attrs={"min": 0, "max": 365})}


class RuleAddForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["kind", "offset_days", "send_time"]
        widgets = {"send_time": TimeInput(), "offset_days": forms.NumberInput(attrs={"min": 0, "max": 365})}
        help_texts = {"offset_days": _("Days before the date (after it, for escalations, minutes and stalled "
                                       "tests).")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "rule-new")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All"))] + list(Delivery.State.choices))
