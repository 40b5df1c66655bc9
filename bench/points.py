"""Benchmark: the points system (积分制) on county-scale data, each figure against a floor measured in the same run.

Needs the county of ``manage.py generate_county --households 100000 --seed 1`` and its points data (one civility
scheme per village with the 安家村 rule book, ~4.8 million approved ledger entries over 12 months, written by
``points.generation``). See bench/README.md, section "Points".

Starts its own gunicorn (gthread, DJANGO_DEBUG=0, the field keys in its environment, a throw-away VAR_DIR so the
evidence files land in a temporary directory) on a free loopback port and runs bounded phases with 20 keep-alive
clients (each phase stops after --requests requests or --duration seconds):

  floor            GET /healthz (framework + SELECT 1)                                      — the floor
  auth_floor       GET /api/auth/me as bench_cadre (bearer token check, grants)             — authenticated floor
  claims           POST /api/points/claims as bench_cadre: multipart form with a small JPEG as evidence,
                   households of the cadre's village, a unique client_key per request
  standings_api    GET /api/points/schemes/{id}/standings?year=&quarter=<current> (the first village's scheme)
  standings_page   GET /points/schemes/{id}/standings/ with a session from the login form
  floor_end        GET /healthz again (the load of a shared machine drifts; this brackets the run)
  county_api       GET /api/points/county-ranking?page_size=100 as bench_county, sequential, a few times

While a phase runs, pg_stat_activity is sampled (sessions active / waiting for a lock / idle in a transaction).
Then, in this process (no HTTP, DEBUG off): services.claim_record, the endpoint function and a request through
Django's test client, timed and split into database driver time and Python (and how long the scheme row stays
locked), with a cProfile of the endpoint; the standings pieces (ledger sums, subjects, lists), the API and the
page through the test client, profiled; and points.standings.county_ranking against two hand-written SQL floors
over the same rows (one statement each, ranks by PostgreSQL, fully fetched, alternating; (key, rank, score)
asserted equal for every subject). The statements are EXPLAIN (ANALYZE, BUFFERS)ed into
results/<name>_explain.txt, the profiles go to results/<name>_profile.txt.

The claims the run records (client_key ``bench-points-…``, status pending) are deleted at the end (their audit
events stay: the audit trail is append-only), unless --keep-claims.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
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
    percentile,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    write_result,
)

CLAIM_KEY_PREFIX = "bench-points-"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--password", default="Bench@2026", help="Password of bench_cadre and bench_county.")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1500, help="Requests per phase (upper bound).")
    p.add_argument("--duration", type=float, default=60, help="Seconds per phase (upper bound).")
    p.add_argument("--warmup", type=int, default=60, help="Untimed requests before each phase.")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.conf.py).")
    p.add_argument(
        "--threads", type=int, default=None, help="Threads per gunicorn worker (default: config/gunicorn.conf.py)."
    )
    p.add_argument(
        "--capped-share",
        type=float,
        default=0.2,
        help="Share of claims for items with a monthly cap (the rest: uncapped items that need evidence).",
    )
    p.add_argument("--claim-days", type=int, default=60, help="Claims are dated over the last N days.")
    p.add_argument("--in-process-repeat", type=int, default=60, help="Timed in-process calls per kind.")
    p.add_argument("--ranking-runs", type=int, default=7, help="Timed runs of county_ranking and of its floor.")
    p.add_argument("--county-api-runs", type=int, default=3, help="Timed GET /api/points/county-ranking calls.")
    p.add_argument("--no-explain", action="store_true")
    p.add_argument(
        "--http-only",
        action="store_true",
        help="Only the HTTP phases (no county ranking, nothing in process): to compare server settings.",
    )
    p.add_argument("--keep-claims", action="store_true", help="Keep the claims the run records.")
    p.add_argument("--name", default="points", help="Result file name (bench/results/<name>.json).")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="Project tree to serve and import (default: this checkout; a patched copy to try a change).",
    )
    return p.parse_args()


# --- a small JPEG ------------------------------------------------------------------------------------


def tiny_jpeg() -> bytes:
    """A valid baseline JPEG, 8×8 mid-grey (one block, every coefficient zero): 141 bytes."""
    dqt = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    sof = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    # One Huffman code of length 1 ("0") per table: DC category 0, AC end-of-block.
    dht_dc = b"\xff\xc4\x00\x14\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    dht_ac = b"\xff\xc4\x00\x14\x10" + b"\x01" + b"\x00" * 15 + b"\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    scan = b"\x3f"  # DC "0", EOB "0", padded with ones
    return b"\xff\xd8" + dqt + sof + dht_dc + dht_ac + sos + scan + b"\xff\xd9"


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----bench" + os.urandom(12).hex()
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- what to send --------------------------------------------------------------------------------------


def claim_items(scheme) -> dict[str, list]:
    """Items of the rule book in force the cadre may record: uncapped ones that need evidence (they never hit a
    cap), and positive items with a cap."""
    from django.utils import timezone

    from points.services import rulebook_in_force

    book = rulebook_in_force(scheme, timezone.localdate())
    items = list(book.items.order_by("pk"))
    uncapped = [i for i in items if i.cap_count is None and i.evidence_required and not i.negative_list]
    capped = [i for i in items if i.cap_count and not i.negative_list]
    return {"uncapped": uncapped, "capped": capped}


def claim_plan(n: int, scheme, households: list[int], items: dict, args, rng: random.Random, run_id: str) -> list:
    """``n`` claims: (kind, fields). Households rotate, dates spread over the last --claim-days days."""
    from django.utils import timezone

    today = timezone.localdate()
    jobs = []
    for i in range(n):
        kind = "capped" if rng.random() < args.capped_share else "uncapped"
        item = rng.choice(items[kind])
        jobs.append(
            (
                kind,
                {
                    "scheme_id": scheme.pk,
                    "subject_id": households[(i * 7 + rng.randrange(len(households))) % len(households)],
                    "item_id": item.pk,
                    "occurred_on": (today - timedelta(days=rng.randrange(args.claim_days))).isoformat(),
                    "note": f"压测记录 {i}",
                    "client_key": f"{CLAIM_KEY_PREFIX}{run_id}-{i}",
                    "evidence": item.evidence_required,
                },
            )
        )
    return jobs


def claim_request(fields: dict, jpeg: bytes) -> tuple[str, str, str, bytes, dict]:
    fields = dict(fields)
    files = {"evidence": ("proof.jpg", jpeg, "image/jpeg")} if fields.pop("evidence") else {}
    body, content_type = multipart(fields, files)
    return ("POST", "/api/points/claims", body, {"Content-Type": content_type})


# --- server ----------------------------------------------------------------------------------------


def api_token(port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/api/auth/token",
        json.dumps({"username": username, "password": password}),
        {"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        sys.exit(f"POST /api/auth/token for {username}: {response.status} {body[:200]!r}")
    return json.loads(body)["token"]


def _cookies(response) -> dict[str, str]:
    out = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def session_login(port: int, username: str, password: str) -> str:
    """Sign in through the login form, as a browser would; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    html = response.read().decode()
    cookies = _cookies(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match or "csrftoken" not in cookies:
        sys.exit("The login page has no CSRF token.")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match.group(1), "next": ""})
    conn.request(
        "POST",
        "/login/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}"},
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    conn.close()
    if response.status != 302 or "sessionid" not in cookies:
        sys.exit(f"Login of {username} through the form failed: {response.status}")
    return f"csrftoken={cookies['csrftoken']}; sessionid={cookies['sessionid']}"


