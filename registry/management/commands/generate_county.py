"""County-scale deterministic data for benchmarks: ``generate_county --households 100000 --seed 1``.

Builds one county (default 15 townships × 20 villages, ~33 households per grid, ~3.3 residents per
household, party branches, organizations, tags, grid staff) with ``registry.generation.CountyGenerator``
and two benchmark accounts: ``bench_county`` (county admin) and ``bench_cadre`` (village cadre of the
first village). The same seed gives the same names and ID numbers (the ID numbers start with the county
code, so two counties generated with the same seed differ only there and in the check digit).

A county code that is already taken is refused unless ``--replace`` is given: then the county's data is
deleted first, in dependency order, and that delete is committed and vacuumed before the new county is
written in one transaction (so the new rows reuse the space). The audit trail is append-only, so regions
that audit events point at are kept and taken over by the new county; nothing of the audit trail is
deleted. The generator itself records one audit event. Finally the loaded tables get fresh planner
statistics (VACUUM ANALYZE on PostgreSQL), since autovacuum may be off or late.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.deletion import ProtectedError

from accounts import services as account_services
from accounts.models import RoleAssignment, User
from core import audit, db
from core.models import AuditEvent
from core.roles import Role
from regions.models import Grid, GridStaff, Region, RegionLevel
from registry.generation import CountyGenerator
from registry.models import Household, Organization, PartyBranch, PartyMember, Person

BENCH_COUNTY_USER = "bench_county"
BENCH_CADRE_USER = "bench_cadre"


def county_counts(county: Region) -> dict[str, int]:
    """Row counts of one county's data, by kind (what the command prints and the tests check)."""
    levels = dict(
        Region.objects.filter(Q(pk=county.pk) | Q(county=county))
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return {
        "townships": levels.get(RegionLevel.TOWNSHIP, 0),
        "villages": levels.get(RegionLevel.VILLAGE, 0),
        "groups": levels.get(RegionLevel.GROUP, 0),
        "grids": Grid.objects.filter(county=county).count(),
        "grid_staff": GridStaff.objects.filter(grid__county=county).count(),
        "households": Household.objects.filter(county=county).count(),
        "residents": Person.objects.filter(county=county).count(),
        "person_tags": Person.tags.through.objects.filter(person__county=county).count(),
        "party_branches": PartyBranch.objects.filter(county=county).count(),
        "party_members": PartyMember.objects.filter(county=county).count(),
        "linked_households": PartyMember.linked_households.through.objects.filter(partymember__county=county).count(),
        "organizations": Organization.objects.filter(county=county).count(),
    }


def delete_county_data(county: Region) -> dict[str, int]:
    """Delete everything generated for ``county`` except the regions the audit trail points at.

    Children before parents, so nothing PROTECTed is left dangling. Returns deleted row counts.
    Raises ProtectedError when rows of another app still point at the county's data.
    """
    deleted: dict[str, int] = {}

    def _delete(label, qs):
        # Only the primary keys are needed to follow cascades and PROTECT checks; link tables go in one DELETE.
        deleted[label] = qs.only("pk").delete()[0]

    regions = Region.objects.filter(Q(pk=county.pk) | Q(county=county))
    region_ids = list(regions.values_list("pk", flat=True))
    _delete("linked_households", PartyMember.linked_households.through.objects.filter(partymember__county=county))
    _delete("person_tags", Person.tags.through.objects.filter(person__county=county))
    _delete("party_members", PartyMember.objects.filter(county=county))
    _delete("party_branches", PartyBranch.objects.filter(county=county))
    _delete("organizations", Organization.objects.filter(county=county))
    _delete(
        "role_assignments",
        RoleAssignment.objects.filter(Q(region__in=region_ids) | Q(grid__county=county) | Q(household__county=county)),
    )
    _delete("residents", Person.objects.filter(county=county))
    _delete("households", Household.objects.filter(county=county))
    _delete("grid_staff", GridStaff.objects.filter(grid__county=county))
    _delete("grids", Grid.objects.filter(county=county))
    _delete("groups", Region.objects.filter(county=county, level=RegionLevel.GROUP))
    # An audit event carries the county, township and village of what it is about, so the regions it points
    # at are closed upwards (a kept village keeps its township and county).
    audited: set[int] = set()
    for column in ("county_id", "township_id", "village_id"):
        audited |= set(AuditEvent.objects.filter(**{f"{column}__in": region_ids}).values_list(column, flat=True))
    removable = [pk for pk in region_ids if pk not in audited]
    # Regions point at each other (parent, county, township, village): detach, then delete in one go.
    Region.objects.filter(pk__in=removable).update(parent=None, county=None, township=None, village=None)
    deleted["regions"] = Region.objects.filter(pk__in=removable).delete()[0]
    deleted["regions_kept_for_audit"] = len(audited)
    return deleted


def refresh_statistics() -> None:
    """Planner statistics for the registry's bulk-loaded tables (core.db.refresh_statistics)."""
    from django.contrib.auth import get_user_model

    models = [Region, Grid, GridStaff, Household, Person, Person.tags.through, PartyBranch, PartyMember]
    models += [PartyMember.linked_households.through, Organization, RoleAssignment, get_user_model()]
    db.refresh_statistics(models)


class Command(BaseCommand):
    help = "Generate a deterministic county-scale data set (for benchmarks) and the bench accounts."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True, help="Number of households (e.g. 100000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: same seed, same data.")
        parser.add_argument("--townships", type=int, default=15)
        parser.add_argument("--villages-per-township", type=int, default=20)
        parser.add_argument("--groups-per-village", type=int, default=5)
        parser.add_argument("--households-per-grid", type=int, default=33)
        parser.add_argument("--county-code", default="510499", help="Six digits; also the ID-number area code.")
        parser.add_argument("--county-name", default="基准县")
        parser.add_argument("--replace", action="store_true", help="Delete this county's data first.")
        parser.add_argument("--password", default="Bench@2026", help="Password of bench_county and bench_cadre.")
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the bench accounts.")
        parser.add_argument("--quiet-progress", action="store_true", help="Report progress every 10%% only.")
        parser.add_argument(
            "--points-per-household-month",
            type=float,
            default=0,
            help="Also write a civility points scheme per village and ~N approved ledger entries per household "
            "per month (4 gives ~5 million entries for 100,000 households over a year). Needs the bench accounts.",
        )
        parser.add_argument("--points-months", type=int, default=12, help="Months of points history.")
        parser.add_argument(
            "--incidents-per-year",
            type=int,
            default=0,
            help="Also write ~N grid incidents a year with their timelines (50000 for a county of 100,000 households; "
            "see generate_incidents). Needs the bench accounts.",
        )
        parser.add_argument(
            "--incident-years",
            default=None,
            help="Years of incidents: 2026, 2025,2026 or 2024-2026 (default: this year).",
        )

    def handle(self, *args, **o):
        code = o["county_code"]
        if not (len(code) == 6 and code.isdigit()):
            raise CommandError("--county-code must be six digits (it is also the ID-number area code).")
        if o["households"] < 1 or o["townships"] < 1 or o["villages_per_township"] < 1:
            raise CommandError("--households, --townships and --villages-per-township must be positive.")
        n_villages = o["townships"] * o["villages_per_township"]
        if o["households"] < n_villages:
            raise CommandError(f"Need at least one household per village ({n_villages}).")

        started = time.perf_counter()
        replaced = False
        with transaction.atomic():
            existing = Region.objects.select_for_update().filter(code=code).first()
            if existing is not None:
                if not o["replace"]:
                    raise CommandError(
                        f"A region with code {code} already exists ({existing.name}, {existing.level}). "
                        "Use --replace to delete that county's data and generate it again."
                    )
                if existing.level != RegionLevel.COUNTY:
                    raise CommandError(f"Region {code} is a {existing.level}, not a county; refusing to replace it.")
                self.stdout.write(f"Deleting the data of county {code} ({existing.name}) …")
                t0 = time.perf_counter()
                try:
                    deleted = delete_county_data(existing)
                except ProtectedError as exc:
                    models = sorted({obj._meta.label for obj in exc.protected_objects})
                    raise CommandError(
                        f"Cannot replace county {code}: rows of {', '.join(models)} still refer to its data."
                    ) from None
                summary = ", ".join(f"{k} {v:,}" for k, v in deleted.items() if v)
                self.stdout.write(f"  deleted in {time.perf_counter() - t0:.1f} s: {summary}")
                replaced = True
        if replaced:
            # The delete is committed and vacuumed before the new rows go in, so they reuse the space instead
            # of doubling the tables (a benchmark on a bloated table measures the bloat).
            refresh_statistics()
        try:
            with transaction.atomic():
                result = self._generate(o, time.perf_counter())
        except BaseException:
            if replaced:
                self.stderr.write(f"The old data of county {code} was deleted; the new data was not written.")
            raise
        t0 = time.perf_counter()
        refresh_statistics()
        self.stdout.write(f"Planner statistics refreshed in {time.perf_counter() - t0:.1f} s.")
        elapsed = time.perf_counter() - started

        county = result.county
        for region in result.unused_regions:
            self.stdout.write(
                self.style.WARNING(f"Region {region.code} ({region.name}) was kept for the audit trail and is unused.")
            )
        what = "replaced" if replaced else "generated"
        self.stdout.write(self.style.SUCCESS(f"County {county.code} {county.name} {what} in {elapsed:.1f} s:"))
        for key, value in county_counts(county).items():
            self.stdout.write(f"  {key:<18} {value:>9,}")
        if not o["no_accounts"]:
            self.stdout.write(
                f"Accounts (password {o['password']}): {BENCH_COUNTY_USER} (county admin of {county.code}), "
                f"{BENCH_CADRE_USER} (village cadre of {result.villages[0].code} {result.villages[0].name})"
            )
        if o["points_per_household_month"] > 0:
            self._generate_points(county, o)
        if o["incidents_per_year"] > 0:
            from django.core.management import call_command

            years = ["--years", o["incident_years"]] if o["incident_years"] else []
            accounts = ["--no-accounts"] if o["no_accounts"] else []
            call_command(
                "generate_incidents",
                "--county",
                county.code,
                "--per-year",
                str(o["incidents_per_year"]),
                "--seed",
                str(o["seed"]),
                "--actor",
                BENCH_COUNTY_USER,
                "--password",
                o["password"],
                *years,
                *accounts,
                stdout=self.stdout,
                stderr=self.stderr,
            )

    def _generate_points(self, county, o):
        from accounts.models import User
        from points.generation import generate_points

        actor = User.objects.filter(username=BENCH_COUNTY_USER).first()
        if actor is None:
            raise CommandError("Points need the bench accounts: run without --no-accounts.")
        t0 = time.perf_counter()

        def progress(total):
            self.stdout.write(f"  {total:>10,} ledger entries, {time.perf_counter() - t0:7.1f} s")

        n = generate_points(
            county=county,
            actor=actor,
            per_household_month=o["points_per_household_month"],
            months=o["points_months"],
            seed=o["seed"],
            progress=progress,
        )
        self.stdout.write(self.style.SUCCESS(f"Points: {n:,} ledger entries in {time.perf_counter() - t0:.1f} s."))

    def _generate(self, o, started):
        n_villages = o["townships"] * o["villages_per_township"]
        step = max(1, n_villages // 10) if o["quiet_progress"] else 1

        def progress(done, total, result):
            if done % step == 0 or done == total:
                elapsed = time.perf_counter() - started
                self.stdout.write(
                    f"  [{done:>4}/{total}] villages, {result.households:>7,} households, "
                    f"{result.people:>8,} residents, {elapsed:7.1f} s, "
                    f"{result.people / max(elapsed, 1e-9):,.0f} residents/s"
                )

        generator = CountyGenerator(
            seed=o["seed"],
            county_name=o["county_name"],
            county_code=o["county_code"],
            households_per_grid=o["households_per_grid"],
        )
        result = generator.build(
            townships=o["townships"],
            villages_per_township=o["villages_per_township"],
            households=o["households"],
            groups_per_village=o["groups_per_village"],
            progress=progress,
        )
        audit.record(
            None,
            "system.generate_county",
            result.county,
            note=f"seed {o['seed']}: {result.households} households, {result.people} residents",
        )
        if not o["no_accounts"]:
            self._bench_accounts(result.county, result.villages[0], o["password"])
        return result

    def _bench_accounts(self, county: Region, village: Region, password: str) -> None:
        for username, name, role, region in (
            (BENCH_COUNTY_USER, "基准县管理员", Role.COUNTY_ADMIN, county),
            (BENCH_CADRE_USER, "基准村干部", Role.VILLAGE_CADRE, village),
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
            others = user.assignments.exclude(region=region).select_related("region")
            for other in others:
                self.stdout.write(
                    self.style.WARNING(
                        f"{username} also holds {other.role} on {other.region.code} {other.region.name}: "
                        "its searches cover that region too."
                    )
                )
