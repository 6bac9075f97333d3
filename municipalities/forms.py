from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import LocalChallenge

from .models import Municipality
from .sdgs import SDG_CHOICES


class MunicipalitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or official code"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("E.g. “Roskilde” or “265”."),
    )


class EnrolForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), widget=forms.HiddenInput,
        error_messages={"required": _("Choose a municipality to enrol."),
                        "invalid_choice": _("That municipality does not exist. Search again and choose one.")},
    )


class ParticipationForm(forms.Form):
    action_plan_url = forms.URLField(
        label=_("Local action plan (link)"), required=False, assume_scheme="https", max_length=200,
        help_text=_("A link to the municipality's action plan, e.g. on its website."),
        error_messages={"invalid": _("Enter a full web address, e.g. https://www.kommune.dk/handleplan.")},
    )
    solution_model = forms.CharField(
        label=_("Solution model being tested"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The circular solution model the municipality develops and tests."),
    )


class LocalChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_statement = forms.CharField(label=_("Problem statement"), widget=forms.Textarea(attrs={"rows": 5}),
                                        help_text=_("What is the problem, for whom, and why does it matter?"))
    material_stream = forms.ChoiceField(label=_("Material stream"),
                                        choices=[("", "---------")] + LocalChallenge.MaterialStream.choices)
    strategy = forms.ChoiceField(
        label=_("Circular strategy on the R-ladder"), choices=LocalChallenge.Strategy.choices,
        widget=forms.RadioSelect, help_text=_("From R0 Refuse (most circular) to R9 Recover (least circular)."),
        error_messages={"required": _("Choose one strategy on the R-ladder (R0–R9).")},
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=_("UN Sustainable Development Goals"), choices=SDG_CHOICES, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("SDGs are numbered 1 to 17.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material_stream"].error_messages["required"] = _("Choose the material stream.")
        self.fields["title"].error_messages["required"] = _("Give the challenge a short title.")
        self.fields["problem_statement"].error_messages["required"] = _("Describe the problem.")

    @staticmethod
    def initial_from(challenge) -> dict:
        if challenge is None:
            return {}
        return {"title": challenge.title, "problem_statement": challenge.problem_statement,
                "material_stream": challenge.material_stream, "strategy": challenge.strategy,
                "sdgs": challenge.sdgs}


class AdvisorForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Innovation advisor"), queryset=None, required=False, empty_label=_("No advisor"),
        help_text=_("Only people in the programme's advisor pool can be chosen. Invite new advisors first."),
        error_messages={"invalid_choice": _(
            "This person is not in the programme's advisor pool. Choose one of the innovation advisors listed.")},
    )

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = pool
        self.fields["advisor"].label_from_instance = lambda user: f"{user.full_name or user.email} ({user.email})"