# --- load ------------------------------------------------------------------------------------------


class DatabaseSampler(threading.Thread):
    """Samples pg_stat_activity every ``interval`` seconds while a phase runs: how many of the database's
    sessions are running a statement, how many of those wait for a lock (e.g. the scheme row that
    claim_record locks FOR UPDATE), and how many sit idle inside a transaction."""

    SQL = """
        SELECT count(*) FILTER (WHERE state = 'active'),
               count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'),
               count(*) FILTER (WHERE state LIKE 'idle in transaction%%')
          FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
    """

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval, self.samples, self.stop = interval, [], threading.Event()

    def run(self):
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(self.SQL)
                    self.samples.append(cursor.fetchone())
                    self.stop.wait(self.interval)
        finally:
            connection.close()

    def summary(self) -> dict:
        if not self.samples:
            return {}
        n = len(self.samples)
        col = lambda i: [row[i] for row in self.samples]  # noqa: E731
        return {
            "samples": n,
            "active_mean": round(sum(col(0)) / n, 2),
            "waiting_for_lock_mean": round(sum(col(1)) / n, 2),
            "waiting_for_lock_max": max(col(1)),
            "share_of_samples_with_lock_waits": round(sum(1 for v in col(1) if v) / n, 2),
            "idle_in_transaction_mean": round(sum(col(2)) / n, 2),
        }


