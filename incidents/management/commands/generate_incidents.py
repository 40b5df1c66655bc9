"""Grid incidents for a county made by ``generate_county``: ``generate_incidents --county 510499 --per-year 50000
--years 2026 --seed 1``.

Installs the default catalogue of grid matters, departments and triage rules (incidents.catalogue_template,
through the services, as the county administrator ``--actor``), the staff accounts that report and handle the
cases (a grid worker per grid, a cadre per village, an official per township, two members per department), and
then ``--per-year`` incidents for each year with their whole timelines (incidents.generation: deterministic for
a seed and ``--now``). The timeline is append-only, so a year that already has incidents in the county is
refused. Also creates the bench accounts ``bench_department`` (a member of the department with the most
cases), ``bench_township`` (official of the first township) and ``bench_county_official`` (county official),
unless ``--no-accounts``.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from core.roles import Role
from incidents import services
from incidents.generation import GenerationError, IncidentGenerator, incident_counts
from incidents.models import Department, Incident, Level
from regions.models import Region, RegionLevel

BENCH_DEPARTMENT_USER = "bench_department"
BENCH_TOWNSHIP_USER = "bench_township"
BENCH_COUNTY_OFFICIAL_USER = "bench_county_official"


def parse_years(text: str) -> list[int]:
    """``2026`` or ``2025,2026`` or ``2024-2026``."""
    years = set()
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        first, _sep, last = part.partition("-")
        try:
            a, b = int(first), int(last or first)
        except ValueError:
            raise CommandError(f"Years are given as 2026, 2025,2026 or 2024-2026, not {text!r}.") from None
        if not (2000 <= a <= b <= 2100):
            raise CommandError(f"Years are given as 2026, 2025,2026 or 2024-2026, not {text!r}.")
        years.update(range(a, b + 1))
    if not years:
        raise CommandError("Give at least one year.")
    return sorted(years)


def bench_accounts(county: Region, *, actor, password: str, stdout=None) -> dict[str, str]:
    """``bench_department``: member of the county department with the most cases; ``bench_township``: official
    of the first township; ``bench_county_official``: county official (the county's supervision board: the
    county administrator ``bench_county`` keeps the catalogue but does not supervise). Created once (the
    password is reset when it differs)."""
    busiest = (
        Incident.objects.filter(county=county, level=Level.COUNTY, handler_department__isnull=False)
        .values("handler_department")
        .annotate(n=Count("id"))
        .order_by("-n", "handler_department")
        .first()
    )
    department = (
        Department.objects.get(pk=busiest["handler_department"])
        if busiest
        else Department.objects.filter(county=county).order_by("code").first()
    )
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    out = {}
    for username, name, role, region in (
        (BENCH_DEPARTMENT_USER, "基准部门干部", Role.DEPARTMENT_STAFF, county),
        (BENCH_TOWNSHIP_USER, "基准镇干部", Role.TOWNSHIP_OFFICIAL, township),
        (BENCH_COUNTY_OFFICIAL_USER, "基准县领导", Role.COUNTY_OFFICIAL, county),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                actor=None, username=username, password=password, display_name=name, is_system=True
            )
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        account_services.role_assign(actor=None, user=user, role=role, region=region, is_system=True)
        out[username] = f"{role} of {region.code} {region.name}"
    if department is not None:
        user = User.objects.get(username=BENCH_DEPARTMENT_USER)
        members = list(department.members.all())
        if user not in members:
            services.department_save(
                actor=actor,
                county=county,
                department=department,
                name=department.name,
                code=department.code,
                phone=department.phone,
                members=[*members, user],
                is_active=department.is_active,
            )
        out[BENCH_DEPARTMENT_USER] += f", member of {department.code} {department.name}"
    return out


class Command(BaseCommand):
    help = "Generate a year (or more) of grid incidents with their timelines for a generated county (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="County code, e.g. 510499.")
        parser.add_argument("--per-year", type=int, default=50000, help="Incidents a year (default 50,000).")
        parser.add_argument("--years", default=None, help="2026, 2025,2026 or 2024-2026 (default: this year).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--now",
            default=None,
            help="The moment the data ends at (ISO 8601; default: now). Same seed and --now, same data.",
        )
        parser.add_argument(
            "--actor",
            default="bench_county",
            help="County administrator who installs the catalogue (default bench_county).",
        )
        parser.add_argument("--password", default="Bench@2026", help="Password of the bench accounts.")
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the bench accounts.")

    def handle(self, *args, **o):
        county = Region.objects.filter(code=o["county"], level=RegionLevel.COUNTY).first()
        if county is None:
            raise CommandError(f"No county with code {o['county']}; run generate_county first.")
        actor = User.objects.filter(username=o["actor"]).first()
        if actor is None:
            raise CommandError(f"No account {o['actor']!r} (the county administrator who installs the catalogue).")
        now = timezone.now()
        if o["now"]:
            try:
                now = datetime.fromisoformat(o["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {o['now']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        years = parse_years(o["years"]) if o["years"] else [timezone.localtime(now).year]
        generator = IncidentGenerator(county, actor=actor, seed=o["seed"], per_year=o["per_year"], years=years, now=now)
        started = time.perf_counter()

        def progress(year, done, total, result):
            if done == total or done % (total // 10 or 1) < generator.batch_size:
                self.stdout.write(
                    f"  {year}: {done:>7,}/{total:,} incidents, {result.events:>9,} events, "
                    f"{time.perf_counter() - started:6.1f} s"
                )

        try:
            result = generator.run(progress)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"County {county.code} {county.name}: {result.incidents:,} incidents in {', '.join(map(str, years))} "
                f"(seed {o['seed']}, up to {timezone.localtime(now):%Y-%m-%d %H:%M}) in {elapsed:.1f} s; "
                f"{result.events:,} events, {result.attachments:,} photos, {result.assists:,} co-handling rows; "
                f"catalogue added {result.catalogue}; {result.staff_created:,} staff accounts created."
            )
        )
        for key, value in incident_counts(county, now=now).items():
            self.stdout.write(f"  {key:<22} {value:>9,}")
        if not o["no_accounts"]:
            with transaction.atomic():
                accounts = bench_accounts(county, actor=actor, password=o["password"])
            for username, what in accounts.items():
                self.stdout.write(f"Account {username} (password {o['password']}): {what}")
