"""A person's personal data: what the platform holds about them (export), and erasure.

Every foreign key to the user model is listed in ``USER_REFERENCES`` with what happens to it:

- ``DELETE``: the person's own data (profile, preferences, notifications, sessions …): exported, deleted on erasure;
- ``KEEP``: the programme's records they wrote or took part in (progress entries, minutes, posts, RSVPs …):
  exported, kept on erasure and shown as written by "Former member" (``User.__str__``);
- ``ACTOR``: they acted on someone else's record, or a history copy (who invited, who reviewed, history_user):
  kept, not exported as their data.

tests/accounts/test_gdpr.py fails when a new foreign key to the user model is not listed here."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from circular_cities.schedule import daily_task

from .models import DeletionRequest, Invitation, Role, User
from .sessions import DATABASE_SESSION_ENGINES, end_sessions

DELETE, KEEP, ACTOR = "delete", "keep", "actor"

# Never exported: secrets and internals.
SECRET_FIELDS = {"password", "token_hash", "session_key", "claim_token", "data", "last_error", "search_vector",
                 "minutes_search_vector"}


@dataclass(frozen=True)
class Reference:
    action: str
    export: bool = True
    fields: tuple[str, ...] | None = None  # exported fields (default: every concrete field but secrets)
    title: str | None = None  # the section's heading (default: "<model, plural> (<field>)"), translated lazily


# Headings and column names for what the libraries' models call in English only (allauth's sessions and MFA),
# and for the columns every model has.
COLUMN_LABELS = {
    "created_at": _lazy("Created"), "updated_at": _lazy("Last changed"), "ip": _lazy("IP address"),
    "user_agent": _lazy("Browser"), "last_seen_at": _lazy("Last seen"), "last_used_at": _lazy("Last used"),
    "type": _lazy("Kind"), "meeting": _lazy("Meeting"), "programme": _lazy("Programme"),
    "municipality": _lazy("Municipality"), "entry": _lazy("progress entry"), "uploaded_by": _lazy("uploaded by"),
    "author": _lazy("written by"), "invited_by": _lazy("invited by"), "user": _lazy("person"),
    "session": _lazy("advisory session"), "thread": _lazy("sparring thread"), "post": _lazy("answer"),
    "item": _lazy("library item"), "call": _lazy("Call"), "application": _lazy("Application"),
}


USER_REFERENCES: dict[str, Reference] = {
    "admin.LogEntry.user": Reference(ACTOR, export=False),
    "accounts.User_groups.user": Reference(DELETE, export=False),
    "accounts.User_user_permissions.user": Reference(DELETE, export=False),
    "account.EmailAddress.user": Reference(DELETE, fields=("email", "verified", "primary"),
                                           title=_lazy("Your e-mail addresses")),
    "mfa.Authenticator.user": Reference(DELETE, fields=("type", "created_at", "last_used_at"),
                                        title=_lazy("Your two-factor authentication methods")),
    "usersessions.UserSession.user": Reference(DELETE, fields=("created_at", "ip", "user_agent", "last_seen_at"),
                                               title=_lazy("Where you are logged in")),
    "accounts.RoleAssignment.user": Reference(DELETE),
    "accounts.HistoricalRoleAssignment.user": Reference(ACTOR, export=False),
    "accounts.Invitation.invited_by": Reference(
        KEEP, fields=("email", "role", "programme", "municipality", "created_at", "accepted_at", "revoked_at"),
        title=_lazy("Invitations you sent")),
    "accounts.Invitation.accepted_by": Reference(DELETE, fields=("role", "programme", "municipality", "created_at",
                                                                 "accepted_at"),
                                                 title=_lazy("Invitations you accepted")),
    "accounts.DeletionRequest.user": Reference(KEEP),
    "accounts.DeletionRequest.handled_by": Reference(ACTOR, export=False),
    "municipalities.ProgressEntry.author": Reference(KEEP),
    "municipalities.HistoricalProgressEntry.author": Reference(ACTOR, export=False),
    # who accepted an entry for the open data and who withdrew one: the record of an act, as a reviewer's
    "municipalities.ProgressEntry.reviewed_by": Reference(ACTOR, export=False),
    "municipalities.ProgressEntry.withdrawn_by": Reference(ACTOR, export=False),
    "municipalities.HistoricalProgressEntry.reviewed_by": Reference(ACTOR, export=False),
    "municipalities.HistoricalProgressEntry.withdrawn_by": Reference(ACTOR, export=False),
    "municipalities.ProgressPhoto.uploaded_by": Reference(KEEP, fields=("entry", "image", "caption", "created_at")),
    "municipalities.StageGateOutput.submitted_by": Reference(KEEP),
    "municipalities.StageGateOutput.reviewed_by": Reference(ACTOR, export=False),
    "municipalities.HistoricalStageGateOutput.submitted_by": Reference(ACTOR, export=False),
    "municipalities.HistoricalStageGateOutput.reviewed_by": Reference(ACTOR, export=False),
    "municipalities.AdvisorySession.advisor": Reference(KEEP),
    "municipalities.AgreedAction.owner": Reference(KEEP),
    "municipalities.EntryComment.author": Reference(KEEP),
    "programmes.Spending.recorded_by": Reference(ACTOR, export=False),
    "programmes.Milestone.owner": Reference(KEEP),
    "programmes.HistoricalMilestone.owner": Reference(ACTOR, export=False),
    "workshops.Meeting.organiser": Reference(KEEP, fields=("title_da", "title_en", "starts_at", "place", "status")),
    "workshops.HistoricalMeeting.organiser": Reference(ACTOR, export=False),
    "workshops.MeetingInvitation.user": Reference(KEEP),  # attendance stays part of the meeting's record
    "workshops.MeetingInvitation.invited_by": Reference(ACTOR, export=False),
    "workshops.Material.uploaded_by": Reference(KEEP, fields=("meeting", "title", "original_name", "uploaded_at")),
    "workshops.ActionItem.owner": Reference(KEEP),
    "workshops.CalendarFeed.user": Reference(DELETE),
    "workshops.SkillAssessment.user": Reference(KEEP),  # the cohort's skills picture stays, anonymised
    "community.Profile.user": Reference(DELETE),
    "community.LibraryItem.author": Reference(KEEP, fields=("kind", "title_da", "title_en", "attachment",
                                                            "published_at", "created_at")),
    "community.Adoption.adopted_by": Reference(KEEP),
    "community.Thread.author": Reference(KEEP),
    "community.Post.author": Reference(KEEP),
    "community.Report.reporter": Reference(KEEP),
    "community.Report.resolved_by": Reference(ACTOR, export=False),
    "community.ModerationAction.by": Reference(ACTOR, export=False),
    "notifications.Delivery.recipient": Reference(DELETE, fields=("kind", "subject", "send_at", "state", "sent_at")),
    "notifications.Notification.recipient": Reference(DELETE, fields=("category", "title", "body", "created_at",
                                                                      "read_at")),
    "notifications.NotificationPreference.user": Reference(DELETE),
    # a report file built for one reader (their briefing): a copy of what they could see, made again on request
    "reports.ReportFile.audience": Reference(DELETE, export=False),
    "reports.ReportFile.requested_by": Reference(ACTOR, export=False),
    # the audit of a spreadsheet import: an act on the programme's records, kept (the rows are not in it)
    "imports.ImportRecord.imported_by": Reference(KEEP, fields=("kind", "programme", "file_name", "rows_saved",
                                                                "created_at"),
                                                  title=_lazy("Spreadsheets you imported")),
    "imports.HistoricalImportRecord.imported_by": Reference(ACTOR, export=False),
    # open calls (issue 19): who created a call or decided an application acted; a reviewer's reviews stay with
    # the assessment, anonymised
    "calls.Call.created_by": Reference(ACTOR, export=False),
    "calls.HistoricalCall.created_by": Reference(ACTOR, export=False),
    "calls.Application.decided_by": Reference(ACTOR, export=False),
    "calls.HistoricalApplication.decided_by": Reference(ACTOR, export=False),
    "calls.Reviewer.user": Reference(KEEP, fields=("call", "created_at"), title=_lazy("Calls you review")),
    "calls.Reviewer.added_by": Reference(ACTOR, export=False),
    # the audit copies of a reviewer (h-calls2): the current row is the one exported and kept above
    "calls.HistoricalReviewer.user": Reference(ACTOR, export=False),
    "calls.HistoricalReviewer.added_by": Reference(ACTOR, export=False),
}
# Data about a person kept under their e-mail address rather than their account: applicants to an open call
# apply without one (calls/, issue 19). Exported when the address is the account's; on erasure the copies of the
# address and name are scrubbed with the rest (``scrub_text``).
EMAIL_REFERENCES: dict[str, tuple[tuple[str, ...], object]] = {
    "calls.Application.contact_email": (("call", "municipality", "contact_name", "contact_email", "state",
                                         "submitted_at", "decision"),
                                        _lazy("Applications to open calls you are the contact of")),
    "calls.ApplicationEditor.email": (("application", "email", "name", "confirmed_at"),
                                      _lazy("Applications to open calls you may edit")),
}
# Every history table's "who made this change" (django-simple-history): ids only, kept.
HISTORY_USER_FIELD = "history_user"


def user_references() -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete foreign key / one-to-one / many-to-many field of any model that points at the user model."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue  # the same table as its concrete model (accounts.TwoFactorMethod, accounts.LoginSession)
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is user_model:
                found.append((model, field))
    return found


def reference_key(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def reference_for(model, field) -> Reference | None:
    if field.name == HISTORY_USER_FIELD:
        return Reference(ACTOR, export=False)
    return USER_REFERENCES.get(reference_key(model, field))


def unhandled_references() -> list[str]:
    return sorted(reference_key(m, f) for m, f in user_references() if reference_for(m, f) is None)


# --- Export ---------------------------------------------------------------------------------------------------

def _value(row, field, labels: dict):
    if field.is_relation:
        # One label per related object, not per row: str() of a participation reads its municipality and cohort.
        key = (field.related_model, getattr(row, field.attname))
        if key[1] is None:
            return None
        if key not in labels:
            labels[key] = str(getattr(row, field.name))
        return labels[key]
    value = getattr(row, field.name)
    if isinstance(field, models.FileField):
        return value.name or ""
    if field.choices and value not in (None, ""):
        return str(getattr(row, f"get_{field.name}_display")())
    return value  # dates and times stay objects: ISO in the JSON download, d.m.Y on the page


def _section_title(model, field) -> str:
    """"<model, plural> (<what the person is to it>)", e.g. "statusopdateringer (skrevet af)"."""
    return f"{model._meta.verbose_name_plural} ({COLUMN_LABELS.get(field.name, field.verbose_name)})"


def _export_fields(model, reference: Reference, person_field):
    if reference.fields:
        return [model._meta.get_field(name) for name in reference.fields]
    return [f for f in model._meta.concrete_fields
            if f.name not in SECRET_FIELDS and f.name != person_field.name and not f.primary_key]


def personal_data(user: User) -> dict:
    """Everything the platform holds about ``user``: plain data (JSON-able with DjangoJSONEncoder), sections
    labelled in the active language. Secrets (passwords, tokens, MFA keys, session keys) are never included."""
    person = {
        "id": user.pk, "email": user.email, "full_name": user.full_name, "language": user.get_language_display(),
        "active": user.is_active, "joined": user.date_joined, "last_login": user.last_login,
        "mfa_enabled": user.authenticator_set.exists(),
    }
    sections, labels = [], {}
    for model, field in user_references():
        reference = reference_for(model, field)
        if reference is None or not reference.export:
            continue
        fields = _export_fields(model, reference, field)
        rows = model._default_manager.filter(**{field.name: user}).order_by("pk")
        sections.append({
            "key": reference_key(model, field).lower(),
            "title": str(reference.title or _section_title(model, field)),
            "columns": [{"name": f.name, "label": str(COLUMN_LABELS.get(f.name, f.verbose_name))} for f in fields],
            "rows": [{f.name: _value(row, f, labels) for f in fields} for row in rows],
        })
    for key, (names, title) in EMAIL_REFERENCES.items():
        app_label, model_name, field_name = key.split(".")
        model = apps.get_model(app_label, model_name)
        fields = [model._meta.get_field(name) for name in names]
        rows = model._default_manager.filter(**{f"{field_name}__iexact": user.email}).order_by("pk")
        sections.append({
            "key": key.lower(), "title": str(title),
            "columns": [{"name": f.name, "label": str(COLUMN_LABELS.get(f.name, f.verbose_name))} for f in fields],
            "rows": [{f.name: _value(row, f, labels) for f in fields} for row in rows],
        })
    return {
        "generated_at": timezone.now(),
        "controller": controller_name(),
        "person": person,
        "sections": sections,
    }


# --- Deletion requests --------------------------------------------------------------------------------------

def open_deletion_request(user: User) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user, outcome=DeletionRequest.Outcome.OPEN).first()


def retention_periods() -> list[tuple[str, int]]:
    """What the clean-up task deletes and after how many days (the privacy page shows the actual values)."""
    return [
        (_("Invitations that were accepted, expired or revoked"), settings.RETENTION_INVITATION_DAYS),
        (_("Notifications you have read"), settings.RETENTION_READ_NOTIFICATION_DAYS),
        (_("Notifications you have not read"), settings.RETENTION_UNREAD_NOTIFICATION_DAYS),
        (_("Log of reminders sent by e-mail"), settings.RETENTION_REMINDER_LOG_DAYS),
        (_("Handled deletion requests"), settings.RETENTION_DELETION_REQUEST_DAYS),
        (_("The administrators' change log"), settings.RETENTION_ADMIN_LOG_DAYS),
    ]


def controller_name() -> str:
    """The data controller, or (until the operator sets it) which setting to configure, in the reader's language."""
    return settings.PRIVACY_CONTROLLER_NAME or _(
        "not set yet (the operator sets %(setting)s)") % {"setting": "PRIVACY_CONTROLLER_NAME"}


