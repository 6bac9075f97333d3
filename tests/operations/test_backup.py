"""Backups: `manage.py backup` writes one archive, `manage.py restore` puts it into an EMPTY database and
MEDIA_ROOT, and the same data and the same files (byte for byte) come back. The round trip runs against
the database the tests run on: SQLite by default, the real PostgreSQL in CI (DATABASE_URL)."""

import io
import json
import secrets
import sqlite3
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from operations import backup
from tests.factories import build_world
from tests.workshops.factories import MeetingFactory
from tests.workshops.test_uploads import _jpeg_with_exif
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump must see committed data

KEY_QUERIES = {
    "users": "SELECT email, full_name FROM accounts_user ORDER BY email",
    "programmes": "SELECT slug, name_da, name_en, starts_on FROM programmes_programme ORDER BY slug",
    "participations": "SELECT COUNT(*) FROM programmes_participation",
    "milestones": "SELECT COUNT(*) FROM programmes_milestone",
    "roles": "SELECT COUNT(*) FROM accounts_roleassignment",
    "meetings": "SELECT title_da FROM workshops_meeting ORDER BY title_da",
    "materials": "SELECT original_name, file, size, content_type FROM workshops_material ORDER BY original_name",
    "municipalities": "SELECT COUNT(*) FROM municipalities_municipality",
    "migrations": "SELECT app, name FROM django_migrations ORDER BY app, name",
}


def _snapshot(cursor) -> dict:
    result = {}
    for key, sql in KEY_QUERIES.items():
        cursor.execute(sql)
        result[key] = [tuple(str(value) for value in row) for row in cursor.fetchall()]
    return result


def _files(root) -> dict[str, bytes]:
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def data():
    """Users, programmes, participations, milestones, a meeting with a PDF and a photo: committed."""
    world = build_world()
    meeting = MeetingFactory(programme=world.a.programme)
    facilitator = world.a.users["facilitator"]
    workshop_services.material_add(meeting=meeting, by=facilitator, title="Agenda",
                                   upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.7\nagenda\n%%EOF\n"))
    workshop_services.material_add(meeting=meeting, by=facilitator,
                                   upload=SimpleUploadedFile("site.jpg", _jpeg_with_exif()))
    Path(settings.MEDIA_ROOT, "notes.txt").write_text("not in a model, still backed up")
    return world


def _pg_server() -> dict:
    db = connection.settings_dict
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or None}


