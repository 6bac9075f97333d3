"""Reminders and notifications (DESIGN.md §5).

* ``ReminderRule`` — one line of a programme's reminder plan ("milestones, 3 days before, at 09:00").
  A programme without a rule of some kind follows ``DEFAULT_RULES`` for that kind; the defaults are stored
  as rows the first time the engine or a facilitator needs them (``RuleBook``), so they can be edited.
* ``Delivery`` — one reminder to one person about one thing, claimed by the scan. The unique constraint on
  (rule, recipient, target, occurrence) is what makes every reminder go out once: two scans that find the
  same reminder both try to insert the row and only one succeeds. The occurrence holds the date or time the
  reminder is about (a milestone's due date, a meeting's start), so a moved date is a new reminder.
* ``Notification`` — what a person sees in the notification centre (and what digests are made of).
* ``NotificationPreference`` — per person and category: at once, daily digest, weekly digest, or off.
"""

from datetime import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from circular_cities.text import DOCUMENT, MaxLengthValidator


class Category(models.TextChoices):
    """What a person chooses how often to hear about (NotificationPreference)."""

    MILESTONES = "milestones", _("Milestones coming up")
    ESCALATIONS = "escalations", _("Overdue milestones")
    MEETINGS = "meetings", _("Meeting reminders and answers")
    MINUTES = "minutes", _("Minutes to publish")
    BRIEFINGS = "briefings", _("Follow-group briefings")
    PROGRESS = "progress", _("Local tests without progress")
    COMMUNITY = "community", _("Community: answers, mentions and adoptions")
    STAGE_GATES = "stage_gates", _("Stage gates: submissions and reviews")
    MODERATION = "moderation", _("Community reports for moderators")
    CALLS = "calls", _("Open calls: reviews and assessment")


# Escalations and follow-group briefings are part of how the programme is governed: they cannot be turned off
# (a person may still take them in a digest).
MANDATORY_CATEGORIES = frozenset({Category.ESCALATIONS, Category.BRIEFINGS})


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once, by e-mail")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off (only here on the platform)")


class Kind(models.TextChoices):
    MILESTONE_BEFORE = "milestone_before", _("Milestone coming up")
    MILESTONE_DUE = "milestone_due", _("Milestone due today")
    MILESTONE_OVERDUE_OWNER = "milestone_overdue_owner", _("Overdue milestone: to the owner")
    MILESTONE_OVERDUE_ADVISOR = "milestone_overdue_advisor", _("Overdue milestone: to the innovation advisor")
    MILESTONE_OVERDUE_FACILITATORS = "milestone_overdue_facilitators", _("Overdue milestone: to the facilitators")
    MEETING_BEFORE = "meeting_before", _("Meeting coming up")
    RSVP_NUDGE = "rsvp_nudge", _("Meeting not yet answered")
    MINUTES_NUDGE = "minutes_nudge", _("Minutes not yet published")
    FOLLOWGROUP_BRIEFING = "followgroup_briefing", _("Follow-group briefing")
    PROGRESS_STALE = "progress_stale", _("No progress logged in a local test")
    CALL_REVIEWS_DUE = "call_reviews_due", _("Open call: reviews due")
    CALL_ASSESSMENT_ENDS = "call_assessment_ends", _("Open call: the assessment period ends")


KIND_ORDER = list(Kind.values)

KIND_CATEGORY = {
    Kind.MILESTONE_BEFORE: Category.MILESTONES,
    Kind.MILESTONE_DUE: Category.MILESTONES,
    Kind.MILESTONE_OVERDUE_OWNER: Category.ESCALATIONS,
    Kind.MILESTONE_OVERDUE_ADVISOR: Category.ESCALATIONS,
    Kind.MILESTONE_OVERDUE_FACILITATORS: Category.ESCALATIONS,
    Kind.MEETING_BEFORE: Category.MEETINGS,
    Kind.RSVP_NUDGE: Category.MEETINGS,
    Kind.MINUTES_NUDGE: Category.MINUTES,
    Kind.FOLLOWGROUP_BRIEFING: Category.BRIEFINGS,
    Kind.PROGRESS_STALE: Category.PROGRESS,
    Kind.CALL_REVIEWS_DUE: Category.CALLS,
    Kind.CALL_ASSESSMENT_ENDS: Category.CALLS,
}

