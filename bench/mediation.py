"""Benchmark: mediation at county scale — the mediator's queue and the county's statistics for a year, each
against a hand-written SQL floor in the same run, and the pages under 20 clients.

Needs a county with disputes (``manage.py generate_county --households 100000 --seed 1`` then
``manage.py generate_disputes --county 510499 --per-year 10000 --seed 1``; bench/README.md, section "Mediation").

In this process (no HTTP, DEBUG off):

  queue           mediation.selectors.working_queue(bench_mediator)[:200], materialised: the disputes of the bodies
                  the mediator leads or that name them, open, nearest deadline first (what the home page lists)
  queue floor     the same rows in one hand-written statement through connection.cursor()
  statistics      mediation.statistics.table(statistics_scope(bench_supervisor), year, by="kind"): one grouped
                  aggregate (COUNT … FILTER (WHERE …) per figure) and the totals
  statistics floor the same counts by type, hand-written, and the totals

Every row and count is asserted identical before timing; one warm-up each, then --runs alternating timed runs.
Ratios of medians are reported (targets: statistics within 2× its floor). Over HTTP (gunicorn, the project's
settings, --clients keep-alive clients signed in through the login form): /healthz (floor), /login/ (page
floor), the mediator's /mediation/ and the supervisor's /mediation/statistics/ (target: p95 < 300 ms).
Writes results/<name>.json with the machine's load. Reads only.
"""

from __future__ import annotations

import os
import statistics as stats
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ROOT,
    alternate,
    free_port,
    load_bench,
    machine,
    page_bench_args,
    run_summary,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    write_result,
)

TARGET_P95_MS = 300
QUEUE_FLOOR = """
SELECT d.id FROM mediation_dispute d
 WHERE d.flow = 'mediation' AND d.closed_at IS NULL
   AND (d.body_id IN (SELECT body_id FROM mediation_mediator
                       WHERE user_id = %(user)s AND title IN ('director', 'deputy') AND active)
        OR d.id IN (SELECT l.dispute_id FROM mediation_dispute_mediators l
                      JOIN mediation_mediator m ON m.id = l.mediator_id WHERE m.user_id = %(user)s))
 ORDER BY d.deadline_at, d.id LIMIT 200
"""
STATS_FLOOR = """
SELECT kind, COUNT(*),
       COUNT(*) FILTER (WHERE outcome = 'declined'),
       COUNT(*) FILTER (WHERE outcome = '' AND closed_at IS NULL),
       COUNT(*) FILTER (WHERE outcome IN ('agreement', 'failed', 'refused')),
       COUNT(*) FILTER (WHERE outcome = 'agreement'),
       COUNT(*) FILTER (WHERE outcome = 'agreement' AND agreement_form = 'written'),
       COUNT(*) FILTER (WHERE performance <> ''),
       COUNT(*) FILTER (WHERE performance = 'full'),
       COUNT(*) FILTER (WHERE confirmation = 'confirmed'),
       SUM(amount) FILTER (WHERE outcome = 'agreement')
  FROM mediation_dispute
 WHERE flow = 'mediation' AND county_id = %(county)s AND received_on BETWEEN %(start)s AND %(end)s
 GROUP BY kind
"""


