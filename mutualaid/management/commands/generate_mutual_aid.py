"""Mutual aid for a county made by ``generate_county``: ``generate_mutual_aid --county 510499 --seed 1``
(mutualaid.generation: every village's association, group leaders, bands and fund, ~1,500 applications a year with
their timelines and payouts)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import User
from mutualaid.generation import GenerationError, generate_mutual_aid
from mutualaid.models import Application, FundEntry
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Generate a county's mutual-aid funds and applications (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--per-year", type=int, default=1500, help="Applications made in the year (about).")
        parser.add_argument("--year", type=int, default=None, help="Default: this year (up to now).")

    def handle(self, *args, county, seed, per_year, year, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        actor = User.objects.filter(username="bench_county").first()
        if actor is None:
            raise CommandError("No bench_county account: run generate_county without --no-accounts first.")
        if Application.objects.filter(county=region).exists() or FundEntry.objects.filter(Q(county=region)).exists():
            raise CommandError(f"County {county} has mutual-aid applications or fund entries already.")
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        started = time.monotonic()
        try:
            result = generate_mutual_aid(region, actor, seed=seed, per_year=per_year, year=year)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result} in {time.monotonic() - started:.1f} s")
