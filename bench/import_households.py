"""Benchmark: importing a 10,000-household workbook (~33,000 person rows) with registry.importing.

Builds the workbook with ``registry.importing.write_rows_workbook`` for a fresh village and times
``households_import(actor=<county admin>, fileobj=BytesIO, filename="bench.xlsx")`` on the database of
DATABASE_URL (default: the benchmark database). The floor, measured in the same run: the same rows
inserted with plain ``bulk_create`` of Household, Person and the tag links (same encryption and digests)
into a second fresh village. Requirement: the import takes under 60 s.

Runs in its own county (code 510497 by default, account ``bench_import``), so the search benchmark's
county is not touched. The imported rows are deleted before the floor inserts the same ID numbers, and the
floor's rows afterwards (``--keep`` keeps them); the audit events of each import stay, and so does the
(empty) import village they point at. ``--repeat`` rounds (default 3); medians are reported, because the
machine may be shared.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine, setup_django, write_result  # noqa: E402

IMPORT_USER = "bench_import"
FLOOR_LABEL = "对照"
TAG_ODDS = [("低保", 0.04), ("残疾", 0.015), ("党员", 0.05), ("退役军人", 0.01)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--households", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--county-code", default="510497", help="County of the import benchmark (not the search one).")
    p.add_argument("--password", default="Bench@2026")
    p.add_argument("--repeat", type=int, default=3, help="Rounds (import + floor each); medians are reported.")
    p.add_argument("--keep", action="store_true", help="Keep the floor's rows and village (one round only).")
    p.add_argument("--name", default="import_households", help="Result file name (bench/results/<name>.json).")
    return p.parse_args()


# --- places and rows -------------------------------------------------------------------------------


def ensure_county(code: str, password: str):
    """The benchmark's own county with one township, and its county admin account."""
    from accounts import services as account_services
    from accounts.models import User
    from core.roles import Role
    from regions.models import Region, RegionLevel

    county = Region.objects.filter(code=code).first()
    if county is None:
        county = Region.objects.create(name="导入基准县", code=code, level=RegionLevel.COUNTY, kind_label="县")
        Region.objects.filter(pk=county.pk).update(county=county)
        county.refresh_from_db()
    township = Region.objects.filter(code=f"{code}001").first()
    if township is None:
        township = Region.objects.create(
            name="导入镇", code=f"{code}001", level=RegionLevel.TOWNSHIP, parent=county, county=county, kind_label="镇"
        )
        Region.objects.filter(pk=township.pk).update(township=township)
        township.refresh_from_db()
    user = User.objects.filter(username=IMPORT_USER).first()
    if user is None:
        user = account_services.user_create(
            actor=None, username=IMPORT_USER, password=password, display_name="导入基准管理员", is_system=True
        )
    account_services.role_assign(actor=None, user=user, role=Role.COUNTY_ADMIN, region=county, is_system=True)
    return county, township, User.objects.get(pk=user.pk)


def fresh_village(township, label: str, n_grids: int, n_groups: int):
    """A new village (next free code under the township) with its groups and grids."""
    from regions.models import Grid, GridKind, Region, RegionLevel

    taken = set(Region.objects.filter(parent=township).values_list("code", flat=True))
    number = next(n for n in range(1, 1000) if f"{township.code}{n:03d}" not in taken)
    village = Region.objects.create(
        name=f"{label}{number}村",
        code=f"{township.code}{number:03d}",
        level=RegionLevel.VILLAGE,
        parent=township,
        county_id=township.county_id,
        township=township,
        kind_label="村",
    )
    Region.objects.filter(pk=village.pk).update(village=village)
    village.refresh_from_db()
    Region.objects.bulk_create(
        Region(
            name=f"{i + 1}组",
            code=f"{village.code}{i + 1:02d}",
            level=RegionLevel.GROUP,
            parent=village,
            county_id=village.county_id,
            township_id=village.township_id,
            village_id=village.pk,
            kind_label="村民小组",
        )
        for i in range(n_groups)
    )
    Grid.objects.bulk_create(
        Grid(
            code=f"{village.code}{g + 1:03d}",
            name=f"{village.name}第{g + 1}网格",
            kind=GridKind.BASE,
            village=village,
            township_id=village.township_id,
            county_id=village.county_id,
        )
        for g in range(n_grids)
    )
    return village