# Kinds whose offset counts days *after* the date they are about; the others count days before it.
AFTER_KINDS = frozenset({
    Kind.MILESTONE_OVERDUE_OWNER, Kind.MILESTONE_OVERDUE_ADVISOR, Kind.MILESTONE_OVERDUE_FACILITATORS,
    Kind.MINUTES_NUDGE, Kind.PROGRESS_STALE,
})

DEFAULT_SEND_TIME = time(9, 0)

# The plan every programme starts with (issue 6): (kind, offset in days).
DEFAULT_RULES = [
    (Kind.MILESTONE_BEFORE, 14),
    (Kind.MILESTONE_BEFORE, 3),
    (Kind.MILESTONE_DUE, 0),
    (Kind.MILESTONE_OVERDUE_OWNER, 1),
    (Kind.MILESTONE_OVERDUE_ADVISOR, 3),
    (Kind.MILESTONE_OVERDUE_FACILITATORS, 7),
    (Kind.MEETING_BEFORE, 7),
    (Kind.MEETING_BEFORE, 1),
    (Kind.RSVP_NUDGE, 3),
    (Kind.MINUTES_NUDGE, 3),
    (Kind.FOLLOWGROUP_BRIEFING, 5),
    (Kind.PROGRESS_STALE, 28),
    (Kind.CALL_REVIEWS_DUE, 3),
    (Kind.CALL_ASSESSMENT_ENDS, 0),
]


class ReminderRule(models.Model):
    """When a programme's reminders of one kind go out: ``offset_days`` before (or, for escalations, the
    minutes nudge and stalled tests, after) the date they are about, at ``send_time`` Copenhagen time."""

    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"),
                                  related_name="reminder_rules", on_delete=models.CASCADE)
    kind = models.CharField(_("reminder"), max_length=40, choices=Kind.choices)
    offset_days = models.PositiveSmallIntegerField(_("days"), validators=[MaxValueValidator(365)])
    send_time = models.TimeField(_("time of day"), default=DEFAULT_SEND_TIME,
                                 help_text=_("Copenhagen time."))
    enabled = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["programme", "kind", "-offset_days"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "offset_days"], name="reminder_rule_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.offset_label}"

    @property
    def category(self) -> str:
        return KIND_CATEGORY[self.kind]

    @property
    def counts_after(self) -> bool:
        return self.kind in AFTER_KINDS

    @property
    def offset_label(self) -> str:
        if self.kind == Kind.MILESTONE_DUE or self.offset_days == 0:
            return str(_("on the day"))
        days = self.offset_days
        if self.kind == Kind.PROGRESS_STALE:
            return ngettext("after %(days)d day without progress", "after %(days)d days without progress",
                            days) % {"days": days}
        if self.counts_after:
            return ngettext("%(days)d day after", "%(days)d days after", days) % {"days": days}
        return ngettext("%(days)d day before", "%(days)d days before", days) % {"days": days}

    def clean(self):
        super().clean()
        if self.kind == Kind.MILESTONE_DUE and self.offset_days:
            raise ValidationError({"offset_days": _("The due-day reminder goes out on the due day: 0 days.")})
        if self.kind in AFTER_KINDS and self.offset_days == 0:
            raise ValidationError({"offset_days": _("Count at least one day.")})