def controller() -> dict:
    return {"name": controller_name(),
            "address": settings.PRIVACY_CONTROLLER_ADDRESS or _(
                "address not set yet (the operator sets %(setting)s)") % {"setting": "PRIVACY_CONTROLLER_ADDRESS"},
            "email": settings.PRIVACY_CONTACT_EMAIL}


@transaction.atomic
def deletion_request_create(*, user: User, reason: str = "") -> DeletionRequest:
    """Record that ``user`` asks to be erased and tell the admins. Asking twice keeps the first open request."""
    existing = DeletionRequest.objects.filter(user=user, outcome=DeletionRequest.Outcome.OPEN).first()
    if existing:
        return existing
    request = DeletionRequest(user=user, reason=reason.strip())
    request.full_clean()
    request.save()
    transaction.on_commit(lambda: _notify_admins(request.pk))
    return request


def _notify_admins(request_id: int) -> None:
    from notifications.models import Category, Notification

    request = DeletionRequest.objects.select_related("user").get(pk=request_id)
    url = reverse("admin:accounts_deletionrequest_change", args=[request.pk])
    admins = User.objects.filter(models.Q(is_superuser=True) | models.Q(roles__role=Role.ADMIN), is_active=True)
    for admin in admins.distinct():
        with translation.override(admin.language):
            title = _("%(person)s asks to have their personal data erased") % {"person": request.user}
            body = _("Open the deletion request in the admin to erase the person or decline with a reason.")
        Notification.objects.create(recipient=admin, category=Category.ESCALATIONS, title=title[:200], body=body,
                                    url=url)
        send_mail(title, f"{body}\n\n{settings.SITE_URL}{url}", None, [admin.email], fail_silently=True)


