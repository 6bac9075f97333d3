from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from circular_cities.dates import PROGRAMME_MARGIN, not_in_future_error, programme_window, window_errors
from circular_cities.text import LONG_TEXT, SHORT_TEXT, SINGLE_LINE, MaxLengthValidator

from .storage import private_storage


def _programme_of(participation):
    return participation.cohort.programme if participation is not None else None


def _check_local_dates(obj, participation, fields, *, margin: timedelta = PROGRAMME_MARGIN, past=()) -> None:
    """Dates of a local test lie within its programme's dates widened by ``margin``; the fields in ``past``
    cannot be in the future either."""
    earliest, latest = programme_window(_programme_of(participation), margin)
    errors = window_errors(obj, fields, earliest, latest)
    for field in past:
        message = field not in errors and not_in_future_error(getattr(obj, field, None))
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)


class Region(models.TextChoices):
    HOVEDSTADEN = "hovedstaden", _("Capital Region of Denmark")
    SJAELLAND = "sjaelland", _("Region Zealand")
    SYDDANMARK = "syddanmark", _("Region of Southern Denmark")
    MIDTJYLLAND = "midtjylland", _("Central Denmark Region")
    NORDJYLLAND = "nordjylland", _("North Denmark Region")
    INTERNATIONAL = "international", _("Outside Denmark")


