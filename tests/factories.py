"""Small, explicit builders for test data (no randomness unless a test asks for it)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from accounts.models import User
from accounts.services import role_assign, user_create
from core.roles import Role
from core.validators import id_check_digit
from regions.models import Grid, GridKind, Region, RegionLevel
from registry.generation import ensure_tags
from registry.models import Household, Person, Relation

PASSWORD = "Test@pass2026"
_seq = itertools.count(1)


def valid_id_number(birth: date = date(1980, 5, 17), gender: str = "M", area: str = "510422") -> str:
    n = next(_seq) % 100
    gender_digit = "1" if gender == "M" else "2"
    first17 = f"{area}{birth:%Y%m%d}{n:02d}{gender_digit}"
    return first17 + id_check_digit(first17)


def make_region(name: str, code: str, level: str, parent: Region | None = None) -> Region:
    region = Region.objects.create(name=name, code=code, level=level, parent=parent)
    ids = {"county": None, "township": None, "village": None}
    if parent is not None:
        ids.update(parent.ancestor_ids())
    if level != RegionLevel.GROUP:
        ids[level] = region.pk
    Region.objects.filter(pk=region.pk).update(
        county_id=ids["county"], township_id=ids["township"], village_id=ids["village"]
    )
    region.refresh_from_db()
    return region


def make_grid(village: Region, code: str, polygon=None) -> Grid:
    return Grid.objects.create(
        code=code,
        name=f"{village.name}{code}网格",
        kind=GridKind.BASE,
        village=village,
        township_id=village.township_id,
        county_id=village.county_id,
        polygon=polygon,
    )


def make_household(village: Region, number: str, grid: Grid | None = None, head: str = "张三") -> Household:
    h = Household(number=number, grid=grid, head_name=head)
    h.place_in(village)
    h.save()
    return h


def make_person(
    household: Household,
    name: str = "张三",
    *,
    relation=Relation.HEAD,
    gender="M",
    birth=date(1980, 5, 17),
    phone: str = "13800001234",
    id_number: str | None = None,
) -> Person:
    p = Person(
        household=household,
        name=name,
        gender=gender,
        birth_date=birth,
        relation=relation,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
    )
    p.set_id_number(id_number or valid_id_number(birth, gender))
    p.set_phone(phone)
    p.save()
    return p


def make_user(username: str, role: str, region: Region, *, grid=None, household=None) -> User:
    user = user_create(actor=None, username=username, password=PASSWORD, display_name=username, is_system=True)
    role_assign(actor=None, user=user, role=role, region=region, grid=grid, household=household, is_system=True)
    return User.objects.get(pk=user.pk)


@dataclass
class World:
    """Two townships; township A has villages A1 and A2, township B has village B1; users for every role."""

    county: Region
    township_a: Region
    township_b: Region
    village_a1: Region
    village_a2: Region
    village_b1: Region
    grid_a1: Grid
    grid_a1b: Grid
    grid_b1: Grid
    households: dict[str, Household] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tags: dict = field(default_factory=dict)


def build_world() -> World:
    county = make_region("测试县", "510422", RegionLevel.COUNTY)
    ta = make_region("甲镇", "510422001", RegionLevel.TOWNSHIP, county)
    tb = make_region("乙镇", "510422002", RegionLevel.TOWNSHIP, county)
    a1 = make_region("安家村", "510422001001", RegionLevel.VILLAGE, ta)
    a2 = make_region("和平村", "510422001002", RegionLevel.VILLAGE, ta)
    b1 = make_region("新桥村", "510422002001", RegionLevel.VILLAGE, tb)
    square = {
        "type": "Polygon",
        "coordinates": [[[102.0, 26.0], [102.01, 26.0], [102.01, 26.01], [102.0, 26.01], [102.0, 26.0]]],
    }
    g_a1 = make_grid(a1, "A1-01", square)
    g_a1b = make_grid(a1, "A1-02")
    g_b1 = make_grid(b1, "B1-01")
    w = World(county, ta, tb, a1, a2, b1, g_a1, g_a1b, g_b1)
    w.tags = ensure_tags()
    w.households["a1"] = make_household(a1, "0001", g_a1, head="王建国")
    w.households["a1b"] = make_household(a1, "0002", g_a1b, head="李秀英")
    w.households["a2"] = make_household(a2, "0001", None, head="赵卫东")
    w.households["b1"] = make_household(b1, "0001", g_b1, head="陈志强")
    w.people["a1_head"] = make_person(w.households["a1"], "王建国", phone="13800000001")
    w.people["a1_wife"] = make_person(
        w.households["a1"], "刘桂兰", relation=Relation.SPOUSE, gender="F", birth=date(1982, 3, 9), phone="13800000002"
    )
    w.people["a1_wife"].tags.add(w.tags["dibao"], w.tags["community_correction"])
    w.people["a1b_head"] = make_person(
        w.households["a1b"], "李秀英", gender="F", birth=date(1975, 1, 2), phone="13900000003"
    )
    w.people["a2_head"] = make_person(w.households["a2"], "赵卫东", phone="13700000004")
    w.people["b1_head"] = make_person(w.households["b1"], "陈志强", phone="13600000005")
    w.users = {
        "county_admin": make_user("county_admin", Role.COUNTY_ADMIN, county),
        "county_official": make_user("county_official", Role.COUNTY_OFFICIAL, county),
        "township_a": make_user("township_a", Role.TOWNSHIP_OFFICIAL, ta),
        "cadre_a1": make_user("cadre_a1", Role.VILLAGE_CADRE, a1),
        "cadre_b1": make_user("cadre_b1", Role.VILLAGE_CADRE, b1),
        "reviewer_a1": make_user("reviewer_a1", Role.REVIEWER, a1),
        "grid_a1": make_user("grid_a1", Role.GRID_WORKER, a1, grid=g_a1),
        "villager_a1": make_user("villager_a1", Role.VILLAGER, a1, household=w.households["a1"]),
        "mediator": make_user("mediator", Role.MEDIATOR, ta),
        "department": make_user("department", Role.DEPARTMENT_STAFF, county),
    }
    return w
