# ruff: noqa: N999 - gunicorn's own file name
"""gunicorn settings of the platform: ``gunicorn -c config/gunicorn.conf.py config.wsgi:application``.

The benchmarks (bench/_common.py) start the server with this file too, so what they measure is what runs.

Workers × threads: the application is CPU-bound Python (the database answers in well under a millisecond per
statement), and one process runs Python on one core at a time, so threads beyond a couple per process mostly queue
on its interpreter lock while holding their requests (and database connections). Default: 2 workers per core,
2 threads each (4 × 2 on the 2-core development machine; the benchmarks used 4 × 4 before this file). Each worker
holds up to THREADS database connections (DB_CONN_MAX_AGE keeps them open). Override with GUNICORN_WORKERS /
GUNICORN_THREADS, or gunicorn's own command-line options, which win over this file.
"""

import multiprocessing
import os

CORES = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * CORES))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# Browsers and API clients keep their connections: an idle one costs a socket, not a thread, in gthread.
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
