"""Backups of the database and the uploaded files in one archive, and restoring them.

An archive is a ``.tar.gz`` holding

* ``manifest.json``: when and from what it was made (app version, git commit if known, database vendor,
  the applied migrations) and the SHA-256 and size of every other member;
* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (a consistent copy
  made with SQLite's online backup API, safe while the platform runs);
* ``media/…``: every file under MEDIA_ROOT, the private uploads included.

Restoring checks the archive before it touches anything: every checksum, the database vendor, and that
the code knows every migration the backup had applied. It refuses a target database that already holds
data unless told to overwrite it. Errors are ``BackupError`` with a message for the operator.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

import environ
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database.dump"
SQLITE_DUMP_NAME = "database.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass
class RestoreReport:
    manifest: dict
    vendor: str
    database: str
    files: int = 0
    file_bytes: int = 0
    missing_migrations: list[str] = field(default_factory=list)
    overwritten: bool = False


# --- Helpers -------------------------------------------------------------------------------------------------

def human_size(size: int) -> str:
    """Bytes for the operator's report, the same in every locale (the command output is English)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit() -> str | None:
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"]
    if not (Path(settings.BASE_DIR) / ".git").exists() or not shutil.which("git"):
        return None
    try:
        result = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S603, S607
                                capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def _app_version() -> str | None:
    try:
        return metadata.version("circular-cities")
    except metadata.PackageNotFoundError:
        return None


def database_settings(*, alias: str = "default", url: str | None = None) -> dict:
    """The settings of the database to back up or restore into: a DATABASES alias, or a database URL."""
    if url:
        try:
            return environ.Env.db_url_config(url)
        except Exception as error:  # django-environ raises several kinds for a bad URL
            raise BackupError(f"Cannot read the database URL: {error}") from error
    if alias not in connections:
        raise BackupError(f"There is no database {alias!r} in DATABASES.")
    return connections[alias].settings_dict


def _vendor(db: dict) -> str:
    engine = db.get("ENGINE", "")
    if "postgresql" in engine or "postgis" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine or 'an unknown engine'}.")


def _pg_command(program: str) -> str:
    path = shutil.which(program)
    if not path:
        raise BackupError(f"{program} was not found. Install the PostgreSQL client programs (Debian: "
                          f"postgresql-client, the same major version as the server or newer) and try again.")
    return path


