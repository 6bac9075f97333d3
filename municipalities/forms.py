from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circular_cities.dates import DateField, programme_window
from circular_cities.text import LONG_TEXT, SHORT_TEXT
from programmes.models import LocalChallenge, Milestone

from .models import (
    MAX_PHOTOS_PER_ENTRY,
    REQUIRED_OUTPUTS,
    Indicator,
    Municipality,
    ProgressEntry,
    Sector,
    StageGateOutput,
)
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
    solution_model = forms.CharField(max_length=LONG_TEXT,
        label=_("Solution model being tested"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The circular solution model the municipality develops and tests."),
    )


class LocalChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_statement = forms.CharField(label=_("Problem statement"), max_length=LONG_TEXT,
                                        widget=forms.Textarea(attrs={"rows": 5}),
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


# --- Local tests ------------------------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field; each is checked by content in the service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            data = [item for item in data if item]
            if len(data) > MAX_PHOTOS_PER_ENTRY:  # before reading any of them
                raise forms.ValidationError(
                    _("An entry can have at most %(limit)d photos; you chose %(count)d.")
                    % {"limit": MAX_PHOTOS_PER_ENTRY, "count": len(data)}, code="too_many_photos")
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressEntryForm(forms.Form):
    happened_on = DateField(label=_("Date"),
                                  error_messages={"required": _("Give the date of what happened.")})
    what_happened = forms.CharField(label=_("What happened"), max_length=LONG_TEXT,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    error_messages={"required": _("Describe what happened.")})
    status = forms.ChoiceField(label=_("Status"), choices=ProgressEntry.Status.choices, widget=forms.RadioSelect,
                               initial=ProgressEntry.Status.ON_TRACK)
    learnings = forms.CharField(label=_("Learnings"), max_length=LONG_TEXT, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    blockers = forms.CharField(label=_("Blockers"), max_length=LONG_TEXT, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("Next steps"), max_length=LONG_TEXT, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultiplePhotoField(label=_("Photos"), required=False,
                                help_text=_("JPEG, PNG or WebP, up to 10 MB each and 10 per entry. Location data "
                                            "is removed."))
    milestones = forms.ModelMultipleChoiceField(label=_("Milestones"), queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    indicator = forms.ModelChoiceField(label=_("Indicator measured"), queryset=None, required=False,
                                       empty_label=_("No measurement"))
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=14, decimal_places=2)
    partner = forms.CharField(label=_("Partner organisation involved"), required=False, max_length=200,
                              help_text=_("Optional: an organisation that took part, e.g. a company or a school."))
    partner_sector = forms.ChoiceField(label=_("Partner's sector"), required=False,
                                       choices=[("", "---------")] + Sector.choices)
    partner_role = forms.CharField(label=_("Partner's role"), required=False, max_length=200)

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        earliest, latest = programme_window(participation.cohort.programme)
        self.fields["happened_on"].limit(earliest, min(latest, timezone.localdate()))
        self.fields["milestones"].queryset = Milestone.objects.filter(participation=participation).order_by("due_on")
        self.fields["indicator"].queryset = Indicator.objects.filter(participation=participation)
        if not self.fields["milestones"].queryset.exists():
            del self.fields["milestones"]
        if not self.fields["indicator"].queryset.exists():
            del self.fields["indicator"], self.fields["value"]

    def clean(self):
        data = super().clean()
        if data.get("indicator") and data.get("value") is None:
            self.add_error("value", _("Give the measured value."))
        if data.get("value") is not None and not data.get("indicator"):
            self.add_error("indicator", _("Choose the indicator the value belongs to."))
        if data.get("partner"):
            if not data.get("partner_sector"):
                self.add_error("partner_sector", _("Choose the partner's sector."))
            if not data.get("partner_role"):
                self.add_error("partner_role", _("Say what the partner did."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        measurements = [(data["indicator"], data["value"])] if data.get("indicator") else []
        return {"happened_on": data["happened_on"], "what_happened": data["what_happened"],
                "learnings": data["learnings"], "blockers": data["blockers"], "next_steps": data["next_steps"],
                "status": data["status"], "milestones": data.get("milestones") or [], "photos": data["photos"],
                "measurements": measurements,
                "partners": [(data["partner"], data["partner_sector"], data["partner_role"])] if data.get("partner")
                else []}

    @staticmethod
    def initial_from(entry) -> dict:
        if entry is None:
            return {"status": ProgressEntry.Status.ON_TRACK}
        return {"happened_on": entry.happened_on, "what_happened": entry.what_happened, "status": entry.status,
                "learnings": entry.learnings, "blockers": entry.blockers, "next_steps": entry.next_steps,
                "milestones": list(entry.milestones.all())}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                           error_messages={"required": _("Write a comment first.")})


class StageOutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("Output"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Summary"), max_length=LONG_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=200)

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, StageGateOutput.Kind(k).label) for k in REQUIRED_OUTPUTS[stage]]


class StageReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Send back"))])
    comment = forms.CharField(label=_("Comment"), max_length=SHORT_TEXT, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("E.g. tonnes, kg CO₂e, DKK, actors"))
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=2)
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)


class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    measured_on = DateField(label=_("Date"))
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(participation=participation)
        earliest, latest = programme_window(participation.cohort.programme, timedelta(0))
        self.fields["measured_on"].limit(earliest, min(latest, timezone.localdate()))


class WithdrawEntryForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the entry withdrawn?"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a published entry. The reason is kept in the history."),
        error_messages={"max_length": _("Keep the reason under 500 characters.")})


class MeasurementEditForm(forms.Form):
    measured_on = DateField(label=_("Date"), error_messages={"required": _("Give the date of the measurement.")})
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, localize=True,
                               error_messages={"required": _("Give the measured value.")})  # "14,5" in Danish



class PartnerForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=200,
                                   help_text=_("An existing organisation is reused; a new name is created."))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    role = forms.CharField(label=_("Role in the test"), max_length=200)
    starts_on = DateField(label=_("From"))
    ends_on = DateField(label=_("To"), required=False)


class AdvisorySessionForm(forms.Form):
    held_on = DateField(label=_("Date"))
    attendees = forms.CharField(label=_("Attendees"), max_length=SHORT_TEXT, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    topics = forms.CharField(label=_("Topics"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    advice = forms.CharField(label=_("Advice"), max_length=LONG_TEXT, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AgreedActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("No owner"),
        error_messages={"invalid_choice": _("Choose the owner from the municipality's team or its innovation "
                                            "advisor.")})
    due_on = DateField(label=_("Due"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