def run_phase(port: int, warmup: list, plan: list, client_headers: list[dict], duration: float) -> dict:
    """Send ``warmup`` untimed, then ``plan`` timed: one keep-alive connection per client thread, at most
    ``duration`` seconds. A job is (kind, method, path, body, headers)."""
    clients = len(client_headers)
    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(base_headers, jobs, deadline, record):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        local = []
        for kind, method, path, body, headers in jobs:
            if deadline is not None and time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            try:
                conn.request(method, path, body, {**base_headers, **headers})
                response = conn.getresponse()
                data = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            except (OSError, http.client.HTTPException) as exc:
                status, data = 0, str(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - start
            if record:
                local.append((kind, elapsed, status))
                if status >= 300 or status == 0:
                    with lock:
                        errors.append(f"{status} {method} {path}: {data[:300].decode(errors='replace')}")
        conn.close()
        if record:
            with lock:
                results.extend(local)

    def run(jobs_list, deadline, record):
        threads = [
            threading.Thread(target=worker, args=(client_headers[i], jobs_list[i::clients], deadline, record))
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
    load_before = [round(x, 2) for x in os.getloadavg()]
    sampler = DatabaseSampler()
    sampler.start()
    try:
        wall = run(plan, time.perf_counter() + duration, True)
    finally:
        sampler.stop.set()
        sampler.join()
    by_kind = defaultdict(list)
    for kind, elapsed, _status in results:
        by_kind[kind].append(elapsed)
    return {
        "clients": clients,
        "wall_s": round(wall, 2),
        "requests": len(results),
        "throughput_rps": round(len(results) / wall, 1) if wall else None,
        "status_codes": dict(sorted(Counter(str(s) for _k, _e, s in results).items())),
        "status_codes_by_kind": {
            kind: dict(sorted(Counter(str(s) for k, _e, s in results if k == kind).items())) for kind in by_kind
        },
        "error_samples": errors[:5],
        "latency": latency_summary([e for _k, e, _s in results]),
        "latency_ok_only": latency_summary([e for _k, e, s in results if 200 <= s < 300]),
        "by_kind": {kind: latency_summary(v) for kind, v in sorted(by_kind.items())},
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "database_sessions": sampler.summary(),
    }


def _line(phase: dict) -> str:
    lat = phase["latency"]
    return (
        f"{phase['requests']} requests in {phase['wall_s']} s = {phase['throughput_rps']} req/s; "
        f"p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms; status {phase['status_codes']}; "
        f"load {phase['load_average_before'][0]} → {phase['load_average_after'][0]}; "
        f"db sessions {phase['database_sessions']}"
    )


def sequential(port: int, path: str, headers: dict, runs: int) -> dict:
    """One warm-up call, then ``runs`` timed calls one after another (no concurrency)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    times, statuses, size = [], [], 0
    for i in range(runs + 1):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if i:
            times.append(elapsed)
            statuses.append(response.status)
            size = len(body)
    conn.close()
    out = latency_summary(times)
    out["median_ms"] = round(statistics.median(times) * 1000, 2)
    out["status_codes"] = dict(Counter(str(s) for s in statuses))
    out["response_bytes"] = size
    return out


# --- in process ------------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _shape(sql: str) -> str:
    """A statement without its SELECT list and literal values, short enough to name in a report."""
    head = sql.split(" FROM ", 1)
    text = ("SELECT … FROM " + head[1]) if len(head) == 2 and head[0].startswith("SELECT") else sql
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r'"s\d+_x\d+"', '"…"', text)  # savepoint names
    text = re.sub(r"\b\d+\b", "N", text)
    return text[:200]


def _timed_with_sql(fn) -> tuple[float, float, list]:
    """Run ``fn``; its wall time, the time spent in the database driver (every statement and COMMIT, timed with
    perf_counter around the driver call) and the statements."""
    from django.db import connection

    captured = []

    started = time.perf_counter()

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "start": t0 - started, "time": time.perf_counter() - t0})

    original_commit = connection._commit

    def timed_commit():
        t0 = time.perf_counter()
        try:
            return original_commit()
        finally:
            captured.append({"sql": "COMMIT", "start": t0 - started, "time": time.perf_counter() - t0})

    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(wrapper):
            started = time.perf_counter()
            fn()
            total = time.perf_counter() - started
    finally:
        del connection._commit
    return total, sum(q["time"] for q in captured), captured


def _scheme_lock_held(queries: list) -> float | None:
    """Seconds from the statement that locks the scheme row (FOR UPDATE / FOR SHARE) to the end of COMMIT."""
    lock = next(
        (q for q in queries if "points_scheme" in q["sql"] and re.search(r"FOR (UPDATE|SHARE)", q["sql"])), None
    )
    commit = next((q for q in reversed(queries) if q["sql"] == "COMMIT"), None)
    if lock is None or commit is None:
        return None
    return commit["start"] + commit["time"] - lock["start"]


def _split(totals: list[float], sqls: list[float], statements: list[list]) -> dict:
    by_shape = defaultdict(float)
    for queries in statements:
        for q in queries:
            by_shape[_shape(q["sql"])] += q["time"]
    n = max(len(statements), 1)
    held = [h for h in (_scheme_lock_held(q) for q in statements) if h is not None]
    return {
        "total": latency_summary(totals),
        "sql": latency_summary(sqls),
        "scheme_row_locked": latency_summary(held) if held else None,
        "python_p50_ms": _ms(statistics.median(totals) - statistics.median(sqls)),
        "statements_per_call": statistics.median([len(q) for q in statements]) if statements else 0,
        "statements_by_time": [
            {"statement": shape, "mean_ms_per_call": round(t / n * 1000, 3)}
            for shape, t in sorted(by_shape.items(), key=lambda kv: -kv[1])[:12]
        ],
    }


def _profile_text(profiler: cProfile.Profile, title: str) -> str:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    text.write(f"==== {title}, by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(45)
    text.write(f"==== {title}, by own time:\n")
    stats.sort_stats("tottime").print_stats(30)
    return text.getvalue()


def in_process_claims(ctx, args, rng, run_id: str, media_root: Path, profile_path: Path) -> dict:
    """claim_record three ways without HTTP: the service, the endpoint function, and a whole request through
    Django's test client (middleware, django-ninja parsing, token auth)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User
    from points import api as points_api
    from points import services
    from points.models import RuleItem
    from points.subjects import load_subject

    jpeg = tiny_jpeg()
    n = args.in_process_repeat
    out = {}
    with override_settings(MEDIA_ROOT=str(media_root)):
        # the service alone
        plan = claim_plan(n + 5, ctx.scheme, ctx.households, ctx.items, args, rng, run_id + "-svc")
        totals, sqls, stmts = [], [], []
        for i, (_kind, f) in enumerate(plan):
            actor = User.objects.get(pk=ctx.cadre.pk)
            subject = load_subject(ctx.scheme.subject_kind, f["subject_id"])
            item = RuleItem.objects.select_related("category").get(pk=f["item_id"])
            evidence = SimpleUploadedFile("proof.jpg", jpeg, "image/jpeg") if f["evidence"] else None

            def call(actor=actor, subject=subject, item=item, f=f, evidence=evidence):
                services.claim_record(
                    actor=actor,
                    scheme=ctx.scheme,
                    subject=subject,
                    item=item,
                    occurred_on=date.fromisoformat(f["occurred_on"]),
                    note=f["note"],
                    evidence=evidence,
                    client_key=f["client_key"],
                )

            total, sql, queries = _timed_with_sql(call)
            if i >= 5:  # the first calls warm caches
                totals.append(total)
                sqls.append(sql)
                stmts.append(queries)
        out["service"] = _split(totals, sqls, stmts)

        # the endpoint function (scheme lookup, subject, item, service, response dict)
        def endpoint_call(f):
            request = SimpleNamespace(auth=User.objects.get(pk=ctx.cadre.pk))
            evidence = SimpleUploadedFile("proof.jpg", jpeg, "image/jpeg") if f["evidence"] else None
            points_api.claim_record(
                request,
                scheme_id=f["scheme_id"],
                subject_id=f["subject_id"],
                item_id=f["item_id"],
                occurred_on=date.fromisoformat(f["occurred_on"]),
                note=f["note"],
                client_key=f["client_key"],
                evidence=evidence,
            )

        plan = claim_plan(n + 5, ctx.scheme, ctx.households, ctx.items, args, rng, run_id + "-ep")
        totals, sqls, stmts = [], [], []
        for i, (_kind, f) in enumerate(plan):
            total, sql, queries = _timed_with_sql(lambda f=f: endpoint_call(f))
            if i >= 5:
                totals.append(total)
                sqls.append(sql)
                stmts.append(queries)
        out["endpoint"] = _split(totals, sqls, stmts)

        # a whole request through the test client (no socket, no gunicorn, one thread)
        client = Client()
        plan = claim_plan(n + 5, ctx.scheme, ctx.households, ctx.items, args, rng, run_id + "-tc")
        totals, statuses = [], Counter()
        for i, (_kind, f) in enumerate(plan):
            data = {k: v for k, v in f.items() if k != "evidence"}
            if f["evidence"]:
                data["evidence"] = SimpleUploadedFile("proof.jpg", jpeg, "image/jpeg")
            t0 = time.perf_counter()
            response = client.post("/api/points/claims", data, HTTP_AUTHORIZATION=f"Bearer {ctx.cadre_token}")
            elapsed = time.perf_counter() - t0
            if i >= 5:
                totals.append(elapsed)
                statuses[str(response.status_code)] += 1
        out["request_test_client"] = {"total": latency_summary(totals), "status_codes": dict(statuses)}

        # where the endpoint's time goes
        plan = claim_plan(n, ctx.scheme, ctx.households, ctx.items, args, rng, run_id + "-prof")
        profiler = cProfile.Profile()
        profiler.enable()
        for _kind, f in plan:
            endpoint_call(f)
        profiler.disable()
    profile_path.write_text(_profile_text(profiler, f"cProfile of {n} calls of points.api.claim_record (endpoint)"))
    out["profile_file"] = str(profile_path.relative_to(ROOT))
    return out


def in_process_standings(ctx, args, profile_path: Path) -> dict:
    """The village standings without HTTP: the selector and its pieces, and the page via the test client."""
    from django.test import Client

    from accounts.models import User
    from points import selectors
    from points import standings as calc
    from points.subjects import subjects_of_scheme

    n = max(10, args.in_process_repeat // 3)
    start, end = calc.period_bounds(ctx.year, ctx.quarter)
    out = {}
    pieces = {
        "score_sums (ledger aggregate)": lambda: calc.score_sums(ctx.scheme, start, end),
        "subjects_of_scheme (households)": lambda: subjects_of_scheme(ctx.scheme),
        "calc.standings (sums + subjects + rank)": lambda: calc.standings(ctx.scheme, ctx.year, ctx.quarter),
        "selectors.standings (+ lists, scope)": lambda: selectors.standings(
            User.objects.get(pk=ctx.cadre.pk), ctx.scheme, ctx.year, ctx.quarter
        ),
    }
    for label, fn in pieces.items():
        fn()
        totals, sqls, stmts = [], [], []
        for _ in range(n):
            total, sql, queries = _timed_with_sql(fn)
            totals.append(total)
            sqls.append(sql)
            stmts.append(queries)
        out[label] = _split(totals, sqls, stmts)

    def client_timing(client, path, **extra):
        client.get(path, **extra)
        times, status = [], Counter()
        for _ in range(n):
            t0 = time.perf_counter()
            response = client.get(path, **extra)
            times.append(time.perf_counter() - t0)
            status[str(response.status_code)] += 1
        return {"total": latency_summary(times), "status_codes": dict(status)}

    query = f"?year={ctx.year}&quarter={ctx.quarter}"
    out["api_test_client"] = client_timing(
        Client(), f"/api/points/schemes/{ctx.scheme.pk}/standings{query}", **ctx.bearer_extra
    )
    page_client = Client()
    page_client.force_login(User.objects.get(pk=ctx.cadre.pk))
    out["page_test_client"] = client_timing(page_client, f"/points/schemes/{ctx.scheme.pk}/standings/{query}")

    # where a request's time goes: the API and the page through the test client, profiled
    api_client = Client()
    for label, client, path, extra in (
        ("API", api_client, f"/api/points/schemes/{ctx.scheme.pk}/standings{query}", ctx.bearer_extra),
        ("page", page_client, f"/points/schemes/{ctx.scheme.pk}/standings/{query}", {}),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            client.get(path, **extra)
        profiler.disable()
        with open(profile_path, "a") as f:
            f.write("\n\n" + _profile_text(profiler, f"cProfile of {n} requests GET {path} (test client, {label})"))
    return out


# The hand-written floors of county_ranking: one statement each, ranks computed by PostgreSQL, fully fetched.
RANKING_FLOORS = {
    # as the brief words it: join the schemes, group, rank
    "join_group_rank": """
SELECT e.subject_key,
       SUM(e.score_delta) + s.base_score AS score,
       RANK() OVER (ORDER BY SUM(e.score_delta) + s.base_score DESC) AS rank
  FROM points_ledgerentry e
  JOIN points_scheme s ON s.id = e.scheme_id
 WHERE e.county_id = %(county)s
   AND s.county_id = %(county)s AND s.kind = 'civility' AND s.subject_kind = 'household'
   AND e.occurred_on BETWEEN %(start)s AND %(end)s
 GROUP BY e.scheme_id, e.subject_key, s.base_score
""",
    # the same result, aggregated before the join (the plan PostgreSQL finds fastest here: no hash spill)
    "aggregate_then_rank": """
SELECT t.subject_key,
       t.total + s.base_score AS score,
       RANK() OVER (ORDER BY t.total + s.base_score DESC) AS rank
  FROM (SELECT scheme_id, subject_key, SUM(score_delta) AS total
          FROM points_ledgerentry
         WHERE county_id = %(county)s AND occurred_on BETWEEN %(start)s AND %(end)s
         GROUP BY scheme_id, subject_key) t
  JOIN points_scheme s ON s.id = t.scheme_id
 WHERE s.county_id = %(county)s AND s.kind = 'civility' AND s.subject_kind = 'household'
""",
}


def ranking_floor(sql: str, county_id: int, start: date, end: date) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, {"county": county_id, "start": start, "end": end})
        return cursor.fetchall()


def in_process_county_ranking(ctx, args) -> dict:
    """county_ranking against hand-written SQL floors, alternating, after one warm-up each; every subject's
    (key, rank, score) must be the same."""
    from points import standings as calc

    start, end = calc.period_bounds(ctx.year)
    county_id = ctx.county.pk
    app_rows = calc.county_ranking(county_id, ctx.year)  # warm-up, and the rows to compare
    mine = {r.key: (r.rank, r.score) for r in app_rows}
    for name, sql in RANKING_FLOORS.items():
        theirs = {key: (int(rank), score) for key, score, rank in ranking_floor(sql, county_id, start, end)}
        mismatches = [k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)]
        assert not mismatches, f"county_ranking and floor {name} differ for {len(mismatches)} subjects, e.g. " + str(
            [(k, mine.get(k), theirs.get(k)) for k in mismatches[:5]]
        )
    app_times, app_sql = [], []
    floor_times = {name: [] for name in RANKING_FLOORS}
    for _ in range(args.ranking_runs):
        total, sql, _q = _timed_with_sql(lambda: calc.county_ranking(county_id, ctx.year))
        app_times.append(total)
        app_sql.append(sql)
        for name, floor_sql in RANKING_FLOORS.items():
            t0 = time.perf_counter()
            ranking_floor(floor_sql, county_id, start, end)
            floor_times[name].append(time.perf_counter() - t0)

    def summary(times):
        s = sorted(times)
        return {
            "runs": len(s),
            "median_ms": _ms(statistics.median(s)),
            "p95_ms": _ms(percentile(s, 95)),
            "min_ms": _ms(s[0]),
            "max_ms": _ms(s[-1]),
        }

    app_summary = summary(app_times)
    app_summary["sql_median_ms"] = _ms(statistics.median(app_sql))
    app_summary["python_median_ms"] = _ms(statistics.median(app_times) - statistics.median(app_sql))
    floors = {name: summary(t) for name, t in floor_times.items()}
    best = min(floors, key=lambda name: floors[name]["median_ms"])
    return {
        "year": ctx.year,
        "subjects_ranked": len(app_rows),
        "identical_key_rank_score": True,  # asserted above, for every floor
        "top": [(r.rank, r.key, str(r.score)) for r in app_rows[:3]],
        "county_ranking": app_summary,
        "floors": floors,
        "best_floor": best,
        "ratio_median_to_best_floor": round(app_summary["median_ms"] / floors[best]["median_ms"], 2),
        "ratio_p95_to_best_floor": round(app_summary["p95_ms"] / floors[best]["p95_ms"], 2),
        "ratio_median_by_floor": {
            name: round(app_summary["median_ms"] / f["median_ms"], 2) for name, f in floors.items()
        },
        "target_within_2x": app_summary["median_ms"] <= 2 * floors[best]["median_ms"],
        "floor_sql": {name: " ".join(sql.split()) for name, sql in RANKING_FLOORS.items()},
    }


def explain_all(ctx, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements behind the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from points import selectors
    from points import standings as calc

    if connection.vendor != "postgresql":
        return
    sections = []

    def explain(title, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            sections.append(f"==== {title}\n-- {' '.join(sql.split())}\n" + "\n".join(r[0] for r in cursor.fetchall()))

    def explain_captured(title, fn, only_select=True):
        with CaptureQueriesContext(connection) as c:
            fn()
        for q in c.captured_queries:
            if only_select and not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            explain(f"{title} ({float(q['time']) * 1000:.0f} ms when captured)", q["sql"])

    explain_captured(
        f"village standings {ctx.year}Q{ctx.quarter}",
        lambda: selectors.standings(User.objects.get(pk=ctx.cadre.pk), ctx.scheme, ctx.year, ctx.quarter),
    )
    explain_captured(f"county_ranking {ctx.year}", lambda: calc.county_ranking(ctx.county.pk, ctx.year))
    start, end = calc.period_bounds(ctx.year)
    for name, sql in RANKING_FLOORS.items():
        explain(
            f"SQL floor {name} of county_ranking {ctx.year}", sql, {"county": ctx.county.pk, "start": start, "end": end}
        )
    # The statements of recording an entry that read (the writes are not re-run).
    cap_item = ctx.items["capped"][0]
    today = ctx.today
    explain(
        "claim_record: the cap check (capped items only)",
        "SELECT COUNT(*) FROM points_claim c JOIN points_ruleitem i ON i.id = c.item_id "
        "WHERE c.scheme_id = %s AND c.subject_key = %s AND i.code = %s AND c.occurred_on BETWEEN %s AND %s "
        "AND c.status IN ('pending', 'approved')",
        [ctx.scheme.pk, f"h:{ctx.households[0]}", cap_item.code, today.replace(day=1), today],
    )
    path.write_text("\n\n".join(sections) + "\n")


# --- main ------------------------------------------------------------------------------------------


# The HTTP phases in a result's summary, with their p95 targets in ms (None: a floor).
HTTP_TARGETS = {
    "floor": None,
    "floor_end": None,
    "auth_floor": None,
    "claims": 150,
    "standings_api": 300,
    "standings_page": 300,
}


def _http_summary(phases: dict, name: str, target_ms: int | None) -> dict:
    lat = phases[name]["latency"]
    out = {k: lat[k] for k in ("p50_ms", "p95_ms", "p99_ms")} | {"throughput_rps": phases[name]["throughput_rps"]}
    if target_ms is None:
        return out

    def ratio(a, b):
        return round(a / b, 2) if a and b else None

    return out | {
        "status_codes": phases[name]["status_codes"],
        "p95_ratio_to_floor": ratio(lat["p95_ms"], phases["floor"]["latency"]["p95_ms"]),
        "p95_ratio_to_auth_floor": ratio(lat["p95_ms"], phases["auth_floor"]["latency"]["p95_ms"]),
        "target_p95_ms": target_ms,
        "target_met": lat["p95_ms"] is not None and lat["p95_ms"] < target_ms,
    }


def main():
    args = parse_args()
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from core import crypto
    from points import standings as calc
    from points.models import Claim, LedgerEntry, Scheme
    from regions.models import Region
    from registry.management.commands.generate_county import BENCH_CADRE_USER, BENCH_COUNTY_USER
    from registry.models import Household

    keys = crypto._keys()  # the keys the data was written with (env or the dev key file), handed to the server
    # In-process timings as in production (no query log): with the keys now explicit, DEBUG can be off here too.
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY = keys[0].decode(), keys[1].decode()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client, in process

    county = Region.objects.filter(code=args.county_code).first()
    if county is None:
        sys.exit(f"No county {args.county_code}: run manage.py generate_county first (see bench/README.md).")
    cadre = User.objects.get(username=BENCH_CADRE_USER)
    village = cadre.assignments.get(region__county=county).region
    scheme = Scheme.objects.filter(village=village, kind="civility", subject_kind="household").order_by("pk").first()
    if scheme is None:
        sys.exit("No civility scheme in the cadre's village: generate the points data first (points.generation).")
    today = timezone.localdate()
    rng = random.Random(args.seed)
    run_id = time.strftime("%m%d%H%M%S")
    ctx = SimpleNamespace(
        county=county,
        village=village,
        scheme=scheme,
        cadre=cadre,
        households=list(Household.objects.filter(village=village).order_by("pk").values_list("pk", flat=True)),
        items=claim_items(scheme),
        today=today,
        year=today.year,
        quarter=calc.quarter_of(today),
    )
    if not ctx.items["uncapped"] or not ctx.items["capped"]:
        sys.exit("The rule book in force has no uncapped evidence items or no capped items.")

    facts = machine()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(occurred_on), max(occurred_on) FROM points_ledgerentry WHERE county_id = %s",
            [county.pk],
        )
        entries, first_day, last_day = cursor.fetchone()
    start, end = calc.period_bounds(ctx.year, ctx.quarter)
    facts["data"] = {
        "county": county.code,
        "households": Household.objects.filter(county=county).count(),
        "schemes": Scheme.objects.filter(county=county, kind="civility").count(),
        "ledger_entries": entries,
        "ledger_first_day": first_day,
        "ledger_last_day": last_day,
        "ledger_entries_this_year": LedgerEntry.objects.filter(
            county=county, occurred_on__gte=date(ctx.year, 1, 1), occurred_on__lte=today
        ).count(),
        "cadre_village": village.code,
        "cadre_village_households": len(ctx.households),
        "scheme_id": scheme.pk,
        "scheme_entries_this_quarter": LedgerEntry.objects.filter(
            scheme=scheme, occurred_on__gte=start, occurred_on__lte=end
        ).count(),
        "claims_before": Claim.objects.count(),
    }
    facts["in_process_django_debug"] = settings.DEBUG
    print(
        f"County {county.code}: {entries:,} ledger entries ({first_day} – {last_day}); village {village.code}: "
        f"{len(ctx.households)} households, scheme {scheme.pk}, {facts['data']['scheme_entries_this_quarter']:,} "
        f"entries in {ctx.year}Q{ctx.quarter}",
        flush=True,
    )
    connection.close()

    jpeg = tiny_jpeg()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-points-var-"))
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, extra_env={"VAR_DIR": str(var_dir)}, log_path=log_path)
    phases = {}
    try:
        cadre_tokens = [api_token(port, BENCH_CADRE_USER, args.password) for _ in range(args.clients)]
        county_token = api_token(port, BENCH_COUNTY_USER, args.password)
        sessions = [session_login(port, BENCH_CADRE_USER, args.password) for _ in range(args.clients)]
        anonymous = [{} for _ in range(args.clients)]
        bearer = [{"Authorization": f"Bearer {t}"} for t in cadre_tokens]
        cookie = [{"Cookie": c} for c in sessions]

        def get(kind, path):
            return (kind, "GET", path, None, {})

        def phase(name, title, warm, plan, headers):
            print(f"Phase {name}: {title} …", flush=True)
            phases[name] = run_phase(port, warm, plan, headers, args.duration)
            print(f"  {_line(phases[name])}", flush=True)
            for sample in phases[name]["error_samples"][:2]:
                print(f"    e.g. {sample[:200]}", flush=True)

        health = get("healthz", "/healthz")
        phase("floor", "GET /healthz", [health] * args.warmup, [health] * args.requests, anonymous)
        me = get("me", "/api/auth/me")
        phase("auth_floor", "GET /api/auth/me", [me] * args.warmup, [me] * args.requests, bearer)

        claims = [
            (kind, *claim_request(fields, jpeg))
            for kind, fields in claim_plan(
                args.warmup + args.requests, scheme, ctx.households, ctx.items, args, rng, run_id
            )
        ]
        phase("claims", "POST /api/points/claims", claims[: args.warmup], claims[args.warmup :], bearer)
        for kind, summary in phases["claims"]["by_kind"].items():
            print(f"    {kind:<9} p50 {summary['p50_ms']:>8} ms  p95 {summary['p95_ms']:>8} ms", flush=True)

        query = f"?year={ctx.year}&quarter={ctx.quarter}"
        api = get("standings_api", f"/api/points/schemes/{scheme.pk}/standings{query}")
        phase("standings_api", api[2], [api] * args.warmup, [api] * args.requests, bearer)
        page = get("standings_page", f"/points/schemes/{scheme.pk}/standings/{query}")
        phase("standings_page", page[2], [page] * args.warmup, [page] * args.requests, cookie)
        phase("floor_end", "GET /healthz", [health] * args.warmup, [health] * args.requests, anonymous)

        if not args.http_only:
            path = "/api/points/county-ranking?page_size=100"
            print(f"County ranking: GET {path} as bench_county, {args.county_api_runs} runs …", flush=True)
            headers = {"Authorization": f"Bearer {county_token}"}
            phases["county_api"] = sequential(port, path, headers, args.county_api_runs)
            print(f"  median {phases['county_api']['median_ms']} ms, status {phases['county_api']['status_codes']}")
    finally:
        stop_server(proc)
    facts["load_average_after_http"] = [round(x, 2) for x in os.getloadavg()]
    if args.http_only:
        if not args.keep_claims:
            Claim.objects.filter(client_key__startswith=f"{CLAIM_KEY_PREFIX}{run_id}-", status="pending").delete()
        shutil.rmtree(var_dir, ignore_errors=True)
        summary = {name: _http_summary(phases, name, target) for name, target in HTTP_TARGETS.items()}
        path = write_result(
            args.name,
            {
                "benchmark": "points (HTTP phases only)",
                "machine": facts,
                "server": server,
                "summary": summary,
                "phases": phases,
            },
        )
        print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
        print(f"Written {path.relative_to(ROOT)}")
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    from accounts.services import api_token_issue

    ctx.cadre_token = api_token_issue(actor=cadre)
    ctx.bearer_extra = {"HTTP_AUTHORIZATION": f"Bearer {ctx.cadre_token}"}
    media_root = var_dir / "media-in-process"
    print("In process: claim_record …", flush=True)
    inproc_claims = in_process_claims(ctx, args, rng, run_id, media_root, RESULTS / f"{args.name}_profile.txt")
    for label in ("service", "endpoint"):
        t = inproc_claims[label]
        print(
            f"  {label:<9} p50 {t['total']['p50_ms']} ms, p95 {t['total']['p95_ms']} ms; SQL p50 "
            f"{t['sql']['p50_ms']} ms in {t['statements_per_call']} statements; scheme row locked p50 "
            f"{(t['scheme_row_locked'] or {}).get('p50_ms')} ms",
            flush=True,
        )
    print(f"  request (test client) p50 {inproc_claims['request_test_client']['total']['p50_ms']} ms", flush=True)
    print("In process: standings …", flush=True)
    inproc_standings = in_process_standings(ctx, args, RESULTS / f"{args.name}_profile.txt")
    for label, t in inproc_standings.items():
        extra = f", SQL {t['sql']['p50_ms']} ms" if "sql" in t else ""
        print(f"  {label:<42} p50 {t['total']['p50_ms']} ms, p95 {t['total']['p95_ms']} ms{extra}", flush=True)
    print("In process: county_ranking vs SQL floor …", flush=True)
    facts["load_average_before_ranking"] = [round(x, 2) for x in os.getloadavg()]
    ranking = in_process_county_ranking(ctx, args)
    print(
        f"  {ranking['subjects_ranked']:,} subjects, identical ranks; county_ranking median "
        f"{ranking['county_ranking']['median_ms']} ms (SQL {ranking['county_ranking']['sql_median_ms']}); floors "
        + ", ".join(f"{n} {f['median_ms']} ms" for n, f in ranking["floors"].items())
        + f"; ratio to the best {ranking['ratio_median_to_best_floor']}",
        flush=True,
    )
    explain_path = None
    if not args.no_explain:
        explain_path = RESULTS / f"{args.name}_explain.txt"
        explain_all(ctx, explain_path)
    facts["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    removed = 0
    if not args.keep_claims:
        removed, _detail = Claim.objects.filter(
            client_key__startswith=f"{CLAIM_KEY_PREFIX}{run_id}-", status="pending"
        ).delete()
    shutil.rmtree(var_dir, ignore_errors=True)

    summary = {
        **{name: _http_summary(phases, name, target) for name, target in HTTP_TARGETS.items()},
        "claims_in_process_p50_ms": {
            "service_scheme_row_locked": (inproc_claims["service"]["scheme_row_locked"] or {}).get("p50_ms"),
            "service": inproc_claims["service"]["total"]["p50_ms"],
            "service_sql": inproc_claims["service"]["sql"]["p50_ms"],
            "endpoint": inproc_claims["endpoint"]["total"]["p50_ms"],
            "request_test_client": inproc_claims["request_test_client"]["total"]["p50_ms"],
        },
        "county_ranking": {
            "median_ms": ranking["county_ranking"]["median_ms"],
            "p95_ms": ranking["county_ranking"]["p95_ms"],
            "floors_median_ms": {n: f["median_ms"] for n, f in ranking["floors"].items()},
            "best_floor_p95_ms": ranking["floors"][ranking["best_floor"]]["p95_ms"],
            "ratio_median_to_best_floor": ranking["ratio_median_to_best_floor"],
            "ratio_median_by_floor": ranking["ratio_median_by_floor"],
            "subjects": ranking["subjects_ranked"],
            "identical": ranking["identical_key_rank_score"],
            "target_within_2x": ranking["target_within_2x"],
            "api_median_ms": phases["county_api"]["median_ms"],
        },
    }
    result = {
        "benchmark": "points",
        "machine": facts,
        "server": {
            "app_dir": str(args.app_dir),
            **server,
            "env": {"DJANGO_DEBUG": "0", "DB_CONN_MAX_AGE": "600", "VAR_DIR": "(temporary)"},
        },
        "load": {
            "clients": args.clients,
            "max_requests_per_phase": args.requests,
            "max_seconds_per_phase": args.duration,
            "warmup_requests": args.warmup,
            "claims": {
                "capped_share": args.capped_share,
                "dated_over_last_days": args.claim_days,
                "evidence_bytes": len(jpeg),
                "uncapped_items": [f"{i.code} {i.text}" for i in ctx.items["uncapped"]],
                "capped_items": len(ctx.items["capped"]),
            },
            "period": {"year": ctx.year, "quarter": ctx.quarter},
        },
        "summary": summary,
        "phases": phases,
        "in_process": {"claims": inproc_claims, "standings": inproc_standings},
        "county_ranking": ranking,
        "explain_file": str(explain_path.relative_to(ROOT)) if explain_path else None,
        "claims_deleted_after_run": removed,
    }
    path = write_result(args.name, result)
    print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    print(f"Written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
