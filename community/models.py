"""The Circular City Community: member profiles, the knowledge library (case stories, methods, resources and
the solution models of the local tests, with the municipalities that adopted them), sparring threads, and
moderation (reports and the log of what moderators hid or restored).

Who sees what is decided in one place, ``community.selectors`` (a ``Q`` per person), see ``permissions.py``.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from circular_cities.text import SINGLE_LINE, MaxLengthValidator
from programmes.models import Bilingual, LocalChallenge

from .storage import community_storage

MaterialStream = LocalChallenge.MaterialStream
Strategy = LocalChallenge.Strategy


class Visibility(models.TextChoices):
    COHORT = "cohort", _("Cohort only")
    COMMUNITY = "community", _("Community")
    PUBLIC = "public", _("Public")


def check_sdgs(sdgs) -> None:
    if any(not isinstance(n, int) or not 1 <= n <= 17 for n in sdgs or []):
        raise ValidationError({"sdgs": _("SDGs are numbered 1 to 17.")})


class Profile(models.Model):
    """What a member tells the community about themselves, and which of it others may see.

    The name and the roles (municipality, programme) always show in the directory unless the person is
    not listed at all; each other field shows only when its ``show_*`` box is ticked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                                related_name="community_profile", on_delete=models.CASCADE)
    organisation = models.CharField(_("organisation or department"), max_length=200, validators=SINGLE_LINE, blank=True)
    expertise = models.CharField(
        _("expertise"), max_length=300, validators=SINGLE_LINE, blank=True,
        help_text=_("Keywords separated by commas, e.g. procurement, demolition, food waste."))
    bio = models.TextField(_("about me"), max_length=2000, validators=[MaxLengthValidator(2000)], blank=True)
    listed = models.BooleanField(_("show me in the member directory"), default=True)
    show_email = models.BooleanField(_("show my e-mail address"), default=False)
    show_organisation = models.BooleanField(_("show my organisation"), default=True)
    show_expertise = models.BooleanField(_("show my expertise"), default=True)
    show_bio = models.BooleanField(_("show “about me”"), default=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")

    def __str__(self):
        return str(self.user)

    @property
    def expertise_tags(self) -> list[str]:
        return [tag.strip() for tag in self.expertise.split(",") if tag.strip()]


class LibraryItem(Bilingual, models.Model):
    """A case story, method, resource or solution model in the knowledge library.

    Bodies are Markdown; they are rendered and sanitised when shown (``community.markdown``). An item is a
    draft until ``published_at`` is set; a moderator hides it by setting ``hidden_at``."""

    class Kind(models.TextChoices):
        CASE = "case", _("Case story")
        METHOD = "method", _("Method")
        RESOURCE = "resource", _("Resource")
        SOLUTION_MODEL = "solution_model", _("Solution model")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    visibility = models.CharField(
        _("who may see it"), max_length=20, choices=Visibility.choices, default=Visibility.COMMUNITY,
        help_text=_("Cohort only: the people in the programme. Community: every member. Public: also on the "
                    "public showcase, for everyone."))
    # Content tagged with a programme goes with it if the programme is deleted (as its meetings do); a
    # cohort-only item without its programme would have no audience left.
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), null=True, blank=True,
                                  related_name="community_items", on_delete=models.CASCADE)
    # Solution models: the local test they come from. The item outlives a withdrawn participation.
    participation = models.ForeignKey("programmes.Participation", verbose_name=_("local test"), null=True,
                                      blank=True, related_name="community_items", on_delete=models.SET_NULL)
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("municipality"), null=True,
                                     blank=True, related_name="community_items", on_delete=models.PROTECT)
    title_da = models.CharField(_("title (Danish)"), max_length=200, validators=SINGLE_LINE)
    title_en = models.CharField(_("title (English)"), max_length=200, validators=SINGLE_LINE, blank=True)
    summary_da = models.TextField(_("summary (Danish)"), max_length=600, validators=[MaxLengthValidator(600)],
                                  blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=600, validators=[MaxLengthValidator(600)],
                                  blank=True)
    body_da = models.TextField(_("text (Danish)"), max_length=20000, validators=[MaxLengthValidator(20000)], blank=True)
    body_en = models.TextField(_("text (English)"), max_length=20000, validators=[MaxLengthValidator(20000)],
                               blank=True)
    material_stream = models.CharField(_("material stream"), max_length=30, choices=MaterialStream.choices,
                                       blank=True)
    strategy = models.CharField(_("circular strategy (R-ladder)"), max_length=2, choices=Strategy.choices,
                                blank=True)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    attachment = models.FileField(_("file"), storage=community_storage, upload_to="community/library/",
                                  blank=True)
    attachment_type = models.CharField(max_length=120, blank=True, editable=False)
    attachment_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               related_name="community_items", on_delete=models.SET_NULL)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden by a moderator"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # PostgreSQL only: kept up to date by a database trigger (migration 0002), GIN-indexed; NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        constraints = [
            # The tested solution model of a local test is one item; adaptations are adoptions.
            models.UniqueConstraint(fields=["participation"], condition=models.Q(kind="solution_model"),
                                    name="community_one_solution_model_per_participation"),
            models.CheckConstraint(condition=~models.Q(visibility="cohort") | models.Q(programme__isnull=False),
                                   name="community_item_cohort_needs_programme"),
        ]
        indexes = [models.Index(fields=["visibility", "published_at"]), models.Index(fields=["kind", "published_at"])]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def summary(self) -> str:
        return self.localized("summary")

    @property
    def body(self) -> str:
        return self.localized("body")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.is_published and not self.is_hidden

    def has_english(self) -> bool:
        return bool(self.title_en and (self.body_en or not self.body_da) and (self.summary_en or not self.summary_da))

    def get_absolute_url(self):
        return reverse("community:item", args=[self.pk])

    def get_showcase_url(self):
        return reverse("community:showcase-item", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.visibility == Visibility.COHORT and not self.programme_id:
            errors["programme"] = _("Choose the programme whose people may see this item.")
        if self.kind == self.Kind.SOLUTION_MODEL:
            if not self.participation_id:
                errors["participation"] = _("Choose the local test this solution model comes from.")
            elif self.programme_id and self.participation.cohort.programme_id != self.programme_id:
                errors["programme"] = _("The local test belongs to another programme.")
        elif self.participation_id:
            errors["participation"] = _("Only solution models belong to a local test.")
        try:
            check_sdgs(self.sdgs)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


class Adoption(models.Model):
    """Another municipality records that it reuses or adapts a solution model."""

    class Kind(models.TextChoices):
        REUSE = "reuse", _("Reuses it")
        ADAPT = "adapt", _("Adapts it")

    item = models.ForeignKey(LibraryItem, verbose_name=_("solution model"), related_name="adoptions",
                             on_delete=models.CASCADE)
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("municipality"),
                                     related_name="community_adoptions", on_delete=models.PROTECT)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   blank=True, related_name="+", on_delete=models.SET_NULL)
    kind = models.CharField(_("how"), max_length=10, choices=Kind.choices, default=Kind.REUSE)
    note = models.TextField(_("note"), max_length=1000, validators=[MaxLengthValidator(1000)], blank=True,
                            help_text=_("What you reuse, or what you change for your municipality."))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [models.UniqueConstraint(fields=["item", "municipality"], name="community_adoption_unique")]

    def __str__(self):
        return f"{self.municipality} — {self.item}"


