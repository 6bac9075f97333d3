from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from circular_cities.dates import validate_platform_date, window_errors
from circular_cities.text import LONG_TEXT, SINGLE_LINE, MaxLengthValidator


class Bilingual:
    """Fields stored as ``<name>_da`` and ``<name>_en``; English falls back to Danish."""

    def localized(self, field: str) -> str:
        lang = (get_language() or "da")[:2]
        value = getattr(self, f"{field}_{lang}", "") if lang in ("da", "en") else ""
        return value or getattr(self, f"{field}_da", "")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        FUNDER = "funder", _("Funder")
        INTERNATIONAL_PARTNER = "international_partner", _("International partner")
        COMPANY = "company", _("Company")
        RESEARCH = "research", _("Research institution")
        CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
        PUBLIC_BODY = "public_body", _("Public body")

    name = models.CharField(_("name"), max_length=200, validators=SINGLE_LINE, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    country = models.CharField(_("country"), max_length=2, default="DK")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Programme(Bilingual, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Running")
        COMPLETED = "completed", _("Completed")
        LISTED = "listed", _("Listed only")

    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = models.CharField(_("name (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    description_da = models.TextField(_("description (Danish)"), max_length=LONG_TEXT,
                                      validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    description_en = models.TextField(_("description (English)"), max_length=LONG_TEXT,
                                      validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    budget_dkk = models.DecimalField(
        _("budget (DKK)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Parts of this programme are invented for demonstration.")
    )
    publication_review = models.BooleanField(
        _("review before publishing"), default=True,
        help_text=_("A published progress entry reaches the open data and the public showcase only after a "
                    "facilitator or the municipality's innovation advisor has accepted it."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0007)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-starts_on", "name_da"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_dkk__isnull=True) | models.Q(budget_dkk__gte=0),
                name="programme_budget_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")

    def get_absolute_url(self):
        return reverse("programmes:detail", args=[self.slug])

    def clean(self):
        super().clean()
        errors = window_errors(self, ("starts_on", "ends_on"))
        if errors:
            raise ValidationError(errors)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The programme cannot end before it starts.")})

    def contains(self, day) -> bool:
        return bool(self.starts_on and self.ends_on and self.starts_on <= day <= self.ends_on)


class ProgrammeOrganisation(models.Model):
    """An organisation's part in a programme: funder, facilitator or partner."""

    class Part(models.TextChoices):
        FUNDER = "funder", _("Funder")
        FACILITATOR = "facilitator", _("Facilitator")
        PARTNER = "partner", _("Partner")

    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  related_name="organisation_links", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    part = models.CharField(_("part"), max_length=20, choices=Part.choices)

    class Meta:
        ordering = ["part", "organisation__name"]
        verbose_name = _("organisation in programme")
        verbose_name_plural = _("organisations in programme")
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation", "part"], name="programme_org_part_unique")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_part_display()})"


class Objective(Bilingual, models.Model):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  related_name="objectives", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_da = models.CharField(_("objective (Danish)"), max_length=300, validators=SINGLE_LINE)
    text_en = models.CharField(_("objective (English)"), max_length=300, validators=SINGLE_LINE, blank=True)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return self.text

    @property
    def text(self):
        return self.localized("text")


class BudgetLine(Bilingual, models.Model):
    """A work package's allocation in a programme budget."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  related_name="budget_lines", on_delete=models.CASCADE)
    code = models.CharField(_("work package"), max_length=20, validators=SINGLE_LINE, help_text=_("E.g. WP1"))
    name_da = models.CharField(_("name (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = models.CharField(_("name (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    allocated_dkk = models.DecimalField(
        _("allocated (DKK)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="budget_line_code_unique"),
            models.CheckConstraint(condition=models.Q(allocated_dkk__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        return self.localized("name")


class Spending(models.Model):
    budget_line = models.ForeignKey(BudgetLine, related_name="spendings", on_delete=models.CASCADE)
    spent_on = models.DateField(_("date"), validators=[validate_platform_date])
    amount_dkk = models.DecimalField(
        _("amount (DKK)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The amount must be more than 0 DKK."))],
    )
    description = models.CharField(_("description"), max_length=250, validators=SINGLE_LINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        constraints = [models.CheckConstraint(condition=models.Q(amount_dkk__gt=0), name="spending_positive")]

    def __str__(self):
        return f"{self.spent_on} {self.amount_dkk} DKK"


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), related_name="cohorts",
                                  on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=150, validators=SINGLE_LINE)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="cohort_name_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        dated_within(self, self.programme, _("The cohort"))


def dated_within(obj, programme, label, start="starts_on", end="ends_on"):
    """Validate that obj's dates are in order and inside the programme's dates."""
    starts, ends = getattr(obj, start), getattr(obj, end, None)
    if starts and ends and ends < starts:
        raise ValidationError({end: _("%(what)s cannot end before it starts.") % {"what": label}})
    if programme is None or not (programme.starts_on and programme.ends_on):
        return
    for field in (start, end):
        day = getattr(obj, field, None)
        if day and not programme.contains(day):
            raise ValidationError({
                field: _("%(what)s must lie within the programme (%(start)s – %(end)s).") % {
                    "what": label,
                    "start": programme.starts_on.strftime("%d.%m.%Y"),
                    "end": programme.ends_on.strftime("%d.%m.%Y"),
                }
            })


class Phase(Bilingual, models.Model):
    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  related_name="phases", on_delete=models.CASCADE)
    name_da = models.CharField(_("name (Danish)"), max_length=150, validators=SINGLE_LINE)
    name_en = models.CharField(_("name (English)"), max_length=150, validators=SINGLE_LINE, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")

    def clean(self):
        super().clean()
        dated_within(self, getattr(self, "programme", None), _("The phase"))


class Participation(models.Model):
    """A municipality taking part in a cohort."""

    class Stage(models.TextChoices):
        DISCOVER = "discover", _("Discover")
        DEFINE = "define", _("Define")
        DEVELOP = "develop", _("Develop")
        DELIVER = "deliver", _("Deliver (test)")
        ANCHOR = "anchor", _("Anchor")

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), related_name="participations",
                               on_delete=models.CASCADE)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("municipality"), related_name="participations",
        on_delete=models.PROTECT,
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DISCOVER)
    action_plan_url = models.URLField(_("local action plan (link)"), blank=True)
    solution_model = models.TextField(_("solution model being tested"), max_length=LONG_TEXT,
                                      validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cohort", "municipality__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "municipality"], name="participation_unique_in_cohort")
        ]

    def __str__(self):
        return f"{self.municipality} · {self.cohort}"

    @property
    def programme_id(self):
        return self.cohort.programme_id

    def get_absolute_url(self):
        return reverse("municipalities:participation", args=[self.pk])


class LocalChallenge(models.Model):
    class Strategy(models.TextChoices):
        R0 = "R0", _("R0 Refuse")
        R1 = "R1", _("R1 Rethink")
        R2 = "R2", _("R2 Reduce")
        R3 = "R3", _("R3 Reuse")
        R4 = "R4", _("R4 Repair")
        R5 = "R5", _("R5 Refurbish")
        R6 = "R6", _("R6 Remanufacture")
        R7 = "R7", _("R7 Repurpose")
        R8 = "R8", _("R8 Recycle")
        R9 = "R9", _("R9 Recover")

    class MaterialStream(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction and demolition")
        PLASTICS = "plastics", _("Plastics")
        FOOD = "food", _("Food and biomass")
        TEXTILES = "textiles", _("Textiles")
        ELECTRONICS = "electronics", _("Electronics")
        FURNITURE = "furniture", _("Furniture and fittings")
        PACKAGING = "packaging", _("Packaging")
        WATER = "water", _("Water")
        OTHER = "other", _("Other")

    participation = models.OneToOneField(Participation, related_name="challenge", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200, validators=SINGLE_LINE)
    problem_statement = models.TextField(_("problem statement"), max_length=LONG_TEXT,
                                         validators=[MaxLengthValidator(LONG_TEXT)])
    material_stream = models.CharField(_("material stream"), max_length=30, choices=MaterialStream.choices)
    strategy = models.CharField(_("circular strategy (R-ladder)"), max_length=2, choices=Strategy.choices)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True, help_text=_("UN Sustainable Development Goals 1–17"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0007)

    class Meta:
        verbose_name = _("local challenge")
        verbose_name_plural = _("local challenges")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if any(not isinstance(n, int) or not 1 <= n <= 17 for n in self.sdgs or []):
            raise ValidationError({"sdgs": _("SDGs are numbered 1 to 17.")})


class Milestone(Bilingual, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  related_name="milestones", on_delete=models.CASCADE)
    participation = models.ForeignKey(
        Participation, verbose_name=_("municipality"), null=True, blank=True, related_name="milestones",
        on_delete=models.CASCADE, help_text=_("Leave empty for a milestone of the whole programme."),
    )
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True, related_name="milestones",
                              on_delete=models.SET_NULL)
    title_da = models.CharField(_("title (Danish)"), max_length=200, validators=SINGLE_LINE)
    title_en = models.CharField(_("title (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    description = models.TextField(_("description"), max_length=LONG_TEXT,
                                   validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              related_name="owned_milestones", on_delete=models.SET_NULL)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0007)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["due_on", "order", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["programme", "due_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return self.localized("title")

    def get_status_display(self) -> str:
        """The status's label; a direct lookup, as pages show it for every milestone (Django's generic
        ``get_FOO_display`` hashes the whole choice list on each call)."""
        try:
            return str(self.Status(self.status).label)
        except ValueError:
            return str(self.status)

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS) and self.due_on < timezone.localdate()

    def clean(self):
        super().clean()
        programme = getattr(self, "programme", None)
        dated_within(self, programme, _("The milestone"), start="due_on", end="_no_end")
        if self.participation_id and programme and self.participation.cohort.programme_id != programme.pk:
            raise ValidationError({"participation": _("The municipality does not take part in this programme.")})
        if self.phase_id and programme and self.phase.programme_id != programme.pk:
            raise ValidationError({"phase": _("The phase belongs to another programme.")})


class ParticipationStatus(models.Model):
    """How a municipality's local test stands, kept ready for the pages that list many of them (dashboards,
    board, homes, reports): one row per participation, written by the services that change what it summarises
    (programmes/status.py) and refreshed every night for what changes with the date alone. Never edited by
    hand; ``manage.py rebuild_status`` makes every row afresh."""

    class Light(models.TextChoices):
        GREEN = "green", _("On track")
        AMBER = "amber", _("Watch")
        RED = "red", _("Needs attention")

    participation = models.OneToOneField(Participation, verbose_name=_("participation"), primary_key=True,
                                         related_name="status_row", on_delete=models.CASCADE)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), related_name="participation_statuses",
                                  on_delete=models.CASCADE)
    light = models.CharField(_("traffic light"), max_length=10, choices=Light.choices, default=Light.GREEN)
    overdue_milestones = models.PositiveIntegerField(_("overdue milestones"), default=0)
    next_due_on = models.DateField(_("next milestone due"), null=True, blank=True)
    latest_entry_id = models.BigIntegerField(_("latest published progress entry"), null=True, blank=True)
    latest_entry_on = models.DateField(_("latest published progress"), null=True, blank=True)
    latest_status = models.CharField(_("latest progress status"), max_length=20, blank=True)
    is_stalled = models.BooleanField(_("stalled"), default=False)
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True)
    as_of = models.DateField(_("as of"), help_text=_("The day the overdue and stalled figures were counted for."))
    refreshed_at = models.DateTimeField(_("refreshed"), auto_now=True)

    class Meta:
        verbose_name = _("participation status")
        verbose_name_plural = _("participation statuses")
        indexes = [models.Index(fields=["programme", "light"]), models.Index(fields=["programme", "is_stalled"])]

    def __str__(self):
        return f"{self.participation_id}: {self.light}"