def build_rows(seed: int, county_code: str, village_code: str, households: int, n_grids: int, n_groups: int):
    """Person rows keyed by the Chinese headers; the same seed gives the same rows (but for the village code)."""
    import random

    from registry import importing
    from registry.generation import CountyGenerator
    from registry.models import Relation

    gen = CountyGenerator(seed=seed, county_name="导入基准县", county_code=county_code)
    rng = random.Random(seed + 1)
    today = date(2026, 11, 1)
    rows = []
    for h in range(households):
        grid = h * n_grids // households
        group = h * n_groups // households
        family = gen.family_name()
        place = {
            importing.COL_NUMBER: f"{h + 1:05d}",
            importing.COL_VILLAGE: village_code,
            importing.COL_GRID: f"{village_code}{grid + 1:03d}",
            importing.COL_GROUP: f"{group + 1}组",
            importing.COL_ADDRESS: f"{group + 1}组{rng.randrange(1, 300)}号",
        }
        for relation, gender, min_age, max_age in gen._family(today):
            surname = family if relation != Relation.SPOUSE else gen.family_name()
            birth = gen.birth(min_age, max_age, today)
            age = (today - birth).days // 365
            tags = [name for name, odds in TAG_ODDS if rng.random() < odds and (name != "党员" or age >= 18)]
            rows.append(
                place
                | {
                    importing.COL_NAME: surname + gen.given_name(gender),
                    importing.COL_RELATION: importing.RELATION_LABELS[relation],
                    importing.COL_GENDER: importing.GENDER_LABELS[gender],
                    importing.COL_BIRTH: birth.isoformat(),
                    importing.COL_ID: gen.id_number(birth, gender),
                    importing.COL_PHONE: gen.phone() if 18 <= age <= 75 and rng.random() < 0.85 else "",
                    importing.COL_TAGS: "、".join(tags),
                }
            )
    return rows


# --- the floor -------------------------------------------------------------------------------------


def floor_insert(rows: list[dict], village, batch_size: int) -> dict:
    """The same rows with plain bulk_create (same encryption and digests); nothing checked. Timed inside."""
    from django.db import transaction

    from regions.models import Grid, Region
    from registry import importing
    from registry.models import Household, Person, Tag

    grids = dict(Grid.objects.filter(village=village).values_list("code", "id"))
    groups = dict(Region.objects.filter(parent=village).values_list("name", "id"))
    tags = dict(Tag.objects.values_list("name", "id"))
    relation_of = {label: value for value, label in importing.RELATION_LABELS.items()}
    gender_of = {label: value for value, label in importing.GENDER_LABELS.items()}
    # Same rows, moved to the floor's village: the grid codes carry the village code.
    import_code = rows[0][importing.COL_VILLAGE]
    started = time.perf_counter()
    with transaction.atomic():
        households: dict[str, Household] = {}
        members: list[tuple[Household, dict]] = []
        for row in rows:
            number = row[importing.COL_NUMBER]
            household = households.get(number)
            if household is None:
                household = Household(
                    number=number,
                    grid_id=grids[row[importing.COL_GRID].replace(import_code, village.code, 1)],
                    group_id=groups[row[importing.COL_GROUP]],
                    address=row[importing.COL_ADDRESS],
                    county_id=village.county_id,
                    township_id=village.township_id,
                    village_id=village.pk,
                )
                households[number] = household
            if row[importing.COL_RELATION] == "户主":
                household.head_name = row[importing.COL_NAME]
            members.append((household, row))
        Household.objects.bulk_create(households.values(), batch_size=batch_size)
        people, tag_names = [], []
        for household, row in members:
            person = Person(
                household_id=household.pk,
                name=row[importing.COL_NAME],
                gender=gender_of[row[importing.COL_GENDER]],
                birth_date=date.fromisoformat(row[importing.COL_BIRTH]),
                relation=relation_of[row[importing.COL_RELATION]],
                county_id=village.county_id,
                township_id=village.township_id,
                village_id=village.pk,
            )
            person.set_id_number(row[importing.COL_ID])
            person.set_phone(row[importing.COL_PHONE])
            people.append(person)
            tag_names.append(row[importing.COL_TAGS])
        Person.objects.bulk_create(people, batch_size=batch_size)
        through = Person.tags.through
        links = [
            through(person_id=p.pk, tag_id=tags[name])
            for p, names in zip(people, tag_names, strict=True)
            for name in names.split("、")
            if name
        ]
        through.objects.bulk_create(links, batch_size=batch_size)
    return {"seconds": time.perf_counter() - started, "households": len(households), "people": len(people)}


# --- cleaning up -----------------------------------------------------------------------------------


def delete_village_rows(village, *, drop_village: bool) -> int:
    """Delete the households and people of a bench village (and its grids/groups; the village if asked)."""
    from regions.models import Grid, Region
    from registry.models import Household, Person

    Person.tags.through.objects.filter(person__village=village).delete()
    n = Person.objects.filter(village=village).only("pk").delete()[0]
    Household.objects.filter(village=village).only("pk").delete()
    Grid.objects.filter(village=village).delete()
    Region.objects.filter(parent=village).delete()
    if drop_village:
        Region.objects.filter(pk=village.pk).update(village=None, township=None, county=None, parent=None)
        Region.objects.filter(pk=village.pk).delete()
    return n


def vacuum() -> None:
    from django.db import connection

    from registry.models import Household, Person

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Household, Person, Person.tags.through):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


# --- main ------------------------------------------------------------------------------------------