def _pg_args_and_env(db: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore. The password goes in the environment, never on the
    command line, where other users of the machine could read it in the process list."""
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGAPPNAME": "circular-cities-backup"}
    env.pop("PGPASSWORD", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(f"{what} could not be started: {error}") from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} failed (exit code {result.returncode}): {detail}")


def _media_storage_is_local() -> bool:
    try:
        return isinstance(storages["default"], FileSystemStorage)
    except Exception:  # a storage that cannot even be built is not one we can copy files from
        return False


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- Backup --------------------------------------------------------------------------------------------------

def _dump_database(db: dict, alias: str | None, folder: Path) -> Path:
    vendor = _vendor(db)
    if vendor == "postgresql":
        target = folder / PG_DUMP_NAME
        args, env = _pg_args_and_env(db)
        _run([_pg_command("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
              *args], env, "pg_dump")
        return target
    target = folder / SQLITE_DUMP_NAME
    destination = sqlite3.connect(target)
    try:
        if alias is not None:
            # Through Django's own connection: also right for an in-memory database (tests).
            connection = connections[alias]
            connection.ensure_connection()
            connection.connection.backup(destination)
        else:
            source = sqlite3.connect(db["NAME"])
            try:
                source.backup(destination)
            finally:
                source.close()
    finally:
        destination.close()
    return target


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def create_backup(output, *, alias: str = "default", include_media: bool = True) -> dict:
    """Write a backup archive to ``output`` (a path, or a binary file object); return its manifest."""
    db = database_settings(alias=alias)
    vendor = _vendor(db)
    media_root = Path(settings.MEDIA_ROOT)
    media_included = include_media and _media_storage_is_local()
    with tempfile.TemporaryDirectory(prefix="cc-backup-") as tmp:
        dump = _dump_database(db, alias, Path(tmp))
        files = {dump.name: {"sha256": _sha256(dump), "size": dump.stat().st_size}}
        media = _media_files(media_root) if media_included else []
        for path in media:
            files[MEDIA_PREFIX + path.relative_to(media_root).as_posix()] = {
                "sha256": _sha256(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_version": _app_version(),
            "git_commit": _git_commit(),
            "database": {"vendor": vendor, "name": str(db.get("NAME", "")) if vendor == "postgresql" else
                         Path(str(db.get("NAME", ""))).name},
            "migrations": _applied_migrations(alias),
            "media": {"included": media_included, "files": len(media),
                      "bytes": sum(entry["size"] for name, entry in files.items() if name.startswith(MEDIA_PREFIX))},
            "files": files,
        }
        with _open_output(output) as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name, recursive=False)
            for path in media:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix(), recursive=False)
    return manifest


class _open_output:
    """A path is written to a temporary name first, so a failed backup never leaves a half archive."""

    def __init__(self, output):
        self.output, self.handle, self.partial = output, None, None

    def __enter__(self):
        if hasattr(self.output, "write"):
            return self.output
        path = Path(self.output)
        if path.parent and not path.parent.exists():
            raise BackupError(f"The folder {path.parent} does not exist.")
        self.partial = path.with_name(path.name + ".partial")
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # uploads are personal data
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, exc_type, exc, tb):
        if self.handle is None:
            return False
        self.handle.close()
        if exc_type is None:
            os.replace(self.partial, self.output)
        else:
            self.partial.unlink(missing_ok=True)
        return False


# --- Restore -------------------------------------------------------------------------------------------------

def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_archive(source, folder: Path) -> dict:
    """Unpack ``source`` (path or binary file object) into ``folder`` and return its verified manifest."""
    if not hasattr(source, "read"):
        path = Path(source)
        if not path.is_file():
            raise BackupError(f"There is no backup archive at {path}.")
    try:
        # A stream (standard input) is read once, front to back; a file may be read in any order.
        opened = {"fileobj": source, "mode": "r|gz"} if hasattr(source, "read") else {"name": source, "mode": "r:gz"}
        with tarfile.open(**opened) as archive:
            for member in archive:
                if member.isdir():
                    continue
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"The archive holds an unexpected entry {member.name!r}; it is not a "
                                      f"backup made by this platform.")
                target = folder / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, open(target, "wb") as out:
                    shutil.copyfileobj(data, out, CHUNK)
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"The archive cannot be read; it is damaged or not a backup ({error}).") from error

    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError("The archive has no manifest.json; it is not a backup made by this platform.") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError("The archive's manifest.json is damaged.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                              dict):
        raise BackupError(f"The archive's manifest has an unknown format ({manifest.get('format')!r} "
                          f"where {FORMAT} is expected)." if isinstance(manifest, dict) else
                          "The archive's manifest is damaged.")

    unpacked = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    expected = set(manifest["files"])
    if missing := sorted(expected - unpacked):
        raise BackupError(f"The archive is incomplete: {len(missing)} file(s) missing, e.g. {missing[0]}.")
    if extra := sorted(unpacked - expected):
        raise BackupError(f"The archive holds files its manifest does not list, e.g. {extra[0]}.")
    for name, entry in sorted(manifest["files"].items()):
        if _sha256(folder / name) != entry.get("sha256"):
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged.")
    return manifest


def migration_differences(backup: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(migrations the backup has applied that this code does not know, migrations this code has that the
    backup had not applied yet). The first make a restore impossible; the second need ``migrate`` after."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    in_backup = {(app, name) for app, names in backup.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in in_backup - known)
    replaced_by_applied = set()
    for key, migration in loader.disk_migrations.items():
        if migration.replaces and set(map(tuple, migration.replaces)) <= in_backup:
            replaced_by_applied.add(key)
    not_applied = sorted(f"{app}.{name}" for (app, name), migration in loader.disk_migrations.items()
                         if (app, name) not in in_backup and (app, name) not in replaced_by_applied)
    return unknown, not_applied


def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


def _any_user_sql() -> str:
    return f'SELECT EXISTS (SELECT 1 FROM "{_user_table()}")'  # noqa: S608 (a model's table name, not input)


def database_holds_data(db: dict, alias: str | None) -> bool:
    """True unless the database has no tables, or only the tables ``migrate`` creates and no user account.
    (``migrate`` fills some tables by itself, such as the reference list of municipalities.)"""
    vendor = _vendor(db)
    if vendor == "postgresql":
        import psycopg

        kwargs = {"dbname": db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
                  "host": db.get("HOST") or None, "port": db.get("PORT") or None, "connect_timeout": 10}
        try:
            with psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None}) as conn:
                tables = {row[0] for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                    "AND table_schema NOT IN ('pg_catalog', 'information_schema')")}
                if not tables:
                    return False
                if _user_table() not in tables:
                    return True
                return conn.execute(_any_user_sql()).fetchone()[0]
        except psycopg.Error as error:
            raise BackupError(f"Cannot connect to the target database {db['NAME']!r}: {error}".strip()) from error
    if alias is not None:
        connection = connections[alias]
        connection.ensure_connection()
        raw, close = connection.connection, False
    else:
        raw, close = sqlite3.connect(db["NAME"]), True
    try:
        tables = {row[0] for row in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if not tables:
            return False
        if _user_table() not in tables:
            return True
        return bool(raw.execute(_any_user_sql()).fetchone()[0])
    finally:
        if close:
            raw.close()


def _restore_database(db: dict, alias: str | None, dump: Path) -> None:
    if _vendor(db) == "postgresql":
        args, env = _pg_args_and_env(db)
        _run([_pg_command("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--exit-on-error", "--single-transaction", *args, str(dump)], env, "pg_restore")
        return
    source = sqlite3.connect(dump)
    try:
        if alias is not None:
            connection = connections[alias]
            connection.close()  # no open transaction of ours in the way
            connection.ensure_connection()
            source.backup(connection.connection)
        else:
            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(db["NAME"])
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()


def _restore_media(folder: Path, manifest: dict, media_root: Path) -> tuple[int, int]:
    count = size = 0
    for name, entry in sorted(manifest["files"].items()):
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name[len(MEDIA_PREFIX):]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(folder / name, partial)
        os.replace(partial, target)
        count, size = count + 1, size + entry["size"]
    return count, size


def restore_backup(source, *, alias: str = "default", database_url: str | None = None, media_root=None,
                   force: bool = False, include_media: bool = True) -> RestoreReport:
    """Restore an archive into a database (a DATABASES alias, or a database URL) and MEDIA_ROOT."""
    db = database_settings(alias=alias, url=database_url)
    target_alias = None if database_url else alias
    vendor = _vendor(db)
    with tempfile.TemporaryDirectory(prefix="cc-restore-") as tmp:
        folder = Path(tmp)
        manifest = read_archive(source, folder)
        backup_vendor = (manifest.get("database") or {}).get("vendor")
        if backup_vendor != vendor:
            raise BackupError(f"The backup is of a {backup_vendor} database; the target is {vendor}. Restore it "
                              f"into a {backup_vendor} database.")
        dump_name = PG_DUMP_NAME if vendor == "postgresql" else SQLITE_DUMP_NAME
        if dump_name not in manifest["files"]:
            raise BackupError(f"The archive has no {dump_name}.")
        unknown, not_applied = migration_differences(manifest.get("migrations") or {})
        if unknown:
            raise BackupError(f"The backup was made by a newer version of the platform: this code does not know "
                              f"{len(unknown)} of its migrations (e.g. {unknown[0]}). Restore it with the version "
                              f"that made it ({manifest.get('app_version')}, commit {manifest.get('git_commit')}).")
        holds_data = database_holds_data(db, target_alias)
        if holds_data and not force:
            raise BackupError(f"The target database {db['NAME']!r} already holds data. Restoring replaces it; "
                              f"run again with --force if that is what you want.")
        _restore_database(db, target_alias, folder / dump_name)
        report = RestoreReport(manifest=manifest, vendor=vendor, database=str(db["NAME"]),
                               missing_migrations=not_applied, overwritten=holds_data)
        if include_media:
            report.files, report.file_bytes = _restore_media(folder, manifest, Path(media_root or
                                                                                    settings.MEDIA_ROOT))
    return report
