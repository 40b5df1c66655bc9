"""Honour boards for a county made by ``generate_county``: ``generate_honours --county 510499 --seed 1``
(honours.generation: the county's boards, every village's panel, a few nominations per board, village and quarter of
the year with their timelines and objections)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from honours.generation import generate_honours
from registry.generation import CountyCommand


class Command(CountyCommand, BaseCommand):
    help = "Generate a county's honour boards and nominations for the year (bench data)."

    def more_arguments(self, parser):
        parser.add_argument(
            "--per-board", type=float, default=2, help="Nominations per board, village and quarter (about)."
        )

    def generate(self, region, actor, *, seed, year, per_board, **options):
        if not 0 < per_board <= 10:
            raise CommandError("--per-board is more than 0 and at most 10.")
        return generate_honours(region, actor, seed=seed, per_board=per_board, year=year)
