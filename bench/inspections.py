"""Benchmark: the seven goods at county scale — ranking and publishing a quarter of every village of a county
(100,000 households inspected) against a hand-written SQL floor in the same run.

Needs a county made by ``manage.py generate_county --households 100000 --seed 1``; the quarter is generated here
when the county has none for it (inspections.generation, in bulk, once).

In this process (no HTTP, DEBUG off), each run inside a transaction that is rolled back afterwards:

  publish         inspections.services.round_publish for every open round of the quarter (the county's villages):
                  the round locked, its inspections read, ranked and their boards written (bulk_update), the round
                  frozen and audited
  publish floor   the same ranks and boards in one statement per county: RANK() over each round by score (ties
                  share a rank, so "rank ≤ board size" takes every household tied at the cut-off), the sizes
                  round(n × share) at least 1, written by one UPDATE … FROM, and the rounds marked published

Every rank and board is asserted identical before timing; one warm-up each, then --runs alternating timed runs.
The ratio of the medians is reported. Writes results/inspections.json with the machine's load.
"""

from __future__ import annotations

import argparse
import statistics as stats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import alternate, machine, run_summary, setup_django, write_result  # noqa: E402

FLOOR = """
WITH sized AS (
  SELECT i.id, i.round_id, i.score,
         RANK() OVER (PARTITION BY i.round_id ORDER BY i.score DESC) AS top_rank,
         RANK() OVER (PARTITION BY i.round_id ORDER BY i.score ASC) AS bottom_rank,
         COUNT(*) OVER (PARTITION BY i.round_id) AS n
    FROM inspections_inspection i JOIN inspections_round r ON r.id = i.round_id
   WHERE r.county_id = %(county)s AND r.year = %(year)s AND r.quarter = %(quarter)s AND r.state = 'open'
     AND i.kind = 'quarterly'
), boards AS (
  SELECT id, top_rank,
         CASE WHEN top_rank <= MAX(1, CAST(n * %(praise)s / 100.0 + 0.5 AS INTEGER)) THEN 'praise'
              WHEN bottom_rank <= MAX(1, CAST(n * %(exposure)s / 100.0 + 0.5 AS INTEGER)) THEN 'exposure'
              ELSE '' END AS board
    FROM sized
)
UPDATE inspections_inspection SET rank = boards.top_rank, board = boards.board FROM boards
 WHERE inspections_inspection.id = boards.id
"""
MARK = """
UPDATE inspections_round SET state = 'published', published_at = %(now)s, praise_percent = %(praise)s,
       exposure_percent = %(exposure)s, group_percent = %(group)s
 WHERE county_id = %(county)s AND year = %(year)s AND quarter = %(quarter)s AND state = 'open'
"""


BENCH_USER = "bench_inspections"


def _bench_cadre(county):
    """``bench_inspections``: a village cadre of every village of the county (who publishes the rounds)."""
    import secrets

    from accounts.models import RoleAssignment, User
    from accounts.services import role_assign, user_create
    from core.roles import Role
    from regions.models import Region, RegionLevel

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = user_create(
            actor=None,
            username=BENCH_USER,
            password=secrets.token_urlsafe(16),
            display_name="基准评比员",
            is_system=True,
        )
    held = set(RoleAssignment.objects.filter(user=user, role=Role.VILLAGE_CADRE).values_list("region_id", flat=True))
    for village in Region.objects.filter(county=county, level=RegionLevel.VILLAGE).exclude(pk__in=held):
        role_assign(actor=None, user=user, role=Role.VILLAGE_CADRE, region=village, is_system=True)
    return User.objects.get(pk=user.pk)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--year", type=int, default=2025)
    p.add_argument("--quarter", type=int, default=2)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from inspections import selectors, services
    from inspections.generation import generate
    from inspections.models import Inspection, Round
    from regions.models import Region

    settings.DEBUG = False
    county = Region.objects.get(code=args.county_code)
    actor = _bench_cadre(county)
    if not Round.objects.filter(county=county, year=args.year, quarter=args.quarter).exists():
        print(
            "generating the quarter …",
            generate(county, year=args.year, quarter=args.quarter, inspector=actor, seed=args.seed),
        )
    policy = selectors.policy(county.pk)
    params = {
        "county": county.pk,
        "year": args.year,
        "quarter": args.quarter,
        "praise": float(policy.praise_percent),
        "exposure": float(policy.exposure_percent),
        "group": float(policy.group_percent),
    }
    if connection.vendor == "postgresql":  # MAX(a, b) is GREATEST on PostgreSQL
        floor_sql = FLOOR.replace("MAX(1,", "GREATEST(1,")
    else:
        floor_sql = FLOOR
    rounds = list(
        Round.objects.filter(county=county, year=args.year, quarter=args.quarter, state="open").values_list(
            "pk", flat=True
        )
    )
    inspections = Inspection.objects.filter(round_id__in=rounds, kind="quarterly")

    class Rollback(Exception):
        pass

    def rolled_back(fn, capture=None):
        def run():
            try:
                with transaction.atomic():
                    fn()
                    if capture is not None:
                        capture.append(sorted(inspections.values_list("pk", "rank", "board")))
                    raise Rollback()
            except Rollback:
                pass

        return run

    def publish():
        for pk in rounds:
            services.round_publish(actor=actor, round=pk)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, params)
            cursor.execute(MARK, {**params, "now": timezone.now()})

    seen: list = []
    rolled_back(publish, seen)()
    rolled_back(floor, seen)()
    assert seen[0] == seen[1], "the floor does not give the same ranks and boards"
    times = alternate({"publish": rolled_back(publish), "publish floor": rolled_back(floor)}, args.runs)
    result = {
        "county": county.code,
        "rounds": len(rounds),
        "inspections": inspections.count(),
        "publish": run_summary(times["publish"]),
        "publish floor": run_summary(times["publish floor"]),
        "ratio": round(stats.median(times["publish"]) / stats.median(times["publish floor"]), 2),
        "machine": machine() if connection.vendor == "postgresql" else {"vendor": connection.vendor},
    }
    print({k: v for k, v in result.items() if k != "machine"})
    print(write_result("inspections", result))


if __name__ == "__main__":
    main()
