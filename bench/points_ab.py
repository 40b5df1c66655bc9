"""Paired A/B of two project trees on the points requests: both served at once, every client alternating.

On a shared machine the load drifts between two runs of bench/points.py made minutes apart; here the two servers
run side by side, each client sends its requests alternately to A and to B (A first on even clients, B first on
odd ones), so both see the same machine at the same moments and the same request mix. What differs is the cost of
a request. Absolute latencies are those of two servers sharing the cores, not of one.

    .venv/bin/python bench/points_ab.py --a-dir /tmp/base --b-dir . --name points_ab

Same database, accounts and requests as bench/points.py (recording, standings API and page for bench_cadre);
each server gets --workers × --threads (the same for both, so the trees are compared, not the settings). The
claims recorded are deleted at the end.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ROOT,
    free_port,
    latency_summary,
    machine,
    setup_django,
    start_server,
    stop_server,
    write_result,
)

# bench/points.py under another name: "points" is the Django app
_spec = importlib.util.spec_from_file_location("bench_points", Path(__file__).resolve().parent / "points.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a-dir", type=Path, required=True, help="Project tree A (e.g. a copy of the previous commit).")
    p.add_argument("--b-dir", type=Path, default=ROOT, help="Project tree B (default: this checkout).")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=600, help="Requests per phase and server (upper bound).")
    p.add_argument("--duration", type=float, default=45, help="Seconds per phase (upper bound).")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server.")
    p.add_argument("--threads", type=int, default=2, help="Threads per worker of each server.")
    p.add_argument("--password", default="Bench@2026")
    p.add_argument("--county-code", default="510499")
    p.add_argument("--capped-share", type=float, default=0.2)
    p.add_argument("--claim-days", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--name", default="points_ab")
    return p.parse_args()


def run_paired(ports: dict, jobs: list, headers: dict, clients: int, duration: float) -> dict:
    """jobs: (label, method, path, body, extra headers) per request pair; headers[label] per client."""
    results = {label: [] for label in ports}
    statuses = {label: {} for label in ports}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(i, my_jobs):
        conns = {label: http.client.HTTPConnection("127.0.0.1", port, timeout=120) for label, port in ports.items()}
        order = list(ports) if i % 2 == 0 else list(reversed(list(ports)))
        local = {label: [] for label in ports}
        for method, path, body, extra in my_jobs:
            if time.perf_counter() > deadline:
                break
            for label in order:
                start = time.perf_counter()
                conns[label].request(method, path, body, {**headers[label][i], **extra})
                response = conns[label].getresponse()
                response.read()
                local[label].append((time.perf_counter() - start, response.status))
        for c in conns.values():
            c.close()
        with lock:
            for label in ports:
                results[label].extend(local[label])

    threads = [threading.Thread(target=worker, args=(i, jobs[i::clients])) for i in range(clients)]
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    out = {"wall_s": round(wall, 2), "load_average_before": load_before}
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    for label in ports:
        for _elapsed, status in results[label]:
            statuses[label][str(status)] = statuses[label].get(str(status), 0) + 1
        out[label] = latency_summary([e for e, _s in results[label]]) | {"status_codes": statuses[label]}
    return out


def main():
    args = parse_args()
    setup_django(args.b_dir.resolve())
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from core import crypto
    from points.models import Claim, Scheme
    from regions.models import Region
    from registry.management.commands.generate_county import BENCH_CADRE_USER
    from registry.models import Household

    keys = crypto._keys()
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY = keys[0].decode(), keys[1].decode()
    county = Region.objects.get(code=args.county_code)
    cadre = User.objects.get(username=BENCH_CADRE_USER)
    village = cadre.assignments.get(region__county=county).region
    scheme = Scheme.objects.filter(village=village, kind="civility", subject_kind="household").order_by("pk").first()
    households = list(Household.objects.filter(village=village).order_by("pk").values_list("pk", flat=True))
    items = bench.claim_items(scheme)
    from django.utils import timezone

    from points import standings as calc

    today = timezone.localdate()
    facts = machine()
    connection.close()

    run_id = "ab" + time.strftime("%m%d%H%M%S")
    rng = random.Random(args.seed)
    jpeg = bench.tiny_jpeg()
    servers, ports = {}, {}
    var_dir = Path(tempfile.mkdtemp(prefix="bench-points-ab-"))
    try:
        for label, tree in (("A", args.a_dir), ("B", args.b_dir)):
            server_args = argparse.Namespace(app_dir=tree.resolve(), workers=args.workers, threads=args.threads)
            port = free_port()
            log = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
            servers[label] = start_server(server_args, keys, port, log, extra_env={"VAR_DIR": str(var_dir / label)})
            ports[label] = port
        user, password, n = BENCH_CADRE_USER, args.password, args.clients
        tokens = {label: [bench.api_token(p, user, password)] * n for label, p in ports.items()}
        sessions = {label: [bench.session_login(p, user, password)] * n for label, p in ports.items()}
        bearer = {label: [{"Authorization": f"Bearer {t}"} for t in tokens[label]] for label in ports}
        cookie = {label: [{"Cookie": c} for c in sessions[label]] for label in ports}
        phases = {}
        # A and B record different claims drawn alike (the same claim twice would hit the monthly caps)
        plan = bench.claim_plan(2 * args.requests, scheme, households, items, args, rng, run_id)
        claim_jobs = [bench.claim_request(fields, jpeg) for _kind, fields in plan[: args.requests]]
        claim_jobs_b = [bench.claim_request(fields, jpeg) for _kind, fields in plan[args.requests :]]

        def claims_paired():
            # per pair: A's body to A, B's body to B
            results = {"A": [], "B": []}
            lock = threading.Lock()
            deadline = time.perf_counter() + args.duration

            def worker(i):
                conns = {lb: http.client.HTTPConnection("127.0.0.1", ports[lb], timeout=120) for lb in ports}
                order = ["A", "B"] if i % 2 == 0 else ["B", "A"]
                local = {"A": [], "B": []}
                for n in range(i, args.requests, args.clients):
                    if time.perf_counter() > deadline:
                        break
                    for lb in order:
                        method, path, body, extra = claim_jobs[n] if lb == "A" else claim_jobs_b[n]
                        start = time.perf_counter()
                        conns[lb].request(method, path, body, {**bearer[lb][i], **extra})
                        response = conns[lb].getresponse()
                        response.read()
                        local[lb].append((time.perf_counter() - start, response.status))
                for c in conns.values():
                    c.close()
                with lock:
                    for lb in local:
                        results[lb].extend(local[lb])

            load_before = [round(x, 2) for x in os.getloadavg()]
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            out = {"wall_s": round(time.perf_counter() - started, 2), "load_average_before": load_before}
            out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            for lb, rows in results.items():
                codes = {}
                for _e, s in rows:
                    codes[str(s)] = codes.get(str(s), 0) + 1
                out[lb] = latency_summary([e for e, _s in rows]) | {"status_codes": codes}
            return out

        query = f"?year={today.year}&quarter={calc.quarter_of(today)}"
        get = lambda path: ("GET", path, None, {})  # noqa: E731
        health = [get("/healthz")] * args.requests
        anonymous = {label: [{}] * args.clients for label in ports}
        print("floor …", flush=True)
        phases["floor"] = run_paired(ports, health, anonymous, args.clients, args.duration)
        print("claims …", flush=True)
        phases["claims"] = claims_paired()
        print("standings API …", flush=True)
        api = [get(f"/api/points/schemes/{scheme.pk}/standings{query}")] * args.requests
        run_paired(ports, api[:40], bearer, args.clients, args.duration)  # warm the caches of every worker
        phases["standings_api"] = run_paired(ports, api, bearer, args.clients, args.duration)
        print("standings page …", flush=True)
        page = [get(f"/points/schemes/{scheme.pk}/standings/{query}")] * args.requests
        run_paired(ports, page[:40], cookie, args.clients, args.duration)
        phases["standings_page"] = run_paired(ports, page, cookie, args.clients, args.duration)
    finally:
        for proc in servers.values():
            stop_server(proc)
        shutil.rmtree(var_dir, ignore_errors=True)
    removed, _ = Claim.objects.filter(client_key__startswith=f"{bench.CLAIM_KEY_PREFIX}{run_id}-").delete()
    summary = {}
    for name, phase in phases.items():
        summary[name] = {
            lb: {k: phase[lb][k] for k in ("count", "p50_ms", "p95_ms", "p99_ms", "status_codes")} for lb in ("A", "B")
        }
        summary[name]["B_over_A_p50"] = round(phase["B"]["p50_ms"] / phase["A"]["p50_ms"], 2)
        summary[name]["B_over_A_p95"] = round(phase["B"]["p95_ms"] / phase["A"]["p95_ms"], 2)
        summary[name]["load"] = [phase["load_average_before"][0], phase["load_average_after"][0]]
        a, b, row = phase["A"], phase["B"], summary[name]
        print(
            f"{name:15} A p50 {a['p50_ms']:>8} p95 {a['p95_ms']:>8} | B p50 {b['p50_ms']:>8} p95 {b['p95_ms']:>8} | "
            f"B/A p50 {row['B_over_A_p50']} p95 {row['B_over_A_p95']} | load {row['load']} | "
            f"{a['status_codes']} {b['status_codes']}",
            flush=True,
        )
    result = {
        "benchmark": "points_ab",
        "machine": facts,
        "a_dir": str(args.a_dir),
        "b_dir": str(args.b_dir),
        "server_each": f"gunicorn config.wsgi:application -k gthread -w {args.workers} --threads {args.threads}",
        "clients": args.clients,
        "summary": summary,
        "phases": phases,
        "claims_deleted_after_run": removed,
    }
    path = write_result(args.name, result)
    print(f"Written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
