"""Benchmark: the county's incident performance figures (KPIs) for a year, against a hand-written SQL floor
measured in the same run.

Needs a county with incidents (``manage.py generate_county --households 100000 --seed 1`` and its incidents,
~50,000 a year, written by ``incidents.generation``). See bench/README.md, section "Incident KPIs".

In this process (no HTTP, DEBUG off), as ``bench_county`` (county administrator):

  kpi_table       incidents.kpi.kpi_table(actor, year, "township"): the selector the page and the xlsx call —
                  the actor's grants, one grouped aggregate (COUNT … FILTER (WHERE …) per figure), the townships'
                  names — on a fresh user object each run (grants not cached), fully materialised rows
  floor           the same twelve counts in one hand-written statement through connection.cursor():
                  COUNT(*) FILTER (WHERE …) … WHERE county_id = … AND created_at in the year GROUP BY township_id,
                  fully fetched

One warm-up each, then --runs alternating timed runs; every township's twelve counts (and the total) are asserted
identical before timing. Reported: median, p95, min and max of each, the SQL (driver) share of the selector, and
the ratio of medians (target: within 2× of the floor). For information, without a floor: the other breakdowns
(village, department, grid worker), all four, the xlsx file of the township and of the grid-worker breakdown,
the KPI page through Django's test client, and the grid workers' assessment of a month for the county. The
statements are EXPLAIN (ANALYZE, BUFFERS)ed into results/<name>_explain.txt. Writes results/<name>.json with the
machine's load.
Reads only; writes nothing to the database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine, percentile, setup_django, write_result  # noqa: E402
from _common import timed as timed_statements  # noqa: E402

# The floor: the same figures as incidents.kpi.count_expressions, written by hand (order = kpi.COUNTS).
FLOOR_SQL = """
SELECT township_id,
       COUNT(*) AS cases,
       COUNT(*) FILTER (WHERE level <> '' AND responded_on_time) AS responded_on_time,
       COUNT(*) FILTER (WHERE level <> '' AND (responded_on_time IS NOT NULL
                        OR (responded_at IS NULL AND state = 'dispatched' AND deadline_at < %(now)s))) AS response_due,
       COUNT(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_on_time) AS resolved_on_time,
       COUNT(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
       COUNT(*) FILTER (WHERE ever_overdue) AS overdue,
       COUNT(*) FILTER (WHERE rating IN ('satisfied', 'basic')) AS satisfied,
       COUNT(*) FILTER (WHERE rating <> '') AS rated,
       COUNT(*) FILTER (WHERE reopen_count > 0) AS reopened,
       COUNT(*) FILTER (WHERE state = 'closed') AS closed,
       COUNT(*) FILTER (WHERE state = 'closed' AND level = 'village') AS closed_in_village,
       COUNT(*) FILTER (WHERE state = 'closed' AND level IN ('village', 'township')) AS closed_in_township
  FROM incidents_incident
 WHERE county_id = %(county)s AND created_at >= %(start)s AND created_at < %(end)s
 GROUP BY township_id
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--user", default=None, help="Account to compute as (default: bench_county, county admin).")
    p.add_argument("--year", type=int, default=None, help="Default: the latest year with incidents in the county.")
    p.add_argument("--runs", type=int, default=15, help="Timed runs of the selector and of the floor (alternating).")
    p.add_argument("--other-runs", type=int, default=5, help="Timed runs of each informational measurement.")
    p.add_argument("--min-incidents", type=int, default=0, help="Refuse to run with fewer incidents in the year.")
    p.add_argument("--name", default="incidents_kpi", help="Result file name under bench/results/.")
    p.add_argument("--no-explain", action="store_true")
    return p.parse_args()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summary(times: list[float]) -> dict:
    s = sorted(times)
    return {
        "runs": len(s),
        "median_ms": _ms(statistics.median(s)),
        "p95_ms": _ms(percentile(s, 95)),
        "min_ms": _ms(s[0]),
        "max_ms": _ms(s[-1]),
    }


def timed_with_sql(fn):
    """(result, wall seconds, seconds in the database driver, statements) of ``fn()``."""
    result = []
    total, sql, statements = timed_statements(lambda: result.append(fn()))
    return result[0], total, sql, len(statements)


def floor(county_id: int, start, end, now) -> dict:
    from django.db import connection

    from incidents import kpi

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"county": county_id, "start": start, "end": end, "now": now})
        rows = cursor.fetchall()
    return {row[0]: dict(zip(kpi.COUNTS, row[1:], strict=True)) for row in rows}


