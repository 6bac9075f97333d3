from django.core.management.base import BaseCommand

from programmes.status import status_refresh_all


class Command(BaseCommand):
    help = "Rebuild every participation's status row (traffic light, overdue, stalled) from the data."

    def handle(self, *args, **options):
        count = status_refresh_all()
        self.stdout.write(f"Rebuilt the status of {count} participations.")
