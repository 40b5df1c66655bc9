"""Benchmark: 入户走访 at county scale — a township's overdue-visit list and its board (per village and grid) against
hand-written SQL floors in the same run.

Needs a county with visits (``manage.py generate_county --households 100000 --seed 1`` then
``manage.py generate_visits --county 510499 --seed 1``: five frequencies — 留守老人, 留守儿童, 特困 monthly, 残疾
quarterly, 社区矫正 weekly — and three months of visits to ~80 % of the households under a rule).

In this process (no HTTP, DEBUG off), for the county's first township:

  list          visits.selectors.owing([{"township": …}], today, "overdue"): the ids, fully fetched (what the
                township's .xlsx and GET /api/visits/overdue read before naming the rows)
  list floor    the same ids hand-written: the township's tagged living residents joined to the county's active
                frequencies, grouped by household with the latest previous-period start, then NOT EXISTS a visit
                since it
  board         visits.selectors._board (what selectors.board computes, then keeps in the cache until a visit or a rule
                changes) for the township of bench_county: per village and grid, households under a
                rule, owing this period, overdue
  board floor   the same counts hand-written (the floor's CTE, the last visit per household, GROUP BY)

The ids and the counts are asserted identical before timing; one warm-up each, then --runs alternating timed runs.
Ratios of medians are reported (target: within 2× the floor). Writes results/<name>.json with the machine's load.
Reads only.
"""

from __future__ import annotations

import argparse
import statistics as stats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, alternate, machine, run_summary, setup_django, write_result  # noqa: E402

_OWED = """
WITH owed AS (
  SELECT p.household_id,
         MAX(CASE f.period WHEN 'week' THEN %(week_prev)s WHEN 'month' THEN %(month_prev)s
                           WHEN 'quarter' THEN %(quarter_prev)s ELSE %(year_prev)s END) AS overdue_limit,
         MAX(CASE f.period WHEN 'week' THEN %(week_cur)s WHEN 'month' THEN %(month_cur)s
                           WHEN 'quarter' THEN %(quarter_cur)s ELSE %(year_cur)s END) AS due_limit
    FROM registry_person p
    JOIN registry_person_tags pt ON pt.person_id = p.id
    JOIN visits_frequency f ON f.tag_id = pt.tag_id AND f.county_id = p.county_id AND f.active
   WHERE p.township_id = %(township)s AND NOT p.is_deceased
   GROUP BY p.household_id
)
"""
LIST_FLOOR = (
    _OWED
    + """
SELECT o.household_id FROM owed o
 WHERE NOT EXISTS (SELECT 1 FROM visits_visit v WHERE v.household_id = o.household_id
                      AND v.visited_on >= o.overdue_limit)
 ORDER BY o.household_id
"""
)
BOARD_FLOOR = (
    _OWED
    + """
SELECT h.village_id, h.grid_id, COUNT(*),
       SUM(CASE WHEN l.last IS NULL OR l.last < o.due_limit THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.last IS NULL OR l.last < o.overdue_limit THEN 1 ELSE 0 END)
  FROM owed o
  JOIN registry_household h ON h.id = o.household_id
  LEFT JOIN LATERAL (SELECT MAX(v.visited_on) AS last FROM visits_visit v WHERE v.household_id = o.household_id) l
         ON true
 GROUP BY h.village_id, h.grid_id
"""
)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--name", default="visits")
    p.add_argument("--app-dir", type=Path, default=ROOT)
    args = p.parse_args()
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from regions.models import Region, RegionLevel
    from registry.models import Household
    from visits import periods, selectors
    from visits.models import Frequency, Visit

    settings.DEBUG = False
    county = Region.objects.filter(code=args.county_code, level=RegionLevel.COUNTY).first()
    user = User.objects.filter(username="bench_county").first()
    if county is None or user is None or not Visit.objects.filter(county=county).exists():
        sys.exit("No county, visits or bench account: run generate_county and generate_visits.")
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    today = timezone.localdate()
    since = Frequency.objects.filter(county=county, active=True).order_by("-since").values_list("since", flat=True)[0]
    params = {"township": township.pk}
    for period in ("week", "month", "quarter", "year"):
        b = periods.bounds(period, today)
        params[f"{period}_prev"], params[f"{period}_cur"] = b.previous, b.current
        # the floor leaves out each rule's first owed period: the generated rules began long before
        assert periods.first_owed(period, since) <= b.previous

    def fresh():  # a new user object each run: the grants are read again, as per request
        return User.objects.get(pk=user.pk)

    def listing():
        place = [{"township": township.pk}]
        return sorted(selectors.owing(place, today, which="overdue").values_list("pk", flat=True))

    def listing_floor():
        with connection.cursor() as cursor:
            cursor.execute(LIST_FLOOR, params)
            return [row[0] for row in cursor.fetchall()]

    def board():
        return sorted(
            (r["village_id"], r["grid_id"], r["ruled"], r["due"], r["overdue"])
            # the board as computed (selectors.board keeps it in the cache between visits: not what is measured here)
            for r in selectors._board(selectors.board_place(fresh(), township.pk), today)
        )

    def board_floor():
        with connection.cursor() as cursor:
            cursor.execute(BOARD_FLOOR, params)
            return sorted(tuple(row) for row in cursor.fetchall())

    found = listing()
    assert found == listing_floor(), "the list and its floor differ"
    counted = board()
    assert counted == board_floor(), "the board and its floor differ"
    facts = machine()
    facts["data"] = {
        "county": county.code,
        "households": Household.objects.filter(county=county).count(),
        "township_households": Household.objects.filter(township=township).count(),
        "visits": Visit.objects.filter(county=county).count(),
        "township_under_a_rule": sum(r[2] for r in counted),
        "township_due": sum(r[3] for r in counted),
        "township_overdue": len(found),
        "grids": len(counted),
        "today": today.isoformat(),
    }
    print(f"County {county.code}, township {township.name}: {facts['data']}", flush=True)
    times = alternate({"list": listing, "list_floor": listing_floor}, args.runs)
    times |= alternate({"board": board, "board_floor": board_floor}, args.runs)
    in_process = {}
    for key in ("list", "board"):
        in_process[key] = run_summary(times[key])
        in_process[f"{key}_floor"] = run_summary(times[f"{key}_floor"])
        in_process[f"{key}_ratio"] = round(stats.median(times[key]) / stats.median(times[f"{key}_floor"]), 2)
        print(
            f"{key} {in_process[key]['median_ms']} ms vs floor {in_process[f'{key}_floor']['median_ms']} ms "
            f"({in_process[f'{key}_ratio']}×, target ≤ 2×)",
            flush=True,
        )
    out = {
        "benchmark": "visits: a township's overdue-visit list and board at county scale",
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": facts,
        "floor_sql": {"list": LIST_FLOOR, "board": BOARD_FLOOR},
        "in_process": in_process,
        "targets": {"ratio_max": 2},
    }
    path = write_result(args.name, out)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
