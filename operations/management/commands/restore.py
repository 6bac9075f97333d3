"""manage.py restore: put a backup made by `manage.py backup` back (see operations/backup.py)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, human_size, restore_backup


class Command(BaseCommand):
    help = ("Restore the database and the uploaded files from an archive made by `manage.py backup`. Refuses a "
            "database that already holds data unless --force is given.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz made by `manage.py backup`, or - for standard input.")
        parser.add_argument("--force", action="store_true",
                            help="Replace the data of a target database that is not empty.")
        parser.add_argument("--database", default="default", help="DATABASES alias to restore into.")
        parser.add_argument("--database-url", help="Restore into this database instead, e.g. a scratch database "
                                                   "to check a backup: postgres://user@host:5432/name")
        parser.add_argument("--media-root", help="Restore the uploaded files here instead of MEDIA_ROOT.")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, archive, force=False, database="default", database_url=None, media_root=None,
               no_media=False, **options):
        source = sys.stdin.buffer if archive == "-" else archive
        try:
            report = restore_backup(source, alias=database, database_url=database_url, media_root=media_root,
                                    force=force, include_media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = report.manifest
        made = f"made {manifest.get('created_at')}"
        if manifest.get("app_version") or manifest.get("git_commit"):
            made += f" by version {manifest.get('app_version') or '?'} (commit {manifest.get('git_commit') or '?'})"
        self.stdout.write(f"Backup {made}.")
        what = "Replaced the data of" if report.overwritten else "Restored into"
        self.stdout.write(f"{what} the {report.vendor} database {report.database!r}.")
        if no_media:
            self.stdout.write("Uploaded files not restored (--no-media).")
        else:
            self.stdout.write(f"Restored {report.files} uploaded file(s), {human_size(report.file_bytes)}.")
        if report.missing_migrations:
            self.stdout.write(self.style.WARNING(
                f"This code has {len(report.missing_migrations)} migration(s) the backup had not applied yet "
                f"(e.g. {report.missing_migrations[0]}): run `manage.py migrate` now."))
        self.stdout.write(self.style.SUCCESS("Restore complete."))
