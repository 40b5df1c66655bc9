"""Mutual aid for a county made by ``generate_county``: ``generate_mutual_aid --county 510499 --seed 1``
(mutualaid.generation: every village's association, group leaders, bands and fund, ~1,500 applications a year with
their timelines and payouts)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mutualaid.generation import generate_mutual_aid
from registry.generation import CountyCommand


class Command(CountyCommand, BaseCommand):
    help = "Generate a county's mutual-aid funds and applications (bench data)."

    def more_arguments(self, parser):
        parser.add_argument("--per-year", type=int, default=1500, help="Applications made in the year (about).")

    def generate(self, region, actor, *, seed, year, per_year, **options):
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        return generate_mutual_aid(region, actor, seed=seed, per_year=per_year, year=year)
