"""Benchmark: a county-wide notice told to every villager, in the app and by SMS (issue 16): how long until every
SMS has gone through the gateway, and how much the pages slow down meanwhile (target: page p95 during the run no
more than 20 % above the p95 before it).

Needs ``generate_county --households 100000 --seed 1`` and ``generate_villager_accounts --county 510499 --seed 1
--sms`` (one villager account per household, with a number, choosing SMS for a new notice on the board).

What runs, as in production: gunicorn serving the pages; the jobs process (``manage.py run_huey``, its scheduled
jobs off: only the sending is measured) with its queue in Redis (``JOBS_URL``, database 3 here, emptied first); the
SMS gateway ``loopback``, a small HTTP server in a process of its own that counts what it is sent (each SMS one HTTP
call, as to a cloud gateway). The notice is told from this process with ``core.notifications.notify``, as a
publishing request does: beyond NOTIFY_INLINE_MAX people it hands the message to the jobs process
(``core.tasks.tell_many``: the in-app messages and the SMS queued a chunk at a time, each send job 100 SMS, each
followed by a pause of NOTIFY_PACE times its time; set NOTIFY_PACE in the environment to try another pace).

Phases of --duration seconds from --clients keep-alive clients: ``floor`` (/healthz), ``before`` (the village
cadre's notifications page, nothing being sent), ``during`` (the same page while the messages are stored and sent; it
starts with the notice), then the run waits for the last SMS; ``after``. The page is the cadre's notifications
(/notifications/), which reads the table the notice writes 100,000 rows into. ``--jobs-nice N`` runs the jobs
process at that CPU priority, ``--jobs-workers N`` with that many workers (2), ``--recipients N`` tells only the
first N villagers (a smoke run). Writes results/notifications.json.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ROOT,
    free_port,
    load_bench,
    machine,
    page_bench_args,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    write_result,
)

JOBS_URL = "redis://127.0.0.1:6379/3"
TARGET_SLOWDOWN = 1.2


def _serve(port_out, count):
    """The loopback SMS gateway, in a process of its own (so its work does not slow this process's clients): it
    answers each SMS as a cloud gateway would and counts them in ``count``."""
    import json

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers["Content-Length"]))
            with count.get_lock():
                count.value += 1
                number = count.value
            body = json.dumps({"id": f"b{number}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.value = server.server_address[1]
    server.serve_forever()


class Gateway:
    def __init__(self):
        self._count = multiprocessing.Value("i", 0)
        port = multiprocessing.Value("i", 0)
        self.process = multiprocessing.Process(target=_serve, args=(port, self._count), daemon=True)
        self.process.start()
        while not port.value:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port.value}/sms"

    @property
    def count(self) -> int:
        return self._count.value

    def stop(self):
        self.process.terminate()


def _watch(run_id: str, expected: int, started: float, told: dict) -> None:
    """How long until the jobs process has written every in-app message (their SMS are queued with them)."""
    from django.db import connection

    from core.models import Notification

    while True:
        stored = Notification.objects.filter(key=run_id).count()
        if stored >= expected or time.monotonic() - started > 3600:
            break
        time.sleep(1)
    told["stored"], told["stored_seconds"] = stored, round(time.monotonic() - started, 1)
    connection.close()


def main():
    os.environ["JOBS_URL"] = JOBS_URL  # this process queues into the same Redis as the jobs process reads
    limit, jobs_nice, jobs_workers = None, 0, 2
    if "--recipients" in sys.argv:  # a smaller run (a smoke test of the bench): the first N villagers only
        at = sys.argv.index("--recipients")
        limit = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    if "--jobs-nice" in sys.argv:  # the jobs process's CPU priority (as `Nice=` in its systemd unit)
        at = sys.argv.index("--jobs-nice")
        jobs_nice = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    if "--jobs-workers" in sys.argv:
        at = sys.argv.index("--jobs-workers")
        jobs_workers = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
    args = page_bench_args("notifications", __doc__)
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.db.models import Count
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from accounts.models import RoleAssignment
    from core import crypto, notifications
    from core.roles import Role
    from messaging.models import OutboundSms, SmsSettings, SmsStatus
    from regions.models import Region, RegionLevel

    keys = crypto._keys()
    settings.DEBUG = False
    county = Region.objects.get(code=args.county_code, level=RegionLevel.COUNTY)
    # no quiet hours and room in the budget: the bench measures sending, not waiting for the morning
    SmsSettings.objects.update_or_create(
        county=county,
        defaults={"enabled": True, "monthly_budget": 10_000_000, "quiet_from": "00:00", "quiet_until": "00:00"},
    )
    villagers = list(
        RoleAssignment.objects.filter(role=Role.VILLAGER, region__county=county, user__is_active=True)
        .exclude(user__phone_masked="")
        .values_list("user_id", flat=True)
        .distinct()
    )
    villagers = villagers[:limit] if limit else villagers
    if len(villagers) < 1000:
        sys.exit("Fewer than 1,000 villagers with a number: run generate_villager_accounts --sms first.")
    HUEY.flush()
    gateway = Gateway()
    sms_env = {"SMS_GATEWAY": "loopback", "SMS_LOOPBACK_URL": gateway.url, "JOBS_URL": JOBS_URL}
    settings.SMS_GATEWAY, settings.SMS_LOOPBACK_URL = "loopback", gateway.url
    helpers = load_bench("points")
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    var_dir = Path(tempfile.mkdtemp(prefix="bench-notifications-var-"))
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, log_path=log_path, extra_env={"VAR_DIR": str(var_dir), **sms_env})
    jobs_env = dict(os.environ)
    jobs_env.update(
        {
            "DJANGO_DEBUG": "0",
            "FIELD_ENCRYPTION_KEY": keys[0].decode(),
            "FIELD_HASH_KEY": keys[1].decode(),
            "VAR_DIR": str(var_dir),
            **sms_env,
        }
    )
    jobs_log = open(Path(tempfile.gettempdir()) / f"bench-jobs-{port}.log", "w")  # noqa: SIM115
    jobs = subprocess.Popen(
        ["nice", "-n", str(jobs_nice), sys.executable, "manage.py", "run_huey"]
        + ["--workers", str(jobs_workers), "--quiet", "--no-periodic"],
        cwd=args.app_dir,
        env=jobs_env,
        stdout=jobs_log,
        stderr=subprocess.STDOUT,
    )
    run_id = f"bench-notice-{int(time.time())}"
    told: dict = {}
    phases = {}
    try:
        cookie = helpers.session_login(port, "bench_cadre", args.password)

        def phase(name, path="/notifications/", who=cookie):
            headers = [{"Cookie": who} if who else {} for _ in range(args.clients)]
            warmup = [(name, "GET", path, None, {}) for _ in range(args.warmup)]
            plan = [(name, "GET", path, None, {}) for _ in range(args.requests)]
            phases[name] = helpers.run_phase(port, warmup, plan, headers, args.duration)
            print(f"  {name:<10} {helpers._line(phases[name])}", flush=True)

        phase("floor", "/healthz", None)
        phase("before")

        started = time.monotonic()
        # as a publishing request does: notify() hands a message to this many people to the jobs process
        told["to_tell"] = notifications.notify(
            villagers,
            kind="transparency.notice_published",
            text="县里发布了新的村务公开通知（基准测试）",
            url="/transparency/",
            key=run_id,
        )
        told["request_seconds"] = round(time.monotonic() - started, 2)
        watcher = threading.Thread(target=_watch, args=(run_id, len(villagers), started, told), daemon=True)
        watcher.start()
        phase("during")
        queued = OutboundSms.objects.filter(key=run_id).count()
        open_states = (SmsStatus.QUEUED, SmsStatus.SENDING, SmsStatus.FAILED)
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            watcher.join(timeout=0)
            queued = OutboundSms.objects.filter(key=run_id).count()
            waiting = OutboundSms.objects.filter(key=run_id, status__in=open_states).count()
            if waiting == 0 and not watcher.is_alive():
                break
            print(f"  … {waiting:,} SMS still to send, {gateway.count:,} sent", flush=True)
            time.sleep(5)
        all_sent_seconds = round(time.monotonic() - started, 1)
        phase("after")
        phase("floor_end", "/healthz", None)
    finally:
        jobs.terminate()
        try:
            jobs.wait(timeout=30)
        except subprocess.TimeoutExpired:
            jobs.kill()
        stop_server(proc)
        gateway.stop()
    statuses = dict(OutboundSms.objects.filter(key=run_id).values_list("status").annotate(n=Count("pk")))
    before, during = phases["before"]["latency"]["p95_ms"], phases["during"]["latency"]["p95_ms"]
    floor = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {
        "recipients_limit": limit,
        "jobs_nice": jobs_nice,
        "jobs_workers": jobs_workers,
        "villagers_told": told.get("to_tell"),
        "sending_request_seconds": told.get("request_seconds"),
        "in_app_stored": told.get("stored"),
        "in_app_stored_and_sms_queued_seconds": told.get("stored_seconds"),
        "notify_pace": settings.NOTIFY_PACE,
        "sms_queued": queued,
        "sms_by_status": statuses,
        "gateway_calls": gateway.count,
        "all_sms_sent_seconds": all_sent_seconds,
        "sms_per_second": round(gateway.count / all_sent_seconds, 1) if all_sent_seconds else None,
        "page_p95_before_ms": before,
        "page_p95_during_ms": during,
        "slowdown": round(during / before, 2) if before else None,
        "slowdown_target_met": bool(before and during / before <= TARGET_SLOWDOWN),
        "floor_p95_ms": floor,
        "finished_at": timezone.now().isoformat(),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2), flush=True)
    out = {
        "benchmark": "a county-wide notice told to every villager in the app and by SMS while the pages are used",
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": machine(),
        "server": server,
        "summary": summary,
        "phases": phases,
        "load_after": list(os.getloadavg()),
    }
    path = write_result(args.name, out)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
