"""manage.py backup: the database and the uploaded files in one .tar.gz (see operations/backup.py)."""

import sys
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup, human_size


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (MEDIA_ROOT) into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Archive to write, or - for standard output (default: "
                                                   "circular-cities-<time>.tar.gz in the current folder).")
        parser.add_argument("--database", default="default", help="DATABASES alias to back up (default: default).")
        parser.add_argument("--no-media", action="store_true", help="Leave the uploaded files out.")

    def handle(self, *args, output=None, database="default", no_media=False, **options):
        to_stdout = output == "-"
        # With the archive on standard output, the report goes to standard error.
        report = self.stderr if to_stdout else self.stdout
        if not output:
            output = f"circular-cities-{datetime.now().strftime('%Y%m%d-%H%M%S')}.tar.gz"
        try:
            manifest = create_backup(sys.stdout.buffer if to_stdout else output, alias=database,
                                     include_media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if to_stdout:
            sys.stdout.buffer.flush()
        media = manifest["media"]
        db = manifest["database"]
        report.write(f"Backed up the {db['vendor']} database {db['name']!r} "
                     f"({sum(len(v) for v in manifest['migrations'].values())} migrations applied).")
        if media["included"]:
            report.write(f"Backed up {media['files']} uploaded file(s), {human_size(media['bytes'])}.")
        elif no_media:
            report.write("Uploaded files left out (--no-media).")
        else:
            report.write("Uploaded files are not on the local file system (object storage): back them up "
                         "with the storage provider's own tools.")
        if not to_stdout:
            size = Path(output).stat().st_size
            report.write(self.style.SUCCESS(f"Wrote {output} ({human_size(size)})."))
