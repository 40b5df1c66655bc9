"""Target lists for a county made by ``generate_county``: ``generate_targets --county 510499 --seed 1``
(targets.generation: the year's list of every county department, township and village, with quarterly progress)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from regions.models import Region, RegionLevel
from targets.generation import GenerationError, generate_targets
from targets.models import TargetList


class Command(BaseCommand):
    help = "Generate the year's target lists of a county's units and their progress (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=None, help="Default: this year (up to now).")

    def handle(self, *args, county, seed, year, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        actor = User.objects.filter(username="bench_county").first()
        if actor is None:
            raise CommandError("No bench_county account: run generate_county without --no-accounts first.")
        if TargetList.objects.filter(county=region).exists():
            raise CommandError(f"County {county} has target lists already.")
        started = time.monotonic()
        try:
            result = generate_targets(region, actor, seed=seed, year=year)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result} in {time.monotonic() - started:.1f} s")
