"""Check the households' points months against the ledger (``--county CODE`` for one county); ``--mend`` counts
them afresh where they differ. Exit status 1 when they differ and were not mended."""

from django.core.management.base import BaseCommand, CommandError

from points import rollups
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Check the households' points months (the dashboards' rollup) against the points ledger."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="", help="The county's code (every county when left out).")
        parser.add_argument("--mend", action="store_true", help="Count the months afresh from the ledger.")

    def handle(self, *args, **options):
        county_id = None
        if options["county"]:
            county = Region.objects.filter(code=options["county"], level=RegionLevel.COUNTY).first()
            if county is None:
                raise CommandError(f"No county with the code {options['county']}.")
            county_id = county.pk
        found = rollups.differences(county_id)
        if not found:
            self.stdout.write("The households' points months agree with the ledger.")
            return
        for household, month, kept, ledger in found[:20]:
            self.stdout.write(f"household {household} {month:%Y-%m}: kept {kept}, ledger {ledger}")
        if options["mend"]:
            n = rollups.rebuild(county_id)
            self.stdout.write(f"{len(found)} months differed; {n} months counted afresh from the ledger.")
            return
        raise CommandError(f"{len(found)} months differ from the ledger (run with --mend to count them afresh).")