class Municipality(models.Model):
    """A Danish municipality (reference data, official code) or an international city."""

    name = models.CharField(_("name"), max_length=100, validators=SINGLE_LINE)
    code = models.CharField(
        _("official code"), max_length=3, blank=True,
        help_text=_("The three-digit municipality code from Statistics Denmark. Empty for cities abroad."),
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    country = models.CharField(_("country"), max_length=2, default="DK", help_text=_("ISO 3166 code"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="municipality_code_unique"
            ),
            models.UniqueConstraint(fields=["name", "country"], name="municipality_name_country_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_danish(self) -> bool:
        return self.country == "DK"


def _register_local_challenge_history():
    """Audit history of the local challenge (who changed what, when).

    The challenge is edited on the municipality pages, so its history table lives in this app
    (municipalities_historicallocalchallenge): the programmes app's migrations stay untouched.
    """
    from simple_history import register

    from programmes.models import LocalChallenge

    if not hasattr(LocalChallenge, "history"):
        # Named here: simple-history's own "historical …" is English only.
        register(LocalChallenge, app="municipalities", verbose_name=_("local challenge change"),
                 verbose_name_plural=_("local challenge changes"), excluded_fields=["search_vector"])


_register_local_challenge_history()


# --- Local tests (issue 4): progress, photos, indicators, partners, stage gates, advisory sessions --------------



class ProgressEntry(models.Model):
    """A dated entry in the log of a municipality's local test."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BLOCKED = "blocked", _("Blocked")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Review(models.TextChoices):
        """Whether a published entry may leave the programme (open data, public showcase): a second pair of
        eyes, the programme's facilitators or the municipality's advisor, accepts it first."""

        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted for publication")

    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="progress_entries", on_delete=models.CASCADE)
    happened_on = models.DateField(_("date"))
    what_happened = models.TextField(_("what happened"), max_length=LONG_TEXT,
                                     validators=[MaxLengthValidator(LONG_TEXT)])
    learnings = models.TextField(_("learnings"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)],
                                 blank=True)
    blockers = models.TextField(_("blockers"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)],
                                blank=True)
    next_steps = models.TextField(_("next steps"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)],
                                  blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ON_TRACK)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               related_name="+", on_delete=models.SET_NULL)
    milestones = models.ManyToManyField("programmes.Milestone", verbose_name=_("milestones"), blank=True,
                                        related_name="progress_entries")
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    reviewed_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Filled by a PostgreSQL trigger from the four texts (migration 0008; read by search.selectors)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        indexes = [
            models.Index(fields=["participation", "state", "happened_on"]),
            # The review queue on facilitators' and advisors' home pages: a few hundred rows at national scale,
            # found without reading every published entry of every participation.
            models.Index(fields=["published_at", "id"], name="entry_review_queue_idx",
                         condition=models.Q(state="published", review="pending")),
        ]

    def __str__(self):
        return f"{self.participation.municipality} {self.happened_on:%d.%m.%Y}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN

    @property
    def awaits_review(self) -> bool:
        """Published inside the programme, not yet accepted for the open data and the showcase."""
        return (self.is_published and self.review == self.Review.PENDING
                and self.participation.cohort.programme.publication_review)

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaits_review

    def get_absolute_url(self):
        return reverse("municipalities:progress-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.state == self.State.WITHDRAWN and self.published_at and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": _("Say why the published entry is withdrawn.")})
        # What happened: not in the future, and within a year of the programme's dates.
        _check_local_dates(self, self.participation if self.participation_id else None, ("happened_on",),
                           past=("happened_on",))


MAX_PHOTOS_PER_ENTRY = 10  # a page of thumbnails; more photos belong in the knowledge library


def public_entry_q(prefix: str = "") -> models.Q:
    """Progress entries that have left the programme: published, and accepted by a second pair of eyes unless
    their programme reviews nothing (``Programme.publication_review``). ``prefix`` reaches an entry from
    another model, e.g. ``"entry__"``."""
    return models.Q(**{f"{prefix}state": ProgressEntry.State.PUBLISHED}) & (
        models.Q(**{f"{prefix}review": ProgressEntry.Review.ACCEPTED})
        | models.Q(**{f"{prefix}participation__cohort__programme__publication_review": False}))


class ProgressPhoto(models.Model):
    """A photo of a progress entry: re-encoded without metadata, stored privately under a random name."""

    entry = models.ForeignKey(ProgressEntry, related_name="photos", on_delete=models.CASCADE)
    image = models.FileField(_("image"), storage=private_storage, upload_to="progress/", max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=private_storage, upload_to="progress/", max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=200, validators=SINGLE_LINE, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                    on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")

    def __str__(self):
        return self.caption or f"{_('Photo')} {self.pk}"


# The first word of a unit that measures an amount or a count, in English and Danish.
NON_NEGATIVE_UNITS = frozenset({
    "t", "ton", "tons", "tonne", "tonnes", "kg", "g", "kilo", "kilogram", "kilograms", "m3", "m³", "l",
    "litre", "litres", "liter", "liters", "count", "antal", "pcs", "pieces", "items", "stk", "styk", "actors",
    "aktører", "people", "persons", "personer", "participants", "deltagere", "households", "husstande",
    "companies", "virksomheder", "schools", "skoler", "users", "brugere",
})


class Indicator(models.Model):
    """A measure of the local test, with a baseline and a target."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="indicators", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=150, validators=SINGLE_LINE)
    unit = models.CharField(_("unit"), max_length=40, validators=SINGLE_LINE)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["participation", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["participation", "name"], name="indicator_name_unique")]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def clean(self):
        super().clean()
        if not self.allows_negative:
            errors = {field: _("A value in %(unit)s cannot be negative.") % {"unit": self.unit}
                      for field in ("baseline", "target") if getattr(self, field) is not None
                      and getattr(self, field) < 0}
            if errors:
                raise ValidationError(errors)

    @property
    def allows_negative(self) -> bool:
        """Amounts and counts (tonnes, kg, actors, …) cannot be negative; net CO₂e, DKK and unknown units can."""
        unit = (self.unit or "").strip().lower()
        if "co2" in unit or "co₂" in unit:
            return True
        first = unit.split()[0].strip(".,") if unit else ""
        return first not in NON_NEGATIVE_UNITS


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), related_name="measurements",
                                  on_delete=models.CASCADE)
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    entry = models.ForeignKey(ProgressEntry, null=True, blank=True, related_name="measurements",
                              on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "measured_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.indicator.name} {self.measured_on:%d.%m.%Y}: {self.value}"

    def clean(self):
        super().clean()
        if not self.indicator_id:
            return
        errors = {}
        if self.value is not None and self.value < 0 and not self.indicator.allows_negative:
            errors["value"] = _("A value in %(unit)s cannot be negative.") % {"unit": self.indicator.unit}
        # A measurement belongs to the programme's period (no margin) and has already been made.
        try:
            _check_local_dates(self, self.indicator.participation, ("measured_on",), margin=timedelta(0),
                               past=("measured_on",))
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


class Sector(models.TextChoices):
    """The quadruple helix, with industry and business told apart as in the programme description."""

    INDUSTRY = "industry", _("Industry")
    BUSINESS = "business", _("Business")
    RESEARCH = "research", _("Research")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PUBLIC = "public", _("Public")


class PartnerInvolvement(models.Model):
    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="partner_involvements", on_delete=models.CASCADE)
    organisation = models.ForeignKey("programmes.Organisation", verbose_name=_("organisation"),
                                     related_name="involvements", on_delete=models.PROTECT)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    role = models.CharField(_("role"), max_length=200, validators=SINGLE_LINE)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    entry = models.ForeignKey(ProgressEntry, null=True, blank=True, related_name="partner_involvements",
                              on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["participation", "sector", "organisation__name"]
        verbose_name = _("partner involvement")
        verbose_name_plural = _("partner involvements")
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            name="partner_involvement_ends_after_start")]

    def __str__(self):
        return f"{self.organisation} · {self.participation.municipality}"

    def clean(self):
        super().clean()
        _check_local_dates(self, self.participation if self.participation_id else None, ("starts_on", "ends_on"))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The involvement cannot end before it starts.")})


