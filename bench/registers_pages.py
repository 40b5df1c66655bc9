"""Benchmark: the registers' busiest pages at county scale under 20 keep-alive clients (issue 14: p95 < 300 ms).

Needs ``generate_county --households 100000 --seed 1``, ``generate_visits --county 510499 --seed 1`` and a quarter
of the seven goods (``bench/inspections.py`` generates one). Accounts: ``bench_cadre`` (village cadre of the first
village), ``bench_township`` (made here: a township official of the first township) and ``bench_county``.

Pages, each a phase of --requests requests (or --duration seconds) from --clients clients on one gunicorn:

  floor / page_floor      /healthz and the login page (the same run's floors)
  visits_due              the cadre's households to visit (/visits/)
  visits_board            the township's visit board (/visits/board/)
  inspections_round       the cadre's round of the quarter (progress by group)
  inspections_screen      the cadre's one-household inspection screen (the next household to inspect)
  customs_home            the cadre's 红白事 lists
  targets_home            the county's target lists of the year
  households_page         the county administrator's household list (issue 18: its village and grid filters are
                          searched as one types, no longer 3,313 options)

Writes results/registers_pages.json with the machine's load.
"""

from __future__ import annotations

import os
import sys
import tempfile
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

TARGET_P95_MS = 300


def _township_official(county, password: str):
    from accounts.models import User
    from accounts.services import role_assign, user_create
    from core.roles import Role
    from regions.models import Region, RegionLevel

    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    user = User.objects.filter(username="bench_township").first()
    if user is None:
        user = user_create(
            actor=None, username="bench_township", password=password, display_name="基准镇干部", is_system=True
        )
        role_assign(actor=None, user=user, role=Role.TOWNSHIP_OFFICIAL, region=township, is_system=True)
    return user


def main():
    args = page_bench_args(
        "registers_pages", __doc__, pages="Only these pages (comma-separated phase names; the floors always run)."
    )
    chosen = set(filter(None, (args.pages or "").split(",")))
    setup_django(args.app_dir.resolve())
    from django.conf import settings

    from accounts.models import User
    from core import crypto
    from inspections.models import Round
    from regions.models import Region, RegionLevel

    keys = crypto._keys()
    settings.DEBUG = False
    county = Region.objects.get(code=args.county_code, level=RegionLevel.COUNTY)
    _township_official(county, args.password)
    cadre = User.objects.get(username="bench_cadre")
    village = cadre.assignments.get(role="village_cadre").region
    rnd = Round.objects.filter(village=village).order_by("-year", "-quarter").first()
    if rnd is None and (not chosen or any(name.startswith("inspections") for name in chosen)):
        sys.exit("No round of the seven goods in the cadre's village: run bench/inspections.py first.")
    helpers = load_bench("points")
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    var_dir = Path(tempfile.mkdtemp(prefix="bench-registers-var-"))
    server = server_settings(args)
    print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
    proc = start_server(args, keys, port, log_path=log_path, extra_env={"VAR_DIR": str(var_dir)})
    phases = {}
    try:
        cookie = {
            who: helpers.session_login(port, who, args.password)
            for who in ("bench_cadre", "bench_township", "bench_county")
        }
        plans = {
            "floor": ("/healthz", None),
            "page_floor": ("/login/", None),
            "visits_due": ("/visits/", "bench_cadre"),
            "visits_board": ("/visits/board/", "bench_township"),
            "inspections_round": (f"/inspections/rounds/{rnd and rnd.pk}/", "bench_cadre"),
            "inspections_screen": (f"/inspections/rounds/{rnd and rnd.pk}/inspect/", "bench_cadre"),
            "customs_home": ("/customs/", "bench_cadre"),
            "targets_home": ("/targets/", "bench_county"),
            "households_page": ("/registry/households/", "bench_county"),
            "floor_end": ("/healthz", None),
        }
        unknown = chosen - set(plans)
        if unknown:
            sys.exit(f"Unknown pages: {', '.join(sorted(unknown))}; choose among {', '.join(plans)}.")
        for name, (path, who) in plans.items():
            if chosen and name not in chosen and name not in ("floor", "page_floor", "floor_end"):
                continue
            headers = [{"Cookie": cookie[who]} if who else {} for _ in range(args.clients)]
            warmup = [(name, "GET", path, None, {}) for _ in range(args.warmup)]
            plan = [(name, "GET", path, None, {}) for _ in range(args.requests)]
            phases[name] = helpers.run_phase(port, warmup, plan, headers, args.duration)
            print(f"  {name:<20} {helpers._line(phases[name])}", flush=True)
    finally:
        stop_server(proc)
    floor = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name, phase in phases.items():
        if name.startswith("floor"):
            continue
        lat = phase["latency"]
        summary[name] = {
            "p50_ms": lat["p50_ms"],
            "p95_ms": lat["p95_ms"],
            "rps": phase["throughput_rps"],
            "p95_over_floor": round(lat["p95_ms"] / floor, 1) if floor else None,
            "status_codes": phase["status_codes"],
            "target_p95_met": lat["p95_ms"] is not None and lat["p95_ms"] < TARGET_P95_MS,
        }
    out = {
        "benchmark": "registers: the busiest pages of visits, the seven goods, weddings and funerals, target lists",
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
