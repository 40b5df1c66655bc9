"""Service requests for a county made by ``generate_county``: ``generate_service_requests --county 510499
--per-year 100000 --seed 1`` (doorstep.generation: deterministic for a seed and ``--now``).

Installs the default catalogue when the county has none, the agents (one or two per village) and counter accounts
it needs, then writes ``--per-year`` requests made over the year in bulk, as the procedure leaves them. Also
creates the bench account ``bench_agent`` (a grid worker of the first village, the agent serving the first three
villages of the first township: its queue is what bench/doorstep.py measures) unless ``--no-accounts``."""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from core.roles import Role
from doorstep.generation import GenerationError, generate
from doorstep.models import Agent, AgentKind
from regions.models import Grid, Region, RegionLevel

BENCH_AGENT_USER = "bench_agent"


def bench_agent(county: Region, *, password: str) -> str:
    """``bench_agent``: a grid worker of the county's first village and the agent serving the first three villages
    of the first township (created once; the password is reset when it differs)."""
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    villages = list(Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code")[:3])
    if not villages:
        raise CommandError(f"County {county.code} has no village.")
    grid = Grid.objects.filter(village=villages[0]).order_by("code").first()
    user = User.objects.filter(username=BENCH_AGENT_USER).first()
    if user is None:
        user = account_services.user_create(
            actor=None, username=BENCH_AGENT_USER, password=password, display_name="基准代办员", is_system=True
        )
        account_services.role_assign(
            actor=None, user=user, role=Role.GRID_WORKER, region=villages[0], grid=grid, is_system=True
        )
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    with transaction.atomic():
        agent = Agent.objects.filter(county=county, user=user).first()
        if agent is None:
            agent = Agent.objects.create(
                county=county, township=township, user=user, name="基准代办员", kind=AgentKind.GRID_WORKER
            )
        agent.villages.set(villages)
    return f"agent serving {', '.join(v.name for v in villages)}"


class Command(BaseCommand):
    help = "Generate a year of service requests on the doorstep for a generated county (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="County code, e.g. 510499.")
        parser.add_argument("--per-year", type=int, default=100000, help="Requests a year (default 100,000).")
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--now",
            default=None,
            help="The moment the data ends at (ISO 8601; default: now). Same seed and --now, same data.",
        )
        parser.add_argument("--password", default="Bench@2026")
        parser.add_argument("--no-accounts", action="store_true")

    def handle(self, *args, county, per_year, year, seed, now, password, no_accounts, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now is a moment in ISO 8601, not {now!r}.") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
        year = year or timezone.localtime(moment).year
        if not 2000 <= year <= 2100:
            raise CommandError("--year is from 2000 to 2100.")
        started = time.monotonic()
        try:
            result = generate(region, per_year=per_year, year=year, seed=seed, now=moment)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        if not no_accounts:
            self.stdout.write(f"{BENCH_AGENT_USER} (password {password}): {bench_agent(region, password=password)}")
        from accounts.models import User
        from core.db import refresh_statistics
        from doorstep.models import Agent, ServiceRequest

        refresh_statistics([ServiceRequest, Agent, Agent.villages.through, User])
        states = ", ".join(f"{k} {v:,}" for k, v in sorted(result.states.items()))
        self.stdout.write(
            f"{result.requests:,} service requests in {region.name} ({year}) in {time.monotonic() - started:.1f} s: "
            f"{states}; {result.agents_created} agents and {result.accounts_created} accounts created"
            + (f"; catalogue installed: {result.catalogue_installed}" if result.catalogue_installed else "")
        )
