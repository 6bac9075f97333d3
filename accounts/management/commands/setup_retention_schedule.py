from django.core.management.base import BaseCommand

from accounts.gdpr import setup_retention_schedule


class Command(BaseCommand):
    help = "Create or update the daily retention clean-up (accounts.tasks.apply_retention). Safe to run again."

    def handle(self, *args, **options):
        self.stdout.write(f"  {setup_retention_schedule()}")
        self.stdout.write(self.style.SUCCESS("Retention schedule is in place."))