class StageGateOutput(models.Model):
    """A required output of a design stage, submitted by the municipality and reviewed by a facilitator."""

    class Kind(models.TextChoices):
        INSIGHTS = "insights", _("Insights and stakeholder map")
        PROBLEM_FRAMING = "problem_framing", _("Problem framing")
        TEST_PLAN = "test_plan", _("Test plan")
        EVALUATION = "evaluation", _("Evaluation of the test")
        ANCHORING_PLAN = "anchoring_plan", _("Anchoring plan")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Sent back")

    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="stage_outputs", on_delete=models.CASCADE)
    stage = models.CharField(_("stage"), max_length=20, choices=[
        ("discover", _("Discover")), ("define", _("Define")), ("develop", _("Develop")),
        ("deliver", _("Deliver (test)")), ("anchor", _("Anchor"))])
    kind = models.CharField(_("output"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=SINGLE_LINE)
    body = models.TextField(_("summary"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    link = models.URLField(_("link"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     related_name="+", on_delete=models.SET_NULL)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    review_comment = models.TextField(_("comment"), max_length=SHORT_TEXT,
                                      validators=[MaxLengthValidator(SHORT_TEXT)], blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation", "stage", "kind", "-id"]
        # Outputs waiting for a decision (the facilitators' home pages), without reading every output.
        indexes = [models.Index(fields=["participation", "stage", "kind"], name="stage_output_waiting_idx",
                                condition=models.Q(state="submitted"))]
        verbose_name = _("stage gate output")
        verbose_name_plural = _("stage gate outputs")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.body.strip() == "" and not self.link:
            raise ValidationError(_("Write a summary or give a link to the output."))


REQUIRED_OUTPUTS = {
    "discover": [StageGateOutput.Kind.INSIGHTS],
    "define": [StageGateOutput.Kind.PROBLEM_FRAMING],
    "develop": [StageGateOutput.Kind.TEST_PLAN],
    "deliver": [StageGateOutput.Kind.EVALUATION],
    "anchor": [StageGateOutput.Kind.ANCHORING_PLAN],
}
STAGE_ORDER = ["discover", "define", "develop", "deliver", "anchor"]


class AdvisorySession(models.Model):
    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="advisory_sessions", on_delete=models.CASCADE)
    held_on = models.DateField(_("date"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("advisor"), null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    attendees = models.TextField(_("attendees"), max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)],
                                 blank=True)
    topics = models.TextField(_("topics"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    advice = models.TextField(_("advice"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("advisory session")
        verbose_name_plural = _("advisory sessions")

    def __str__(self):
        return f"{self.participation.municipality} {self.held_on:%d.%m.%Y}"

    def clean(self):
        super().clean()
        _check_local_dates(self, self.participation if self.participation_id else None, ("held_on",))


class AgreedAction(models.Model):
    session = models.ForeignKey(AdvisorySession, related_name="actions", on_delete=models.CASCADE)
    text = models.CharField(_("action"), max_length=200, validators=SINGLE_LINE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    due_on = models.DateField(_("due"))
    milestone = models.ForeignKey("programmes.Milestone", verbose_name=_("milestone"), null=True, blank=True,
                                  related_name="+",
                                  on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        if self.session_id:
            _check_local_dates(self, self.session.participation, ("due_on",))


class EntryComment(models.Model):
    entry = models.ForeignKey(ProgressEntry, related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                               on_delete=models.SET_NULL)
    body = models.TextField(_("comment"), max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:50]
