"""Open calls (issue 19): a programme invites municipalities to apply, reviewers score the applications, the
facilitators decide, and an accepted application becomes a participation of the call's cohort.

Times are stored in UTC and shown and checked in Europe/Copenhagen (``TIME_ZONE``). The deadline is checked by the
services inside their transaction (``calls.services``), never only by a form."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from circular_cities.dates import check_window
from circular_cities.storage import private_storage
from circular_cities.text import LONG_TEXT, SHORT_TEXT, SINGLE_LINE, MaxLengthValidator
from programmes.models import Bilingual, LocalChallenge

SCORE_MIN, SCORE_MAX = 0, 5


def long_text(label, **kwargs):
    return models.TextField(label, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], **kwargs)


def short_text(label, **kwargs):
    return models.TextField(label, max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)], **kwargs)


class Call(Bilingual, models.Model):
    """An open call for participation in a programme (and one of its cohorts)."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), related_name="calls",
                                  on_delete=models.CASCADE)
    # RESTRICT: a cohort with a call is not deleted alone, but goes with its programme (the demo's --reset)
    cohort = models.ForeignKey("programmes.Cohort", verbose_name=_("cohort"), related_name="calls",
                               on_delete=models.RESTRICT,
                               help_text=_("Accepted municipalities join this cohort."))
    title_da = models.CharField(_("title (Danish)"), max_length=200, validators=SINGLE_LINE)
    title_en = models.CharField(_("title (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    text_da = long_text(_("text (Danish)"))
    text_en = long_text(_("text (English)"), blank=True)
    eligibility_da = short_text(_("who may apply (Danish)"))
    eligibility_en = short_text(_("who may apply (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    assessment_ends_on = models.DateField(_("assessment ends"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=6,
                                              validators=[MinValueValidator(1), MaxValueValidator(500)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline", "id"]
        verbose_name = _("open call")
        verbose_name_plural = _("open calls")
        constraints = [models.CheckConstraint(condition=models.Q(deadline__gt=models.F("opens_at")),
                                              name="call_deadline_after_opening")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def text(self) -> str:
        return self.localized("text")

    @property
    def eligibility(self) -> str:
        return self.localized("eligibility")

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.Phase.UPCOMING
        if now <= self.deadline:
            return self.Phase.OPEN
        return self.Phase.CLOSED

    @property
    def is_open(self) -> bool:
        return self.phase() == self.Phase.OPEN

    def get_phase_display(self) -> str:
        return self.Phase(self.phase()).label

    def get_absolute_url(self):
        return reverse("calls:public-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        for name in ("opens_at", "deadline", "assessment_ends_on"):
            try:
                check_window(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            errors["deadline"] = _("The deadline must come after the opening.")
        if (self.assessment_ends_on and self.deadline
                and self.assessment_ends_on < timezone.localtime(self.deadline).date()):
            errors["assessment_ends_on"] = _("The assessment cannot end before the deadline.")
        if self.cohort_id and self.programme_id and self.cohort.programme_id != self.programme_id:
            errors["cohort"] = _("The cohort must belong to the call's programme.")
        if errors:
            raise ValidationError(errors)


class Criterion(Bilingual, models.Model):
    call = models.ForeignKey(Call, related_name="criteria", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_da = models.CharField(_("criterion (Danish)"), max_length=200, validators=SINGLE_LINE)
    name_en = models.CharField(_("criterion (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              validators=[MinValueValidator(1), MaxValueValidator(100)])
    # Who added or removed a criterion shows in the call's history (the audit); ``order`` is bookkeeping.
    history = HistoricalRecords(excluded_fields=["order"])

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")


class Question(Bilingual, models.Model):
    """A question of the call's form beside the built-in local challenge."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Choice")
        NUMBER = "number", _("Number")
        YES_NO = "yes_no", _("Yes/no")
        FILE = "file", _("File")

    call = models.ForeignKey(Call, related_name="questions", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label_da = models.CharField(_("question (Danish)"), max_length=300, validators=SINGLE_LINE)
    label_en = models.CharField(_("question (English)"), max_length=300, validators=SINGLE_LINE, blank=True)
    choices_da = short_text(_("choices (Danish), one per line"), blank=True)
    choices_en = short_text(_("choices (English), one per line"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    # Who added or removed a question shows in the call's history (the audit); ``order`` is bookkeeping.
    history = HistoricalRecords(excluded_fields=["order"])

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.localized("label")

    def choice_list(self) -> list[tuple[str, str]]:
        """(stored value, label in the reader's language): the Danish line is the value."""
        danish = [line.strip() for line in self.choices_da.splitlines() if line.strip()]
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        lang = (get_language() or "da")[:2]
        shown = english if lang == "en" and len(english) == len(danish) else danish
        return list(zip(danish, shown, strict=True))

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CHOICE:
            danish = [line for line in self.choices_da.splitlines() if line.strip()]
            english = [line for line in self.choices_en.splitlines() if line.strip()]
            if len(danish) < 2:
                raise ValidationError({"choices_da": _("Give at least two choices, one per line.")})
            if english and len(english) != len(danish):
                raise ValidationError({"choices_en": _("Give as many English choices as Danish ones.")})


class Application(models.Model):
    """A municipality's application to a call: one per municipality and call."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Wait-listed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    call = models.ForeignKey(Call, verbose_name=_("call"), related_name="applications", on_delete=models.CASCADE)
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("municipality"),
                                     related_name="applications", on_delete=models.PROTECT)
    contact_name = models.CharField(_("contact person"), max_length=150, validators=SINGLE_LINE)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_department = models.CharField(_("department"), max_length=150, validators=SINGLE_LINE, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="da")
    # The local challenge, built in: an accepted application becomes a participation with it.
    challenge_title = models.CharField(_("title of the challenge"), max_length=200, validators=SINGLE_LINE,
                                       blank=True)
    problem_statement = long_text(_("problem statement"), blank=True)
    material_stream = models.CharField(_("material stream"), max_length=30,
                                       choices=LocalChallenge.MaterialStream.choices, blank=True)
    strategy = models.CharField(_("circular strategy (R-ladder)"), max_length=2,
                                choices=LocalChallenge.Strategy.choices, blank=True)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_message = short_text(_("message to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    participation = models.OneToOneField("programmes.Participation", verbose_name=_("participation"), null=True,
                                         blank=True, related_name="application", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["call", "municipality"], name="application_once_per_call")]
        indexes = [models.Index(fields=["call", "state", "decision"])]

    def __str__(self):
        return f"{self.municipality} · {self.call}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    def clean(self):
        super().clean()
        sdgs = self.sdgs or []
        if not isinstance(sdgs, list) or any(not isinstance(n, int) or not 1 <= n <= 17 for n in sdgs):
            raise ValidationError({"sdgs": _("SDGs are numbers from 1 to 17.")})


class ApplicationEditor(models.Model):
    """A person who may edit an application: the contact, and colleagues they invite. No account is needed: the
    address is confirmed through a signed link and the editing session is tied to it."""

    application = models.ForeignKey(Application, related_name="editors", on_delete=models.CASCADE)
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, validators=SINGLE_LINE, blank=True)
    invited_by_email = models.EmailField(_("invited by"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("application editor")
        verbose_name_plural = _("application editors")
        constraints = [models.UniqueConstraint(fields=["application", "email"], name="application_editor_once")]

    def __str__(self):
        return self.email


class ApplicationFile(models.Model):
    """A file answering a file question (e.g. a letter of political backing), checked like every upload."""

    application = models.ForeignKey(Application, related_name="files", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, related_name="files", on_delete=models.CASCADE)
    file = models.FileField(_("file"), storage=private_storage, upload_to="calls/", max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    name = models.CharField(_("file name"), max_length=200, validators=SINGLE_LINE)
    uploaded_by_email = models.EmailField(_("uploaded by"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "question", "id"]
        verbose_name = _("application file")
        verbose_name_plural = _("application files")
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="application_file_once")]

    def __str__(self):
        return self.name


class Reviewer(models.Model):
    """A person who assesses applications of a call: a facilitator of the programme, or an external reviewer who
    was invited to this call (``ReviewerInvitation``) and sees only the applications assigned to them."""

    call = models.ForeignKey(Call, related_name="reviewers", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), related_name="call_reviews",
                             on_delete=models.CASCADE)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["call", "user__full_name"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="call_reviewer_once")]

    def __str__(self):
        return str(self.user)


class ReviewerInvitation(models.Model):
    """An external reviewer invited to one call by name and e-mail. The invitation itself is the platform's
    (``accounts.Invitation``, without a role): accepting it creates the account, and ``calls.services`` then makes
    the person a reviewer of this call."""

    call = models.ForeignKey(Call, verbose_name=_("call"), related_name="reviewer_invitations",
                             on_delete=models.CASCADE)
    invitation = models.OneToOneField("accounts.Invitation", verbose_name=_("invitation"),
                                      related_name="call_reviewer", on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["call", "-created_at"]
        verbose_name = _("invitation to review")
        verbose_name_plural = _("invitations to review")

    def __str__(self):
        return f"{self.invitation.email} · {self.call}"


class Review(models.Model):
    """One reviewer's assessment of one application (created when the application is assigned to them)."""

    application = models.ForeignKey(Application, related_name="reviews", on_delete=models.CASCADE)
    reviewer = models.ForeignKey(Reviewer, related_name="reviews", on_delete=models.CASCADE)
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    comment = short_text(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="review_once")]

    def __str__(self):
        return f"{self.reviewer} · {self.application}"

    @property
    def is_done(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    review = models.ForeignKey(Review, related_name="scores", on_delete=models.CASCADE)
    criterion = models.ForeignKey(Criterion, related_name="scores", on_delete=models.CASCADE)
    value = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(SCORE_MIN),
                                                                     MaxValueValidator(SCORE_MAX)])
    comment = short_text(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once"),
            models.CheckConstraint(condition=models.Q(value__lte=SCORE_MAX), name="score_at_most_max"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ApplicantReminder(models.Model):
    """A reminder to an applicant (who has no account, so the reminder engine's deliveries, which go to people
    with accounts, cannot hold it) that their municipality's application is still a draft. The unique constraint
    claims it once per address and deadline: a moved deadline gives a new reminder."""

    application = models.ForeignKey(Application, related_name="reminders", on_delete=models.CASCADE)
    email = models.EmailField(_("e-mail address"))
    occurrence = models.CharField(_("deadline"), max_length=64)
    claimed_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = _("reminder to an applicant")
        verbose_name_plural = _("reminders to applicants")
        constraints = [models.UniqueConstraint(fields=["application", "email", "occurrence"],
                                               name="applicant_reminder_once")]

    def __str__(self):
        return f"{self.email} · {self.application}"
