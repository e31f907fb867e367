"""``manage.py seed_demo``: every app's demo data, in dependency order.

It lives in ``reviews``, the app at the top of the dependency graph (``programs`` <-
``applications`` <- ``reviews``), because it is the one app allowed to import all the
others; ``common`` stays a leaf.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from applications import demo as applications_demo
from partners import demo as partners_demo
from programs import demo as programs_demo
from reviews import demo as reviews_demo
from reviews import demo_selection as selection_demo

# Each domain app seeds its own part; order matters (programs before the people who use them,
# applications before the reviews of them, reviews before the decisions on them).
SEEDERS = [
    accounts_demo.seed,
    programs_demo.seed,
    applications_demo.seed,
    partners_demo.seed,
    reviews_demo.seed,
    selection_demo.seed,
]


class Command(BaseCommand):
    help = (
        "Load demo data: an open cycle per program with its rubric, technologies, challenges "
        "and demo accounts, whose logins are printed. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data with known passwords is refused when PRODUCTION=true.")
        with transaction.atomic():
            logins = []
            for seeder in SEEDERS:
                logins.extend(seeder())
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        if options["quiet_logins"]:
            return
        self.stdout.write("")
        self.stdout.write("Demo logins (embedded mode only):")
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}  /  {login.password}")
        self.stdout.write("")
