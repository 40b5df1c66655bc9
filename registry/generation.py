"""Deterministic generation of realistic registry data, for the demo and for county-scale benchmarks.

The same seed gives the same county. Names come from Faker's zh_CN lists (weighted family names),
ID numbers are valid under GB 11643 and unique, grids tile each village without overlapping and
every household lies inside its grid's polygon.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from faker.providers.person.zh_CN import Provider as PersonNames

from core.validators import id_check_digit
from regions.models import Grid, GridKind, GridStaff, GridStaffRole, Region, RegionLevel
from registry.models import (
    Household,
    Organization,
    OrganizationKind,
    PartyBranch,
    PartyMember,
    Person,
    Relation,
    Tag,
)

DEFAULT_TAGS = [
    # code, name, restricted, sensitive
    ("party_member", "党员", False, False),
    ("dibao", "低保", False, True),
    ("tekun", "特困", False, True),
    ("disabled", "残疾", False, True),
    ("left_behind_child", "留守儿童", False, False),
    ("left_behind_elder", "留守老人", False, False),
    ("left_behind_woman", "留守妇女", False, False),
    ("veteran", "退役军人", False, False),
    ("community_correction", "社区矫正", True, True),
    ("released_prisoner", "刑满释放", True, True),
]

_FAMILY = list(PersonNames.last_names.keys())
_FAMILY_W = list(PersonNames.last_names.values())
_MALE = PersonNames.first_names_male
_FEMALE = PersonNames.first_names_female
_PLACE_CHARS = "安和平丰康宁兴隆福永泰瑞清河山石桥溪松柏杨柳桃李梨花田禾新明光华龙凤云峰湾塘坪坝岭沟"
_KEPT_LEVELS = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
_ORG_WORDS = ["种植", "养殖", "农机", "电商", "茶叶", "果蔬", "建材", "家政", "物流", "乡村旅游"]


def ensure_tags() -> dict[str, Tag]:
    tags = {}
    for code, name, restricted, sensitive in DEFAULT_TAGS:
        tag, _ = Tag.objects.get_or_create(
            code=code, defaults={"name": name, "restricted": restricted, "sensitive": sensitive}
        )
        tags[code] = tag
    return tags


@dataclass
class GeneratedCounty:
    county: Region
    townships: list[Region] = field(default_factory=list)
    villages: list[Region] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    households: int = 0
    people: int = 0
    unused_regions: list[Region] = field(default_factory=list)


class CountyGenerator:
    """Builds one county: townships → villages → groups, grids with polygons, households and people."""

    def __init__(
        self,
        *,
        seed: int,
        county_name: str,
        county_code: str,
        center=(26.89, 102.11),
        households_per_grid: int = 33,
        batch_size: int = 5000,
    ):
        self.rng = random.Random(seed)
        self.county_name = county_name
        self.county_code = county_code  # six digits, also the ID-number area code
        self.center = center
        self.households_per_grid = households_per_grid
        self.batch_size = batch_size
        self._used_ids: set[str] = set()
        self._place_names: set[str] = set()
        self._existing_regions: dict[str, Region] = {}

    # -- names and identifiers -------------------------------------------------------------
    def family_name(self) -> str:
        return self.rng.choices(_FAMILY, _FAMILY_W)[0]

    def given_name(self, gender: str) -> str:
        pool = _MALE if gender == "M" else _FEMALE
        name = self.rng.choice(pool)
        if len(name) == 1 and self.rng.random() < 0.6:
            name += self.rng.choice(pool)[-1]
        return name

    def place_name(self, suffix: str) -> str:
        while True:
            name = "".join(self.rng.sample(_PLACE_CHARS, 2)) + suffix
            if name not in self._place_names:
                self._place_names.add(name)
                return name

    def id_number(self, birth: date, gender: str) -> str:
        while True:
            seq = self.rng.randrange(0, 100)
            gender_digit = self.rng.choice("13579" if gender == "M" else "02468")
            first17 = f"{self.county_code}{birth:%Y%m%d}{seq:02d}{gender_digit}"
            number = first17 + id_check_digit(first17)
            if number not in self._used_ids:
                self._used_ids.add(number)
                return number

    def phone(self) -> str:
        return (
            self.rng.choice(["138", "139", "135", "150", "151", "152", "158", "186", "187", "188", "199", "177"])
            + f"{self.rng.randrange(0, 10**8):08d}"
        )

    def birth(self, min_age: int, max_age: int, today: date) -> date:
        days = self.rng.randrange(min_age * 365, max_age * 365 + 1)
        return today - timedelta(days=days)

    # -- structure ---------------------------------------------------------------------------
    def _region(self, *, code: str, name: str, level: str, parent: Region | None, kind_label: str) -> Region:
        """Create the region, or take over the one with this code kept by a replace (see generate_county)."""
        region = self._existing_regions.pop(code, None)
        if region is None:
            region = Region.objects.create(name=name, code=code, level=level, parent=parent, kind_label=kind_label)
        else:
            region.name, region.level, region.parent, region.kind_label = name, level, parent, kind_label
        ids = {"county": None, "township": None, "village": None}
        if parent is not None:
            ids.update(parent.ancestor_ids())
        ids[level] = region.pk
        region.county_id, region.township_id, region.village_id = ids["county"], ids["township"], ids["village"]
        region.save()
        return region

    @transaction.atomic
    def build(
        self, *, townships: int, villages_per_township: int, households: int, groups_per_village: int = 5, progress=None
    ) -> GeneratedCounty:
        """Build the county in one transaction. ``progress(done_villages, total_villages, result)`` after each village.

        Regions whose code is already taken inside this county (kept by ``generate_county --replace`` because the
        audit trail points at them) are reused; anything else with the county's code is an error of the caller.
        """
        tags = ensure_tags()
        self._existing_regions = {
            r.code: r
            for r in Region.objects.filter(
                Q(code=self.county_code) | Q(county__code=self.county_code), level__in=_KEPT_LEVELS
            )
        }
        county = self._region(
            code=self.county_code, name=self.county_name, level=RegionLevel.COUNTY, parent=None, kind_label="县"
        )
        result = GeneratedCounty(county=county)
        n_villages = townships * villages_per_township
        per_village = [households // n_villages] * n_villages
        for i in range(households - sum(per_village)):
            per_village[i] += 1
        today = date(2026, 11, 1)
        v_index = 0
        for t in range(townships):
            township = self._region(
                code=f"{self.county_code}{t + 1:03d}",
                name=self.place_name("镇"),
                level=RegionLevel.TOWNSHIP,
                parent=county,
                kind_label="镇",
            )
            result.townships.append(township)
            for v in range(villages_per_township):
                lat = self.center[0] + (t - townships / 2) * 0.09 + self.rng.uniform(-0.01, 0.01)
                lng = self.center[1] + (v - villages_per_township / 2) * 0.06 + self.rng.uniform(-0.01, 0.01)
                village = self._region(
                    code=f"{township.code}{v + 1:03d}",
                    name=self.place_name("村"),
                    level=RegionLevel.VILLAGE,
                    parent=township,
                    kind_label="村",
                )
                result.villages.append(village)
                self._build_village(result, village, (lat, lng), per_village[v_index], groups_per_village, tags, today)
                v_index += 1
                if progress:
                    progress(v_index, n_villages, result)
        result.unused_regions = list(self._existing_regions.values())
        return result

    def _build_village(self, result, village, center, n_households, n_groups, tags, today):
        groups = Region.objects.bulk_create(
            [
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
            ]
        )
        n_grids = max(1, round(n_households / self.households_per_grid))
        cols = max(1, int(n_grids**0.5))
        rows = -(-n_grids // cols)
        cell_lat, cell_lng = 0.004, 0.005
        origin = (center[0] - rows * cell_lat / 2, center[1] - cols * cell_lng / 2)
        grids, cells = [], []
        for g in range(n_grids):
            r, c = divmod(g, cols)
            south, west = origin[0] + r * cell_lat, origin[1] + c * cell_lng
            north, east = south + cell_lat, west + cell_lng
            ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
            grids.append(
                Grid(
                    code=f"{village.code}{g + 1:03d}",
                    name=f"{village.name}第{g + 1}网格",
                    kind=GridKind.BASE,
                    village=village,
                    township_id=village.township_id,
                    county_id=village.county_id,
                    polygon={"type": "Polygon", "coordinates": [ring]},
                    center_lat=(south + north) / 2,
                    center_lng=(west + east) / 2,
                    complaint_phone="12345",
                )
            )
            cells.append((south, west, north, east))
        grids = Grid.objects.bulk_create(grids)
        result.grids.extend(grids)
        staff = []
        for grid in grids:
            gender = self.rng.choice("MF")
            staff.append(
                GridStaff(
                    grid=grid,
                    name=self.family_name() + self.given_name(gender),
                    phone=self.phone(),
                    role=GridStaffRole.FIRST,
                )
            )
        GridStaff.objects.bulk_create(staff)

        households, people_rows = [], []
        for h in range(n_households):
            g = h * n_grids // n_households
            south, west, north, east = cells[g]
            households.append(
                Household(
                    number=f"{h + 1:04d}",
                    village=village,
                    township_id=village.township_id,
                    county_id=village.county_id,
                    group=groups[h * len(groups) // n_households],
                    grid=grids[g],
                    address=f"{village.name}{h * len(groups) // n_households + 1}组{self.rng.randrange(1, 200)}号",
                    latitude=self.rng.uniform(south, north),
                    longitude=self.rng.uniform(west, east),
                )
            )

        for household in households:
            family = self.family_name()
            members = self._family(today)
            for i, (relation, gender, min_age, max_age) in enumerate(members):
                surname = (
                    family
                    if relation in (Relation.HEAD, Relation.CHILD, Relation.GRANDCHILD, Relation.PARENT)
                    else self.family_name()
                )
                birth = self.birth(min_age, max_age, today)
                id_number = self.id_number(birth, gender)
                phone = self.phone() if 18 <= (today - birth).days // 365 <= 75 and self.rng.random() < 0.85 else ""
                p = Person(
                    household=household,
                    county_id=household.county_id,
                    township_id=household.township_id,
                    village_id=household.village_id,
                    name=surname + self.given_name(gender),
                    gender=gender,
                    birth_date=birth,
                    relation=relation,
                )
                p.set_id_number(id_number)  # ciphertext, digests (whole and tails), masked form
                if phone:
                    p.set_phone(phone)
                people_rows.append(p)
                if i == 0:
                    household.head_name = p.name
        # Head names are known before the insert, so households go in once (no bulk_update round).
        households = Household.objects.bulk_create(households, batch_size=self.batch_size)
        people = Person.objects.bulk_create(people_rows, batch_size=self.batch_size)
        result.households += len(households)
        result.people += len(people)

        # Tags, party branch and members (联户: each member linked to ~15 households).
        through = Person.tags.through
        tag_rows = []
        adults = [p for p in people if (today - p.birth_date).days // 365 >= 18]
        members = self.rng.sample(adults, max(1, len(adults) * 6 // 100)) if adults else []
        for p in members:
            tag_rows.append(through(person_id=p.pk, tag_id=tags["party_member"].pk))
        for p in people:
            age = (today - p.birth_date).days // 365
            roll = self.rng.random()
            if roll < 0.04:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["dibao"].pk))
            elif roll < 0.055:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["disabled"].pk))
            elif roll < 0.06:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["tekun"].pk))
            elif roll < 0.062 and age >= 18:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["community_correction"].pk))
            elif roll < 0.064 and age >= 18:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["released_prisoner"].pk))
            if age >= 70 and self.rng.random() < 0.2:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["left_behind_elder"].pk))
            elif age < 16 and self.rng.random() < 0.15:
                tag_rows.append(through(person_id=p.pk, tag_id=tags["left_behind_child"].pk))
        through.objects.bulk_create(tag_rows, batch_size=self.batch_size, ignore_conflicts=True)

        branch = PartyBranch.objects.create(
            name=f"中共{village.name}支部委员会",
            village=village,
            township_id=village.township_id,
            county_id=village.county_id,
            secretary=members[0] if members else None,
        )
        pm_rows = [
            PartyMember(
                person=p,
                branch=branch,
                village=village,
                township_id=village.township_id,
                county_id=village.county_id,
                joined_on=self.birth(1, 40, today),
            )
            for p in members
        ]
        pm_rows = PartyMember.objects.bulk_create(pm_rows, batch_size=self.batch_size)
        link = PartyMember.linked_households.through
        links = []
        for i, pm in enumerate(pm_rows):
            start = (i * 15) % max(1, len(households))
            for household in households[start : start + 15]:
                links.append(link(partymember_id=pm.pk, household_id=household.pk))
        link.objects.bulk_create(links, batch_size=self.batch_size, ignore_conflicts=True)

        orgs = []
        for _ in range(max(1, n_households // 60)):
            kind = self.rng.choice(OrganizationKind.values)
            word = self.rng.choice(_ORG_WORDS)
            label = {
                "enterprise": "有限公司",
                "family_farm": "家庭农场",
                "sole_trader": "经营部",
                "cooperative": "专业合作社",
            }[kind]
            grid = self.rng.choice(grids)
            orgs.append(
                Organization(
                    name=f"{village.name}{''.join(self.rng.sample(_PLACE_CHARS, 2))}{word}{label}",
                    kind=kind,
                    village=village,
                    township_id=village.township_id,
                    county_id=village.county_id,
                    grid=grid,
                    legal_representative=self.family_name() + self.given_name(self.rng.choice("MF")),
                    contact_phone=self.phone(),
                    address=f"{village.name}{self.rng.randrange(1, 99)}号",
                )
            )
        Organization.objects.bulk_create(orgs)

    def _family(self, today) -> list[tuple[str, str, int, int]]:
        """Relation, gender and age range of each member; about 3.3 people per household."""
        head_gender = "M" if self.rng.random() < 0.85 else "F"
        members = [(Relation.HEAD, head_gender, 30, 75)]
        if self.rng.random() < 0.8:
            members.append((Relation.SPOUSE, "F" if head_gender == "M" else "M", 28, 73))
        for _ in range(self.rng.choices([0, 1, 2, 3], [15, 40, 35, 10])[0]):
            members.append((Relation.CHILD, self.rng.choice("MF"), 1, 30))
        if self.rng.random() < 0.25:
            members.append((Relation.PARENT, self.rng.choice("MF"), 76, 92))
        return members


def bulk_accounts(wanted: list[tuple]) -> tuple[dict, set[str]]:
    """Accounts for generated data, created in bulk once and found again on a later run.

    ``wanted`` holds ``(username, display name, role, region id, grid id, household id)``; a new account gets no
    usable password (it cannot sign in) and its one role assignment. Returns ({username: User}, the usernames
    created now). Real accounts go through ``accounts.services``, which hashes a password per account.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import RoleAssignment, User

    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    password = make_password(None)
    new = [
        User(username=username, display_name=name[:50], password=password)
        for username, name, *_rest in wanted
        if username not in existing
    ]
    created = User.objects.bulk_create(new, batch_size=2000)
    users = existing | {u.username: u for u in created}
    if connection.vendor != "postgresql":  # bulk_create returns the ids on PostgreSQL and recent SQLite
        users = {u.username: u for u in User.objects.filter(username__in=list(users))}
    fresh = {u.username for u in created}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=users[username], role=role, region_id=region_id, grid_id=grid_id, household_id=household_id
            )
            for username, _name, role, region_id, grid_id, household_id in wanted
            if username in fresh
        ],
        batch_size=2000,
    )
    return users, fresh


class GenerationError(Exception):
    """A generator refuses: the county has such rows already, has no villages or households … (the message)."""


class CountyCommand:
    """The shape of a command that writes bench data into a county made by ``generate_county`` (``--county`` code,
    ``--seed``, ``--year``, as ``bench_county``): a command subclasses it with ``BaseCommand``, adds its own
    arguments in ``more_arguments`` and calls its generator in ``generate(region, actor, **options)``; a
    ``GenerationError`` becomes the command's refusal, the result and the time are written."""

    def add_arguments(self, parser):
        parser.add_argument("--county", default="510499", help="County code.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=None, help="Default: this year (up to now).")
        self.more_arguments(parser)

    def more_arguments(self, parser) -> None:
        pass

    def generate(self, region, actor, **options):
        raise NotImplementedError

    def handle(self, *args, county, **options):
        import time

        from django.core.management.base import CommandError

        from accounts.models import User

        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county {county}: run generate_county first.")
        actor = User.objects.filter(username="bench_county").first()
        if actor is None:
            raise CommandError("No bench_county account: run generate_county without --no-accounts first.")
        started = time.monotonic()
        try:
            result = self.generate(region, actor, **options)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result} in {time.monotonic() - started:.1f} s")