def compare(table, floor_rows: dict) -> None:
    """Every township's counts, and the total, must be the floor's (a township without cases: zeros, no row)."""
    from incidents import kpi

    mine = {row.key: row.counts for row in table.rows if row.cases}
    assert set(mine) == set(floor_rows), f"townships differ: {sorted(set(mine) ^ set(floor_rows))}"
    for key, counts in floor_rows.items():
        assert mine[key] == counts, f"township {key}: kpi_table {mine[key]} != floor {counts}"
    totals = {name: sum(c[name] for c in floor_rows.values()) for name in kpi.COUNTS}
    assert table.total.counts == totals, f"total: kpi_table {table.total.counts} != floor {totals}"


def explain_all(path: Path, actor_fn, county_id, period, now) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidents import kpi

    sections = []

    def explain(title, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        sections.append(f"==== {title}\n-- {' '.join(sql.split())}\n{plan}")

    with CaptureQueriesContext(connection) as captured:
        kpi.kpi_table(actor_fn(), period, kpi.TOWNSHIP, now=now)
    for q in captured.captured_queries:
        explain(f"kpi_table township ({float(q['time']) * 1000:.1f} ms when captured)", q["sql"])
    start, end = period.bounds
    explain("SQL floor", FLOOR_SQL, {"county": county_id, "start": start, "end": end, "now": now})
    path.write_text("\n\n".join(sections) + "\n")


def main():
    args = parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from incidents import kpi
    from incidents.models import Incident
    from regions.models import Region
    from registry.management.commands.generate_county import BENCH_COUNTY_USER

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client, in process

    county = Region.objects.filter(code=args.county_code).first()
    if county is None:
        sys.exit(f"No county {args.county_code}: run manage.py generate_county first (see bench/README.md).")
    username = args.user or BENCH_COUNTY_USER
    if not User.objects.filter(username=username).exists():
        sys.exit(f"No account {username}.")
    year = args.year
    if year is None:
        latest = Incident.objects.filter(county=county).order_by("-created_at").values_list("created_at", flat=True)
        first = latest.first()
        if first is None:
            sys.exit(f"County {args.county_code} has no incidents: generate them first (see bench/README.md).")
        year = timezone.localtime(first).year
    period = kpi.year_period(year)
    start, end = period.bounds
    cases = Incident.objects.filter(county=county, created_at__gte=start, created_at__lt=end).count()
    if cases < args.min_incidents:
        sys.exit(f"Only {cases:,} incidents in {year} (fewer than --min-incidents {args.min_incidents:,}).")
    now = timezone.now()

    def actor():
        return User.objects.get(username=username)  # fresh: grants are read inside the timed call

    facts = machine()
    facts["data"] = {
        "county": county.code,
        "year": year,
        "incidents_in_year": cases,
        "incidents_in_county": Incident.objects.filter(county=county).count(),
        "townships": Region.objects.filter(county=county, level="township").count(),
        "villages": Region.objects.filter(county=county, level="village").count(),
        "user": username,
        "now": now.isoformat(),
    }
    facts["in_process_django_debug"] = settings.DEBUG
    print(f"County {county.code}: {cases:,} incidents reported in {year}; computing as {username}", flush=True)

    # -- identical numbers ----------------------------------------------------------------------------------
    table = kpi.kpi_table(actor(), period, kpi.TOWNSHIP, now=now)  # warm-up, and the numbers to compare
    floor_rows = floor(county.pk, start, end, now)  # warm-up
    compare(table, floor_rows)
    print(
        f"  identical counts for {len(floor_rows)} townships and the total "
        f"({table.total.cases:,} cases, response {table.total.response}, on time {table.total.completion}, "
        f"overdue {table.total.overdue}, satisfied {table.total.satisfaction}, in village {table.total.in_village}, "
        f"in township {table.total.in_township})",
        flush=True,
    )

    # -- the measurement: selector vs floor, alternating --------------------------------------------------------
    facts["load_average_before"] = [round(x, 2) for x in __import__("os").getloadavg()]
    app, app_sql, floor_times, statements = [], [], [], 0
    for _ in range(args.runs):
        user = actor()
        _t, total, sql, statements = timed_with_sql(lambda u=user: kpi.kpi_table(u, period, kpi.TOWNSHIP, now=now))
        app.append(total)
        app_sql.append(sql)
        t0 = time.perf_counter()
        floor(county.pk, start, end, now)
        floor_times.append(time.perf_counter() - t0)
    app_summary = summary(app)
    app_summary["sql_median_ms"] = _ms(statistics.median(app_sql))
    app_summary["python_median_ms"] = _ms(statistics.median(app) - statistics.median(app_sql))
    app_summary["statements"] = statements
    floor_summary = summary(floor_times)
    ratio = round(app_summary["median_ms"] / floor_summary["median_ms"], 2)
    print(
        f"  kpi_table median {app_summary['median_ms']} ms (SQL {app_summary['sql_median_ms']} ms in {statements} "
        f"statements), p95 {app_summary['p95_ms']} ms; floor median {floor_summary['median_ms']} ms, p95 "
        f"{floor_summary['p95_ms']} ms; ratio {ratio} (target ≤ 2)",
        flush=True,
    )

    # -- for information ----------------------------------------------------------------------------------------
    def timed(label, fn, runs=args.other_runs):
        fn()  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out = summary(times)
        print(f"  {label:<44} median {out['median_ms']} ms, max {out['max_ms']} ms", flush=True)
        return out

    other = {}
    for grouping in (kpi.VILLAGE, kpi.DEPARTMENT, kpi.GRID_WORKER):
        other[f"kpi_table {grouping}"] = timed(
            f"kpi_table {grouping}", lambda g=grouping: kpi.kpi_table(actor(), period, g, now=now)
        )
    other["kpi_tables (all four)"] = timed("kpi_tables (all four)", lambda: kpi.kpi_tables(actor(), period, now=now))
    for grouping in (kpi.TOWNSHIP, kpi.GRID_WORKER):
        other[f"kpi.xlsx {grouping} (table + file)"] = timed(
            f"kpi.xlsx {grouping} (table + file)",
            lambda g=grouping: kpi.kpi_xlsx([kpi.kpi_table(actor(), period, g, now=now)], title="网格事件考核指标"),
        )
    client = Client()
    client.force_login(actor())
    page = f"/incidents/kpi/?period=year&year={year}&group=township"

    def get_page():
        response = client.get(page)
        assert response.status_code == 200, response.status_code

    other["KPI page, township (test client)"] = timed("KPI page, township (test client)", get_page)
    last_month = timezone.localtime(
        Incident.objects.filter(county=county, created_at__gte=start, created_at__lt=end)
        .latest("created_at")
        .created_at
    )
    month = kpi.month_period(last_month.year, last_month.month)
    lines = len(kpi.assessment(actor(), month, now=now).lines)
    other[f"assessment {month.label} ({lines} grid workers)"] = timed(
        f"assessment {month.label} ({lines} grid workers)", lambda: kpi.assessment(actor(), month, now=now)
    )
    facts["load_average_end"] = [round(x, 2) for x in __import__("os").getloadavg()]

    explain_path = None
    if not args.no_explain and connection.vendor == "postgresql":
        explain_path = RESULTS / f"{args.name}_explain.txt"
        explain_all(explain_path, actor, county.pk, period, now)

    result = {
        "benchmark": "incidents_kpi",
        "machine": facts,
        "county_kpis_by_township": {
            "year": year,
            "incidents": cases,
            "townships_with_cases": len(floor_rows),
            "identical_counts": True,  # asserted above, every township and the total
            "total": dict(table.total.counts),
            "kpi_table": app_summary,
            "floor": floor_summary,
            "ratio_median_to_floor": ratio,
            "ratio_p95_to_floor": round(app_summary["p95_ms"] / floor_summary["p95_ms"], 2),
            "target_within_2x": app_summary["median_ms"] <= 2 * floor_summary["median_ms"],
            "floor_sql": " ".join(FLOOR_SQL.split()),
        },
        "informational": other,
        "explain": str(explain_path.relative_to(RESULTS.parent.parent)) if explain_path else None,
    }
    path = write_result(args.name, result)
    print(f"Wrote {path}", flush=True)


if __name__ == "__main__":
    main()
