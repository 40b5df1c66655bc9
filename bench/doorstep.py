"""Benchmark: services on the doorstep at county scale — the county's figures for a year against a hand-written SQL
floor in the same run, the agent's queue against its floor, and the pages under 20 clients.

Needs a county with service requests (``manage.py generate_county --households 100000 --seed 1`` then
``manage.py generate_service_requests --county 510499 --per-year 100000 --seed 1``; bench/README.md, section
"Services on the doorstep").

In this process (no HTTP, DEBUG off):

  figures         doorstep.figures.figures(bench_county, county, year): three grouped aggregates (by township and
                  level, by item, by agent; COUNT … FILTER (WHERE …) per figure) and the names of the townships,
                  items and agents
  figures floor   the same three aggregates hand-written through connection.cursor(), fully fetched
  queue           doorstep.selectors.handling_queue(bench_agent)[:20] materialised and its count (what the queue
                  page's first page reads): the open requests of the villages the agent serves, deadline first
  queue floor     the same rows and count, hand-written

Every count and row is asserted identical before timing; one warm-up each, then --runs alternating timed runs.
Ratios of medians are reported (target: figures within 2× the floor). Over HTTP (gunicorn, the project's settings,
--clients keep-alive clients signed in through the login form): /healthz (floor), /login/ (page floor), the agent's
/doorstep/queue/ (target: p95 < 300 ms), the cadre's /doorstep/queue/ and the county's /doorstep/figures/.
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
_WHERE = "flow = 'doorstep' AND county_id = %(county)s AND opened_at >= %(low)s AND opened_at < %(high)s"
_COUNTS = """COUNT(*),
       COUNT(*) FILTER (WHERE level = 'village'),
       COUNT(*) FILTER (WHERE level = 'township'),
       COUNT(*) FILTER (WHERE level = 'county'),
       COUNT(*) FILTER (WHERE completed_at IS NOT NULL),
       COUNT(*) FILTER (WHERE completed_at IS NOT NULL AND completed_on_time),
       COUNT(*) FILTER (WHERE completed_at IS NOT NULL AND level = 'village' AND NOT went_upstream),
       COUNT(*) FILTER (WHERE rating <> ''),
       COUNT(*) FILTER (WHERE rating IN ('satisfied', 'basic')),
       COUNT(*) FILTER (WHERE redo_count > 0),
       COALESCE(SUM(redo_count), 0),
       COUNT(*) FILTER (WHERE state IN ('submitted', 'incomplete', 'handling')),
       COUNT(*) FILTER (WHERE state IN ('submitted', 'incomplete', 'handling') AND (overdue OR deadline_at < %(now)s)),
       COUNT(*) FILTER (WHERE state = 'declined'),
       COUNT(*) FILTER (WHERE state = 'withdrawn')"""
FIGURES_FLOOR = [
    f"SELECT township_id, level, {_COUNTS} FROM doorstep_servicerequest WHERE {_WHERE} GROUP BY township_id, level",
    f"SELECT item_id, {_COUNTS} FROM doorstep_servicerequest WHERE {_WHERE} GROUP BY item_id",
    f"""SELECT agent_id, COUNT(*),
       COUNT(*) FILTER (WHERE completed_at IS NOT NULL),
       COUNT(*) FILTER (WHERE completed_at IS NOT NULL AND completed_on_time),
       COUNT(*) FILTER (WHERE state IN ('submitted', 'incomplete', 'handling')),
       COUNT(*) FILTER (WHERE state IN ('submitted', 'incomplete', 'handling') AND (overdue OR deadline_at < %(now)s)),
       COUNT(*) FILTER (WHERE redo_count > 0)
  FROM doorstep_servicerequest WHERE {_WHERE} AND agent_id IS NOT NULL GROUP BY agent_id""",
]
QUEUE_FLOOR = """
SELECT r.id FROM doorstep_servicerequest r JOIN doorstep_itemversion v ON v.id = r.item_version_id
 WHERE r.flow = 'doorstep' AND r.state IN ('submitted', 'incomplete', 'handling')
   AND r.village_id IN (SELECT l.region_id FROM doorstep_agent_villages l JOIN doorstep_agent a ON a.id = l.agent_id
                         WHERE a.user_id = %(user)s AND a.active)
   AND v.agent_may
 ORDER BY r.deadline_at, r.id