class Delivery(models.Model):
    """One reminder to one person, claimed by the scan and sent (or skipped) by the send task."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent: no longer applies")
        FAILED = "failed", _("Failed")

    class SkipReason(models.TextChoices):
        RULE_OFF = "rule_off", _("The reminder rule was switched off")
        TARGET_GONE = "target_gone", _("It was deleted")
        MOVED = "moved", _("The date or time changed")
        CLOSED = "closed", _("The milestone was completed or cancelled")
        CANCELLED = "cancelled", _("The meeting was cancelled")
        TOO_LATE = "too_late", _("Too late: the date has passed")
        MINUTES_PUBLISHED = "minutes_published", _("The minutes were published")
        PROGRESS_LOGGED = "progress_logged", _("Progress was logged")
        NOT_RECIPIENT = "not_recipient", _("The person no longer needs it (role, answer or owner changed)")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail and notification centre")
        DAILY = "daily", _("Notification centre; daily digest")
        WEEKLY = "weekly", _("Notification centre; weekly digest")
        APP = "app", _("Notification centre only")

    rule = models.ForeignKey(ReminderRule, verbose_name=_("rule"), related_name="deliveries",
                             on_delete=models.CASCADE)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), related_name="+",
                                  on_delete=models.CASCADE)
    kind = models.CharField(_("reminder"), max_length=40, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  related_name="reminder_deliveries", on_delete=models.CASCADE)
    target_type = models.ForeignKey(ContentType, related_name="+", on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    occurrence = models.CharField(_("about"), max_length=64,
                                  help_text=_("The due date or start time the reminder is about."))
    send_at = models.DateTimeField(_("due to be sent"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CLAIMED)
    skip_reason = models.CharField(_("why not sent"), max_length=20, choices=SkipReason.choices, blank=True)
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set in its own committed step before the mail server is contacted, cleared when the outcome is recorded:
    # still set after the lease means the attempt died between the two (docs/reliability.md).
    attempt_started_at = models.DateTimeField(_("attempt started"), null=True, blank=True)
    # Attempts whose outcome nobody recorded (the worker died mid-send): the e-mail may have gone out then too.
    unknown_outcomes = models.PositiveSmallIntegerField(_("attempts with unknown outcome"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claim_token = models.UUIDField(editable=False, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"))
    published_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-send_at", "-id"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(fields=["rule", "recipient", "target_type", "target_id", "occurrence"],
                                    name="delivery_once_per_occurrence"),
        ]
        indexes = [
            # the scan's look-up of what its window already claimed
            models.Index(fields=["send_at"], name="delivery_send_at"),
            # the sweeper: only claims still waiting, however many deliveries are stored
            models.Index(fields=["published_at"], condition=models.Q(state="claimed"), name="delivery_waiting"),
            # the facilitators' log
            models.Index(fields=["programme", "state", "-send_at"], name="delivery_log"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_state_display()})"

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID: the same on every attempt, so a receiving system (and the people reading)
        can recognise a repeat, and unique across databases (the claim token is random)."""
        domain = urlsplit(settings.SITE_URL).hostname or "circular-cities.local"
        return f"<reminder.{self.pk}.{self.claim_token.hex}@{domain}>"

    @property
    def may_be_twice(self) -> bool:
        """Sent, but an earlier attempt died after it started: the e-mail may have arrived twice."""
        return self.unknown_outcomes > 0 and self.state == self.State.SENT

    @property
    def may_be_missing(self) -> bool:
        """Not (yet) recorded as sent, but an attempt died after it started: the e-mail may or may not have
        arrived."""
        return self.unknown_outcomes > 0 and self.state != self.State.SENT


class Notification(models.Model):
    """A message in a person's notification centre, in their language, linking to what it is about."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  related_name="notifications", on_delete=models.CASCADE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), max_length=DOCUMENT, validators=[MaxLengthValidator(DOCUMENT)], blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    delivery = models.OneToOneField(Delivery, null=True, blank=True, related_name="notification",
                                    on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Waiting for the daily or weekly digest e-mail ("" = no digest); emailed_at is set once it went out.
    digest = models.CharField(_("digest"), max_length=10, blank=True,
                              choices=[(Frequency.DAILY, Frequency.DAILY.label),
                                       (Frequency.WEEKLY, Frequency.WEEKLY.label)])
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["digest", "recipient"],
                         condition=models.Q(emailed_at__isnull=True) & ~models.Q(digest=""),
                         name="notification_digest_waiting"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How often a person hears about one category; without a row: at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             related_name="notification_preferences", on_delete=models.CASCADE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATELY)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["user", "category"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_category_display()}: {self.get_frequency_display()}"

    def clean(self):
        super().clean()
        if self.category in MANDATORY_CATEGORIES and self.frequency == Frequency.OFF:
            raise ValidationError({"frequency": _("This kind of reminder cannot be switched off.")})
