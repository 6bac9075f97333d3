"""Forms of the facilitator screens. They parse and show input; services validate again and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circular_cities.dates import DateField
from circular_cities.widgets import DateInput, FastSelect

from .models import (
    BudgetLine,
    Cohort,
    Milestone,
    Organisation,
    Participation,
    Phase,
    Programme,
    ProgrammeOrganisation,
    Spending,
)
from .selectors import programme_people


class MoneyInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"step": "0.01", "inputmode": "decimal", **(attrs or {})})


class ProgrammeForm(forms.ModelForm):
    slug = forms.SlugField(
        label=_("Short name in links"), max_length=80, required=False,
        help_text=_("Letters, digits and hyphens, e.g. circular-cities. Leave empty to make one from the name."),
    )
    funders = forms.ModelMultipleChoiceField(
        label=_("Funders"), queryset=Organisation.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitating organisations"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Organisation.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)

    PARTS = {"funders": ProgrammeOrganisation.Part.FUNDER, "facilitators": ProgrammeOrganisation.Part.FACILITATOR,
             "partners": ProgrammeOrganisation.Part.PARTNER}

    class Meta:
        model = Programme
        fields = ["name_da", "name_en", "description_da", "description_en", "starts_on", "ends_on", "status",
                  "budget_dkk", "publication_review"]
        field_classes = {"starts_on": DateField, "ends_on": DateField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "budget_dkk": MoneyInput(),
                   "description_da": forms.Textarea(attrs={"rows": 4}),
                   "description_en": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"budget_dkk": {"min_value": _("The budget cannot be negative.")}}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]  # links to the programme keep working
        # Order: the slug right after the names, the organisations last.
        if "slug" in self.fields:
            order = ["name_da", "name_en", "slug"]
            self.order_fields(order + [f for f in self.fields if f not in order])
        everyone = Organisation.objects.order_by("name")
        for name, part in self.PARTS.items():
            self.fields[name].queryset = everyone
            if organisations is not None:
                self.fields[name].initial = [o.pk for o in organisations.get(part, [])]
        self.fields["partners"].help_text = _("Missing an organisation? An administrator adds it under "
                                              "Administration › Organisations.")

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["organisations"] = {part: list(self.cleaned_data[name]) for name, part in self.PARTS.items()}
        if "slug" in self.fields:
            data["slug"] = self.cleaned_data["slug"]
        return data


class ObjectiveForm(forms.Form):
    text_da = forms.CharField(label=_("Objective (Danish)"), max_length=300, required=False)
    text_en = forms.CharField(label=_("Objective (English)"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text_en") and not cleaned.get("text_da"):
            self.add_error("text_da", _("Write the objective in Danish too."))
        return cleaned


ObjectiveFormSet = forms.formset_factory(ObjectiveForm, extra=2, max_num=20)


def objectives_initial(programme) -> list[dict]:
    return [{"text_da": o.text_da, "text_en": o.text_en} for o in programme.objectives.all()]


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on"]
        field_classes = {"starts_on": DateField, "ends_on": DateField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name_da", "name_en", "starts_on", "ends_on"]
        field_classes = {"starts_on": DateField, "ends_on": DateField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title_da", "title_en", "participation", "phase", "owner", "due_on", "status", "description"]
        field_classes = {"due_on": DateField}
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2}),
                   "participation": FastSelect, "phase": FastSelect, "owner": FastSelect, "status": FastSelect}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        participations = Participation.objects.filter(cohort__programme=programme).select_related(
            "municipality", "cohort").order_by("municipality__name")
        several_cohorts = programme.cohorts.count() > 1
        field = self.fields["participation"]
        field.queryset = participations
        field.empty_label = pgettext_lazy("milestone scope", "Whole programme")
        field.label_from_instance = (
            (lambda p: f"{p.municipality} ({p.cohort})") if several_cohorts else (lambda p: str(p.municipality)))
        self.fields["phase"].queryset = Phase.objects.filter(programme=programme).order_by("order", "starts_on")
        # The columns the option labels need (User.__str__), not every column of hundreds of people.
        self.fields["owner"].queryset = programme_people(programme=programme).only("full_name", "email",
                                                                                    "erased_at")
        self.fields["owner"].help_text = _("Someone with a role in this programme.")


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["code", "name_da", "name_en", "allocated_dkk"]
        widgets = {"allocated_dkk": MoneyInput()}
        error_messages = {"allocated_dkk": {"min_value": _("An allocation cannot be negative.")}}


class SpendingForm(forms.ModelForm):
    class Meta:
        model = Spending
        fields = ["budget_line", "spent_on", "amount_dkk", "description"]
        field_classes = {"spent_on": DateField}
        widgets = {"spent_on": DateInput(), "amount_dkk": MoneyInput()}
        labels = {"budget_line": _("Work package")}
        error_messages = {"amount_dkk": {"min_value": _("The amount must be more than 0 DKK.")}}

    budget_line = forms.ModelChoiceField(label=_("Work package"), queryset=BudgetLine.objects.none())

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(programme=programme).order_by("order", "code")


class ProgrammeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Programme.Status.choices])


class MilestoneFilterForm(forms.Form):
    where = forms.ChoiceField(label=_("Whose"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Milestone.Status.choices])

    def __init__(self, *args, participations, **kwargs):
        """``participations``: (pk, municipality name) pairs, in the order they are offered."""
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = [
            ("", _("All milestones")), ("programme", pgettext_lazy("milestone scope", "Whole programme")),
            *[(str(pk), name) for pk, name in participations],
        ]


class CohortDashboardFilterForm(forms.Form):
    """The cohort dashboard's filters, read from the query string so a filtered view can be bookmarked."""

    cohort = forms.TypedChoiceField(label=_("Cohort"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All statuses")), ("green", _("On track")), ("amber", _("Watch")), ("red", _("Needs attention"))])

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", _("All cohorts")), *[(str(c.pk), c.name) for c in cohorts]]
