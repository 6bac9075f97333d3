from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from circular_cities.text import SINGLE_LINE


class ImportKind(models.TextChoices):
    TEAM = "team", _("Team members")
    MILESTONES = "milestones", _("Milestones")
    BUDGET_LINES = "budget-lines", _("Budget lines")
    SPENDING = "spending", _("Spending")


class ImportRecord(models.Model):
    """The audit of one confirmed import: who brought which file into which programme (and team), when, and
    what it made; written once, with the import, and shown on the audit page. The rows themselves are not kept
    here: what they made carries its own history (milestones), ``invited_by`` (invitations) or ``recorded_by``
    (spending)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), related_name="+",
                                  on_delete=models.CASCADE)
    participation = models.ForeignKey("programmes.Participation", verbose_name=_("municipality"), null=True,
                                      blank=True, related_name="+", on_delete=models.CASCADE)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                    related_name="+", on_delete=models.SET_NULL)
    file_name = models.CharField(_("file"), max_length=200, validators=SINGLE_LINE)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_saved = models.PositiveIntegerField(_("rows saved"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    # The preview's one-time token: a second confirm of the same preview (a double click, a second tab) finds
    # it taken and saves nothing again.
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    # The audit page (audit/selectors.py) reads imports from their history, beside the records they made.
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        indexes = [models.Index(fields=["programme", "kind", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"
