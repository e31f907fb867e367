from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.models import Cycle
from reviews.aggregates import rebuild_cycle


class Command(BaseCommand):
    help = (
        "Recompute the stored review scores and per-application score aggregates that the "
        "ranking reads, from the criterion scores (all cycles, or one with --cycle). Safe to "
        "run at any time: each cycle is rebuilt in one transaction under its score lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help="Only this cycle (its id).")

    def handle(self, *args, **options):
        cycles = Cycle.objects.order_by("pk")
        if options["cycle"] is not None:
            cycles = cycles.filter(pk=options["cycle"])
            if not cycles.exists():
                raise CommandError(f"There is no cycle {options['cycle']}.")
        for cycle in cycles:
            with transaction.atomic():
                count = rebuild_cycle(cycle.pk)
            self.stdout.write(f"{cycle}: {count} applications with scores.")
