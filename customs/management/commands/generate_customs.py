"""Weddings and funerals for a county made by ``generate_county``: ``generate_customs --county 510499 --seed 1``
(customs.generation: every village's council and limits, ~3,000 events a year with their timelines)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from customs.generation import GenerationError, generate_events
from customs.models import Event
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Generate a county's weddings and funerals declared to the councils (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--per-year", type=int, default=3000, help="Events declared in the year (about).")
        parser.add_argument("--year", type=int, default=None, help="Default: this year (up to now).")

    def handle(self, *args, county, seed, per_year, year, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        actor = User.objects.filter(username="bench_county").first()
        if actor is None:
            raise CommandError("No bench_county account: run generate_county without --no-accounts first.")
        if Event.objects.filter(county=region).exists():
            raise CommandError(f"County {county} has weddings and funerals already.")
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        started = time.monotonic()
        try:
            result = generate_events(region, actor, seed=seed, per_year=per_year, year=year)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result} in {time.monotonic() - started:.1f} s")
