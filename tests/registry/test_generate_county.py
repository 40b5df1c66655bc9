"""generate_county: a deterministic, consistent county (small here; the benchmark runs it at 100,000 households)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import crypto
from core.models import AuditEvent
from core.roles import Role
from core.validators import parse_id_number
from regions.models import Grid, Region, RegionLevel
from registry.management.commands.generate_county import BENCH_CADRE_USER, BENCH_COUNTY_USER, county_counts
from registry.models import Household, Person

CODE = "510481"
PASSWORD = "Bench@2026"


def generate(code: str = CODE, seed: int = 7, **options) -> str:
    out = StringIO()
    call_command(
        "generate_county",
        households=300,
        seed=seed,
        townships=2,
        villages_per_township=3,
        county_code=code,
        stdout=out,
        stderr=StringIO(),
        **options,
    )
    return out.getvalue()


def people_of(code: str) -> list[Person]:
    return list(
        Person.objects.filter(county__code=code)
        .select_related("household", "village")
        .order_by("village__code", "household__number", "id")
    )


@pytest.fixture
def county(db):
    output = generate()
    assert "generated in" in output
    return Region.objects.get(code=CODE)


def test_counts(county):
    counts = county_counts(county)
    assert counts["townships"] == 2
    assert counts["villages"] == 6
    assert counts["groups"] == 30
    assert counts["households"] == 300
    # 50 households a village, ~33 a grid: two grids each, one staff member per grid.
    assert counts["grids"] == 12 and counts["grid_staff"] == 12
    assert 2.5 * 300 <= counts["residents"] <= 4.5 * 300
    assert counts["party_branches"] == 6 and counts["party_members"] > 0 and counts["linked_households"] > 0
    assert counts["organizations"] >= 6 and counts["person_tags"] > 0
    villages = Region.objects.filter(county=county, level=RegionLevel.VILLAGE)
    assert all(Household.objects.filter(village=v).count() == 50 for v in villages)


def test_every_household_lies_in_a_grid_of_its_village(county):
    households = Household.objects.filter(county=county).select_related("grid", "group")
    assert households.count() == 300
    for h in households:
        assert h.grid is not None and h.grid.village_id == h.village_id
        assert h.group is not None and h.group.parent_id == h.village_id
        assert (h.county_id, h.township_id) == (h.grid.county_id, h.grid.township_id)
        ring = h.grid.polygon["coordinates"][0]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lats) <= h.latitude <= max(lats)
        assert min(lngs) <= h.longitude <= max(lngs)
        assert h.head_name and h.members.filter(relation="head", name=h.head_name).exists()


def test_grids_of_a_village_do_not_overlap(county):
    for village in Region.objects.filter(county=county, level=RegionLevel.VILLAGE):
        boxes = []
        for grid in Grid.objects.filter(village=village):
            ring = grid.polygon["coordinates"][0]
            lats, lngs = [p[1] for p in ring], [p[0] for p in ring]
            boxes.append((min(lats), min(lngs), max(lats), max(lngs)))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap_lat = min(a[2], b[2]) - max(a[0], b[0])
                overlap_lng = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_lat <= 1e-9 or overlap_lng <= 1e-9


def test_id_numbers_are_valid_unique_and_match_the_person(county):
    people = people_of(CODE)
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    for person, number in zip(people, numbers, strict=True):
        info = parse_id_number(number)
        assert number.startswith(CODE)
        assert (info.gender, info.birth_date) == (person.gender, person.birth_date)
        assert person.id_number_digest == crypto.digest(number)
        assert person.id_number_masked == number[:2] + "*" * 14 + number[-2:]
        assert number not in person.id_number_cipher
        if person.phone_cipher:
            assert person.phone_digest == crypto.digest(person.phone)


def test_same_seed_gives_the_same_county(db):
    generate(CODE)
    generate("510482", no_accounts=True)
    a, b = people_of(CODE), people_of("510482")
    assert [p.name for p in a] == [p.name for p in b]
    assert [p.household.number for p in a] == [p.household.number for p in b]
    # The ID numbers differ only in the area code (the county code) and so in the check digit.
    assert [p.id_number[6:17] for p in a] == [p.id_number[6:17] for p in b]
    assert [p.phone for p in a] == [p.phone for p in b]
    names = lambda code: list(  # noqa: E731
        Region.objects.filter(county__code=code).exclude(code=code).order_by("code").values_list("name", flat=True)
    )
    assert names(CODE) == names("510482")


def test_another_seed_gives_other_people(db):
    generate(CODE, seed=7)
    generate("510482", seed=8, no_accounts=True)
    assert [p.name for p in people_of(CODE)] != [p.name for p in people_of("510482")]


def test_an_existing_county_code_is_refused(county):
    before = Person.objects.count()
    with pytest.raises(CommandError, match="already exists"):
        generate()
    assert Person.objects.count() == before


def test_replace_deletes_and_generates_again_keeping_the_audit_trail(county):
    names = [p.name for p in people_of(CODE)]
    events = AuditEvent.objects.count()
    output = generate(replace=True)
    assert "Deleting the data" in output
    assert [p.name for p in people_of(CODE)] == names
    assert county_counts(Region.objects.get(code=CODE))["households"] == 300
    assert AuditEvent.objects.count() > events  # nothing deleted, the new generation recorded
    assert Region.objects.filter(code=CODE).count() == 1


def test_bench_accounts(county):
    from accounts.models import User

    admin = User.objects.get(username=BENCH_COUNTY_USER)
    cadre = User.objects.get(username=BENCH_CADRE_USER)
    assert admin.check_password(PASSWORD) and cadre.check_password(PASSWORD)
    assert list(admin.assignments.values_list("role", "region__code")) == [(Role.COUNTY_ADMIN, CODE)]
    assert list(cadre.assignments.values_list("role", "region__code")) == [(Role.VILLAGE_CADRE, f"{CODE}001001")]
