"""County-scale visits for benchmarks: ``generate_visits --county 510499 --seed 1`` (after generate_county)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from regions.models import Region, RegionLevel
from visits.generation import generate_visits
from visits.models import Visit


class Command(BaseCommand):
    help = "Generate the county's visit frequencies and months of visits (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=3)
        parser.add_argument("--coverage", type=float, default=0.8)

    def handle(self, *args, **options):
        county = Region.objects.filter(code=options["county"], level=RegionLevel.COUNTY).first()
        actor = User.objects.filter(username="bench_county").first()
        if county is None or actor is None:
            raise CommandError("No such county or no bench_county account: run generate_county first.")
        if Visit.objects.filter(county=county).exists():
            raise CommandError("The county has visits already.")
        result = generate_visits(
            county, actor, seed=options["seed"], months=options["months"], coverage=options["coverage"]
        )
        self.stdout.write(str(result))
