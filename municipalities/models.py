from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .storage import private_storage


class Region(models.TextChoices):
    HOVEDSTADEN = "hovedstaden", _("Capital Region of Denmark")
    SJAELLAND = "sjaelland", _("Region Zealand")
    SYDDANMARK = "syddanmark", _("Region of Southern Denmark")
    MIDTJYLLAND = "midtjylland", _("Central Denmark Region")
    NORDJYLLAND = "nordjylland", _("North Denmark Region")
    INTERNATIONAL = "international", _("Outside Denmark")


class Municipality(models.Model):
    """A Danish municipality (reference data, official code) or an international city."""

    name = models.CharField(_("name"), max_length=100)
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
                 verbose_name_plural=_("local challenge changes"))


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

    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="progress_entries", on_delete=models.CASCADE)
    happened_on = models.DateField(_("date"))
    what_happened = models.TextField(_("what happened"))
    learnings = models.TextField(_("learnings"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ON_TRACK)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               related_name="+", on_delete=models.SET_NULL)
    milestones = models.ManyToManyField("programmes.Milestone", verbose_name=_("milestones"), blank=True,
                                        related_name="progress_entries")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        indexes = [models.Index(fields=["participation", "state", "happened_on"])]

    def __str__(self):
        return f"{self.participation.municipality} {self.happened_on:%d.%m.%Y}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def get_absolute_url(self):
        return reverse("municipalities:progress-detail", args=[self.pk])


class ProgressPhoto(models.Model):
    """A photo of a progress entry: re-encoded without metadata, stored privately under a random name."""

    entry = models.ForeignKey(ProgressEntry, related_name="photos", on_delete=models.CASCADE)
    image = models.FileField(_("image"), storage=private_storage, upload_to="progress/", max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=private_storage, upload_to="progress/", max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                    on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")

    def __str__(self):
        return self.caption or f"{_('Photo')} {self.pk}"


class Indicator(models.Model):
    """A measure of the local test, with a baseline and a target."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="indicators", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=40)
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
    role = models.CharField(_("role"), max_length=200)
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
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("summary"), blank=True)
    link = models.URLField(_("link"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     related_name="+", on_delete=models.SET_NULL)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    review_comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation", "stage", "kind", "-id"]
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
    attendees = models.TextField(_("attendees"), blank=True)
    topics = models.TextField(_("topics"))
    advice = models.TextField(_("advice"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("advisory session")
        verbose_name_plural = _("advisory sessions")

    def __str__(self):
        return f"{self.participation.municipality} {self.held_on:%d.%m.%Y}"


class AgreedAction(models.Model):
    session = models.ForeignKey(AdvisorySession, related_name="actions", on_delete=models.CASCADE)
    text = models.CharField(_("action"), max_length=200)
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


class EntryComment(models.Model):
    entry = models.ForeignKey(ProgressEntry, related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                               on_delete=models.SET_NULL)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:50]
