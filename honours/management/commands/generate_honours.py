"""Honour boards for a county made by ``generate_county``: ``generate_honours --county 510499 --seed 1``
(honours.generation: the county's boards, every village's panel, a few nominations per board, village and quarter of
the year with their timelines and objections)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from honours.generation import GenerationError, generate_honours
from honours.models import Nomination
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Generate a county's honour boards and nominations for the year (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--per-board", type=float, default=2, help="Nominations per board, village and quarter (about)."
        )
        parser.add_argument("--year", type=int, default=None, help="Default: this year (up to now).")

    def handle(self, *args, county, seed, per_board, year, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        actor = User.objects.filter(username="bench_county").first()
        if actor is None:
            raise CommandError("No bench_county account: run generate_county without --no-accounts first.")
        if Nomination.objects.filter(county=region).exists():
            raise CommandError(f"County {county} has nominations for the honour boards already.")
        if not 0 < per_board <= 10:
            raise CommandError("--per-board is more than 0 and at most 10.")
        started = time.monotonic()
        try:
            result = generate_honours(region, actor, seed=seed, per_board=per_board, year=year)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result} in {time.monotonic() - started:.1f} s")
