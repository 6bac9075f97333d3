"""Report files built in the background and served as stored files (issue 17, part 3).

A person who asks for a briefing PDF, a funder report file or the open data gets the stored file when one
with the same contents exists; otherwise a ``ReportFile`` row is made, a Celery task builds it
(:func:`build_report_file`, ids in) and the page says it is being prepared until it is there. The key of a file
is a digest of what it contains: kind, programme or meeting, language, audience (a briefing shows what its
reader may see, so it is made per reader; the funder report and the open data are the same for all their
readers), the programme's data version (reports/versions.py) and the day (the reports say "as of today").

Who may ask is decided by the views from the database before anything here is called; a file is only ever
served to someone whose key it has.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from circular_cities.downloads import CSV_TYPE, MACHINE

from .models import ReportFile
from .versions import current_version

logger = logging.getLogger(__name__)
Kind = ReportFile.Kind
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"
CONTENT_TYPES = {Kind.BRIEFING_PDF: PDF_TYPE, Kind.FUNDER_PDF: PDF_TYPE, Kind.FUNDER_XLSX: XLSX_TYPE,
                 Kind.FUNDER_CSV: CSV_TYPE, Kind.OPEN_DATA_CSV: CSV_TYPE, Kind.OPEN_DATA_JSON: JSON_TYPE}
EXTENSIONS = {Kind.BRIEFING_PDF: "pdf", Kind.FUNDER_PDF: "pdf", Kind.FUNDER_XLSX: "xlsx", Kind.FUNDER_CSV: "csv",
              Kind.OPEN_DATA_CSV: "csv", Kind.OPEN_DATA_JSON: "json"}
COMPRESSED = {Kind.FUNDER_CSV, Kind.OPEN_DATA_CSV, Kind.OPEN_DATA_JSON}  # text: stored and sent gzipped
PER_READER = {Kind.BRIEFING_PDF}
LANGUAGE_FREE = {Kind.OPEN_DATA_CSV, Kind.OPEN_DATA_JSON}  # codes, not translated labels
# A file asked for but not built within this time is asked for again (a lost task, a worker restarted).
STUCK_AFTER = timedelta(minutes=3)
ERROR_LENGTH = 500


@dataclass(frozen=True)
class ReportRequest:
    """What a person asked for, with everything the key depends on."""

    kind: str
    programme_id: int
    meeting_id: int | None = None
    audience_id: int | None = None
    language: str = ""

    @classmethod
    def make(cls, kind, *, programme, user, meeting=None) -> ReportRequest:
        return cls(kind=kind, programme_id=programme.pk, meeting_id=meeting.pk if meeting else None,
                   audience_id=user.pk if kind in PER_READER else None,
                   language="" if kind in LANGUAGE_FREE else (translation.get_language() or "da"))

    def key(self) -> str:
        parts = {"kind": self.kind, "programme": self.programme_id, "meeting": self.meeting_id,
                 "audience": self.audience_id, "language": self.language,
                 "version": current_version(self.programme_id), "day": timezone.localdate().isoformat(),
                 "format": 1}
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def report_file_for(request: ReportRequest, *, user, retry: bool = False) -> ReportFile:
    """The stored file for this request: ready, or being prepared (a build is asked for when there is none, when
    the last one seems lost, or when the person asks again after a failure)."""
    key = request.key()
    now = timezone.now()
    try:
        report, created = ReportFile.objects.get_or_create(key=key, defaults={
            "kind": request.kind, "programme_id": request.programme_id, "meeting_id": request.meeting_id,
            "audience_id": request.audience_id, "language": request.language, "requested_by": user
            if user.is_authenticated else None, "requested_at": now})
    except IntegrityError:  # asked for by someone else at the same moment
        report, created = ReportFile.objects.get(key=key), False
    again = (report.status == ReportFile.Status.PENDING and report.requested_at < now - STUCK_AFTER) or (
        retry and report.status == ReportFile.Status.FAILED)
    if again:
        ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.PENDING, requested_at=now, error="")
        report.status, report.requested_at, report.error = ReportFile.Status.PENDING, now, ""
    if created or again:
        from .tasks import build_report_file_task

        report_id = report.pk
        transaction.on_commit(lambda: build_report_file_task.delay(report_id))
    return report


# --- Building ---------------------------------------------------------------------------------------------

def _briefing_pdf(report: ReportFile) -> bytes:
    from .briefing import briefing_document, briefing_for_meeting

    data = briefing_for_meeting(user=report.audience, meeting=report.meeting)
    return briefing_document(data).render()


def _funder(report: ReportFile):
    from .funder import funder_report, report_tables

    result = funder_report(user=report.requested_by, programme=report.programme)
    return result, report_tables(result)


def _funder_pdf(report: ReportFile) -> bytes:
    from .funder_document import funder_pdf

    result, tables = _funder(report)
    return funder_pdf(report.programme, result, tables)


def _funder_xlsx(report: ReportFile) -> bytes:
    from .funder_document import funder_report_title, funder_sections
    from .tabular import xlsx_bytes

    _result, tables = _funder(report)
    return xlsx_bytes(funder_sections(tables), title=funder_report_title(report.programme))


def _funder_csv(report: ReportFile) -> bytes:
    from .funder_document import funder_sections
    from .tabular import csv_bytes

    return csv_bytes(funder_sections(_funder(report)[1]))


def _open_data_csv(report: ReportFile) -> bytes:
    from .funder import open_data
    from .funder_document import OPEN_DATA_CSV_COLUMNS, open_data_rows
    from .tabular import Section, csv_bytes

    rows = open_data_rows(open_data(programme=report.programme))
    section = Section(title="", header=OPEN_DATA_CSV_COLUMNS, rows=rows)
    return csv_bytes([section], csv_format=MACHINE)


def _open_data_json(report: ReportFile) -> bytes:
    from .funder import open_data

    return json.dumps(open_data(programme=report.programme), cls=DjangoJSONEncoder, ensure_ascii=False,
                      indent=2).encode("utf-8")


BUILDERS = {Kind.BRIEFING_PDF: _briefing_pdf, Kind.FUNDER_PDF: _funder_pdf, Kind.FUNDER_XLSX: _funder_xlsx,
            Kind.FUNDER_CSV: _funder_csv, Kind.OPEN_DATA_CSV: _open_data_csv, Kind.OPEN_DATA_JSON: _open_data_json}


def build_content(report: ReportFile) -> bytes:
    """The file's bytes, in the file's language (uncompressed)."""
    with translation.override(report.language or "da"):
        return BUILDERS[report.kind](report)


def build_report_file(report_id: int) -> str:
    """Build one asked-for file and store it; afterwards the earlier files of the same report are removed.
    A failure is recorded (the page offers to try again) and never leaves a half-written file behind."""
    report = ReportFile.objects.select_related("programme", "meeting", "audience", "requested_by").filter(
        pk=report_id).first()
    if report is None or report.is_ready:
        return "gone" if report is None else "ready"
    started = time.monotonic()
    try:
        content = build_content(report)
    except Exception as error:  # recorded for the person (who may try again) and the admin; logged with its trace
        logger.exception("report file %s (%s) could not be built", report.pk, report.kind)
        ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.FAILED,
                                                       error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH])
        return "failed"
    compressed = report.kind in COMPRESSED
    stored = gzip.compress(content, mtime=0) if compressed else content
    name = f"reports/{report.kind}/{report.key}.{EXTENSIONS[report.kind]}{'.gz' if compressed else ''}"
    report.file.save(name, ContentFile(stored), save=False)
    report.status, report.compressed, report.size = ReportFile.Status.READY, compressed, len(content)
    report.built_at, report.build_seconds = timezone.now(), round(time.monotonic() - started, 3)
    report.save(update_fields=["file", "status", "compressed", "size", "built_at", "build_seconds"])
    remove_earlier(report)
    return "built"


def remove_earlier(report: ReportFile) -> int:
    """The same report (kind, programme, meeting, language, reader) built before this one: no longer served."""
    earlier = ReportFile.objects.filter(kind=report.kind, programme_id=report.programme_id,
                                        meeting_id=report.meeting_id, language=report.language,
                                        audience_id=report.audience_id, requested_at__lt=report.requested_at)
    removed = 0
    for old in earlier:
        if old.file:
            old.file.delete(save=False)
        old.delete()
        removed += 1
    return removed


def build_times_for_bench(info: dict) -> list[tuple[str, float]]:
    """``make bench``: the seconds one worker takes to build each report file of the benchmark's programme
    (bench/run.py calls this in the server's environment)."""
    from accounts.models import User
    from programmes.models import Programme
    from workshops.models import Meeting

    programme = Programme.objects.get(slug=info["programme"])
    meeting = Meeting.objects.get(pk=info["follow_group_meeting"])
    facilitator = User.objects.get(email=info["users"]["facilitator"])
    times = []
    for kind in Kind:
        with translation.override("da"):
            request = ReportRequest.make(kind, programme=programme, user=facilitator,
                                         meeting=meeting if kind == Kind.BRIEFING_PDF else None)
        report = ReportFile(kind=kind, programme=programme, meeting=meeting if request.meeting_id else None,
                            audience=facilitator if request.audience_id else None, language=request.language,
                            requested_by=facilitator)
        started = time.monotonic()
        build_content(report)
        times.append((str(kind.label), time.monotonic() - started))
    return times
