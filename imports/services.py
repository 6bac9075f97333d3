"""Every write of an import: keeping an uploaded file's rows until the person confirms, and the import itself.

Between preview and confirm the rows are kept in the uploader's session (the session lives in the database and
Redis, never in a cookie): only the columns the import reads, as text, under a random one-time token. So a
preview belongs to the person who uploaded it, in the browser they uploaded it from; nothing in a form field is
trusted, and the rows go when the person logs out, when the session ends (at most 12 hours), when they confirm
or discard, and with an erasure (accounts.gdpr ends every session). Previews and the confirm read the same text
with the same code (kinds.py), so the confirm re-checks every row against the database as it is then, and saves
all rows in one transaction or none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .kinds import KINDS, Kind, Row
from .models import ImportRecord
from .readers import Sheet, read_spreadsheet

SESSION_KEY = "imports.pending"
MAX_PENDING = 3  # previews kept per session; an older one is dropped for a new one
PENDING_HOURS = 12


@dataclass
class Pending:
    token: str
    kind: str
    programme_id: int
    participation_id: int | None
    file_name: str
    letters: dict[str, str]  # column key → the column's letter in the file
    rows: list  # [row number, {column key: text}]
    ignored: list[str] = field(default_factory=list)  # headers of the file that no column reads
    created_at: str = ""

    def as_session(self) -> dict:
        return self.__dict__.copy()


def _pending_all(session) -> dict:
    return dict(session.get(SESSION_KEY) or {})


def pending_get(*, session, token: str) -> Pending | None:
    data = _pending_all(session).get(token)
    if not data:
        return None
    created = parse_datetime(data.get("created_at") or "")
    if created is None or created < timezone.now() - timedelta(hours=PENDING_HOURS):
        pending_drop(session=session, token=token)
        return None
    return Pending(**data)


def pending_drop(*, session, token: str) -> None:
    kept = _pending_all(session)
    if kept.pop(token, None) is not None:
        session[SESSION_KEY] = kept


def _columns_of(kind: Kind, sheet: Sheet) -> tuple[dict[int, str], list[str]]:
    """Which column of the file holds which of the kind's columns, and the headers nobody reads."""
    known = kind.headers()
    found: dict[int, str] = {}
    ignored = []
    from .kinds import normalise_header

    for index, header in enumerate(sheet.header):
        key = known.get(normalise_header(header))
        if key and key not in found.values():
            found[index] = key
        elif header.strip():
            ignored.append(header.strip())
    missing = [str(column.label) for column in kind.columns if column.required and column.key not in found.values()]
    if missing:
        raise ValidationError(
            _("The file has no column %(columns)s. The first row must hold the column headers; download an example "
              "file to see them.") % {"columns": ", ".join(f"“{label}”" for label in missing)},
            code="missing_columns")
    return found, ignored


def import_upload(*, session, kind: str, upload, programme, participation=None) -> Pending:
    """Read and check an uploaded file and keep its rows for the preview. Raises ValidationError for a file that
    cannot be read (the form shows it); row-level problems are the preview's to show."""
    sheet = read_spreadsheet(upload)
    columns, ignored = _columns_of(KINDS[kind], sheet)
    rows = []
    for number, cells in sheet.rows:
        values = {key: cells[index] if index < len(cells) else "" for index, key in columns.items()}
        if any(value.strip() for value in values.values()):
            rows.append([number, values])
    if not rows:
        raise ValidationError(_("The file has column headers but no rows below them."), code="no_rows")
    pending = Pending(
        token=secrets.token_urlsafe(16), kind=kind, programme_id=programme.pk,
        participation_id=participation.pk if participation is not None else None,
        file_name=str(getattr(upload, "name", "") or "")[:200].replace("\n", " ").replace("\r", " ").strip()
        or "import", letters={key: Sheet.letter(index) for index, key in columns.items()}, rows=rows,
        ignored=ignored[:20], created_at=timezone.now().isoformat())
    kept = _pending_all(session)
    for token in sorted(kept, key=lambda t: kept[t].get("created_at") or "")[:max(0, len(kept) - MAX_PENDING + 1)]:
        del kept[token]
    kept[pending.token] = pending.as_session()
    session[SESSION_KEY] = kept
    return pending


@dataclass
class Preview:
    pending: Pending
    kind: Kind
    rows: list[Row]
    lookups: dict
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self):
        """(row number, error) of every row, in the order of the file."""
        return [(row.number, error) for row in self.rows for error in row.errors]

    @property
    def to_save(self) -> list[Row]:
        return [row for row in self.rows if not row.skip and not row.errors]

    @property
    def skipped(self) -> list[Row]:
        return [row for row in self.rows if row.skip and not row.errors]

    @property
    def can_confirm(self) -> bool:
        return not self.errors and bool(self.to_save)


def import_preview(*, pending: Pending, target) -> Preview:
    """Every row as it will be saved, with every problem: a constant number of queries for the whole file."""
    kind = KINDS[pending.kind]
    rows = [Row(number=number, cells=cells) for number, cells in pending.rows]
    lookups = kind.lookups(target, rows)
    lookups["target"] = target
    seen: dict = {}
    for row in rows:
        kind.parse(row, pending.letters)
        kind.check(row, lookups, seen, pending.letters)
    return Preview(pending=pending, kind=kind, rows=rows, lookups=lookups)


class ImportRefused(Exception):
    """Nothing was saved: ``preview`` names the rows and reasons."""

    def __init__(self, preview: Preview):
        super().__init__("import refused")
        self.preview = preview


class AlreadyImported(Exception):
    def __init__(self, record: ImportRecord):
        super().__init__("already imported")
        self.record = record


@transaction.atomic
def import_confirm(*, pending: Pending, programme, participation=None, by) -> tuple[ImportRecord, Preview]:
    """Check every row again and save them all through the domain services, or none: any row a service refuses
    undoes the whole import (and the invitation mails, which go out only when it commits). The import's record
    (the audit) is written last, in the same transaction, once; the preview's token (unique) makes a second
    confirm of the same preview save nothing, also when two arrive at once."""
    done = ImportRecord.objects.filter(token=pending.token).first()
    if done is not None:
        raise AlreadyImported(done)
    target = participation if KINDS[pending.kind].target == "participation" else programme
    preview = import_preview(pending=pending, target=target)
    if not preview.can_confirm:
        raise ImportRefused(preview)
    warnings: list[str] = []
    for row in preview.to_save:
        try:
            with transaction.atomic():
                warnings += preview.kind.save(row, target, preview.lookups, by)
        except ValidationError as error:
            preview.kind.add_validation_error(row, error, pending.letters)
    if preview.errors:
        raise ImportRefused(preview)
    record = ImportRecord(token=pending.token, kind=pending.kind, programme=programme, participation=participation,
                          imported_by=by, file_name=pending.file_name, rows_read=len(pending.rows),
                          rows_saved=len(preview.to_save), rows_skipped=len(preview.skipped))
    record.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # The same preview confirmed at the same moment (a double click): the other request saved it; this one's
        # rows go with this transaction.
        raise AlreadyImported(ImportRecord.objects.get(token=pending.token)) from None
    preview.warnings = list(dict.fromkeys(warnings))  # budget warnings once each, in order
    return record, preview
