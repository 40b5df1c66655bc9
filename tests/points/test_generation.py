from decimal import Decimal

from django.db.models import Sum

from points import standings as calc
from points.generation import generate_points, ledger_rows
from points.models import LedgerEntry, Scheme


def test_generate_points_writes_a_year_of_awards_per_household(world):
    n = generate_points(
        county=world.county, actor=world.users["county_admin"], per_household_month=2, months=12, seed=3
    )
    assert n == LedgerEntry.objects.count() > 0
    assert Scheme.objects.filter(county=world.county).count() == 3  # one per village
    entry = LedgerEntry.objects.first()
    assert entry.score_delta == entry.balance_delta and entry.kind == "award"
    assert entry.subject_key == f"h:{entry.household_id}"
    scheme = Scheme.objects.get(village=world.village_a1)
    year = entry.occurred_on.year
    table = calc.standings(scheme, year)
    raw = LedgerEntry.objects.filter(scheme=scheme, occurred_on__year=year).aggregate(s=Sum("score_delta"))["s"]
    assert sum(s.score - scheme.base_score for s in table) == Decimal(raw).quantize(Decimal("0.01"))
    # Deterministic: the same seed gives the same rows (the schemes exist now, so nothing else is created).
    kwargs = {"county": world.county, "actor": world.users["county_admin"], "per_household_month": 2, "seed": 3}
    first = [row[2:12] for row in ledger_rows(**kwargs)]
    assert first == [row[2:12] for row in ledger_rows(**kwargs)]
    assert len(first) == n
