from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from circular_cities.dates import validate_platform_date
from circular_cities.text import SINGLE_LINE, MaxLengthValidator


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. E-mail is the login; what they may do comes from their role assignments."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, validators=SINGLE_LINE)
    language = models.CharField(
        _("language"), max_length=5, default="da", choices=[("da", _("Danish")), ("en", _("English"))]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("May log in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set when an admin erased the person (accounts.gdpr.erase_person): the row stays so that what they wrote
    # keeps its author, shown as "Former member"; every personal field is gone.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        if self.erased_at:
            return str(_("Former member"))
        return self.full_name or self.email

    def get_full_name(self):
        if self.erased_at:
            return str(_("Former member"))
        return self.full_name

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    ADVISOR = "advisor", _("Innovation advisor")
    STAFF = "staff", _("Municipal staff")
    POLITICIAN = "politician", _("Politician")
    OBSERVER = "observer", _("Observer")
    ADMIN = "admin", _("Administrator")


# Which scope each role is held in. The advisor pool of a programme is an advisor
# assignment with a programme and no participation; assigned advisors have both.
# Staff are on the team of one participation (a municipality in one programme's cohort): being on the team of
# a municipality in one programme gives nothing in another programme the municipality takes part in. The
# municipality (and programme) of a staff role are copied from its participation, for lists and the community.
ROLE_SCOPE = {
    Role.FACILITATOR: "programme",
    Role.ADVISOR: "programme",
    Role.STAFF: "participation",
    Role.POLITICIAN: "programme",
    Role.OBSERVER: "programme",
    Role.ADMIN: None,
}
READ_ONLY_ROLES = {Role.POLITICIAN, Role.OBSERVER}


class RoleScopeFields(models.Model):
    """The role and the scope it is held in: shared by assignments and invitations."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), null=True, blank=True, on_delete=models.CASCADE
    )
    participation = models.ForeignKey(
        "programmes.Participation", verbose_name=_("participation"), null=True, blank=True,
        on_delete=models.CASCADE,
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("municipality"), null=True, blank=True,
        on_delete=models.PROTECT,
    )
    department = models.CharField(_("department"), max_length=150, validators=SINGLE_LINE, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=250, validators=SINGLE_LINE, blank=True)
    position = models.CharField(_("position"), max_length=150, validators=SINGLE_LINE, blank=True,
                                help_text=_("E.g. mayor, councillor"))

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        scope = ROLE_SCOPE.get(self.role)
        if scope == "participation":
            if not self.participation_id:
                raise ValidationError({"participation": _(
                    "Choose the municipality in the programme this person works for.")})
            # The team of a participation: its municipality and programme follow from it.
            self.municipality_id = self.participation.municipality_id
            self.programme_id = self.participation.cohort.programme_id
        if scope == "programme" and not self.programme_id:
            raise ValidationError({"programme": _("Choose the programme this role belongs to.")})
        if self.participation_id and self.role not in (Role.ADVISOR, Role.STAFF):
            raise ValidationError({"participation": _(
                "Only innovation advisors and municipal staff are assigned to one municipality.")})
        if self.participation_id and self.programme_id and self.participation.cohort.programme_id != self.programme_id:
            raise ValidationError({"participation": _("The municipality does not take part in this programme.")})

    def scope_label(self) -> str:
        if self.participation_id:
            return f"{self.participation.municipality} · {self.participation.cohort.programme}"
        if self.programme_id:
            return str(self.programme)
        if self.municipality_id:
            return f"{self.municipality}{' · ' + self.department if self.department else ''}"
        return ""


class RoleAssignment(RoleScopeFields):
    user = models.ForeignKey(User, verbose_name=_("person"), related_name="roles", on_delete=models.CASCADE)
    starts_on = models.DateField(_("from"), null=True, blank=True, validators=[validate_platform_date])
    ends_on = models.DateField(_("to"), null=True, blank=True, validators=[validate_platform_date])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Who granted, changed or ended a role, and when: the audit trail of teams, advisors and follow-groups.
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="role_term_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        label = self.scope_label()
        return f"{self.user} — {self.get_role_display()}{' (' + label + ')' if label else ''}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})


def is_local_path(url: str) -> bool:
    """A path on this site (``/calls/reviews/``): no scheme, no host, no protocol-relative ``//host``."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


class Invitation(RoleScopeFields):
    """A one-time, expiring link that lets a person in with a role. Only the token's hash is stored.

    An invitation may grant no role: then ``purpose`` says what it is for (e.g. an external reviewer of one open
    call), and the app that sent it acts on ``accounts.signals.invitation_accepted``."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True,
                            help_text=_("Empty when the invitation grants no role (see “invited for”)."))
    purpose = models.CharField(_("invited for"), max_length=250, validators=SINGLE_LINE, blank=True,
                               help_text=_("What an invitation without a role is for, in its language."))
    # Set by the app that sends an invitation without a role (a call's reviewers land on their reviews): accounts
    # knows no other app's pages. Only a path on this site is kept (``clean``) and followed.
    next_url = models.CharField(_("page after accepting"), max_length=200, validators=SINGLE_LINE, blank=True,
                                help_text=_("Where the person lands after accepting: a page of this site."))
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=150, validators=SINGLE_LINE, blank=True)
    language = models.CharField(
        _("language of the invitation"), max_length=5, default="da",
        choices=[("da", _("Danish")), ("en", _("English"))],
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The term the role is granted for (politicians in a follow-group); copied to the role on acceptance.
    starts_on = models.DateField(_("from"), null=True, blank=True, validators=[validate_platform_date])
    ends_on = models.DateField(_("to"), null=True, blank=True, validators=[validate_platform_date])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} — {self.get_role_display()}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
        if not self.role and not self.purpose:
            raise ValidationError({"role": _("Choose the role the person is invited to.")})
        if not self.role and (self.programme_id or self.participation_id or self.municipality_id):
            raise ValidationError({"role": _("An invitation without a role has no scope.")})
        if self.next_url and not is_local_path(self.next_url):
            raise ValidationError({"next_url": _("Give a page of this site, starting with /.")})

    @property
    def description(self) -> str:
        """What the person is invited to: the role and its scope, or the purpose of an invitation without one."""
        if not self.role:
            return self.purpose
        label = self.scope_label()
        return f"{self.get_role_display()}{' (' + label + ')' if label else ''}"

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for answer")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self):
        return self.State(self.state).label


class DeletionRequest(models.Model):
    """A person asked for their personal data to be erased; an admin handles it (erase, or decline with a reason)."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Waiting for an admin")
        ERASED = "erased", _("Erased")
        DECLINED = "declined", _("Declined")

    # PROTECT: the record of an erasure outlives the erasure (the user row stays, anonymised).
    user = models.ForeignKey(User, verbose_name=_("person"), related_name="deletion_requests",
                             on_delete=models.PROTECT)
    reason = models.TextField(_("reason (optional)"), max_length=2000, validators=[MaxLengthValidator(2000)],
                              blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(User, verbose_name=_("handled by"), null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    note = models.TextField(_("note"), max_length=2000, validators=[MaxLengthValidator(2000)], blank=True,
                            help_text=_("Why the request was declined, or what was kept."))

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")

    def __str__(self):
        return f"{self.user} — {self.requested_at:%d.%m.%Y}"


# --- The libraries' login records, named in the admin in the reader's language ---------------------------------
# allauth's Authenticator and UserSession have English-only names; these proxies (no table of their own) give the
# admin translated ones (accounts/admin.py registers them instead of allauth's).

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.usersessions.models import UserSession  # noqa: E402


class TwoFactorMethod(Authenticator):
    class Meta:
        proxy = True
        verbose_name = _("two-factor method")
        verbose_name_plural = _("two-factor methods")


class LoginSession(UserSession):
    class Meta:
        proxy = True
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
