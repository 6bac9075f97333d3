"""The data version of each programme: raised after every committed write of a row that a report shows.

Report files (reports/files.py) are keyed by it, so a file built before a change is simply not found after it.
The version is raised from ``post_save``/``post_delete`` of the models below rather than from each service:
a report must also follow what an admin corrects in the admin screens, and a list of models is one place to
keep right where fifty services are fifty. Writes that no report shows (RSVPs, notifications, comments,
sessions) do not raise it, so a busy platform does not make every report stale.

Each watched model names the path from its rows to their programme. The programme is found when the row is
written (one small query for rows that are not directly on a programme) and its counter is raised in the same
transaction (one UPDATE)."""

from __future__ import annotations

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

# model label -> path from the row to its programme's id ("" when the row is a programme)
WATCHED = {
    "programmes.Programme": "",
    "programmes.ProgrammeOrganisation": "programme",
    "programmes.Objective": "programme",
    "programmes.BudgetLine": "programme",
    "programmes.Spending": "budget_line__programme",
    "programmes.Cohort": "programme",
    "programmes.Phase": "programme",
    "programmes.Participation": "cohort__programme",
    "programmes.LocalChallenge": "participation__cohort__programme",
    "programmes.Milestone": "programme",
    "programmes.ParticipationStatus": "programme",
    "municipalities.ProgressEntry": "participation__cohort__programme",
    "municipalities.ProgressPhoto": "entry__participation__cohort__programme",
    "municipalities.Indicator": "participation__cohort__programme",
    "municipalities.Measurement": "indicator__participation__cohort__programme",
    "municipalities.PartnerInvolvement": "participation__cohort__programme",
    "municipalities.StageGateOutput": "participation__cohort__programme",
    "workshops.Meeting": "programme",
    "workshops.AgendaItem": "meeting__programme",
    "workshops.Decision": "meeting__programme",
    "workshops.ActionItem": "meeting__programme",
    "workshops.SkillAssessment": "programme",
    "community.LibraryItem": "programme",
    "community.Adoption": "item__programme",
}
# Rows shared by every programme that uses them: a change raises the version of every programme.
EVERY_PROGRAMME = ("programmes.Organisation", "municipalities.Municipality")


def _programme_ids(instance, path: str) -> set[int]:
    """The programme(s) of a row, from its own foreign key (still set after a delete) and the rest of the path."""
    if not path:
        return {instance.pk}
    first, _sep, rest = path.partition("__")
    value = getattr(instance, f"{first}_id", None)
    if value is None:
        return set()
    if not rest:
        return {value}
    related = instance._meta.get_field(first).related_model
    return set(related.objects.filter(pk=value).values_list(rest, flat=True)) - {None}


def _role_programme_ids(instance) -> set[int]:
    """A role held in a programme, in a municipality's local test, or (for other scopes) in a municipality."""
    if instance.programme_id:
        return {instance.programme_id}
    if instance.participation_id:
        return _programme_ids(instance, "participation__cohort__programme")
    if instance.municipality_id:
        Participation = apps.get_model("programmes", "Participation")
        return set(Participation.objects.filter(municipality_id=instance.municipality_id)
                   .values_list("cohort__programme_id", flat=True))
    return set()


def bump(programme_ids) -> None:
    """Raise the version of these programmes, in the writer's transaction: a rolled-back write raises nothing,
    and a reader sees the new version exactly when it sees the new rows. Always in the order of the ids, so two
    writers never wait for each other's programmes the other way round."""
    Version = apps.get_model("reports", "ProgrammeDataVersion")
    for programme_id in sorted(set(programme_ids)):
        if Version.objects.filter(programme_id=programme_id).update(version=F("version") + 1):
            continue
        try:
            with transaction.atomic():
                Version.objects.create(programme_id=programme_id, version=1)
        except IntegrityError:  # created by a writer beside us: raise that one
            Version.objects.filter(programme_id=programme_id).update(version=F("version") + 1)


def bump_every_programme() -> None:
    Programme = apps.get_model("programmes", "Programme")
    bump(Programme.objects.values_list("pk", flat=True))


def current_version(programme_id: int) -> int:
    Version = apps.get_model("reports", "ProgrammeDataVersion")
    return Version.objects.filter(programme_id=programme_id).values_list("version", flat=True).first() or 0


def _changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata
        return
    label = sender._meta.label
    if label in EVERY_PROGRAMME:
        bump_every_programme()
        return
    ids = _role_programme_ids(instance) if label == "accounts.RoleAssignment" else _programme_ids(
        instance, WATCHED[label])
    if ids:
        bump(ids)


def connect() -> None:
    """Called once from ``ReportsConfig.ready``."""
    for label in (*WATCHED, *EVERY_PROGRAMME, "accounts.RoleAssignment"):
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"reports-version-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"reports-version-delete-{label}")