def main():
    args = page_bench_args("mediation", __doc__)
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from core import crypto
    from mediation import selectors, statistics
    from mediation.models import Dispute
    from regions.models import Region, RegionLevel

    keys = crypto._keys()  # the field keys of this environment (development: var/), handed to the server
    settings.DEBUG = False
    county = Region.objects.filter(code=args.county_code, level=RegionLevel.COUNTY).first()
    mediator = User.objects.filter(username="bench_mediator").first()
    supervisor = User.objects.filter(username="bench_supervisor").first()
    if county is None or mediator is None or supervisor is None or not Dispute.objects.filter(county=county).exists():
        sys.exit("No county, disputes or bench accounts: run generate_county and generate_disputes (bench/README.md).")
    year = Dispute.objects.filter(county=county).order_by("-received_on").first().received_on.year
    start, end = date(year, 1, 1), date(year, 12, 31)

    def queue():
        return [d.pk for d in selectors.working_queue(mediator)[:200]]

    def queue_floor():
        with connection.cursor() as cursor:
            cursor.execute(QUEUE_FLOOR, {"user": mediator.pk})
            return [row[0] for row in cursor.fetchall()]

    def table():
        return statistics.table(selectors.statistics_scope(supervisor), start=start, end=end, by="kind")

    def table_floor():
        with connection.cursor() as cursor:
            cursor.execute(STATS_FLOOR, {"county": county.pk, "start": start, "end": end})
            return cursor.fetchall()

    assert queue() == queue_floor(), "the queue and its floor differ"
    result, floor = table(), table_floor()
    figures = list(statistics.FILTERS)
    by_kind = {row[0]: dict(zip(figures, row[1:10], strict=True)) for row in floor}
    assert len(result.rows) == len(by_kind)
    for key in figures:
        assert result.total.counts[key] == sum(v[key] for v in by_kind.values()), key
    facts = machine()
    facts["data"] = {
        "county": county.code,
        "disputes": Dispute.objects.filter(county=county).count(),
        "year": year,
        "queue_rows": len(queue()),
        "open_in_queue": selectors.working_queue(mediator).count(),
        "resolution_rate": round(result.total.rates["resolution"] or 0, 2),
    }
    print(f"County {county.code}: {facts['data']}", flush=True)
    times = alternate({"queue": queue, "queue_floor": queue_floor}, args.runs)
    times |= alternate({"table": table, "table_floor": table_floor}, args.runs)
    q, qf, t, tf = (times[k] for k in ("queue", "queue_floor", "table", "table_floor"))
    in_process = {
        "queue": run_summary(q),
        "queue_floor": run_summary(qf),
        "queue_ratio": round(stats.median(q) / stats.median(qf), 2),
        "statistics": run_summary(t),
        "statistics_floor": run_summary(tf),
        "statistics_ratio": round(stats.median(t) / stats.median(tf), 2),
    }
    print(
        f"queue {in_process['queue']['median_ms']} ms vs floor {in_process['queue_floor']['median_ms']} ms "
        f"({in_process['queue_ratio']}×); statistics {in_process['statistics']['median_ms']} ms vs floor "
        f"{in_process['statistics_floor']['median_ms']} ms ({in_process['statistics_ratio']}×, target ≤ 2×)",
        flush=True,
    )
    http = {}
    if not args.no_http:
        http = _http(args, keys)
    result = {
        "benchmark": "mediation: the mediator's queue and the county's statistics",
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": facts,
        "in_process": in_process,
        "http": http,
        "targets": {"statistics_ratio_max": 2, "page_p95_ms": TARGET_P95_MS},
    }
    path = write_result(args.name, result)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


def _http(args, keys) -> dict:
    helpers = load_bench("points")
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    var_dir = Path(tempfile.mkdtemp(prefix="bench-mediation-var-"))
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, log_path=log_path, extra_env={"VAR_DIR": str(var_dir)})
    phases = {}
    try:
        cookie = {
            "mediator": helpers.session_login(port, "bench_mediator", args.password),
            "supervisor": helpers.session_login(port, "bench_supervisor", args.password),
        }
        plans = {
            "floor": ("/healthz", None),
            "page_floor": ("/login/", None),
            "queue_page": ("/mediation/", "mediator"),
            "statistics_page": ("/mediation/statistics/", "supervisor"),
            "floor_end": ("/healthz", None),
        }
        for name, (path, who) in plans.items():
            headers = [{"Cookie": cookie[who]} if who else {} for _ in range(args.clients)]
            warmup = [(name, "GET", path, None, {}) for _ in range(args.warmup)]
            plan = [(name, "GET", path, None, {}) for _ in range(args.requests)]
            phases[name] = helpers.run_phase(port, warmup, plan, headers, args.duration)
            print(f"  {name:<16} {helpers._line(phases[name])}", flush=True)
    finally:
        stop_server(proc)
    floor = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name in ("page_floor", "queue_page", "statistics_page"):
        lat = phases[name]["latency"]
        summary[name] = {
            "p50_ms": lat["p50_ms"],
            "p95_ms": lat["p95_ms"],
            "rps": phases[name]["throughput_rps"],
            "p95_over_floor": round(lat["p95_ms"] / floor, 1) if floor else None,
            "status_codes": phases[name]["status_codes"],
            "target_p95_met": lat["p95_ms"] is not None and lat["p95_ms"] < TARGET_P95_MS,
        }
    return {"server": server, "summary": summary, "phases": phases, "load_after": list(os.getloadavg())}


if __name__ == "__main__":
    main()
