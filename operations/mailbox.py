"""The sent e-mail of the embedded run (``make run``), read back for the mail page (operations/views.py).

Without EMAIL_URL the platform writes every e-mail to a file under ``EMAIL_FILE_PATH`` (Django's file backend:
one file per connection, each message followed by a line of 79 dashes). This module only reads those files;
production sends through SMTP and has no such page."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import UTC
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
FILE_NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]+\.log$")  # what the file backend names its files


def enabled() -> bool:
    """Only the embedded run writes mail to files; production never shows this page."""
    return not getattr(settings, "PRODUCTION", False) and settings.EMAIL_BACKEND == FILE_BACKEND


def mail_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


@dataclass
class Attachment:
    number: int
    filename: str
    content_type: str
    size: int


@dataclass
class SentMail:
    key: str  # "<file>:<index>", stable for a file once written
    message: EmailMessage
    sent_at: object = None
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    @property
    def sender(self) -> str:
        return str(self.message.get("From", ""))

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""

    def attachment_part(self, number: int):
        for n, part in enumerate(self.message.iter_attachments(), start=1):
            if n == number:
                return part
        return None


def _parse(key: str, raw: bytes) -> SentMail:
    message = email.message_from_bytes(raw.strip(b"\n") + b"\n", policy=policy.default)
    try:
        sent_at = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    if sent_at is not None and sent_at.tzinfo is None:  # "-0000": Django writes UTC (EMAIL_USE_LOCALTIME off)
        sent_at = sent_at.replace(tzinfo=UTC)
    attachments = [Attachment(n, part.get_filename() or f"attachment-{n}", part.get_content_type(),
                              len(part.get_payload(decode=True) or b""))
                   for n, part in enumerate(message.iter_attachments(), start=1)]
    return SentMail(key=key, message=message, sent_at=sent_at, attachments=attachments)


def _messages_in(path: Path) -> list[SentMail]:
    chunks = [chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip()]
    return [_parse(f"{path.name}:{index}", chunk) for index, chunk in enumerate(chunks)]


def sent_mail() -> list[SentMail]:
    """Every message written so far, newest first."""
    folder = mail_dir()
    if not folder.is_dir():
        return []
    messages = []
    for path in sorted(folder.iterdir(), reverse=True):
        if FILE_NAME.match(path.name):
            messages.extend(reversed(_messages_in(path)))
    return messages


def sent_mail_get(key: str) -> SentMail | None:
    """One message by its key, or None (also for a key that names no file of the backend)."""
    name, _colon, index = key.partition(":")
    if not FILE_NAME.match(name) or not index.isdigit():
        return None
    path = mail_dir() / name
    if not path.is_file():
        return None
    messages = _messages_in(path)
    number = int(index)
    return messages[number] if number < len(messages) else None
