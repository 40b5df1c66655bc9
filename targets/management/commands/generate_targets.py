"""Target lists for a county made by ``generate_county``: ``generate_targets --county 510499 --seed 1``
(targets.generation: the year's list of every county department, township and village, with quarterly progress)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from registry.generation import CountyCommand
from targets.generation import generate_targets


class Command(CountyCommand, BaseCommand):
    help = "Generate the year's target lists of a county's units and their progress (bench data)."

    def generate(self, region, actor, *, seed, year, **options):
        return generate_targets(region, actor, seed=seed, year=year)