"""


def main():
    args = page_bench_args("doorstep", __doc__)
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from core import crypto
    from doorstep import figures as calc
    from doorstep import selectors
    from doorstep.models import ServiceRequest
    from regions.models import Region, RegionLevel

    keys = crypto._keys()  # the field keys of this environment (development: var/), handed to the server
    settings.DEBUG = False
    county = Region.objects.filter(code=args.county_code, level=RegionLevel.COUNTY).first()
    names = ("bench_county", "bench_agent", "bench_cadre")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if county is None or len(users) < 3 or not ServiceRequest.objects.filter(county=county).exists():
        sys.exit("No county, requests or bench accounts: run generate_county and generate_service_requests.")
    year = ServiceRequest.objects.filter(county=county).order_by("-opened_at").first().opened_at.year
    start, end = date(year, 1, 1), date(year, 12, 31)
    low, high = calc.bounds(start, end)
    now = timezone.now()

    def fresh(username):  # a new user object each run: the grants and agent posts are read again, as per request
        return User.objects.get(pk=users[username].pk)

    def figures():
        return calc.figures(fresh("bench_county"), county, start=start, end=end, now=now)

    def figures_floor():
        out = []
        with connection.cursor() as cursor:
            for sql in FIGURES_FLOOR:
                cursor.execute(sql, {"county": county.pk, "low": low, "high": high, "now": now})
                out.append(cursor.fetchall())
        return out

    def queue():
        rows = selectors.handling_queue(fresh("bench_agent"))
        return [r.pk for r in rows[:20]], rows.count()

    def queue_floor():
        with connection.cursor() as cursor:
            cursor.execute(QUEUE_FLOOR + " LIMIT 20", {"user": users["bench_agent"].pk})
            page = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COUNT(*) FROM ({QUEUE_FLOOR}) q", {"user": users["bench_agent"].pk})
            return page, cursor.fetchone()[0]

    assert queue() == queue_floor(), "the queue and its floor differ"
    result, (by_place, by_item, by_agent) = figures(), figures_floor()
    for i, key in enumerate(calc.COUNTS):
        assert result.total.counts[key] == sum(row[2 + i] for row in by_place), key
        assert sum(r.counts[key] for r in result.items) == sum(row[1 + i] for row in by_item), key
    assert {a.key: a.counts["taken"] for a in result.agents if a.counts["taken"]} == {r[0]: r[1] for r in by_agent}
    facts = machine()
    facts["data"] = {
        "county": county.code,
        "requests": ServiceRequest.objects.filter(county=county).count(),
        "year": year,
        "made_in_year": result.total.counts["made"],
        "townships": len(result.rows),
        "items": len(result.items),
        "agents": len(result.agents),
        "agent_queue": queue()[1],
        "on_time_rate": round(result.total.rates["on_time_rate"] or 0, 2),
        "in_village_share": round(result.total.rates["in_village_share"] or 0, 2),
    }
    print(f"County {county.code}: {facts['data']}", flush=True)
    times = alternate({"queue": queue, "queue_floor": queue_floor}, args.runs)
    times |= alternate({"figures": figures, "figures_floor": figures_floor}, args.runs)
    q, qf, f, ff = (times[k] for k in ("queue", "queue_floor", "figures", "figures_floor"))
    in_process = {
        "queue": run_summary(q),
        "queue_floor": run_summary(qf),
        "queue_ratio": round(stats.median(q) / stats.median(qf), 2),
        "figures": run_summary(f),
        "figures_floor": run_summary(ff),
        "figures_ratio": round(stats.median(f) / stats.median(ff), 2),
    }
    print(
        f"queue {in_process['queue']['median_ms']} ms vs floor {in_process['queue_floor']['median_ms']} ms "
        f"({in_process['queue_ratio']}×); figures {in_process['figures']['median_ms']} ms vs floor "
        f"{in_process['figures_floor']['median_ms']} ms ({in_process['figures_ratio']}×, target ≤ 2×)",
        flush=True,
    )
    _explain(args.name, {"county": county.pk, "low": low, "high": high, "now": now, "user": users["bench_agent"].pk})
    http = {}
    if not args.no_http:
        http = _http(args, keys, f"start={start}&end={end}")
    out = {
        "benchmark": "doorstep: the county's figures for a year and the agent's queue",
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": facts,
        "floor_sql": {"figures": FIGURES_FLOOR, "queue": QUEUE_FLOOR},
        "in_process": in_process,
        "http": http,
        "targets": {"figures_ratio_max": 2, "queue_page_p95_ms": TARGET_P95_MS},
    }
    path = write_result(args.name, out)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


def _explain(name: str, params: dict) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the floor statements (the ORM's have the same plans) into
    results/<name>_explain.txt."""
    from _common import RESULTS
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    parts = []
    with connection.cursor() as cursor:
        for label, sql in [*(("figures", s) for s in FIGURES_FLOOR), ("queue", QUEUE_FLOOR + " LIMIT 20")]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            parts.append(f"-- {label}\n{sql.strip()}\n\n" + "\n".join(row[0] for row in cursor.fetchall()))
    (RESULTS / f"{name}_explain.txt").write_text("\n\n".join(parts) + "\n")


def _http(args, keys, period: str) -> dict:
    helpers = load_bench("points")
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    var_dir = Path(tempfile.mkdtemp(prefix="bench-doorstep-var-"))
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, log_path=log_path, extra_env={"VAR_DIR": str(var_dir)})
    phases = {}
    try:
        cookie = {
            who: helpers.session_login(port, who, args.password)
            for who in ("bench_agent", "bench_cadre", "bench_county")
        }
        plans = {
            "floor": ("/healthz", None),
            "page_floor": ("/login/", None),
            "agent_queue_page": ("/doorstep/queue/", "bench_agent"),
            "cadre_queue_page": ("/doorstep/queue/", "bench_cadre"),
            "figures_page": (f"/doorstep/figures/?{period}", "bench_county"),
            "floor_end": ("/healthz", None),
        }
        for name, (path, who) in plans.items():
            headers = [{"Cookie": cookie[who]} if who else {} for _ in range(args.clients)]
            warmup = [(name, "GET", path, None, {}) for _ in range(args.warmup)]
            plan = [(name, "GET", path, None, {}) for _ in range(args.requests)]
            phases[name] = helpers.run_phase(port, warmup, plan, headers, args.duration)
            print(f"  {name:<18} {helpers._line(phases[name])}", flush=True)
    finally:
        stop_server(proc)
    floor = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name in ("page_floor", "agent_queue_page", "cadre_queue_page", "figures_page"):
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
