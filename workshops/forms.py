"""Forms of the meeting screens. They parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from circular_cities.dates import DateField, DateTimeField
from circular_cities.text import DOCUMENT, LONG_TEXT
from circular_cities.uploads import MAX_DOCUMENT_BYTES, accepted_types_text

from .models import Meeting, MeetingInvitation, SkillAssessment


def _local_datetime(label, help_text=""):
    return DateTimeField(label=label, help_text=help_text)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    audience = forms.ChoiceField(label=_("For"), help_text=_("Who the meeting is for. Invitations come next."))
    title_da = forms.CharField(label=_("Title (Danish)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False,
                               help_text=_("Leave empty to show the Danish title in English too."))
    description_da = forms.CharField(label=_("Description (Danish)"), max_length=LONG_TEXT, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    description_en = forms.CharField(label=_("Description (English)"), max_length=LONG_TEXT, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = _local_datetime(_("Starts"), _("Copenhagen time."))
    ends_at = _local_datetime(_("Ends"), _("Copenhagen time."))
    place = forms.CharField(label=_("Place"), max_length=250, required=False, help_text=_("Address or room."))
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https",
                                help_text=_("Link to the video meeting, if any."))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1,
                                  help_text=_("How many people can take part. Leave empty for no limit."))

    def __init__(self, *args, cohorts, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = {f"cohort-{c.pk}": c for c in cohorts}
        self.participations = {f"participation-{p.pk}": p for p in participations}
        several = len(cohorts) > 1
        self.fields["audience"].choices = [
            ("programme", _("The whole programme")),
            (_("A cohort"), [(key, str(c)) for key, c in self.cohorts.items()]),
            (_("One municipality"), [
                (key, f"{p.municipality} ({p.cohort})" if several else str(p.municipality))
                for key, p in self.participations.items()]),
        ]

    @staticmethod
    def initial_from(meeting: Meeting) -> dict:
        if meeting.participation_id:
            audience = f"participation-{meeting.participation_id}"
        elif meeting.cohort_id:
            audience = f"cohort-{meeting.cohort_id}"
        else:
            audience = "programme"
        return {"audience": audience, **{name: getattr(meeting, name) for name in (
            "kind", "title_da", "title_en", "description_da", "description_en", "starts_at", "ends_at", "place",
            "online_url", "capacity")}}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return cleaned

    def meeting_fields(self) -> dict:
        data = dict(self.cleaned_data)
        audience = data.pop("audience")
        data["cohort"] = self.cohorts.get(audience)
        data["participation"] = self.participations.get(audience)
        for name in ("title_en", "description_da", "description_en", "place", "online_url"):
            data[name] = data.get(name) or ""
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=1, max_value=24 * 60)
    presenter = forms.CharField(label=_("Presenter"), max_length=150, required=False)
    decision_needed = forms.BooleanField(label=_("Decision needed"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and (cleaned.get("duration_minutes") or cleaned.get("presenter")
                                         or cleaned.get("decision_needed")):
            self.add_error("title", _("Give the agenda item a title."))
        return cleaned


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=3, max_num=40)


def agenda_initial(meeting: Meeting) -> list[dict]:
    return [{"title": item.title, "duration_minutes": item.duration_minutes, "presenter": item.presenter,
             "decision_needed": item.decision_needed}
            for item in meeting.agenda_items.all()]


def agenda_items(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the invitees)"), max_length=300, required=False)


class InviteForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("By role"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in Role if r != Role.ADMIN],
        help_text=_("Everybody with the role in the programme; municipal staff of the municipalities the meeting "
                    "is for."))
    participations = forms.ModelMultipleChoiceField(
        label=_("By municipality"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The municipality's team and its innovation advisor."))
    cohorts = forms.ModelMultipleChoiceField(
        label=_("By cohort"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The teams and advisors of every municipality in the cohort."))
    people = forms.ModelMultipleChoiceField(
        label=_("By person"), required=False, queryset=None, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Anybody with a role in the programme. Hold Ctrl (or ⌘) to choose several."))

    def __init__(self, *args, cohorts, participations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohorts"].queryset = cohorts
        self.fields["participations"].queryset = participations
        self.fields["participations"].label_from_instance = lambda p: str(p.municipality)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda u: f"{u.full_name or u.email} <{u.email}>"

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("roles", "participations", "cohorts", "people")):
            raise forms.ValidationError(_("Choose whom to invite: a role, a municipality, a cohort or a person."))
        return cleaned


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Will you come?"), widget=forms.RadioSelect,
        choices=[(r.value, r.label) for r in MeetingInvitation.Response if r != MeetingInvitation.Response.PENDING],
        error_messages={"required": _("Answer yes, no or maybe."), "invalid_choice": _("Answer yes, no or maybe.")})


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(label=_("Invited people who came"), required=False, queryset=None,
                                              widget=forms.CheckboxSelectMultiple, to_field_name="user_id")
    walk_ins = forms.ModelMultipleChoiceField(
        label=_("People who came without an invitation"), required=False, queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."))

    def __init__(self, *args, invitations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = invitations
        self.fields["attended"].label_from_instance = self._label
        self.fields["walk_ins"].queryset = people
        self.fields["walk_ins"].label_from_instance = lambda u: f"{u.full_name or u.email} <{u.email}>"

    @staticmethod
    def _label(invitation):
        where = " · ".join(str(x) for x in (invitation.municipality, invitation.department) if x)
        answer = invitation.get_response_display()
        return f"{invitation.user}{' — ' + where if where else ''} ({answer})"


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=DOCUMENT, required=False,
                              widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("What was presented and discussed. Plain text; blank lines make "
                                          "paragraphs."))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write the decision.")})


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action item"), max_length=200,
                           error_messages={"required": _("Write what is to be done.")})
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_on = DateField(label=_("Due"),
                             error_messages={"required": _("Give the day the action is due.")})
    make_milestone = forms.BooleanField(label=_("Also make it a milestone of the programme"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the file name."))
    file = forms.FileField(label=_("File"), help_text=accepted_types_text,
                           error_messages={"required": _("Choose a file.")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Meeting.Kind.choices])
    when = forms.ChoiceField(label=_("When"), required=False, choices=[
        ("", _("All meetings")), ("upcoming", _("Upcoming")), ("past", _("Past"))])


class MonthForm(forms.Form):
    month = DateField(required=False, input_formats=["%Y-%m"])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Meeting.Kind.choices])


class SkillAssessmentForm(forms.Form):
    stage = forms.ChoiceField(label=_("When are you answering?"), widget=forms.RadioSelect,
                              choices=SkillAssessment.Stage.choices)
    systems_thinking = forms.TypedChoiceField(
        label=_("Systems thinking: seeing our challenge as a system of actors, flows and feedback loops, and "
                "finding where to act"),
        coerce=int, widget=forms.RadioSelect, choices=SkillAssessment.Score.choices)
    circular_models = forms.TypedChoiceField(
        label=_("Circular solution models: designing, testing and anchoring a circular solution with partners"),
        coerce=int, widget=forms.RadioSelect, choices=SkillAssessment.Score.choices)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
