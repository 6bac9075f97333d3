from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circular_cities.dates import DateField

from .selectors import ACTION_CODES, ACTIONS, KINDS, auditable_programmes


class AuditFilterForm(forms.Form):
    """The audit list's filters, read from the query string so that a filtered list can be bookmarked."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False,
                                       empty_label=_("All programmes"))
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    person = forms.CharField(label=_("Changed by (name or e-mail)"), required=False, max_length=150)
    action = forms.ChoiceField(label=pgettext_lazy("audit", "Action"), required=False)
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = auditable_programmes(user=user)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(k, label) for k, (_m, label, _p) in KINDS.items()]
        self.fields["action"].choices = [("", _("All actions"))] + [
            (name, ACTIONS[code]) for name, code in ACTION_CODES.items()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (the form shows why)."""
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if value not in (None, "") and name not in self.errors}
