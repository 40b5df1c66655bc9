"""Benchmark: the 15-minute circle (doorstep/circle.py) of a county of 100,000 households, against a floor measured
in the same run: reading the county's household coordinates and nothing else.

Needs a generated county (``manage.py generate_county --households 100000 --seed 1``; bench/README.md, Setup). When
the county has no service point, one is generated first with ``doorstep.places.generate_points(county, seed=1)``
(one centre per township at the mean of its households, a room in about 90 % of the villages at the mean of the
village's households): that is the only write, and it is skipped with ``--no-generate``.

In this process (no HTTP, DEBUG off):

  compute      doorstep.circle.compute(county): every household read once (values_list in chunks), the grid search
               against the county's active points, per village counts and the point nearest each village's centre
  floor        the same values_list of (village, latitude, longitude) read and consumed in the same chunks, nothing
               computed: what any answer has to pay
  sql floor    the same rows through connection.cursor() and fetchall()
  kept         doorstep.circle.kept(county) once the result is kept: the version query (households' count and latest
               change, the points) and a cache hit — what the page and its map pay on a second look

Before timing, the grid search is checked against comparing every located household of one township with every
point (the counts must be equal). One warm-up each, then --runs alternating timed runs; medians and the ratio to
the floor are reported (target: compute < 5 s). Writes results/<name>.json with the machine's load.
"""

from __future__ import annotations

import argparse
import statistics as stats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, alternate, machine, run_summary, setup_django, write_result  # noqa: E402

TARGET_SECONDS = 5.0
SQL_FLOOR = "SELECT village_id, latitude, longitude FROM registry_household WHERE county_id = %s"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--seed", type=int, default=1, help="Seed of generate_points when the county has no point.")
    p.add_argument("--no-generate", action="store_true", help="Do not generate points (fail when there are none).")
    p.add_argument("--name", default="doorstep_circle")
    p.add_argument("--app-dir", type=Path, default=ROOT)
    return p.parse_args()


def _brute_force(township, radius_m: float) -> int:
    """Households of the township within the radius of any active located point of the county, by comparing each
    with every point."""
    from doorstep import circle
    from doorstep.models import ServicePoint
    from registry.models import Household

    points = list(
        ServicePoint.objects.filter(county_id=township.county_id, active=True, latitude__isnull=False)
        .exclude(longitude__isnull=True)
        .values_list("latitude", "longitude")
    )
    within = 0
    for lat, lng in Household.objects.filter(
        township=township, latitude__isnull=False, longitude__isnull=False
    ).values_list("latitude", "longitude"):
        if any(circle.haversine_m(lat, lng, plat, plng) <= radius_m for plat, plng in points):
            within += 1
    return within


def main():
    args = parse_args()
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    from doorstep import circle, places
    from doorstep.models import ServicePoint
    from regions.models import Region, RegionLevel
    from registry.models import Household

    settings.DEBUG = False
    county = Region.objects.filter(code=args.county_code, level=RegionLevel.COUNTY).first()
    if county is None or not Household.objects.filter(county=county).exists():
        sys.exit("No county with households: run generate_county (bench/README.md, Setup).")
    generated = None
    if not ServicePoint.objects.filter(county=county).exists():
        if args.no_generate:
            sys.exit("The county has no service point (run without --no-generate to generate them).")
        t0 = time.perf_counter()
        generated = places.generate_points(county, seed=args.seed)
        generated["seconds"] = round(time.perf_counter() - t0, 2)
        print(f"Generated service points: {generated}", flush=True)

    def compute():
        return circle.compute(county)

    def floor():
        rows = Household.objects.filter(county_id=county.pk).values_list("village_id", "latitude", "longitude")
        n = 0
        for _row in rows.iterator(chunk_size=circle.CHUNK):
            n += 1
        return n

    def sql_floor():
        with connection.cursor() as cursor:
            cursor.execute(SQL_FLOOR, [county.pk])
            return len(cursor.fetchall())

    def kept():
        return circle.kept(county)

    result = compute()
    assert floor() == sql_floor() == result.total.households, "the circle and its floor read different households"
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    t0 = time.perf_counter()
    expected = _brute_force(township, result.radius_m)
    brute_seconds = time.perf_counter() - t0
    assert circle.compute(township).total.within == expected, "the grid search and the plain comparison differ"
    shares = sorted(r.share for r in result.rows if r.share is not None)
    facts = machine()
    facts["data"] = {
        "county": county.code,
        "households": result.total.households,
        "located": result.total.located,
        "unlocated": result.total.unlocated,
        "within": result.total.within,
        "share": result.total.share,
        "villages": len(result.rows),
        "village_share_min_median_max": [shares[0], stats.median(shares), shares[-1]] if shares else None,
        "points_counted": len(result.points),
        "points_unplaced": len(result.unplaced_points),
        "minutes": result.minutes,
        "speed_kmh": result.speed_kmh,
        "detour_factor": result.detour,
        "radius_m": round(result.radius_m, 1),
        "checked_township": township.code,
        "checked_within": expected,
        "brute_force_township_s": round(brute_seconds, 2),
        "generated_points": generated,
    }
    print(f"County {county.code}: {facts['data']}", flush=True)
    cache.clear()
    kept()
    times = alternate({"compute": compute, "floor": floor, "sql_floor": sql_floor, "kept": kept}, args.runs)
    median = {name: stats.median(values) for name, values in times.items()}
    in_process = {name: run_summary(values, 1) for name, values in times.items()}
    in_process["compute_over_floor"] = round(median["compute"] / median["floor"], 2)
    in_process["compute_over_sql_floor"] = round(median["compute"] / median["sql_floor"], 2)
    in_process["target_met"] = max(times["compute"]) < TARGET_SECONDS
    print(
        f"compute {in_process['compute']['median_ms']} ms (max {in_process['compute']['max_ms']} ms, target "
        f"< {TARGET_SECONDS * 1000:.0f} ms) vs floor {in_process['floor']['median_ms']} ms "
        f"({in_process['compute_over_floor']}×) and SQL floor {in_process['sql_floor']['median_ms']} ms "
        f"({in_process['compute_over_sql_floor']}×); kept {in_process['kept']['median_ms']} ms",
        flush=True,
    )
    path = write_result(
        args.name,
        {
            "benchmark": "doorstep: the 15-minute circle of a county",
            "args": {k: str(v) for k, v in vars(args).items()},
            "machine": facts,
            "in_process": in_process,
            "targets": {"compute_max_s": TARGET_SECONDS},
        },
    )
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
