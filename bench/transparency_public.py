"""Benchmark: the village's public notice board (三务公开栏, no login) on county-scale data.

Needs the county of ``manage.py generate_county --households 100000 --seed 1`` and its notices written by
``manage.py generate_notices --county 510499 --months 24 --seed 1`` (bench/README.md, section "Transparency").

Starts its own gunicorn (config/gunicorn.conf.py, DJANGO_DEBUG=0, the field keys in its environment) on a free
loopback port and runs bounded phases with 20 keep-alive anonymous clients (each phase stops after --requests
requests or --duration seconds, after untimed warm-up requests: --warmup, and at least one per path):

  floor        GET /healthz (framework + SELECT 1)                                            — the floor
  page_floor   GET /login/ (an anonymous page through the same base template, no rows)      — a page's floor
  board_cold   GET /public/<village>/notices/ once for every village of the county, on an emptied cache:
               each board is rendered (the first visit after a change)
  board        GET /public/<village>/notices/, every village of the county in turn, after a warm-up that
               visited each once: the steady state, boards kept until a notice changes — target p95 < 200 ms
  notice       GET /public/<village>/notices/<pk>/, published notices with questions and without, in turn
  print        GET /public/<village>/notices/<pk>/print/ (A4 for the notice board)
  floor_end    GET /healthz again (the load of a shared machine drifts; this brackets the run)

The server's cache is a shared Redis (``--cache-url``, flushed first, so each village's board is rendered on
its first visit and kept until a notice of the village changes; ``--cache-url ''`` gives each server process its
own memory). Then, in this process (DEBUG off), the pages through Django's test client, rendered (cache emptied
before each request) and kept, timed and split into database time and Python, with their statements; every
SELECT of the board EXPLAIN (ANALYZE, BUFFERS)ed into
results/<name>_explain.txt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    RESULTS,
    ROOT,
    free_port,
    load_bench,
    machine,
    request_costs,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    timed,
    write_result,
)

TARGET_P95_MS = 200


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=2000, help="Requests per phase (upper bound).")
    p.add_argument("--duration", type=float, default=45, help="Seconds per phase (upper bound).")
    p.add_argument("--warmup", type=int, default=60, help="Untimed requests before each phase.")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.conf.py).")
    p.add_argument("--threads", type=int, default=None, help="Threads per worker (default: config/gunicorn.conf.py).")
    p.add_argument("--in-process-repeat", type=int, default=30, help="Timed in-process requests per page.")
    p.add_argument("--no-explain", action="store_true")
    p.add_argument("--name", default="transparency_public", help="Result file name (bench/results/<name>.json).")
    p.add_argument("--app-dir", type=Path, default=ROOT, help="Project tree to serve and import.")
    p.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/3",
        help="CACHE_URL of the server (a shared Redis, flushed first); '' for each process's own memory.",
    )
    return p.parse_args()


def main():
    args = parse_args()
    os.environ["CACHE_URL"] = args.cache_url
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from core import crypto
    from regions.models import Region, RegionLevel
    from transparency.models import Notice, NoticeQuestion

    keys = crypto._keys()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    county = Region.objects.filter(code=args.county_code, level=RegionLevel.COUNTY).first()
    if county is None:
        sys.exit(f"No county {args.county_code}: run manage.py generate_county first (see bench/README.md).")
    villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
    notices = Notice.objects.filter(county=county, state__in=("published", "ended"))
    if not notices.exists():
        sys.exit("No notices: run manage.py generate_notices first (see bench/README.md).")
    code_of = {v.pk: v.code for v in villages}
    asked = set(NoticeQuestion.objects.filter(county=county, state="answered").values_list("notice_id", flat=True))
    sample = list(notices.order_by("?").values_list("pk", "village_id")[:600])
    sample.sort(key=lambda row: (row[0] not in asked, row[0]))  # those with questions first, then the others
    with_questions = [row for row in sample if row[0] in asked][:300]
    sample = with_questions + [row for row in sample if row[0] not in asked][: 600 - len(with_questions)]
    per_village = [n for _v, n in notices.values_list("village").annotate(n=Count("id")).values_list("village", "n")]
    facts = machine()
    facts["data"] = {
        "county": county.code,
        "villages": len(villages),
        "public_notices": notices.count(),
        "notices_per_village": {
            "min": min(per_village),
            "median": statistics.median(per_village),
            "max": max(per_village),
        },
        "answered_questions": NoticeQuestion.objects.filter(county=county, state="answered").count(),
        "sampled_notices": len(sample),
        "sampled_with_questions": len(with_questions),
    }
    print(f"County {county.code}: {facts['data']}", flush=True)
    connection.close()

    helpers = load_bench("points")
    plans = {
        "floor": ["/healthz"],
        "page_floor": ["/login/"],
        "board": [f"/public/{v.code}/notices/" for v in villages],
        "notice": [f"/public/{code_of[v]}/notices/{pk}/" for pk, v in sample],
        "print": [f"/public/{code_of[v]}/notices/{pk}/print/" for pk, v in sample],
    }
    var_dir = Path(tempfile.mkdtemp(prefix="bench-transparency-var-"))
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    from django.core.cache import cache

    cache.clear()  # every page is rendered afresh once: the first visit of each village's board is a miss
    proc = start_server(
        args, keys, port, extra_env={"VAR_DIR": str(var_dir), "CACHE_URL": args.cache_url}, log_path=log_path
    )
    phases = {}
    anonymous = [{} for _ in range(args.clients)]

    def jobs(name, paths, n):
        return [(name, "GET", paths[i % len(paths)], None, {}) for i in range(n)]

    try:
        for name in ("floor", "page_floor", "board_cold", "board", "notice", "print", "floor_end"):
            paths = plans[{"floor_end": "floor", "board_cold": "board"}.get(name, name)]
            if name == "board_cold":  # every village's board once, on an empty cache: each one is rendered
                cache.clear()
                warmup, plan = [], jobs(name, paths, len(paths))
            else:  # the warm-up visits every path once: the timed phase is the steady state, pages kept
                warmup, plan = jobs(name, paths, max(args.warmup, len(paths))), jobs(name, paths, args.requests)
            print(f"Phase {name}: GET {paths[0]} … ({len(paths)} paths in turn)", flush=True)
            phases[name] = helpers.run_phase(port, warmup, plan, anonymous, args.duration)
            print(f"  {helpers._line(phases[name])}", flush=True)
            for sample_error in phases[name]["error_samples"][:2]:
                print(f"    e.g. {sample_error[:200]}", flush=True)
    finally:
        stop_server(proc)
    facts["load_average_after_http"] = [round(x, 2) for x in os.getloadavg()]

    print("In process (test client, DEBUG off):", flush=True)
    inproc = in_process(plans, args.in_process_repeat)
    if not args.no_explain:
        explain_path = RESULTS / f"{args.name}_explain.txt"
        explain_board(villages[0], explain_path)
        print(f"EXPLAIN ANALYZE of every SELECT of the board: {explain_path.relative_to(ROOT)}", flush=True)

    floor_p95 = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name in ("page_floor", "board_cold", "board", "notice", "print"):
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
        "benchmark": "transparency: the village's public notice board",
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
            f"  {name:<11} p50 {s['p50_ms']:>7} ms  p95 {s['p95_ms']:>7} ms  ({s['p95_over_floor']}× floor, "
            f"{s['p95_over_page_floor']}× page floor)  {s['rps']} req/s"
        )


def in_process(plans: dict, repeat: int) -> dict:
    """Each page through the test client: ``*_miss`` with the cache emptied before each request (the page is
    rendered), ``*_hit`` on pages already kept (the village's query and the cache read)."""
    from django.core.cache import cache
    from django.test import Client

    out = {}
    client = Client()
    for name, paths, hit in (
        ("page_floor", plans["page_floor"], False),
        ("board_miss", plans["board"], False),
        ("board_hit", plans["board"][:5], True),
        ("notice_miss", plans["notice"], False),
        ("notice_hit", plans["notice"][:5], True),
    ):
        totals, sqls, statements, statuses = [], [], [], set()
        for path in paths[:5] if hit else ():
            client.get(path)  # kept
        for i in range(repeat + 1):
            path = paths[i % len(paths)]
            if not hit:
                cache.clear()
            total, sql, queries = timed(lambda p=path, s=statuses: s.add(client.get(p).status_code))
            if i:  # the first one warms up
                totals.append(total)
                sqls.append(sql)
                statements.append(queries)
        out[name] = {"statuses": sorted(statuses), **request_costs(totals, sqls, statements)}
        print(
            f"  {name:<11} {sorted(statuses)} p50 {out[name]['total']['p50_ms']} ms (SQL {out[name]['sql']['p50_ms']} "
            f"ms in {out[name]['statements_per_request']} statements), p95 {out[name]['total']['p95_ms']} ms",
            flush=True,
        )
    return out


def explain_board(village, path: Path) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/public/{village.code}/notices/")
    lines = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines.append(sql)
            lines.extend(row[0] for row in cursor.fetchall())
            lines.append("")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
