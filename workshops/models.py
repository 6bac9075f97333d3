"""Meetings of a programme: the calendar, invitations and answers, attendance, minutes, materials,
personal calendar feeds and the participants' skills self-assessments.

Times are stored in UTC and shown in Europe/Copenhagen (``settings.TIME_ZONE``).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from circular_cities.dates import window_errors
from circular_cities.text import DOCUMENT, LONG_TEXT, SHORT_TEXT, SINGLE_LINE, MaxLengthValidator
from programmes.models import Bilingual

from .storage import private_storage

UID_DOMAIN = "circular-cities"


class Meeting(Bilingual, models.Model):
    """A workshop or meeting of a programme: for the whole programme, one cohort, or one municipality."""

    class Kind(models.TextChoices):
        LEARNING_MODULE = "learning_module", _("Learning module")
        SPARRING = "sparring", _("Sparring session")
        FOLLOW_GROUP = "follow_group", _("Follow-group meeting")
        LOCAL_TEST = "local_test", _("Local test meeting")
        COMMUNITY = "community", _("Community event")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), related_name="meetings",
                                  on_delete=models.CASCADE)
    cohort = models.ForeignKey(
        "programmes.Cohort", verbose_name=_("cohort"), null=True, blank=True, related_name="meetings",
        on_delete=models.CASCADE, help_text=_("For one cohort; empty for the whole programme."),
    )
    participation = models.ForeignKey(
        "programmes.Participation", verbose_name=_("municipality"), null=True, blank=True,
        related_name="meetings", on_delete=models.CASCADE, help_text=_("For one municipality only."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_da = models.CharField(_("title (Danish)"), max_length=200, validators=SINGLE_LINE)
    title_en = models.CharField(_("title (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    description_da = models.TextField(_("description (Danish)"), max_length=LONG_TEXT,
                                      validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    description_en = models.TextField(_("description (English)"), max_length=LONG_TEXT,
                                      validators=[MaxLengthValidator(LONG_TEXT)], blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=250, validators=SINGLE_LINE, blank=True,
                             help_text=_("Address or room."))
    online_url = models.URLField(_("online link"), blank=True, help_text=_("Link to the video meeting."))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("How many people can take part. Leave empty for no limit."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # RFC 5545 SEQUENCE: raised whenever the time or place changes, so calendar apps replace their copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organiser"), null=True, blank=True,
                                  related_name="organised_meetings", on_delete=models.SET_NULL)
    minutes = models.TextField(_("minutes"), max_length=DOCUMENT, validators=[MaxLengthValidator(DOCUMENT)], blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Kept by triggers (migration 0005): the titles and descriptions, and the minutes (read by fewer people).
    search_vector = SearchVectorField(null=True, editable=False)
    minutes_search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector", "minutes_search_vector"])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["programme", "starts_at"]), models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                                   name="meeting_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def description(self) -> str:
        return self.localized("description")

    @property
    def uid(self) -> str:
        """Stable for the meeting's whole life: calendar apps match updates and cancellations on it."""
        return f"meeting-{self.pk}@{UID_DOMAIN}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def minutes_are_published(self) -> bool:
        return self.minutes_published_at is not None

    @property
    def audience_label(self) -> str:
        if self.participation_id:
            return str(self.participation.municipality)
        if self.cohort_id:
            return str(self.cohort)
        return str(_("The whole programme"))

    def get_absolute_url(self):
        return reverse("workshops:detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = window_errors(self, ("starts_at", "ends_at"))  # calendars and .ics files stop at the window
        if errors:
            raise ValidationError(errors)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        programme_id = self.programme_id
        if self.participation_id and programme_id and self.participation.cohort.programme_id != programme_id:
            errors["participation"] = _("The municipality does not take part in this programme.")
        if self.cohort_id and programme_id and self.cohort.programme_id != programme_id:
            errors["cohort"] = _("The cohort belongs to another programme.")
        if self.participation_id and self.cohort_id and self.participation.cohort_id != self.cohort_id:
            errors["participation"] = _("The municipality is not in this cohort.")
        if self.pk and self.capacity is not None:
            yes = self.invitations.filter(response=MeetingInvitation.Response.YES).count()
            if self.capacity < yes:
                errors["capacity"] = ngettext(
                    "%(yes)d person has already said yes; the capacity cannot be lower than that.",
                    "%(yes)d people have already said yes; the capacity cannot be lower than that.", yes) % {"yes": yes}
        if errors:
            raise ValidationError(errors)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                related_name="agenda_items", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("agenda item"), max_length=200, validators=SINGLE_LINE)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])
    presenter = models.CharField(_("presenter"), max_length=150, validators=SINGLE_LINE, blank=True)
    decision_needed = models.BooleanField(
        _("decision needed"), default=False,
        help_text=_("The meeting is asked to decide on this item; politicians see it on their overview."))
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0005)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class MeetingInvitation(models.Model):
    """A person invited to a meeting, their answer and whether they came.

    The municipality and department are copied from the person's role when they are invited, so the
    attendance record keeps which municipalities and departments were there even if roles change later."""

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    class Via(models.TextChoices):
        ROLE = "role", _("By role")
        MUNICIPALITY = "municipality", _("By municipality")
        COHORT = "cohort", _("By cohort")
        PERSON = "person", _("In person")
        ATTENDANCE = "attendance", _("Came without invitation")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                related_name="invitations", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="meeting_invitations",
                             on_delete=models.CASCADE)
    via = models.CharField(_("invited"), max_length=20, choices=Via.choices, default=Via.PERSON)
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("municipality"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    department = models.CharField(_("department"), max_length=150, validators=SINGLE_LINE, blank=True)
    response = models.CharField(_("answer"), max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("came"), null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "user__full_name", "id"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_invitation_unique")]
        indexes = [models.Index(fields=["user", "meeting"])]

    def __str__(self):
        return f"{self.user} — {self.meeting}"


class Material(models.Model):
    """A file for a meeting: checked by content, stored under a random name outside any public URL."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")
        DOCUMENT = "document", _("Office document")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), related_name="materials", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200, validators=SINGLE_LINE)
    file = models.FileField(_("file"), storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                    on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "uploaded_at", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:material-download", args=[self.pk])


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), related_name="decisions", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("decision"), max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)])
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0005)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class ActionItem(models.Model):
    """Something agreed at a meeting: who does it by when. It can become a milestone of the programme."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"),
                                related_name="action_items", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("action item"), max_length=200, validators=SINGLE_LINE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              related_name="meeting_actions", on_delete=models.SET_NULL)
    due_on = models.DateField(_("due"))
    milestone = models.OneToOneField("programmes.Milestone", verbose_name=_("milestone"), null=True, blank=True,
                                     related_name="meeting_action", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_vector = SearchVectorField(null=True, editable=False)  # kept by a trigger (migration 0005)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        errors = window_errors(self, ("due_on",))
        if errors:
            raise ValidationError(errors)


class CalendarFeed(models.Model):
    """A personal calendar subscription. Only the token's hash is stored; revoking ends the link at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="calendar_feeds", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="calendar_feed_one_active_per_user"),
        ]

    def __str__(self):
        return f"{self.user} ({_('revoked') if self.revoked_at else _('active')})"


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class SkillAssessment(models.Model):
    """A participant's own view of their skills before, mid-way through and after the programme."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        MIDWAY = "midway", _("Mid-way")
        AFTER = "after", _("After")

    class Score(models.IntegerChoices):
        NEW = 1, _("1 – New to me")
        AWARE = 2, _("2 – I know what it is")
        PRACTISING = 3, _("3 – I have tried it with help")
        CONFIDENT = 4, _("4 – I use it on my own")
        EXPERT = 5, _("5 – I could teach it to colleagues")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("participant"),
                             related_name="skill_assessments", on_delete=models.CASCADE)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"),
                                  related_name="skill_assessments", on_delete=models.CASCADE)
    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"),
                                      related_name="skill_assessments", on_delete=models.CASCADE)
    stage = models.CharField(_("when"), max_length=10, choices=Stage.choices)
    systems_thinking = models.PositiveSmallIntegerField(_("systems thinking"), choices=Score.choices,
                                                        validators=SCORE_VALIDATORS)
    circular_models = models.PositiveSmallIntegerField(_("circular solution models"), choices=Score.choices,
                                                       validators=SCORE_VALIDATORS)
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)],
                               blank=True)
    # The learning modules the person had attended when answering: what the change can be traced back to.
    modules = models.ManyToManyField(Meeting, verbose_name=_("learning modules attended"), blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["programme", "participation", "stage", "user"]
        verbose_name = _("skills self-assessment")
        verbose_name_plural = _("skills self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme", "stage"], name="skill_assessment_once_per_stage"),
            models.CheckConstraint(condition=models.Q(systems_thinking__gte=1, systems_thinking__lte=5)
                                   & models.Q(circular_models__gte=1, circular_models__lte=5),
                                   name="skill_assessment_scores_1_to_5"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_stage_display()}"

    def clean(self):
        super().clean()
        if self.participation_id and self.programme_id and self.participation.cohort.programme_id != self.programme_id:
            raise ValidationError({"participation": _("The municipality does not take part in this programme.")})