# --- Erasure ------------------------------------------------------------------------------------------------

def erased_email(user: User) -> str:
    return f"erased-{user.pk}@invalid"


def _text_fields(model):
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.is_relation]


def scrub_text(needles: list[str], replacement: str, *, skip: set[type[models.Model]] = frozenset()) -> int:
    """Replace every copy of ``needles`` in every text column of every table (history tables, admin log, others'
    notifications …). Returns how many rows changed."""
    changed = 0
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model in skip:
            continue
        for field in _text_fields(model):
            for needle in needles:
                rows = model._base_manager.filter(**{f"{field.attname}__contains": needle})
                changed += rows.update(**{field.attname: Replace(F(field.attname), Value(needle),
                                                                  Value(replacement))})
    return changed


@transaction.atomic
def erase_person(*, user: User, by: User | None = None, note: str = "") -> dict:
    """Erase ``user``: delete their own data, keep the programme's records attributed to "Former member",
    anonymise the user row, end every session and scrub copies of their name and e-mail everywhere; close their
    open deletion request as erased. Once committed, the person gets an e-mail that the erasure was done (the one
    thing still sent to the old address)."""
    person = user
    user = User.objects.select_for_update().get(pk=person.pk)
    if user.erased_at:
        return {}
    address, language = user.email, user.language
    note = note[:2000]  # DeletionRequest.note's limit (the update below does not validate)
    needles = {user.email, user.email.lower(), user.full_name.strip()}
    needles |= set(user.emailaddress_set.values_list("email", flat=True))
    needles = sorted((n for n in needles if n and len(n) >= 4), key=len, reverse=True)  # longest first

    end_sessions(user)
    counts = {}
    for model, field in user_references():
        reference = reference_for(model, field)
        if reference and reference.action == DELETE:
            deleted, _per_model = model._base_manager.filter(**{field.name: user}).delete()
            counts[reference_key(model, field)] = deleted
    # Invitations that were sent to them but never accepted carry their e-mail and name.
    counts["accounts.Invitation.email"] = Invitation.objects.filter(email__iexact=user.email).delete()[0]

    user.email = erased_email(user)
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    if address and not address.endswith("@invalid"):
        from .tasks import send_erasure_confirmation_task

        erased_at = user.erased_at.isoformat()
        transaction.on_commit(lambda: send_erasure_confirmation_task.delay(address, language, erased_at))

    with translation.override(settings.LANGUAGE_CODE):
        replacement = _("Former member")
    counts["scrubbed rows"] = scrub_text(needles, replacement, skip={User})

    DeletionRequest.objects.filter(user=user, outcome=DeletionRequest.Outcome.OPEN).update(
        outcome=DeletionRequest.Outcome.ERASED, handled_at=timezone.now(), handled_by=by, note=note)
    person.refresh_from_db()
    return counts