class Thread(models.Model):
    """A question or a sparring request from a municipality to the community; others answer with posts."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        SPARRING = "sparring", _("Sparring request")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPARRING)
    title = models.CharField(_("title"), max_length=200, validators=SINGLE_LINE)
    body = models.TextField(_("your question"), max_length=10000, validators=[MaxLengthValidator(10000)])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, blank=True,
                               related_name="community_threads", on_delete=models.SET_NULL)
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("on behalf of"), null=True,
                                     blank=True, related_name="community_threads", on_delete=models.PROTECT)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), null=True, blank=True,
                                  related_name="community_threads", on_delete=models.CASCADE)
    visibility = models.CharField(_("who may see it"), max_length=20, choices=Visibility.choices[:2],
                                  default=Visibility.COMMUNITY)
    material_stream = models.CharField(_("material stream"), max_length=30, choices=MaterialStream.choices,
                                       blank=True)
    strategy = models.CharField(_("circular strategy (R-ladder)"), max_length=2, choices=Strategy.choices,
                                blank=True)
    hidden_at = models.DateTimeField(_("hidden by a moderator"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    # PostgreSQL only: kept up to date by a database trigger (migration 0002), GIN-indexed; NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("sparring thread")
        verbose_name_plural = _("sparring threads")
        constraints = [
            models.CheckConstraint(condition=models.Q(visibility__in=["cohort", "community"]),
                                   name="community_thread_never_public"),
            models.CheckConstraint(condition=~models.Q(visibility="cohort") | models.Q(programme__isnull=False),
                                   name="community_thread_cohort_needs_programme"),
        ]
        indexes = [models.Index(fields=["last_activity_at"])]

    def __str__(self):
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def get_absolute_url(self):
        return reverse("community:thread", args=[self.pk])

    def clean(self):
        super().clean()
        if self.visibility == Visibility.COHORT and not self.programme_id:
            raise ValidationError({"programme": _("Choose the programme whose people may see this question.")})
        if self.visibility not in (Visibility.COHORT, Visibility.COMMUNITY):
            raise ValidationError({"visibility": _("Sparring threads are for members only.")})


class Post(models.Model):
    """An answer in a thread."""

    thread = models.ForeignKey(Thread, related_name="posts", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               related_name="community_posts", on_delete=models.SET_NULL)
    # The municipality the author answered for (their staff role at the time), so the thread keeps saying
    # which municipality answered even after roles change.
    municipality = models.ForeignKey("municipalities.Municipality", verbose_name=_("municipality"), null=True,
                                     blank=True, related_name="+", on_delete=models.PROTECT)
    body = models.TextField(_("answer"), max_length=10000, validators=[MaxLengthValidator(10000)])
    hidden_at = models.DateTimeField(_("hidden by a moderator"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    # PostgreSQL only: kept up to date by a database trigger (migration 0002), GIN-indexed; NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self):
        return f"{self.author} — {self.thread}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def programme_id(self):
        return self.thread.programme_id

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}#post-{self.pk}"


class ModerationTarget(models.Model):
    """Exactly one of a library item, a thread or an answer."""

    item = models.ForeignKey(LibraryItem, null=True, blank=True, related_name="+", on_delete=models.CASCADE)
    thread = models.ForeignKey(Thread, null=True, blank=True, related_name="+", on_delete=models.CASCADE)
    post = models.ForeignKey(Post, null=True, blank=True, related_name="+", on_delete=models.CASCADE)

    class Meta:
        abstract = True

    @property
    def target(self):
        return self.item or self.thread or self.post

    @property
    def target_kind(self) -> str:
        return "item" if self.item_id else "thread" if self.thread_id else "post"


def exactly_one_target(name: str) -> models.CheckConstraint:
    has = [models.Q(**{f"{field}__isnull": False}) for field in ("item", "thread", "post")]
    hasnt = [models.Q(**{f"{field}__isnull": True}) for field in ("item", "thread", "post")]
    return models.CheckConstraint(
        condition=(has[0] & hasnt[1] & hasnt[2]) | (hasnt[0] & has[1] & hasnt[2]) | (hasnt[0] & hasnt[1] & has[2]),
        name=name,
    )


class Report(ModerationTarget):
    """A member tells the moderators that something should not be here."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    reason = models.TextField(_("what is wrong"), max_length=1000, validators=[MaxLengthValidator(1000)])
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True,
                                    blank=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [exactly_one_target("community_report_one_target")]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self):
        return f"{self.reporter} — {self.target}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class ModerationAction(ModerationTarget):
    """The log: who hid or restored what, when and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moderator"), null=True, blank=True,
                           related_name="+", on_delete=models.SET_NULL)
    reason = models.TextField(_("reason"), max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        constraints = [exactly_one_target("community_moderation_one_target")]

    def __str__(self):
        return f"{self.get_action_display()} — {self.target}"
