from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from circular_cities.dates import DateField, DateTimeField
from circular_cities.text import LONG_TEXT, SHORT_TEXT
from municipalities.models import Municipality
from municipalities.sdgs import SDG_CHOICES
from programmes.models import Cohort, LocalChallenge

from .models import SCORE_MAX, SCORE_MIN, Application, Question


def _text(label, *, required=True, rows=4, max_length=LONG_TEXT, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class CallForm(forms.Form):
    title_da = forms.CharField(label=_("Title (Danish)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(),
                                    help_text=_("Accepted municipalities join this cohort."))
    text_da = _text(_("Text (Danish)"), rows=6)
    text_en = _text(_("Text (English)"), rows=6, required=False)
    eligibility_da = _text(_("Who may apply (Danish)"), rows=2, max_length=SHORT_TEXT)
    eligibility_en = _text(_("Who may apply (English)"), rows=2, max_length=SHORT_TEXT, required=False)
    opens_at = DateTimeField(label=_("Opens"), help_text=_("Copenhagen time"))
    deadline = DateTimeField(label=_("Deadline"), help_text=_("Copenhagen time"))
    assessment_ends_on = DateField(label=_("Assessment ends"), required=False)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=6)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=programme)


class CriterionForm(forms.Form):
    name_da = forms.CharField(label=_("Criterion (Danish)"), max_length=200)
    name_en = forms.CharField(label=_("Criterion (English)"), max_length=200, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    label_da = forms.CharField(label=_("Question (Danish)"), max_length=300)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    choices_da = _text(_("Choices (Danish), one per line"), rows=3, max_length=SHORT_TEXT, required=False)
    choices_en = _text(_("Choices (English), one per line"), rows=3, max_length=SHORT_TEXT, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)


class ApplyForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"),
                                          queryset=Municipality.objects.filter(country="DK").order_by("name"))
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your work e-mail"))


class ApplicationForm(forms.Form):
    """The built-in fields (contact, local challenge) and the call's own questions (``q<id>``)."""

    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_department = forms.CharField(label=_("Department"), max_length=150)
    challenge_title = forms.CharField(label=_("Title of the local challenge"), max_length=200)
    problem_statement = _text(_("Problem statement"), rows=5,
                              help_text=_("What is the problem, for whom, and why does it matter?"))
    material_stream = forms.ChoiceField(label=_("Material stream"),
                                        choices=[("", "---------")] + LocalChallenge.MaterialStream.choices)
    strategy = forms.ChoiceField(label=_("Circular strategy on the R-ladder"),
                                 choices=[("", "---------")] + LocalChallenge.Strategy.choices)
    sdgs = forms.TypedMultipleChoiceField(label=_("UN Sustainable Development Goals"), choices=SDG_CHOICES,
                                          coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.kind != Question.Kind.FILE]
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question)
        # A draft may be incomplete: the service says what a submission still needs.
        for field in self.fields.values():
            field.required = False

    @staticmethod
    def _field(question):
        label = question.label
        if question.kind == Question.Kind.SHORT_TEXT:
            return forms.CharField(label=label, max_length=200)
        if question.kind == Question.Kind.LONG_TEXT:
            return _text(label, rows=4)
        if question.kind == Question.Kind.NUMBER:
            return forms.DecimalField(label=label, max_digits=14, decimal_places=2)
        if question.kind == Question.Kind.YES_NO:
            return forms.ChoiceField(label=label, choices=[("", "---------"), ("yes", _("Yes")), ("no", _("No"))])
        return forms.ChoiceField(label=label, choices=[("", "---------"), *question.choice_list()])

    @staticmethod
    def initial_from(application: Application) -> dict:
        initial = {name: getattr(application, name) for name in (
            "contact_name", "contact_department", "challenge_title", "problem_statement", "material_stream",
            "strategy", "sdgs")}
        for key, value in application.answers.items():
            initial[f"q{key}"] = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
        return initial

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (
            "contact_name", "contact_department", "challenge_title", "problem_statement", "material_stream",
            "strategy", "sdgs")}
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            answers[str(question.pk)] = str(value) if value is not None and not isinstance(value, str) else value
        data["answers"] = answers
        return data


class UploadForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class InviteEditorForm(forms.Form):
    name = forms.CharField(label=_("Colleague's name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Colleague's e-mail"))


class ReviewerForm(forms.Form):
    """Pick one of the programme's facilitators."""

    user = forms.ModelChoiceField(label=_("Facilitator"), queryset=None,
                                  help_text=_("Facilitators of the programme who do not review the call yet."))

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import facilitators_to_add

        self.fields["user"].queryset = facilitators_to_add(call)


class ReviewerInviteForm(forms.Form):
    """Invite an external reviewer by name and e-mail."""

    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"),
                             help_text=_("If the person already has an account, they are added and told by "
                                         "e-mail; otherwise the invitation creates their account."))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = settings.LANGUAGE_CODE  # the platform's default, read when shown


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = call.reviewers.select_related("user")


class ReviewForm(forms.Form):
    conflict_of_interest = forms.BooleanField(
        label=_("I have a conflict of interest and do not score this application"), required=False)
    comment = _text(_("Overall comment"), rows=3, max_length=SHORT_TEXT, required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [("", "---------")] + [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)s): score 0–5") % {
                    "criterion": criterion.name, "weight": criterion.weight},
                choices=choices, coerce=int, empty_value=None, required=False)
            self.fields[f"comment_{criterion.pk}"] = _text(
                _("Comment on %(criterion)s") % {"criterion": criterion.name}, rows=2, max_length=SHORT_TEXT,
                required=False)

    def scores(self) -> dict:
        return {c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
                for c in self.criteria}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Application.Decision.ACCEPTED, _("Accept")), (Application.Decision.WAITLISTED, _("Wait-list")),
        (Application.Decision.DECLINED, _("Decline"))], widget=forms.RadioSelect)
    message = _text(_("Message to the applicant"), rows=3, max_length=SHORT_TEXT, required=False)