def one_round(args, township, actor, n_grids: int, n_groups: int) -> dict:
    """One import and one floor, each into its own fresh village; cleaned up unless --keep."""
    from registry import importing

    village = fresh_village(township, "导入", n_grids, n_groups)
    floor_village = fresh_village(township, FLOOR_LABEL, n_grids, n_groups)
    t0 = time.perf_counter()
    rows = build_rows(args.seed, args.county_code, village.code, args.households, n_grids, n_groups)
    rows_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    content = importing.write_rows_workbook(rows)
    workbook_s = time.perf_counter() - t0
    print(
        f"{len(rows):,} rows for {args.households:,} households; workbook {len(content) / 1e6:.1f} MB "
        f"built in {workbook_s:.1f} s",
        flush=True,
    )

    # Where the import's time goes: the module's own steps, timed while the real import runs.
    phases: dict[str, float] = {}
    originals = {name: getattr(importing, name) for name in ("read_rows", "validate", "_write")}

    def timed(name, fn):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for name, fn in originals.items():
        setattr(importing, name, timed(name, fn))
    print(f"Importing into {village.code} as {actor.username} …", flush=True)
    try:
        t0 = time.perf_counter()
        report = importing.households_import(actor=actor, fileobj=io.BytesIO(content), filename="bench.xlsx")
        import_s = time.perf_counter() - t0
    finally:
        for name, fn in originals.items():
            setattr(importing, name, fn)
    if report.errors:
        for error in report.errors[:10]:
            print(f"  row {error.row} {error.column}: {error.message}", flush=True)
        sys.exit(f"The import reported {len(report.errors)} problems; nothing was measured.")
    split = ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
    print(f"  {report.households:,} households, {report.people:,} residents in {import_s:.1f} s ({split})", flush=True)

    # The floor goes into another village with the same ID numbers, so the imported rows go first.
    delete_village_rows(village, drop_village=False)
    vacuum()
    print(f"Floor: the same rows with plain bulk_create into {floor_village.code} …", flush=True)
    floor = floor_insert(rows, floor_village, getattr(importing, "BATCH_SIZE", 2000))
    done = f"{floor['households']:,} households, {floor['people']:,} residents"
    print(f"  {done} in {floor['seconds']:.1f} s", flush=True)
    if not args.keep:
        delete_village_rows(floor_village, drop_village=True)
        vacuum()
    return {
        "rows": len(rows),
        "workbook_bytes": len(content),
        "rows_built_s": round(rows_s, 2),
        "workbook_built_s": round(workbook_s, 2),
        "import_s": round(import_s, 2),
        "import_phases_s": {k: round(v, 2) for k, v in phases.items()},
        "imported": {"households": report.households, "people": report.people},
        "floor_s": round(floor["seconds"], 2),
        "floor_rows": {"households": floor["households"], "people": floor["people"]},
        "ratio": round(import_s / floor["seconds"], 2),
    }


def main():
    args = parse_args()
    setup_django()
    from django.db import connection

    from regions.models import Region
    from registry.models import Person

    county, township, actor = ensure_county(args.county_code, args.password)
    leftovers = Person.objects.filter(county=county).count()
    if leftovers:
        print(f"Deleting {leftovers} residents left by an earlier run (--keep or interrupted) …", flush=True)
    for village in Region.objects.filter(parent=township):
        # Floor villages have no audit events and go entirely; import villages stay (the audit trail).
        delete_village_rows(village, drop_village=village.name.startswith(FLOOR_LABEL))
    vacuum()
    facts = machine()
    facts["database_vendor"] = connection.vendor

    n_grids, n_groups = max(1, round(args.households / 33)), 5
    rounds = []
    for i in range(args.repeat):
        print(f"-- round {i + 1}/{args.repeat}", flush=True)
        rounds.append(one_round(args, township, actor, n_grids, n_groups))
        if args.keep:
            break
    facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    import_s = statistics.median(r["import_s"] for r in rounds)
    floor_s = statistics.median(r["floor_s"] for r in rounds)
    result = {
        "benchmark": "import_households",
        "machine": facts,
        "input": {
            "households": args.households,
            "rows": rounds[0]["rows"],
            "workbook_bytes": rounds[0]["workbook_bytes"],
        },
        "summary": {
            "rounds": len(rounds),
            "import_s_median": import_s,
            "floor_s_median": floor_s,
            "ratio_of_medians": round(import_s / floor_s, 1),
            "import_s_max": max(r["import_s"] for r in rounds),
            "requirement_import_under_60s": max(r["import_s"] for r in rounds) < 60,
        },
        "rounds": rounds,
    }
    path = write_result(args.name, result)
    print(
        f"import median {import_s:.1f} s vs floor median {floor_s:.1f} s: ratio {import_s / floor_s:.1f} "
        f"({len(rounds)} rounds; slowest import {result['summary']['import_s_max']:.1f} s)"
    )
    print(f"Written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
