from django.core.management.base import BaseCommand

from programmes.demo import demo_logins, load_demo
from programmes.status import status_refresh_all


class Command(BaseCommand):
    help = "Load the Circular Cities demo programme and one demo login per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first and load it anew.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, reset=False, quiet_logins=False, **options):
        result = load_demo(reset=reset)
        status_refresh_all()  # the demo's rows are written directly: their status rows afresh (programmes/status.py)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {result['programme'].name_en}."))
        if quiet_logins:
            return
        self.stdout.write("\nDemo logins (password for all: %s)" % demo_logins()[0][2])
        for label, email, _password in demo_logins():
            self.stdout.write(f"  {label:<20} {email}")
        self.stdout.write("")
