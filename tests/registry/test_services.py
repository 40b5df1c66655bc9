"""Registry writes: rules, Chinese messages, and nothing changed when input is refused."""

from datetime import date

import pytest

from core.errors import DomainError
from core.models import AuditEvent
from registry import services
from registry.models import Household, Person
from tests.factories import valid_id_number


def test_person_create_reads_gender_and_birth_from_id_number(world):
    household = world.households["a2"]
    number = valid_id_number(date(1990, 7, 1), "F")
    person = services.person_create(
        actor=world.users["county_admin"],
        household=household,
        name="赵小红",
        relation="child",
        id_number=number,
        phone="139 0000 1111",
    )
    assert person.gender == "F" and person.birth_date == date(1990, 7, 1)
    assert person.id_number == number and person.id_number_masked.startswith("51")
    assert person.phone == "13900001111" and person.phone_masked == "139****1111"
    assert number not in person.id_number_cipher


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"id_number": "510422199001010000"}, "id_number", "校验"),
        ({"id_number": valid_id_number(date(1990, 1, 1), "M"), "gender": "F"}, "gender", "性别"),
        ({"id_number": valid_id_number(date(1990, 1, 1), "M"), "birth_date": date(1990, 1, 2)}, "birth_date", "出生"),
        ({"phone": "12345"}, "phone", "手机"),
        ({"name": ""}, "name", "姓名"),
        ({"relation": "head"}, "relation", "户主"),
    ],
)
def test_bad_person_input_is_refused_and_changes_nothing(world, kwargs, field, fragment):
    household = world.households["a1"]
    before_people, before_events = Person.objects.count(), AuditEvent.objects.count()
    args = {"name": "测试", "gender": "M", "relation": "child"} | kwargs
    with pytest.raises(DomainError) as exc:
        services.person_create(actor=world.users["cadre_a1"], household=household, **args)
    assert field in exc.value.error_dict
    assert fragment in " ".join(exc.value.error_dict[field][0].messages)
    assert Person.objects.count() == before_people
    assert AuditEvent.objects.count() == before_events


def test_duplicate_id_number_is_refused(world):
    existing = world.people["b1_head"].id_number
    with pytest.raises(DomainError) as exc:
        services.person_create(
            actor=world.users["cadre_a1"],
            household=world.households["a1"],
            name="重复",
            relation="child",
            id_number=existing,
        )
    assert "已登记" in str(exc.value.error_dict["id_number"][0].messages)


def test_grid_worker_cannot_assign_restricted_tags(world):
    with pytest.raises(DomainError):
        services.person_update(
            actor=world.users["grid_a1"],
            person=world.people["a1_head"],
            name="王建国",
            relation="head",
            tags=[world.tags["released_prisoner"]],
        )
    assert not world.people["a1_head"].tags.filter(code="released_prisoner").exists()


def test_grid_worker_update_keeps_restricted_tags_they_cannot_see(world):
    wife = world.people["a1_wife"]
    services.person_update(
        actor=world.users["grid_a1"],
        person=wife,
        name="刘桂兰",
        relation="spouse",
        tags=[world.tags["left_behind_woman"]],
    )
    assert set(wife.tags.values_list("code", flat=True)) == {"left_behind_woman", "community_correction"}


def test_household_number_unique_per_village(world):
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=world.users["cadre_a1"], village=world.village_a1, number="0001")
    assert "已存在" in str(exc.value.error_dict["number"][0].messages)
    # The same number in another village is fine.
    services.household_create(actor=world.users["cadre_b1"], village=world.village_b1, number="0002")


def test_household_grid_must_belong_to_the_village(world):
    with pytest.raises(DomainError) as exc:
        services.household_create(
            actor=world.users["county_admin"], village=world.village_a1, number="0099", grid=world.grid_b1
        )
    assert "grid" in exc.value.error_dict
    assert not Household.objects.filter(number="0099").exists()


def test_head_name_follows_the_head_member(world):
    household = world.households["a2"]
    services.person_update(
        actor=world.users["county_admin"], person=world.people["a2_head"], name="赵卫国", relation="head"
    )
    household.refresh_from_db()
    assert household.head_name == "赵卫国"


def test_reveal_is_logged_and_needs_the_right(world):
    from core.errors import PermissionDenied

    person = world.people["a1_head"]
    value = services.person_reveal(actor=world.users["cadre_a1"], person=person, field="id_number")
    assert value == person.id_number
    assert AuditEvent.objects.filter(action="registry.person.reveal_id_number", target_id=str(person.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=world.users["grid_a1"], person=person, field="id_number")
    assert services.person_reveal(actor=world.users["grid_a1"], person=person, field="phone") == "13800000001"