@transaction.atomic
def deletion_request_decline(*, request: DeletionRequest, by: User, note: str) -> DeletionRequest:
    request.outcome = DeletionRequest.Outcome.DECLINED
    request.handled_at = timezone.now()
    request.handled_by = by
    request.note = note
    request.full_clean()
    request.save()
    return request


# --- Retention ----------------------------------------------------------------------------------------------

def apply_retention(*, now=None) -> dict[str, int]:
    """Delete what the retention settings say is no longer needed. Returns how many rows of each kind went."""
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    from notifications.models import Delivery, Notification

    now = now or timezone.now()

    def days_ago(days: int):
        return now - timezone.timedelta(days=days)

    invitation_cutoff = days_ago(settings.RETENTION_INVITATION_DAYS)
    finished_invitations = (
        models.Q(accepted_at__lt=invitation_cutoff) | models.Q(revoked_at__lt=invitation_cutoff)
        | models.Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=invitation_cutoff)
    )
    counts = {
        "invitations": Invitation.objects.filter(finished_invitations).delete()[0],
        "read notifications": Notification.objects.filter(
            read_at__lt=days_ago(settings.RETENTION_READ_NOTIFICATION_DAYS)).delete()[0],
        "unread notifications": Notification.objects.filter(
            read_at__isnull=True, created_at__lt=days_ago(settings.RETENTION_UNREAD_NOTIFICATION_DAYS)).delete()[0],
        # Only finished reminders, long past the reminder engine's grace window: they can never be claimed again.
        "reminder log": Delivery.objects.filter(
            state__in=[Delivery.State.SENT, Delivery.State.SKIPPED, Delivery.State.FAILED],
            send_at__lt=days_ago(settings.RETENTION_REMINDER_LOG_DAYS)).delete()[0],
        "deletion requests": DeletionRequest.objects.exclude(outcome=DeletionRequest.Outcome.OPEN).filter(
            handled_at__lt=days_ago(settings.RETENTION_DELETION_REQUEST_DAYS)).delete()[0],
        "admin log": LogEntry.objects.filter(action_time__lt=days_ago(settings.RETENTION_ADMIN_LOG_DAYS)).delete()[0],
        "expired sessions": 0,
        "session records": UserSession.objects.filter(
            last_seen_at__lt=now - timezone.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS)).delete()[0],
    }
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        counts["expired sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    return counts


RETENTION_TASK = "accounts: retention clean-up"


def setup_retention_schedule(apps=None) -> str:
    """The daily beat entry of ``accounts.tasks.apply_retention`` (idempotent; called by a data migration)."""
    return daily_task(name=RETENTION_TASK, task="accounts.tasks.apply_retention", hour=3, minute=30, apps=apps)
