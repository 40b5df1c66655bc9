"""Benchmark: the handler's queue and the supervision board of the incident loop (网格事件) on a county-scale year.

Needs the county of ``manage.py generate_county --households 100000 --seed 1`` and a year of incidents written by
``manage.py generate_incidents --county 510499 --per-year 50000 --years 2026 --seed 1`` (bench/README.md, section
"Incidents"), with its accounts bench_department, bench_township and bench_county_official.

Starts its own gunicorn (the project's config/gunicorn.conf.py, DJANGO_DEBUG=0, the field keys in its environment,
a throw-away VAR_DIR) on a free loopback port, signs in one session per client and account through the login form,
and runs bounded phases with 20 keep-alive clients (each stops after --requests requests or --duration seconds,
after --warmup untimed requests):

  floor               GET /healthz (framework + SELECT 1)                                — the floor
  page_floor          GET /incidents/queue/ as bench_county_official, whose queue is empty: the same page
                      (session, grants, navigation, notifications bell) without rows  — the page's own floor
  queue_department    GET /incidents/queue/ as bench_department (member of the busiest county department)
  queue_township      GET /incidents/queue/ as bench_township (official of the first township)
  board_township      GET /incidents/board/ as bench_township
  board_county        GET /incidents/board/ as bench_county_official (the whole county)
  floor_end           GET /healthz again (the load of a shared machine drifts; this brackets the run)

Targets: p95 < 300 ms for every page. Then, in this process (DEBUG off), each page through Django's test client,
timed and split into database driver time and Python, with its statements (count and the slowest), and every
SELECT of each page EXPLAIN (ANALYZE, BUFFERS)ed into results/<name>_explain.txt.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    RESULTS,
    ROOT,
    free_port,
    machine,
    request_costs,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    timed,
    write_result,
)

ACCOUNTS = {
    "department": "bench_department",
    "township": "bench_township",
    "county": "bench_county_official",
}
PAGES = [
    # phase, account, path; the county official handles nothing, so its queue is the same page with no rows
    ("page_floor", "county", "/incidents/queue/"),
    ("queue_department", "department", "/incidents/queue/"),
    ("queue_township", "township", "/incidents/queue/"),
    ("board_township", "township", "/incidents/board/"),
    ("board_county", "county", "/incidents/board/"),
]
TARGET_P95_MS = 300


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--password", default="Bench@2026", help="Password of the bench accounts.")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000, help="Requests per phase (upper bound).")
    p.add_argument("--duration", type=float, default=45, help="Seconds per phase (upper bound).")
    p.add_argument("--warmup", type=int, default=40, help="Untimed requests before each phase.")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.conf.py).")
    p.add_argument("--threads", type=int, default=None, help="Threads per worker (default: config/gunicorn.conf.py).")
    p.add_argument("--in-process-repeat", type=int, default=30, help="Timed in-process requests per page.")
    p.add_argument("--no-explain", action="store_true")
    p.add_argument("--name", default="incidents", help="Result file name (bench/results/<name>.json).")
    p.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="Project tree to serve and import (default: this checkout; a patched copy to try a change).",
    )
    return p.parse_args()


def _load_points_bench():
    """bench/points.py's HTTP helpers (its module name clashes with the points app, so it is loaded by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_points", Path(__file__).resolve().parent / "points.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- in process --------------------------------------------------------------------------------------


def in_process(users: dict, repeat: int) -> dict:
    from django.test import Client

    out = {}
    for phase, account, path in PAGES:
        client = Client()
        client.force_login(users[account])
        response = client.get(path)  # warm-up
        status = response.status_code
        totals, sqls, statements = [], [], []
        for _ in range(repeat):
            total, sql, queries = timed(lambda c=client, p=path: c.get(p))
            totals.append(total)
            sqls.append(sql)
            statements.append(queries)
        out[phase] = {
            "status": status,
            "response_bytes": len(response.content),
            **request_costs(totals, sqls, statements),
        }
        print(
            f"  {phase:<17} {status} p50 {out[phase]['total']['p50_ms']} ms (SQL {out[phase]['sql']['p50_ms']} ms in "
            f"{out[phase]['statements_per_request']} statements), p95 {out[phase]['total']['p95_ms']} ms",
            flush=True,
        )
    return out


def explain_all(users: dict, path: Path) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return
    sections = []
    for phase, account, url in PAGES:
        client = Client()
        client.force_login(users[account])
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for q in captured.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            sections.append(f"==== {phase} ({float(q['time']) * 1000:.1f} ms when captured)\n-- {sql}\n{plan}")
    path.write_text("\n\n".join(sections) + "\n")


