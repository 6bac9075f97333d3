from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from circular_cities.widgets import FastSelect
from municipalities.sdgs import SDG_CHOICES
from programmes.models import LocalChallenge, Programme

from .models import Adoption, LibraryItem, ModerationAction, Thread, Visibility

STREAM_CHOICES = [("", _("Any material stream"))] + LocalChallenge.MaterialStream.choices
STRATEGY_CHOICES = [("", _("Any strategy"))] + LocalChallenge.Strategy.choices
MARKDOWN_HELP = _("You can use Markdown: **bold**, *italic*, lists, links and ## headings. HTML is removed.")


def _search_input(**attrs):
    return forms.TextInput(attrs={"type": "search", "autocomplete": "off", **attrs})


class ProfileForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation or department"), max_length=200, required=False)
    expertise = forms.CharField(label=_("Expertise"), max_length=300, required=False,
                                help_text=_("Keywords separated by commas, e.g. procurement, demolition, "
                                            "food waste."))
    bio = forms.CharField(label=_("About me"), max_length=2000, required=False,
                          widget=forms.Textarea(attrs={"rows": 5}))
    listed = forms.BooleanField(label=_("Show me in the member directory"), required=False,
                                help_text=_("If not, other members see your name only beside what you write."))
    show_email = forms.BooleanField(label=_("Show my e-mail address to members"), required=False)
    show_organisation = forms.BooleanField(label=_("Show my organisation"), required=False)
    show_expertise = forms.BooleanField(label=_("Show my expertise"), required=False)
    show_bio = forms.BooleanField(label=_("Show “About me”"), required=False)

    @staticmethod
    def initial_from(profile) -> dict:
        return {name: getattr(profile, name) for name in (
            "organisation", "expertise", "bio", "listed", "show_email", "show_organisation", "show_expertise",
            "show_bio")}


class LibraryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=FastSelect,
                             choices=[("", _("All kinds"))] + LibraryItem.Kind.choices)
    material_stream = forms.ChoiceField(label=_("Material stream"), required=False, choices=STREAM_CHOICES,
                                        widget=FastSelect)
    strategy = forms.ChoiceField(label=_("Strategy"), required=False, choices=STRATEGY_CHOICES, widget=FastSelect)
    sdg = forms.TypedChoiceField(label=_("SDG"), required=False, coerce=int, empty_value=None, widget=FastSelect,
                                 choices=[("", _("Any SDG"))] + SDG_CHOICES)
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=None, widget=FastSelect,
                                       empty_label=_("Any programme"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Programmes that items are tagged with (their names are no secret; the items stay filtered).
        self.fields["programme"].queryset = Programme.objects.filter(
            Exists(LibraryItem.objects.filter(programme=OuterRef("pk")))).order_by("name_da")


class LibraryItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryItem.Kind.choices, widget=forms.RadioSelect)
    participation = forms.ModelChoiceField(
        label=_("Local test"), queryset=None, required=False,
        help_text=_("For a solution model: the municipality and programme whose local test tested it."))
    title_da = forms.CharField(label=_("Title (Danish)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    summary_da = forms.CharField(label=_("Summary (Danish)"), max_length=600, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Two or three sentences, shown in lists and search results."))
    summary_en = forms.CharField(label=_("Summary (English)"), max_length=600, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    body_da = forms.CharField(label=_("Text (Danish)"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP)
    body_en = forms.CharField(label=_("Text (English)"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP)
    material_stream = forms.ChoiceField(label=_("Material stream"), required=False,
                                        choices=[("", "---------")] + LocalChallenge.MaterialStream.choices)
    strategy = forms.ChoiceField(label=_("Circular strategy (R-ladder)"), required=False,
                                 choices=[("", "---------")] + LocalChallenge.Strategy.choices)
    sdgs = forms.TypedMultipleChoiceField(label=_("UN Sustainable Development Goals"), choices=SDG_CHOICES,
                                          coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False,
                                       help_text=_("Required for “Cohort only”."))
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices,
                                   initial=Visibility.COMMUNITY, widget=forms.RadioSelect,
                                   help_text=LibraryItem._meta.get_field("visibility").help_text)
    publish = forms.BooleanField(label=_("Published"), required=False, initial=True,
                                 help_text=_("Untick to keep it as a draft that only you and the moderators see."))
    attachment = forms.FileField(label=_("File"), required=False,
                                 help_text=_("PDF, Word, Excel, PowerPoint or a photo (JPEG, PNG, WebP), at most "
                                             "10 MB."))
    remove_attachment = forms.BooleanField(label=_("Remove the current file"), required=False)

    def __init__(self, *args, programmes, participations, editing: LibraryItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["participation"].queryset = participations
        self.fields["participation"].label_from_instance = lambda p: f"{p.municipality} · {p.cohort.programme}"
        self.fields["title_da"].error_messages["required"] = _("Give the item a Danish title.")
        if editing is not None:
            del self.fields["kind"]
            if editing.kind != LibraryItem.Kind.SOLUTION_MODEL:
                del self.fields["participation"]
            if not editing.attachment:
                del self.fields["remove_attachment"]
        else:
            del self.fields["remove_attachment"]
        self.editing = editing

    @staticmethod
    def initial_from(item: LibraryItem) -> dict:
        names = ("participation", "title_da", "title_en", "summary_da", "summary_en", "body_da", "body_en",
                 "material_stream", "strategy", "sdgs", "programme", "visibility")
        return {**{name: getattr(item, name) for name in names}, "publish": item.is_published}

    def clean(self):
        data = super().clean()
        kind = self.editing.kind if self.editing else data.get("kind")
        if kind == LibraryItem.Kind.SOLUTION_MODEL and not data.get("participation") and "participation" in self.fields:
            self.add_error("participation", _("Choose the local test this solution model comes from."))
        if (data.get("visibility") == Visibility.COHORT and not data.get("programme")
                and kind != LibraryItem.Kind.SOLUTION_MODEL):
            self.add_error("programme", _("Choose the programme whose people may see this item."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data.get(name) for name in (
            "title_da", "title_en", "summary_da", "summary_en", "body_da", "body_en", "material_stream",
            "strategy", "sdgs", "programme", "visibility", "publish", "attachment")}
        if "participation" in self.fields:
            kwargs["participation"] = data.get("participation")
        if "remove_attachment" in self.fields:
            kwargs["remove_attachment"] = data.get("remove_attachment", False)
        return kwargs


class AdoptionForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None,
                                          error_messages={"invalid_choice": _(
                                              "You cannot record an adoption for that municipality.")})
    kind = forms.ChoiceField(label=_("How"), choices=Adoption.Kind.choices, initial=Adoption.Kind.REUSE,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you reuse, or what you change for your municipality."))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you need?"), choices=Thread.Kind.choices,
                             initial=Thread.Kind.SPARRING, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("One line, e.g. “Who has experience with a materials bank?”"))
    body = forms.CharField(label=_("Your question"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_('Describe what you want sparring on. Mention people with @name-from-e-mail '
                                       'or @"Full Name" to notify them. You can use Markdown.'))
    material_stream = forms.ChoiceField(label=_("Material stream"), required=False,
                                        choices=[("", "---------")] + LocalChallenge.MaterialStream.choices)
    strategy = forms.ChoiceField(label=_("Circular strategy (R-ladder)"), required=False,
                                 choices=[("", "---------")] + LocalChallenge.Strategy.choices)
    municipality = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, required=False,
                                          empty_label=_("Myself"))
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices[:2],
                                   initial=Visibility.COMMUNITY, widget=forms.RadioSelect,
                                   help_text=_("Cohort only: the people in the programme you choose below."))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)

    def __init__(self, *args, programmes, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["municipality"].queryset = municipalities
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
        self.fields["title"].error_messages["required"] = _("Give your question a short title.")
        self.fields["body"].error_messages["required"] = _("Describe what you want sparring on.")

    def clean(self):
        data = super().clean()
        if data.get("visibility") == Visibility.COHORT and not data.get("programme"):
            self.add_error("programme", _("Choose the programme whose people may see this question."))
        return data


class ThreadFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + Thread.Kind.choices,
                             widget=FastSelect)
    material_stream = forms.ChoiceField(label=_("Material stream"), required=False, choices=STREAM_CHOICES,
                                        widget=FastSelect)
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_('Mention people with @name-from-e-mail or @"Full Name". You can use '
                                       'Markdown.'),
                           error_messages={"required": _("Write your answer first.")})


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Only the moderators see your report and your name."),
                             error_messages={"required": _("Say briefly what is wrong, so the moderators can "
                                                           "judge it.")})


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=ModerationAction.Action.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (for the log)"), max_length=1000, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, widget=_search_input())
    type = forms.ChoiceField(required=False, widget=forms.HiddenInput, choices=[
        ("", ""), ("library", ""), ("threads", ""), ("people", "")])


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, organisation or expertise"), max_length=100, required=False,
                        widget=_search_input())
    role = forms.ChoiceField(label=_("Role"), required=False, widget=FastSelect, choices=[("", _("All roles"))] + [
        (r.value, r.label) for r in Role if r != Role.ADMIN])


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Municipality"), max_length=100, required=False, widget=_search_input())


class ShowcaseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Everything")), (LibraryItem.Kind.CASE, _("Case stories")),
        (LibraryItem.Kind.SOLUTION_MODEL, _("Solution models")), (LibraryItem.Kind.METHOD, _("Methods"))])
