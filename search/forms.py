from django import forms
from django.utils.translation import gettext_lazy as _

from circular_cities.widgets import FastSelect

from .selectors import KINDS, MAX_QUERY


class SearchForm(forms.Form):
    """The words, and optionally one kind and one programme. Choices of programme are the ones the person sees."""

    q = forms.CharField(label=_("Search for"), max_length=MAX_QUERY, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=FastSelect,
                             choices=[("", _("Every kind"))] + [(k.key, k.label) for k in KINDS])
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None,
                                       widget=FastSelect)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Every programme"))] + list(programmes)
