"""Disputes for a county made by ``generate_county``: ``generate_disputes --county 510499 --per-year 10000
--year 2026 --seed 1`` (mediation.generation). Creates the bodies and pools when the county has none, and the
bench accounts ``bench_mediator`` (director of the first township's centre) and ``bench_supervisor`` (county
official: the statistics of the county) unless ``--no-accounts``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from core.roles import Role
from mediation import services
from mediation.generation import GenerationError, generate
from mediation.models import Body, BodyKind, Mediator, Title
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Generate disputes in mediation for a county (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--per-year", type=int, default=10000)
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--actor", default="bench_county", help="The county administrator who sets it up.")
        parser.add_argument("--password", default="Bench@2026")
        parser.add_argument("--no-accounts", action="store_true")

    def handle(self, *args, county, per_year, year, seed, actor, password, no_accounts, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        admin = User.objects.filter(username=actor).first()
        if region is None or admin is None:
            raise CommandError(f"No county {county} or no account {actor}: run generate_county first.")
        if not 1 <= per_year <= 1_000_000:
            raise CommandError("--per-year is from 1 to 1,000,000.")
        started = time.monotonic()
        try:
            count = generate(region, actor=admin, per_year=per_year, year=year or timezone.localdate().year, seed=seed)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        if not no_accounts:
            self._accounts(region, admin, password)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("mediation_dispute", "mediation_disputeparty", "mediation_dispute_mediators"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(f"{count:,} disputes in {region.name} in {time.monotonic() - started:.1f} s.")

    def _accounts(self, county, admin, password):
        township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
        centre = Body.objects.get(township=township, kind=BodyKind.TOWNSHIP)
        for username, role, region in (
            ("bench_mediator", Role.MEDIATOR, township),
            ("bench_supervisor", Role.COUNTY_OFFICIAL, county),
        ):
            user = User.objects.filter(username=username).first()
            if user is None:
                user = account_services.user_create(
                    actor=None, username=username, password=password, display_name=username, is_system=True
                )
                account_services.role_assign(actor=None, user=user, role=role, region=region, is_system=True)
        director = Mediator.objects.filter(body=centre, title=Title.DIRECTOR).first()
        if director.user_id is None:
            services.mediator_update(
                actor=admin, mediator=director, name=director.name, title=director.title, username="bench_mediator"
            )
