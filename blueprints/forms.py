"""Forms of the copy and template screens. They parse and show input; the services validate again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from circular_cities.dates import DateField
from circular_cities.text import SINGLE_LINE
from programmes.models import Programme
from programmes.services import RESERVED_SLUGS


class CopyForm(forms.Form):
    name_da = forms.CharField(label=_("Name (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, validators=SINGLE_LINE, required=False)
    slug = forms.SlugField(
        label=_("Short name in links"), max_length=80, required=False,
        help_text=_("Letters, digits and hyphens, e.g. circular-cities-2. Leave empty to make one from the name."))
    starts_on = DateField(label=_("New start"), help_text=_(
        "Every date of the programme moves by the same number of days as its start."))

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved. Choose another."))
        if slug and Programme.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another programme already uses this short name. Choose another."))
        return slug

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name_da", "name_en", "slug", "starts_on")}


class TemplateForm(forms.Form):
    name_da = forms.CharField(label=_("Template name (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = forms.CharField(label=_("Template name (English)"), max_length=200, validators=SINGLE_LINE,
                              required=False)
