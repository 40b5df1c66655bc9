"""County-scale points data for benchmarks: one household civility scheme per village with the 安家村 rule
book, and a year of approved ledger entries (~N per household per month).

Schemes and rule books are created through the services (so they are real); the ledger rows — millions of
them — are written directly in bulk (COPY on PostgreSQL), exactly as approvals would have written them: an
award per entry, with score and balance deltas equal to the item's points, and the subject's scope columns.
Deterministic for a given seed.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from points import rollups, services
from points.models import LedgerEntry, RuleBook, RuleItem, Scheme
from points.rulebook_templates import TEMPLATES
from regions.models import Region, RegionLevel
from registry.models import Household

COLUMNS = [
    "scheme_id",
    "subject_kind",
    "subject_key",
    "subject_label",
    "household_id",
    "grid_id",
    "village_id",
    "township_id",
    "county_id",
    "kind",
    "item_id",
    "score_delta",
    "balance_delta",
    "occurred_on",
    "recorded_at",
    "actor_id",
    "reason",
]


def _schemes(county: Region, actor, start: date) -> dict[int, Scheme]:
    """One civility scheme per village with the 安家村 rule book adopted from ``start`` (benchmark set-up: the
    rows services would write, without a cadre of each village acting)."""
    schemes = {}
    for village in Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"):
        scheme = Scheme.objects.filter(village=village, name="文明户积分").first()
        if scheme is None:
            scheme = Scheme(
                name="文明户积分",
                kind="civility",
                subject_kind="household",
                base_score=10,
                redeemable=True,
                star_rules=[{"stars": 10, "min_score": 30}, {"stars": 5, "min_score": 18}],
            )
            scheme.place_in(village)
            scheme.save()
            book = RuleBook.objects.create(
                scheme=scheme,
                version=1,
                title="日常积分管理细则",
                effective_from=start,
                decision_ref="村民代表会议决议",
                adopted_at=timezone.now(),
                adopted_by=actor,
            )
            services._fill_from_template(book, TEMPLATES["anjia"])
        schemes[village.pk] = scheme
    return schemes


def ledger_rows(*, county: Region, actor, per_household_month: float = 4.0, months: int = 12, seed: int = 1):
    """The rows ``generate_points`` writes, in order, as tuples of ``COLUMNS`` (deterministic for a seed)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    with transaction.atomic():
        schemes = _schemes(county, actor, start)
    pools = {}
    for scheme in schemes.values():
        items = RuleItem.objects.filter(rulebook__scheme=scheme).order_by("pk")
        pools[scheme.pk] = (
            [(i.pk, i.points, i.text) for i in items if not i.negative_list],
            [(i.pk, i.points, i.text) for i in items if i.negative_list],
        )
    days = (today - start).days + 1
    recorded_at = timezone.now().isoformat()
    households = (
        Household.objects.filter(county=county)
        .order_by("pk")
        .values_list("pk", "head_name", "number", "grid_id", "village_id", "township_id", "county_id")
    )
    for pk, head, number, grid_id, village_id, township_id, county_id in households.iterator(chunk_size=5000):
        scheme = schemes[village_id]
        positive, negative = pools[scheme.pk]
        label = f"{head or number}户"
        n = max(0, round(rng.gauss(per_household_month * months, per_household_month * months / 4)))
        for _ in range(n):
            item_id, points, text = rng.choice(negative if rng.random() < 0.02 else positive)
            day = start + timedelta(days=rng.randrange(days))
            yield (
                scheme.pk,
                "household",
                f"h:{pk}",
                label,
                pk,
                grid_id,
                village_id,
                township_id,
                county_id,
                "award",
                item_id,
                points,
                points,
                day,
                recorded_at,
                actor.pk,
                text,
            )


def generate_points(
    *, county: Region, actor, per_household_month: float = 4.0, months: int = 12, seed: int = 1, progress=None
) -> int:
    """Write about ``per_household_month × months`` ledger entries per household; returns the count."""
    total, batch = 0, []
    for row in ledger_rows(
        county=county, actor=actor, per_household_month=per_household_month, months=months, seed=seed
    ):
        batch.append(row)
        if len(batch) >= 50000:
            total += _write(batch)
            batch = []
            if progress:
                progress(total)
    total += _write(batch)
    rollups.rebuild(county.pk)  # the households' months, counted from what was written
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE points_ledgerentry")
            cursor.execute("ANALYZE points_householdmonth")
    return total


def _write(rows: list[tuple]) -> int:
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
        buffer.seek(0)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY points_ledgerentry ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            copy.write(buffer.getvalue())
    else:
        LedgerEntry.objects.bulk_create(
            [LedgerEntry(**dict(zip(COLUMNS, row, strict=True))) for row in rows], batch_size=2000
        )
    return len(rows)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, Decimal):
        return str(value)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
