"""Benchmark: GET /api/households on county-scale data, under 20 concurrent keep-alive clients.

Starts its own gunicorn (gthread) on a free loopback port with DJANGO_DEBUG=0, then runs three bounded
phases with the same server, clients and concurrency:

  floor           GET /healthz (framework + one SELECT 1)
  auth_floor      GET /api/auth/me with a bearer token (token check and grants, no search)
  county_admin    GET /api/households as bench_county (the whole county in scope)
  village_cadre   GET /api/households as bench_cadre (one village in scope)

The search phases mix: a family name (王, 李, 张 …), the full name of a real resident, an exact ID number,
an exact phone, a grid filter and page 2 of the plain list. Each phase stops after --requests requests
or --duration seconds, whichever comes first. Afterwards the same selector calls are timed in-process
(no HTTP) and their SQL is EXPLAIN ANALYZEd into results/<name>_explain.txt.

Needs the data of ``manage.py generate_county --households 100000 --seed 1`` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    RESULTS,
    ROOT,
    free_port,
    latency_summary,
    machine,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    write_result,
)

FAMILY_NAMES = ["王", "李", "张", "刘", "陈"]
SAMPLES_PER_KIND = 40


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=2000, help="Requests per phase (upper bound).")
    p.add_argument("--duration", type=float, default=60, help="Seconds per phase (upper bound).")
    p.add_argument("--warmup", type=int, default=100, help="Untimed requests before each phase.")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.conf.py).")
    p.add_argument(
        "--threads", type=int, default=None, help="Threads per gunicorn worker (default: config/gunicorn.conf.py)."
    )
    p.add_argument("--in-process-repeat", type=int, default=10, help="Timed selector calls per query value.")
    p.add_argument("--no-explain", action="store_true")
    p.add_argument("--name", default="household_search", help="Result file name (bench/results/<name>.json).")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="Project tree to serve and import (default: this checkout; a patched copy to try a change).",
    )
    return p.parse_args()


# --- query plans -----------------------------------------------------------------------------------


def query_values(county, village, rng: random.Random) -> dict[str, dict[str, list]]:
    """Real values to search for, per actor: names, ID numbers and phones of residents in its scope."""
    from regions.models import Grid
    from registry.models import Person

    def people_sample(qs, n):
        ids = list(qs.order_by("id").values_list("id", flat=True))
        chosen = rng.sample(ids, min(n, len(ids)))
        return list(Person.objects.filter(id__in=chosen).order_by("id"))

    out = {}
    for label, scope_filter in (("county_admin", {"county": county}), ("village_cadre", {"village": village})):
        people = people_sample(Person.objects.filter(**scope_filter), SAMPLES_PER_KIND)
        with_phone = people_sample(Person.objects.filter(**scope_filter).exclude(phone_cipher=""), SAMPLES_PER_KIND)
        grids = list(Grid.objects.filter(**scope_filter).order_by("id").values_list("id", flat=True))
        out[label] = {
            "family_name": [{"q": n} for n in FAMILY_NAMES],
            "full_name": [{"q": p.name} for p in people],
            "id_number": [{"q": p.id_number} for p in people],
            "phone": [{"q": p.phone} for p in with_phone],
            "grid": [{"grid_id": g} for g in rng.sample(grids, min(SAMPLES_PER_KIND, len(grids)))],
            "page2": [{"page": 2}],
        }
    return out


def request_plan(values: dict[str, list], total: int, rng: random.Random) -> list[tuple[str, str]]:
    """``total`` (kind, path) pairs: the kinds in equal shares, values rotating, order shuffled."""
    kinds = sorted(values)
    plan = []
    for i in range(total):
        kind = kinds[i % len(kinds)]
        params = values[kind][(i // len(kinds)) % len(values[kind])]
        plan.append((kind, "/api/households?" + urlencode(params)))
    rng.shuffle(plan)
    return plan


# --- server ----------------------------------------------------------------------------------------


# --- load ------------------------------------------------------------------------------------------


def run_phase(port: int, warmup: list, plan: list[tuple[str, str]], tokens: list[str | None], duration: float) -> dict:
    """Send ``warmup`` untimed, then ``plan`` timed: one keep-alive connection per client thread, at most
    ``duration`` seconds."""
    clients = len(tokens)
    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(token, jobs, deadline, record):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local = []
        for kind, path in jobs:
            if deadline is not None and time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                status, body = 0, str(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - start
            if record:
                local.append((kind, elapsed, status))
                if status != 200:
                    with lock:
                        errors.append(f"{status} {path}: {body[:200]!r}")
        conn.close()
        if record:
            with lock:
                results.extend(local)

    def run(jobs_list, deadline, record):
        # Requests are handed out round-robin, so each client gets the same mix.
        threads = [
            threading.Thread(target=worker, args=(tokens[i], jobs_list[i::clients], deadline, record))
            for i in range(clients)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    if warmup:
        run(warmup, None, False)
    wall = run(plan, time.perf_counter() + duration, True)
    by_kind = defaultdict(list)
    for kind, elapsed, _status in results:
        by_kind[kind].append(elapsed)
    return {
        "clients": clients,
        "wall_s": round(wall, 2),
        "requests": len(results),
        "throughput_rps": round(len(results) / wall, 1) if wall else None,
        "errors": len(errors),
        "error_samples": errors[:5],
        "latency": latency_summary([e for _k, e, _s in results]),
        "by_kind": {kind: latency_summary(v) for kind, v in sorted(by_kind.items())},
    }


# --- in process ------------------------------------------------------------------------------------


def in_process(users: dict, values: dict, repeat: int, explain_path: Path | None) -> dict:
    """The endpoint function itself (registry.api.household_list), timed without HTTP, auth or JSON.

    Splits each call into time spent in SQL (as the database driver saw it) and the rest (Python);
    the slowest SQL statement of each kind is named, and every statement is EXPLAIN ANALYZEd.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from registry import api as registry_api

    out: dict = {}
    explain = []
    for label, username in users.items():
        kinds = {}
        for kind, params_list in sorted(values[label].items()):
            total, sql, slowest = [], [], defaultdict(float)
            n_queries = 0
            for params in params_list[: max(1, SAMPLES_PER_KIND // 4)]:
                for _ in range(repeat):
                    # A fresh actor per call, as per request in the API (its grants are cached on the object).
                    request = SimpleNamespace(auth=User.objects.get(username=username))
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        registry_api.household_list(request, **params)
                        total.append(time.perf_counter() - t0)
                    sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
                    n_queries = len(ctx.captured_queries)
                    for q in ctx.captured_queries:
                        slowest[_shape(q["sql"])] += float(q["time"])
                if explain_path is not None and params is params_list[0]:
                    explain.append(_explain(label, kind, params, [q["sql"] for q in ctx.captured_queries]))
            worst = max(slowest, key=slowest.get)
            kinds[kind] = {
                "total": latency_summary(total),
                "sql": latency_summary(sql),
                "python_p50_ms": round((sorted(total)[len(total) // 2] - sorted(sql)[len(sql) // 2]) * 1000, 2),
                "sql_queries_per_call": n_queries,
                "slowest_statement": worst,
                "slowest_statement_share_of_sql": round(slowest[worst] / max(sum(slowest.values()), 1e-9), 2),
            }
        out[label] = kinds
    if explain_path is not None:
        explain_path.write_text("\n".join(explain))
    return out


def _shape(sql: str) -> str:
    """A statement without its SELECT list, short enough to name in a report."""
    head = sql.split(" FROM ", 1)
    text = ("SELECT … FROM " + head[1]) if len(head) == 2 and head[0].startswith("SELECT") else sql
    return text[:300]


def _explain(label, kind, params, sqls) -> str:
    from django.db import connection

    lines = [f"==== {label} / {kind} {json.dumps(params, ensure_ascii=False)}"]
    for sql in sqls:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines.append(f"-- {sql}")
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines.extend(row[0] for row in cursor.fetchall())
        lines.append("")
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    setup_django(args.app_dir.resolve())
    from django.db import connection

    from accounts.models import User
    from accounts.services import api_token_issue
    from core import crypto
    from regions.models import Region
    from registry.management.commands.generate_county import BENCH_CADRE_USER, BENCH_COUNTY_USER, county_counts
    from registry.models import Household

    county = Region.objects.filter(code=args.county_code).first()
    if county is None:
        sys.exit(f"No county {args.county_code}: run manage.py generate_county first (see bench/README.md).")
    admin = User.objects.get(username=BENCH_COUNTY_USER)
    cadre = User.objects.get(username=BENCH_CADRE_USER)
    village = cadre.assignments.get(region__county=county).region
    rng = random.Random(args.seed)
    values = query_values(county, village, rng)
    # One token per client, as distinct users would have (the auth step updates the token's last_used_at).
    tokens = {
        label: [api_token_issue(actor=user) for _ in range(args.clients)]
        for label, user in (("county_admin", admin), ("village_cadre", cadre))
    }
    keys = crypto._keys()  # the keys the data was written with (env or the dev key file), handed to the server
    facts = machine()
    facts["data"] = county_counts(county)
    facts["village_cadre_village"] = {
        "code": village.code,
        "households": Household.objects.filter(village=village).count(),
    }
    connection.close()

    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, log_path)
    phases = {}
    try:
        floor = [("healthz", "/healthz")]
        print("Phase floor: GET /healthz …", flush=True)
        phases["floor"] = run_phase(
            port, floor * args.warmup, floor * args.requests, [None] * args.clients, args.duration
        )
        print(f"  {_line(phases['floor'])}", flush=True)
        # A second, authenticated floor: token check, grants and a tiny response, no search.
        me = [("me", "/api/auth/me")]
        print("Phase auth_floor: GET /api/auth/me …", flush=True)
        phases["auth_floor"] = run_phase(
            port, me * args.warmup, me * args.requests, tokens["county_admin"], args.duration
        )
        print(f"  {_line(phases['auth_floor'])}", flush=True)
        for label in ("county_admin", "village_cadre"):
            plan = request_plan(values[label], args.requests + args.warmup, rng)
            warm, timed = plan[: args.warmup], plan[args.warmup :]
            print(f"Phase {label}: GET /api/households …", flush=True)
            phases[label] = run_phase(port, warm, timed, tokens[label], args.duration)
            print(f"  {_line(phases[label])}", flush=True)
            for kind, summary in phases[label]["by_kind"].items():
                print(f"    {kind:<12} p50 {summary['p50_ms']:>8} ms  p95 {summary['p95_ms']:>8} ms", flush=True)
    finally:
        stop_server(proc)
    facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    print("In-process selector timings …", flush=True)
    explain_path = None if args.no_explain else RESULTS / f"{args.name}_explain.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    users = {"county_admin": BENCH_COUNTY_USER, "village_cadre": BENCH_CADRE_USER}
    inproc = in_process(users, values, args.in_process_repeat, explain_path)
    for label, kinds in inproc.items():
        for kind, t in kinds.items():
            print(
                f"  {label:<14} {kind:<12} p50 {t['total']['p50_ms']:>8} ms, of which SQL {t['sql']['p50_ms']:>8} ms"
                f" in {t['sql_queries_per_call']} statements",
                flush=True,
            )

    floor_p95 = phases["floor"]["latency"]["p95_ms"]
    summary = {
        label: {
            "p50_ms": phases[label]["latency"]["p50_ms"],
            "p95_ms": phases[label]["latency"]["p95_ms"],
            "p99_ms": phases[label]["latency"]["p99_ms"],
            "throughput_rps": phases[label]["throughput_rps"],
            "p95_ratio_to_floor": round(phases[label]["latency"]["p95_ms"] / floor_p95, 1) if floor_p95 else None,
            "target_p95_under_300ms": phases[label]["latency"]["p95_ms"] < 300,
        }
        for label in ("county_admin", "village_cadre")
    }
    summary["floor"] = {k: phases["floor"]["latency"][k] for k in ("p50_ms", "p95_ms", "p99_ms")}
    summary["floor"]["throughput_rps"] = phases["floor"]["throughput_rps"]
    summary["auth_floor"] = {k: phases["auth_floor"]["latency"][k] for k in ("p50_ms", "p95_ms", "p99_ms")}
    summary["auth_floor"]["throughput_rps"] = phases["auth_floor"]["throughput_rps"]
    result = {
        "benchmark": "household_search",
        "machine": facts,
        "server": {
            "app_dir": str(args.app_dir),
            **server,
            "env": {"DJANGO_DEBUG": "0", "DB_CONN_MAX_AGE": "600"},
        },
        "load": {
            "clients": args.clients,
            "max_requests_per_phase": args.requests,
            "max_seconds_per_phase": args.duration,
            "warmup_requests": args.warmup,
        },
        "summary": summary,
        "phases": phases,
        "in_process": inproc,
        "explain_file": str(explain_path.relative_to(ROOT)) if explain_path else None,
    }
    path = write_result(args.name, result)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"Written {path.relative_to(ROOT)}")


def _line(phase: dict) -> str:
    lat = phase["latency"]
    return (
        f"{phase['requests']} requests in {phase['wall_s']} s = {phase['throughput_rps']} req/s; "
        f"p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms; errors {phase['errors']}"
    )


if __name__ == "__main__":
    main()
