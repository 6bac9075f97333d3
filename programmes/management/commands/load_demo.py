from django.core.management.base import BaseCommand

from programmes.demo import demo_logins, load_demo


class Command(BaseCommand):
    help = "Load the Circular Cities demo programme and one demo login per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first and load it anew.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, reset=False, quiet_logins=False, **options):
        result = load_demo(reset=reset)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {result['programme'].name_en}."))
        if quiet_logins:
            return
        self.stdout.write("\nDemo logins (password for all: %s)" % demo_logins()[0][2])
        for label, email, _password in demo_logins():
            self.stdout.write(f"  {label:<20} {email}")
        self.stdout.write("")
