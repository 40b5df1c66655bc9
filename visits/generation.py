"""County-scale visits for benchmarks (deterministic): the county's frequencies (through the service) and, for each
household under a rule, visits over the last months written in bulk, some households left without (overdue)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from visits import periods, services
from visits.models import Frequency, How, Visit

RULES = [
    ("left_behind_elder", "month"),
    ("left_behind_child", "month"),
    ("tekun", "month"),
    ("disabled", "quarter"),
    ("community_correction", "week"),
]
FINDINGS = ["一切正常。", "身体尚可，提醒按时服药。", "电话联系，情绪稳定。", "反映屋顶漏雨，需协调维修。"]


def generate_visits(county, actor, *, seed: int = 1, months: int = 3, coverage: float = 0.8, today=None) -> dict:
    """Frequencies for RULES (since 1 January of last year) and visits for the households under them: in each of the
    last ``months`` months a visit with probability ``coverage`` (weekly households: each week)."""
    from registry.models import Household, Tag

    rng = random.Random(seed)
    today = today or timezone.localdate()
    since = date(today.year - 1, 1, 1)
    tags = {t.code: t for t in Tag.objects.filter(code__in=[code for code, _p in RULES])}
    with transaction.atomic():
        for code, period in RULES:
            if code in tags:
                services.frequency_set(actor=actor, county=county, tag=tags[code], period=period, since=since)
    weekly = {tags[c].pk for c, p in RULES if p == "week" and c in tags}
    rows = (
        Household.objects.filter(county=county, members__tags__in=list(tags.values()), members__is_deceased=False)
        .values_list("pk", "township_id", "village_id", "members__tags")
        .distinct()
    )
    households: dict[int, tuple[int, int, bool]] = {}
    for pk, township_id, village_id, tag_id in rows.iterator(chunk_size=5000):
        was = households.get(pk)
        households[pk] = (township_id, village_id, (was[2] if was else False) or tag_id in weekly)
    starts = [periods.start("month", today)]
    for _ in range(months - 1):
        starts.append(periods.previous_start("month", starts[-1]))
    batch, written = [], 0
    for pk in sorted(households):
        township_id, village_id, is_weekly = households[pk]
        days = set()
        for first in starts:
            last = min(periods.end("month", first), today)
            if is_weekly:
                day = first
                while day <= last:
                    if rng.random() < coverage:
                        days.add(min(day + timedelta(days=rng.randint(0, 6)), today))
                    day += timedelta(days=7)
            elif rng.random() < coverage:
                days.add(first + timedelta(days=rng.randint(0, (last - first).days)))
        for day in days:
            batch.append(
                Visit(
                    household_id=pk,
                    county_id=county.pk,
                    township_id=township_id,
                    village_id=village_id,
                    visited_on=day,
                    how=How.HOME if rng.random() < 0.8 else How.PHONE,
                    found=rng.choice(FINDINGS),
                    by=actor,
                )
            )
        if len(batch) >= 5000:
            Visit.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    Visit.objects.bulk_create(batch)
    written += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE visits_visit")
            cursor.execute("ANALYZE visits_frequency")
    return {
        "frequencies": Frequency.objects.filter(county=county).count(),
        "households": len(households),
        "visits": written,
    }
