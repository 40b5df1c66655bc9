"""A quarter of the seven goods at county scale for the benchmark (bench/inspections.py): every household of a county
made by ``generate_county`` inspected in one quarter, deterministic for a seed.

What it writes: one open round per village of the county on the sheet in force, and one quarterly inspection per
household (a share of them with 1–6 deductions on random details, each pointing at one shared placeholder photo).
The rows are written **in bulk**, bypassing the services (one audited transaction per household would take hours):
no audit events, no thumbnails. The rounds stay open: publishing them is what the benchmark measures. A quarter that
already has rounds in the county is refused.
"""

from __future__ import annotations

import random
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from inspections import selectors
from inspections.models import Deduction, Detail, Inspection, Round
from regions.models import Region, RegionLevel
from registry.models import Household

PHOTO = "inspections/generated.jpg"
BATCH = 5000
DEDUCTED_SHARE = 0.6  # households with at least one deduction


class GenerationError(Exception):
    pass


def generate(county: Region, *, year: int, quarter: int, inspector, seed: int = 1) -> dict:
    """Open a round in every village of ``county`` for the quarter and inspect every household in bulk."""
    if Round.objects.filter(county=county, year=year, quarter=quarter).exists():
        raise GenerationError(f"{county.code} already has rounds for {year} Q{quarter}.")
    sheet = selectors.sheet_in_force(county.pk, selectors.quarter_start(year, quarter))
    if sheet is None:
        raise GenerationError(f"{county.code} has no scoring sheet in force.")
    details = list(Detail.objects.filter(heading__sheet=sheet).values_list("pk", "points"))
    rng = random.Random(seed)
    at = timezone.make_aware(datetime.combine(selectors.quarter_start(year, quarter), time(10)))
    counts = {"rounds": 0, "inspections": 0, "deductions": 0}
    with transaction.atomic():
        villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
        rounds = []
        for v in villages:
            r = Round(year=year, quarter=quarter, sheet=sheet, opened_by=inspector)
            r.place_in(v)
            rounds.append(r)
        Round.objects.bulk_create(rounds, batch_size=BATCH)
        by_village = {r.village_id: r.pk for r in Round.objects.filter(county=county, year=year, quarter=quarter)}
        counts["rounds"] = len(by_village)
        households = (
            Household.objects.filter(county=county)
            .order_by("pk")
            .values_list("pk", "village_id", "township_id", "group_id", "grid_id")
        )
        batch: list[tuple[Inspection, list[tuple[int, int]]]] = []

        def flush():
            Inspection.objects.bulk_create([i for i, _d in batch], batch_size=BATCH)
            rows = [Deduction(inspection_id=i.pk, detail_id=d, points=p, photo=PHOTO) for i, ds in batch for d, p in ds]
            Deduction.objects.bulk_create(rows, batch_size=BATCH)
            counts["inspections"] += len(batch)
            counts["deductions"] += len(rows)
            batch.clear()

        for pk, village_id, township_id, group_id, grid_id in households.iterator(chunk_size=BATCH):
            chosen = []
            if rng.random() < DEDUCTED_SHARE:
                for detail, points in rng.sample(details, rng.randint(1, 6)):
                    chosen.append((detail, rng.randint(1, points)))
            batch.append(
                (
                    Inspection(
                        round_id=by_village[village_id],
                        household_id=pk,
                        county_id=county.pk,
                        township_id=township_id,
                        village_id=village_id,
                        group_id=group_id,
                        grid_id=grid_id,
                        inspector=inspector,
                        inspected_at=at,
                        score=sheet.total - sum(p for _d, p in chosen),
                    ),
                    chosen,
                )
            )
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    return counts
