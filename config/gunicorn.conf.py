# ruff: noqa: N999 - gunicorn's own file name
"""gunicorn settings of the platform: ``gunicorn -c config/gunicorn.conf.py config.wsgi:application``.

The benchmarks (bench/_common.py) start the server with this file too, so what they measure is what runs.

Run it behind a buffering reverse proxy (nginx, the usual ``proxy_pass``): the proxy holds slow phones and
keep-alive connections, and hands each request to a worker only once it has been read in full.

Sync workers, one more than the cores: the application is CPU-bound Python (the database answers in well under a
millisecond per statement), one process runs Python on one core at a time, and the spare worker uses a core while
another waits for the database. Each new connection goes to whichever worker is free, so the load spreads evenly.
Measured on the 2-core development machine with 20 clients, the same code, one setting after another
(bench/README.md, "Server settings"): p95 of recording a points entry / the standings page was 137 / 166 ms and
136 / 188 ms with sync × 3, against 140 / 242 ms (gthread 2 × 4), 203 / 234 ms (2 × 2) and 325 / 395 ms (4 × 2,
where a keep-alive connection stays with the worker that accepted it, and the tail grows to three times the
median). Override with GUNICORN_WORKER_CLASS, GUNICORN_WORKERS,
GUNICORN_THREADS, or gunicorn's own command-line options, which win over this file.
"""

import multiprocessing
import os

CORES = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", CORES + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Used by gthread workers only (sync workers close each connection after its response; the proxy keeps clients').
keepalive = 75
timeout = 120
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter so they do not restart together): bounds the
# growth of per-process caches (the standings cache is per process) and of any leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
