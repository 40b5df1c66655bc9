"""Shared helpers of the benchmark scripts: Django setup, percentiles, machine facts, result files."""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/village_bench"


def setup_django(app_dir: Path = ROOT) -> None:
    """Configure Django in this process (DATABASE_URL defaults to the benchmark database).

    ``app_dir`` is the project tree whose code is imported: this checkout, or a patched copy of it.
    """
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Debug is off unless asked for, and production needs a secret key: this process asks for debug as it always
    # had it (the field keys come from var/, the scripts turn DEBUG off where they time); the gunicorn it starts
    # (start_server, DJANGO_DEBUG=0) inherits this throwaway key.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + os.urandom(32).hex())
    sys.path.insert(0, str(app_dir))
    import django

    django.setup()


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_summary(seconds: list[float]) -> dict:
    """count, mean and p50/p95/p99/max in milliseconds."""
    values = sorted(seconds)
    ms = lambda v: None if v is None else round(v * 1000, 2)  # noqa: E731
    return {
        "count": len(values),
        "mean_ms": ms(sum(values) / len(values)) if values else None,
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(values[-1] if values else None),
    }


def run_summary(seconds: list[float], digits: int = 2) -> dict:
    """runs, median, p95, min and max in milliseconds of timed runs in one process."""
    s = sorted(seconds)
    ms = lambda v: round(v * 1000, digits)  # noqa: E731
    return {
        "runs": len(s),
        "median_ms": ms(statistics.median(s)),
        "p95_ms": ms(s[min(len(s) - 1, int(len(s) * 0.95))]),
        "min_ms": ms(s[0]),
        "max_ms": ms(s[-1]),
    }


def alternate(fns: dict, runs: int) -> dict[str, list[float]]:
    """Each function once to warm up, then ``runs`` rounds of all of them in turn (a measure and its floor see the
    same machine): the seconds of each run, by name."""
    for fn in fns.values():
        fn()
    out = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t0)
    return out


def page_bench_args(name: str, description: str, *, pages: str = "") -> argparse.Namespace:
    """The arguments of a benchmark of a module's selectors in process and its pages under keep-alive clients."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--county-code", default="510499")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000, help="Requests per HTTP phase (upper bound).")
    p.add_argument("--duration", type=float, default=40, help="Seconds per HTTP phase (upper bound).")
    p.add_argument("--warmup", type=int, default=40)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--password", default="Bench@2026")
    p.add_argument("--no-http", action="store_true")
    p.add_argument("--name", default=name)
    p.add_argument("--app-dir", type=Path, default=ROOT)
    if pages:
        p.add_argument("--pages", default="", help=pages)
    return p.parse_args()


def machine() -> dict:
    """What the numbers were measured on, including the load of the (shared) machine."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
        )
    except OSError:
        rev, dirty = "", False
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        db_version = cursor.fetchone()[0] if connection.vendor == "postgresql" else connection.vendor
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git": rev + ("+dirty" if dirty else ""),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "database": db_version,
    }


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    args, keys: tuple[bytes, bytes], port: int, log_path: Path, extra_env: dict | None = None
) -> subprocess.Popen:
    """gunicorn (gthread, DEBUG off, the field keys given) on a loopback port; returns once /healthz answers."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        sys.exit("gunicorn is not installed in this venv: .venv/bin/pip install gunicorn")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "FIELD_ENCRYPTION_KEY": keys[0].decode(),
            "FIELD_HASH_KEY": keys[1].decode(),
            "DB_CONN_MAX_AGE": "600",
        }
    )
    env.update(extra_env or {})
    cmd = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    if (Path(args.app_dir) / GUNICORN_CONF).exists():
        # the project's own settings (config/gunicorn.conf.py); --workers/--threads given here win over it
        cmd += ["--config", GUNICORN_CONF]
    else:  # a tree from before that file: what the benchmarks used then
        cmd += ["--worker-class", "gthread", "--keep-alive", "75", "--log-level", "warning", "--timeout", "120"]
        args.workers, args.threads = args.workers or 4, args.threads or 4
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=args.app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    sys.exit(f"gunicorn did not answer within 60 s; see {log_path}")


GUNICORN_CONF = "config/gunicorn.conf.py"


def server_settings(args) -> dict:
    """The gunicorn settings a benchmark ran with: its config file as the server reads it (same environment),
    and the workers/threads given on the command line, which win over it."""
    import runpy

    path = Path(args.app_dir) / GUNICORN_CONF
    conf = runpy.run_path(str(path)) if path.exists() else {}
    workers = args.workers or conf.get("workers") or 4
    threads = args.threads or conf.get("threads") or 4
    return {
        "config_file": GUNICORN_CONF if path.exists() else None,
        "worker_class": conf.get("worker_class", "gthread"),
        "workers": workers,
        "threads": threads,
        "keepalive": conf.get("keepalive", 75),
        "command": "gunicorn config.wsgi:application"
        + (f" -c {GUNICORN_CONF}" if path.exists() else " -k gthread")
        + f" -w {workers} --threads {threads}",
    }


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load_bench(name: str):
    """Another benchmark script of this folder as a module (``points.py`` and ``incidents.py`` share their names
    with the apps, so they are loaded by path): their HTTP client loop and in-process timers are reused."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).resolve().parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- in process: a request's cost split into the database and Python ---------------------------------------


def sql_shape(sql: str) -> str:
    """A statement with its values blanked, to add up the time of statements of the same shape."""
    import re

    head = sql.split(" FROM ", 1)
    text = ("SELECT … FROM " + head[1]) if len(head) == 2 and head[0].startswith("SELECT") else sql
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\b\d+\b", "N", text)
    return text[:240]


def timed(fn) -> tuple[float, float, list]:
    """Run ``fn``: its wall time, the time in the database driver and the statements (sql, seconds)."""
    from django.db import connection

    captured = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, time.perf_counter() - t0))

    with connection.execute_wrapper(wrapper):
        started = time.perf_counter()
        fn()
        total = time.perf_counter() - started
    return total, sum(t for _s, t in captured), captured


def request_costs(totals: list[float], sqls: list[float], statements: list[list]) -> dict:
    """What ``timed`` measured over repeated requests: latency, SQL time, Python's share, the costliest statements."""
    import statistics
    from collections import defaultdict

    by_shape = defaultdict(float)
    for queries in statements:
        for sql, t in queries:
            by_shape[sql_shape(sql)] += t
    return {
        "total": latency_summary(totals),
        "sql": latency_summary(sqls),
        "python_p50_ms": round((statistics.median(totals) - statistics.median(sqls)) * 1000, 2),
        "statements_per_request": statistics.median([len(q) for q in statements]),
        "statements_by_time": [
            {"statement": shape, "mean_ms_per_request": round(t / len(statements) * 1000, 3)}
            for shape, t in sorted(by_shape.items(), key=lambda kv: -kv[1])[:10]
        ],
    }
