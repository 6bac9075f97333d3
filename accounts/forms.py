from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from circular_cities.dates import DateField
from municipalities.models import Municipality
from programmes.models import Participation, Programme

from .models import Role
from .permissions import scope_of


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"),
                                 choices=[("da", _("Danish")), ("en", _("English"))], initial="da")
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False,
                                       help_text=_("For facilitators, advisors, politicians and observers."))
    participation = forms.ModelChoiceField(
        label=_("Municipality in the programme"), queryset=Participation.objects.none(), required=False,
        help_text=_("For municipal staff and for an innovation advisor assigned to one municipality: the "
                    "municipality in one programme."),
    )
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(),
                                          required=False, help_text=_("For politicians."))
    department = forms.CharField(label=_("Department"), max_length=150, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False,
                               help_text=_("For politicians, e.g. councillor."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        programmes = Programme.objects.all() if scope.is_admin else Programme.objects.filter(
            pk__in=scope.facilitator_programmes)
        self.fields["programme"].queryset = programmes
        participations = Participation.objects.select_related("municipality", "cohort__programme").filter(
            cohort__programme__in=programmes)
        self.fields["participation"].queryset = participations
        self.fields["participation"].label_from_instance = lambda p: f"{p.municipality} — {p.cohort.programme}"
        self.fields["municipality"].queryset = (
            Municipality.objects.all() if scope.is_admin
            else Municipality.objects.filter(participations__in=participations).distinct()
        )
        if not scope.is_admin:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(label=_("Choose a password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not only digits, not a common password."))
    password2 = forms.CharField(label=_("Repeat the password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            from .models import User

            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


LANGUAGE_CHOICES = [("da", _("Danish")), ("en", _("English"))]


class TeamMemberForm(forms.Form):
    department = forms.CharField(label=_("Department"), max_length=150,
                                 help_text=_("E.g. Technical and Environmental Administration."),
                                 error_messages={"required": _("Give the department the person works in.")})
    responsibility = forms.CharField(label=_("Responsibility in the local test"), max_length=250, required=False,
                                     help_text=_("E.g. project lead, procurement, communication."))


class TeamMemberInviteForm(TeamMemberForm):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES, initial="da")
    field_order = ["full_name", "email", "department", "responsibility", "language"]


class PoliticianForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(),
        error_messages={"required": _("Choose the municipality the politician represents."),
                        "invalid_choice": _("Choose one of the municipalities taking part in the programme.")},
    )
    position = forms.CharField(label=_("Position"), max_length=150,
                               help_text=_("E.g. Chair of the Technical and Environmental Committee."),
                               error_messages={"required": _("Give the politician's position.")})
    starts_on = DateField(label=_("Member from"),
                                error_messages={"required": _("Give the day the membership starts.")})
    ends_on = DateField(label=_("Member until"), required=False,
                              help_text=_("Leave empty while the politician is a member."))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            participations__cohort__programme=programme).distinct().order_by("name")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The term cannot end before it starts."))
        return cleaned


class PoliticianInviteForm(PoliticianForm):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES, initial="da")
    field_order = ["full_name", "email", "municipality", "position", "starts_on", "ends_on", "language"]


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(label=_("Anything we should know? (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I understand that my account will be closed and cannot be restored."))
