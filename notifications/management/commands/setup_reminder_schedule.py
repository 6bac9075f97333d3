from django.core.management.base import BaseCommand

from notifications.schedule import setup_reminder_schedule


class Command(BaseCommand):
    help = "Create or update the periodic tasks of the reminder engine (scan, sweeper, digests). Safe to run again."

    def handle(self, *args, **options):
        for name in setup_reminder_schedule():
            self.stdout.write(f"  {name}")
        self.stdout.write(self.style.SUCCESS("Reminder schedule is in place."))
