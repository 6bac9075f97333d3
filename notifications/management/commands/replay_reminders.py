from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notifications.replay import format_table, replay
from programmes.models import Programme


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = ("Replay a programme's timeline with a simulated clock through the reminder engine, without writing "
            "or sending anything, and print every reminder it would send per month and kind, and duplicates.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's short name (slug).")
        parser.add_argument("--start", type=_date, help="First day (default: the programme's start).")
        parser.add_argument("--end", type=_date, help="Last day (default: the programme's end).")

    def handle(self, *args, programme, start=None, end=None, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"No programme with the short name {programme!r}.")
        if start and end and end < start:
            raise CommandError("--end lies before --start.")
        try:
            result = replay(programme=found, start=start, end=end)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Reminders of {found.name_en or found.name_da} ({found.slug}), "
                          f"{result.start:%Y-%m-%d} – {result.end:%Y-%m-%d}: {result.scans} simulated scans, "
                          "nothing written or sent.\n")
        self.stdout.write(format_table(result))
        self.stdout.write("")
        self.stdout.write(f"Total reminders: {result.total}")
        self.stdout.write(f"Duplicates: {result.duplicates}")
        if result.duplicates:
            raise CommandError(f"{result.duplicates} duplicate reminders: the engine would send something twice.")
