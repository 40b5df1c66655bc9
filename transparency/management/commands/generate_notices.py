"""County-scale 三务公开 for benchmarks: ``generate_notices --county 510499 --months 24 --seed 1``.

For every village of the county, ``--months`` months of notices (monthly finances checked by the reviewer,
quarterly village and party affairs, major matters) and villagers' questions with their answers, written through
the services at the dates they would have happened (transparency.generation). Villages that already have notices
are skipped, so an interrupted run can be resumed.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region, RegionLevel
from transparency.generation import NoticeGenerator


class Command(BaseCommand):
    help = "Generate months of 三务公开 notices and questions for every village of a county (benchmark data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="County code, e.g. 510499.")
        parser.add_argument("--months", type=int, default=24, help="Months of notices before this month.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, county, months, seed, **options):
        found = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if found is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        if not 1 <= months <= 120:
            raise CommandError("--months is between 1 and 120.")
        started = time.monotonic()

        def progress(i, n, result):
            self.stdout.write(
                f"  [{i:>4}/{n}] villages, {result.notices:,} notices, {result.questions:,} questions, "
                f"{time.monotonic() - started:,.0f} s"
            )

        result = NoticeGenerator(found, months=months, seed=seed).run(progress=progress)
        self.stdout.write(
            f"{result.villages} villages ({result.skipped} already had notices): {result.notices:,} notices, "
            f"{result.questions:,} questions, {result.ended:,} ended after their window; "
            f"{time.monotonic() - started:,.0f} s."
        )