# --- main --------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from casework.models import CaseEvent
    from core import crypto
    from incidents import selectors
    from incidents.models import Incident
    from regions.models import Region

    keys = crypto._keys()
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY = keys[0].decode(), keys[1].decode()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    county = Region.objects.filter(code=args.county_code).first()
    if county is None:
        sys.exit(f"No county {args.county_code}: run manage.py generate_county first (see bench/README.md).")
    users = {key: User.objects.filter(username=name).first() for key, name in ACCOUNTS.items()}
    missing = [ACCOUNTS[k] for k, u in users.items() if u is None]
    if missing or not Incident.objects.filter(county=county).exists():
        sys.exit(f"No incidents or no {', '.join(missing)}: run manage.py generate_incidents (see bench/README.md).")

    facts = machine()
    states = dict(
        Incident.objects.filter(county=county).values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    facts["data"] = {
        "page_floor_queue": selectors.queue(users["county"]).count(),
        "county": county.code,
        "incidents": sum(states.values()),
        "by_state": states,
        "case_events": CaseEvent.objects.filter(county=county).count(),
        "queue_department": selectors.queue(users["department"]).count(),
        "queue_township": selectors.queue(users["township"]).count(),
        "board_township": {k: v.count() for k, v in selectors.board(users["township"]).items()},
        "board_county": {k: v.count() for k, v in selectors.board(users["county"]).items()},
    }
    facts["in_process_django_debug"] = settings.DEBUG
    print(f"County {county.code}: {facts['data']['incidents']:,} incidents; {facts['data']}", flush=True)
    connection.close()

    helpers = _load_points_bench()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-incidents-var-"))
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, extra_env={"VAR_DIR": str(var_dir)}, log_path=log_path)
    phases = {}
    try:
        cookies = {
            key: [{"Cookie": helpers.session_login(port, name, args.password)} for _ in range(args.clients)]
            for key, name in ACCOUNTS.items()
        }
        anonymous = [{} for _ in range(args.clients)]

        def phase(name, path, headers):
            job = (name, "GET", path, None, {})
            print(f"Phase {name}: GET {path} …", flush=True)
            phases[name] = helpers.run_phase(port, [job] * args.warmup, [job] * args.requests, headers, args.duration)
            print(f"  {helpers._line(phases[name])}", flush=True)
            for sample in phases[name]["error_samples"][:2]:
                print(f"    e.g. {sample[:200]}", flush=True)

        phase("floor", "/healthz", anonymous)
        for name, account, path in PAGES:
            phase(name, path, cookies[account])
        phase("floor_end", "/healthz", anonymous)
    finally:
        stop_server(proc)
    facts["load_average_after_http"] = [round(x, 2) for x in os.getloadavg()]

    print("In process (test client, DEBUG off):", flush=True)
    inproc = in_process(users, args.in_process_repeat)
    if not args.no_explain:
        explain_path = RESULTS / f"{args.name}_explain.txt"
        explain_all(users, explain_path)
        print(f"EXPLAIN ANALYZE of every SELECT: {explain_path.relative_to(ROOT)}", flush=True)

    floor_p95 = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name, _account, _path in PAGES:
        lat = phases[name]["latency"]
        summary[name] = {
            "p50_ms": lat["p50_ms"],
            "p95_ms": lat["p95_ms"],
            "rps": phases[name]["throughput_rps"],
            "p95_over_floor": round(lat["p95_ms"] / floor_p95, 1) if floor_p95 else None,
            "p95_over_page_floor": round(lat["p95_ms"] / phases["page_floor"]["latency"]["p95_ms"], 1),
            "target_p95_met": lat["p95_ms"] < TARGET_P95_MS,
            "status_codes": phases[name]["status_codes"],
        }
    result = {
        "benchmark": "incidents: handler's queue and supervision board",
        "args": {k: str(v) for k, v in vars(args).items()},
        "server": server,
        "machine": facts,
        "target_p95_ms": TARGET_P95_MS,
        "summary": summary,
        "floor_p95_ms": {
            "start": phases["floor"]["latency"]["p95_ms"],
            "end": phases["floor_end"]["latency"]["p95_ms"],
        },
        "phases": phases,
        "in_process": inproc,
    }
    path = write_result(args.name, result)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)
    for name, s in summary.items():
        print(
            f"  {name:<17} p50 {s['p50_ms']:>7} ms  p95 {s['p95_ms']:>7} ms  ({s['p95_over_floor']}× floor)  "
            f"{s['rps']} req/s"
        )


if __name__ == "__main__":
    main()