@pytest.fixture
def empty_target(tmp_path):
    """A new, empty database of the same vendor as the tests' database: (URL, connect())."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    server = _pg_server()
    name = f"cc_restore_test_{secrets.token_hex(6)}"
    admin = {k: v for k, v in server.items() if v is not None}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = quote(server["user"]) + (f":{quote(server['password'])}" if server["password"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}", lambda: psycopg.connect(dbname=name,
                                                                                                    **admin)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(archive, target_url, media_root, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), database_url=target_url, media_root=str(media_root), stdout=out,
                 **options)
    return out.getvalue()


def _round_trip(data, empty_target, tmp_path):
    target_url, connect = empty_target
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Wrote" in out.getvalue() and archive.is_file()
    with connection.cursor() as cursor:
        before = _snapshot(cursor)
    assert len(before["users"]) > 5 and len(before["materials"]) == 2  # the data is really there
    files_before = _files(settings.MEDIA_ROOT)
    assert len(files_before) == 3

    restored_media = tmp_path / "restored-media"
    report = _restore(archive, target_url, restored_media)
    assert "Restored into the" in report and "Restored 3 uploaded file(s)" in report and "bytes" in report

    target = connect()
    try:
        cursor = target.cursor()
        assert _snapshot(cursor) == before
    finally:
        target.close()
    assert _files(restored_media) == files_before  # byte for byte, private files included
    assert any(name.startswith("private/") for name in files_before)
    return archive


def test_a_backup_restores_into_an_empty_database_with_the_same_data_and_files(data, empty_target, tmp_path):
    archive = _round_trip(data, empty_target, tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["database"]["vendor"] == connection.vendor.replace("postgresql", "postgresql")
    assert manifest["migrations"]["programmes"] and manifest["created_at"] and manifest["app_version"]
    assert set(manifest["files"]) | {"manifest.json"} == names
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())


@pytest.mark.postgres
def test_postgresql_round_trip_into_a_fresh_database(requires_postgres, data, empty_target, tmp_path):
    """The same round trip, required in CI: pg_dump --format=custom, pg_restore into a new empty database."""
    archive = _round_trip(data, empty_target, tmp_path)
    with tarfile.open(archive) as tar:
        assert "database.dump" in tar.getnames()
        assert tar.extractfile("database.dump").read(5) == b"PGDMP"


def test_restore_refuses_a_database_that_holds_data_unless_forced(data, empty_target, tmp_path):
    target_url, connect = empty_target
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    _restore(archive, target_url, tmp_path / "m1")
    with pytest.raises(CommandError, match="already holds data.*--force"):
        _restore(archive, target_url, tmp_path / "m2")
    assert not (tmp_path / "m2").exists()  # refused before anything was written
    report = _restore(archive, target_url, tmp_path / "m2", force=True)
    assert "Replaced the data of the" in report
    target = connect()
    try:
        with connection.cursor() as cursor:
            assert _snapshot(target.cursor()) == _snapshot(cursor)
    finally:
        target.close()


def test_restoring_into_the_configured_database_refuses_when_it_holds_data(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())


def _rewrite(archive: Path, *, manifest_changes=None, replace=None) -> Path:
    """A copy of the archive with a changed manifest or a changed member (as damage or tampering would)."""
    copy = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_changes:
                manifest = json.loads(content)
                manifest_changes(manifest)
                content = json.dumps(manifest).encode()
            if replace and member.name in replace:
                content = replace[member.name]
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


@pytest.fixture
def archive(data, tmp_path):
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    return path


def test_a_damaged_file_in_the_archive_is_caught_by_its_checksum(archive, empty_target, tmp_path):
    target_url, connect = empty_target
    with tarfile.open(archive) as tar:
        media = next(n for n in tar.getnames() if n.startswith("media/private/"))
    changed = _rewrite(archive, replace={media: b"%PDF-1.7\ntampered\n%%EOF\n"})
    with pytest.raises(CommandError, match=f"Checksum mismatch for {media}"):
        _restore(changed, target_url, tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_a_backup_from_a_newer_version_is_refused(archive, empty_target, tmp_path):
    changed = _rewrite(archive, manifest_changes=lambda m: m["migrations"]["programmes"].append("9999_future"))
    with pytest.raises(CommandError, match="newer version.*programmes.9999_future"):
        _restore(changed, empty_target[0], tmp_path / "m")


def test_a_backup_from_an_older_version_restores_and_asks_for_migrate(archive, empty_target, tmp_path):
    def older(manifest):
        app = next(app for app, names in manifest["migrations"].items() if len(names) > 1)
        manifest["migrations"][app] = manifest["migrations"][app][:1]
    report = _restore(_rewrite(archive, manifest_changes=older), empty_target[0], tmp_path / "m")
    assert "run `manage.py migrate` now" in report


@pytest.mark.parametrize("content,message", [
    (None, "There is no backup archive at"),
    (b"not a gzip file at all", "damaged or not a backup"),
    (b"\x1f\x8b\x08\x00truncated", "damaged or not a backup"),
])
def test_a_missing_or_corrupt_archive_gives_a_clear_error(tmp_path, content, message):
    path = tmp_path / "backup.tar.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                     stdout=io.StringIO())


def test_an_archive_without_manifest_or_with_unsafe_paths_is_refused(tmp_path):
    for name in ("notes.txt", "../escape.txt", "/etc/evil"):
        path = tmp_path / "odd.tar.gz"
        with tarfile.open(path, "w:gz") as tar:
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
        with pytest.raises(CommandError, match="no manifest.json|unexpected entry"):
            call_command("restore", str(path), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                         stdout=io.StringIO())
    assert not (tmp_path.parent / "escape.txt").exists()


def test_a_backup_of_the_other_vendor_is_refused(archive, tmp_path):
    other = "postgres://postgres@127.0.0.1:5432/nowhere" if connection.vendor == "sqlite" else \
        f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(CommandError, match="The backup is of a"):
        _restore(archive, other, tmp_path / "m")


def test_missing_pg_dump_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="pg_dump was not found.*postgresql-client"):
        backup._pg_command("pg_dump")


@pytest.mark.postgres
def test_backup_without_pg_dump_fails_cleanly(requires_postgres, monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("backup", output=str(tmp_path / "b.tar.gz"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []  # no half-written archive


def test_the_database_password_goes_in_the_environment_not_on_the_command_line(monkeypatch, tmp_path):
    seen = {}

    def fake_run(command, env, **kwargs):
        seen.update(command=command, env=env)
        Path(command[command.index("--file") + 1]).write_bytes(b"PGDMP")
        return type("Result", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "cc", "USER": "circular", "PASSWORD": "s3cret-pw",
          "HOST": "db", "PORT": 5432, "OPTIONS": {}}
    backup._dump_database(db, None, tmp_path)
    assert not any("s3cret-pw" in part for part in seen["command"])
    assert seen["env"]["PGPASSWORD"] == "s3cret-pw"
    assert seen["command"][:2] == ["/usr/bin/pg_dump", "--format=custom"]


def test_backup_to_standard_output_and_restore_from_standard_input(data, empty_target, tmp_path, monkeypatch):
    """What the compose commands do: `backup --output -` > file, `restore -` < file."""
    import sys
    from types import SimpleNamespace

    out = SimpleNamespace(buffer=io.BytesIO(), write=lambda text: None, flush=lambda: None)
    monkeypatch.setattr(sys, "stdout", out)
    report = io.StringIO()
    call_command("backup", output="-", stderr=report)
    monkeypatch.undo()
    assert "Backed up 3 uploaded file(s)" in report.getvalue()
    archive = out.buffer.getvalue()
    assert archive[:2] == b"\x1f\x8b"  # only the archive went to standard output
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(archive)))
    printed = _restore("-", empty_target[0], tmp_path / "m")
    assert "Restore complete." in printed
    assert _files(tmp_path / "m") == _files(settings.MEDIA_ROOT)
