"""Staff find a resident by the last digits of a phone (手机尾号), the tail of an ID number (4 or 6 characters) or
part of the address (issue 17 #18). The tails are kept as keyed digests beside the ciphertexts (never in the
clear), filled for existing rows by the migration, and indexed; the address is plain text."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection

from core import crypto
from registry import selectors
from registry.models import Household, Person
from tests.factories import make_household, make_person, valid_id_number

pytestmark = pytest.mark.django_db


def _id_ending_in_x() -> str:
    day = date(1980, 1, 1)
    while True:
        number = valid_id_number(day, "F")
        if number.endswith("X"):
            return number
        day += timedelta(days=1)


@pytest.fixture
def folks(world):
    h = make_household(world.village_a1, "0301", world.grid_a1, head="周立新")
    Household.objects.filter(pk=h.pk).update(address="安家村幸福路3号")
    zhou = make_person(h, "周立新", phone="13912345678", id_number=valid_id_number(date(1966, 7, 8), "M"))
    x = _id_ending_in_x()
    wife = make_person(h, "吴小红", gender="F", phone="13700009999", id_number=x)
    far = make_household(world.village_b1, "0302", world.grid_b1, head="郑远")
    make_person(far, "郑远", phone="13612345678", id_number=valid_id_number(date(1970, 3, 4), "M"))
    return h, zhou, wife, far


def test_a_phone_tail_finds_the_household_and_the_resident(world, folks):
    h, zhou, wife, far = folks
    cadre = world.users["cadre_a1"]
    assert list(selectors.household_search(cadre, q="5678")) == [h]  # 郑远 shares the tail but is out of scope
    assert list(selectors.person_search(cadre, q="5678")) == [zhou]
    county = world.users["county_admin"]
    assert set(selectors.household_search(county, q="5678")) == {h, far}


def test_the_tail_of_an_id_number_4_or_6_with_x(world, folks):
    h, zhou, wife, far = folks
    cadre = world.users["cadre_a1"]
    number = zhou.id_number
    assert list(selectors.person_search(cadre, q=number[-4:])) == [zhou]
    assert list(selectors.person_search(cadre, q=number[-6:])) == [zhou]
    assert list(selectors.household_search(cadre, q=number[-6:])) == [h]
    x = wife.id_number
    assert list(selectors.person_search(cadre, q=x[-4:].lower())) == [wife]  # 123x as typed
    assert list(selectors.person_search(cadre, q=x[-6:])) == [wife]
    # a household number still matches by its start
    assert h in selectors.household_search(cadre, q="0301")


def test_part_of_an_address(world, folks):
    h, zhou, wife, far = folks
    cadre = world.users["cadre_a1"]
    assert list(selectors.household_search(cadre, address="幸福路")) == [h]
    assert set(selectors.person_search(cadre, address="幸福路")) == {zhou, wife}
    assert list(selectors.household_search(cadre, q="周立新", address="幸福路")) == [h]
    assert list(selectors.household_search(cadre, q="周立新", address="和平路")) == []
    # the address is not an identifier: plain text, no ciphertext column
    assert Household._meta.get_field("address").get_internal_type() == "CharField"
    assert not any(f.name.startswith("address_") for f in Household._meta.get_fields())


def test_the_tails_are_keyed_digests_never_the_digits(folks):
    h, zhou, wife, far = folks
    row = Person.objects.filter(pk=zhou.pk).values().get()
    assert row["phone_tail_digest"] == crypto.tail_digest("phone4", "5678")
    assert row["id_tail4_digest"] == crypto.tail_digest("id4", zhou.id_number[-4:])
    assert row["id_tail6_digest"] == crypto.tail_digest("id6", zhou.id_number[-6:])
    # a tail's digest is not the digest of the same digits as a whole value, nor another kind's
    assert crypto.tail_digest("phone4", "5678") not in {crypto.digest("5678"), crypto.tail_digest("id4", "5678")}
    plain = {"5678", zhou.id_number[-4:], zhou.id_number[-6:]}
    stored = {k: v for k, v in row.items() if k.endswith(("digest", "masked")) and k != "phone_masked"}
    assert not any(v == p for v in stored.values() for p in plain)


def test_the_migration_fills_existing_rows(folks):
    h, zhou, wife, far = folks
    Person.objects.update(phone_tail_digest="", id_tail4_digest="", id_tail6_digest="")
    migration = importlib.import_module("registry.migrations.0004_person_tail_digests")
    migration.fill_tail_digests(apps, None)
    zhou.refresh_from_db()
    assert zhou.phone_tail_digest == crypto.tail_digest("phone4", "5678")
    assert zhou.id_tail6_digest == crypto.tail_digest("id6", zhou.id_number)
    assert not Person.objects.exclude(phone_cipher="").filter(phone_tail_digest="").exists()


def test_the_new_columns_are_indexed():
    constraints = connection.introspection.get_constraints(connection.cursor(), "registry_person")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    for column in ("phone_tail_digest", "id_tail4_digest", "id_tail6_digest"):
        assert (column,) in indexed, column
    if connection.vendor == "postgresql":
        household = connection.introspection.get_constraints(connection.cursor(), "registry_household")
        assert "registry_household_address_trgm" in household


def test_pages_and_api(world, folks, login, client, api_token):
    h, zhou, wife, far = folks
    page = login(world.users["cadre_a1"])
    found = page.get("/registry/households/", {"q": "5678"}).content.decode()
    assert "0301" in found and "0302" not in found
    by_address = page.get("/registry/households/", {"address": "幸福路"}).content.decode()
    assert "0301" in by_address and 'name="address"' in by_address
    people = page.get("/registry/people/", {"q": zhou.id_number[-6:]}).content.decode()
    assert "周立新" in people and "吴小红" not in people
    token = api_token(world.users["cadre_a1"])
    body = client.get("/api/households", {"q": "5678"}, **token).json()
    assert [row["number"] for row in body["items"]] == ["0301"]
    body = client.get("/api/households", {"address": "幸福"}, **token).json()
    assert [row["number"] for row in body["items"]] == ["0301"]
    listed = client.get("/api/people", {"q": "5678"}, **token).json()
    assert [p["name"] for p in listed] == ["周立新"]
