from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reviews.scale import PASSWORD, seed_scale


class Command(BaseCommand):
    help = (
        "Create a benchmark call: N submitted applications under review, 20 reviewers "
        "(10 MSS, 10 iPark) and 3 submitted reviews each on a 4-criterion rubric. "
        "Each run adds another call."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--applications", type=int, default=200, help="How many applications (default 200)."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Benchmark data with known passwords is refused when PRODUCTION=true."
            )
        count = options["applications"]
        if count < 1:
            raise CommandError("--applications must be at least 1.")
        scale = seed_scale(applications=count)
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark call “{scale.cycle.name}” (pk {scale.cycle.pk}) is ready: "
                f"/manage/cycles/{scale.cycle.pk}/ranking/"
            )
        )
        self.stdout.write(f"  managers:  {', '.join(scale.manager_emails)}  /  {PASSWORD}")
        self.stdout.write(f"  reviewers: {scale.reviewer_emails[0]} … (20)  /  {PASSWORD}")
