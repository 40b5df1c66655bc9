"""Weddings and funerals for a county made by ``generate_county``: ``generate_customs --county 510499 --seed 1``
(customs.generation: every village's council and limits, ~3,000 events a year with their timelines)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from customs.generation import generate_events
from registry.generation import CountyCommand


class Command(CountyCommand, BaseCommand):
    help = "Generate a county's weddings and funerals declared to the councils (bench data)."

    def more_arguments(self, parser):
        parser.add_argument("--per-year", type=int, default=3000, help="Events declared in the year (about).")

    def generate(self, region, actor, *, seed, year, per_year, **options):
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        return generate_events(region, actor, seed=seed, per_year=per_year, year=year)
