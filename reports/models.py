"""What the report files are made from and the files themselves (issue 17, part 3).

A report file (briefing PDF, funder PDF/XLSX/CSV, open-data CSV/JSON) is built by a Celery task into a stored
file, never while a person waits in a request. It is found again by its key: a digest of what it contains —
the kind, the programme or meeting, the language, the audience and the programme's data version on the day
(reports/versions.py bumps the version whenever a row the reports read is written). A changed programme gets a
new key, so a kept file is never out of date and nothing has to be thrown away by hand."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from circular_cities.storage import private_storage


class ProgrammeDataVersion(models.Model):
    """A counter per programme, raised after every committed write of a row its reports show."""

    # The programme's id, not a foreign key: rows of a programme being deleted raise its version during the
    # cascade, after which nothing may point at it; a version left behind by a deleted programme is harmless.
    programme_id = models.PositiveBigIntegerField(_("programme"), primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("programme data version")
        verbose_name_plural = _("programme data versions")

    def __str__(self):
        return f"{self.programme_id}: {self.version}"


class ReportFile(models.Model):
    class Kind(models.TextChoices):
        BRIEFING_PDF = "briefing_pdf", _("Briefing (PDF)")
        FUNDER_PDF = "funder_pdf", _("Funder report (PDF)")
        FUNDER_XLSX = "funder_xlsx", _("Funder report (XLSX)")
        FUNDER_CSV = "funder_csv", _("Funder report (CSV)")
        OPEN_DATA_CSV = "open_data_csv", _("Open data (CSV)")
        OPEN_DATA_JSON = "open_data_json", _("Open data (JSON)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=64, unique=True,
                           help_text=_("A digest of what the file contains (kind, object, language, audience, "
                                       "data version, day)."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), related_name="+",
                                  on_delete=models.CASCADE)
    meeting = models.ForeignKey("workshops.Meeting", verbose_name=_("meeting"), null=True, blank=True,
                                related_name="+", on_delete=models.CASCADE)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Whose view of the data the file shows: empty when it is the same for every reader (funder report, open
    # data); the person for a briefing, whose contents follow what that person may see.
    audience = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made for"), null=True, blank=True,
                                 related_name="+", on_delete=models.CASCADE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), null=True,
                                     blank=True, related_name="+", on_delete=models.SET_NULL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), storage=private_storage, max_length=200, blank=True)
    compressed = models.BooleanField(_("stored gzip-compressed"), default=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    requested_at = models.DateTimeField(_("asked for"))
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (seconds)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        indexes = [models.Index(fields=["kind", "programme", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.programme_id} · {self.get_status_display()}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
