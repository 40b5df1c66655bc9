"""红色片区: a sector over the village's grids, led by a party member of the village, published with the grids (whom
to call) on a page without login."""

import pytest

from committees import services
from committees.models import Sector
from core.errors import DomainError, NotFound
from regions.models import GridStaff
from registry.models import PartyBranch, PartyMember


@pytest.fixture
def member(world):
    branch = PartyBranch(name="安家村党支部")
    branch.place_in(world.village_a1)
    branch.save()
    row = PartyMember(person=world.people["a1_head"], branch=branch)
    row.place_in(world.village_a1)
    row.save()
    return row


def make(world, member, **kw):
    data = {
        "name": "一片区",
        "leader": member.person_id,
        "phone": "0834-5551234",
        "duties": "宣传员、联络员",
        "grids": [world.grid_a1.pk],
    }
    data.update(kw)
    return services.sector_set(actor=world.users["cadre_a1"], village=world.village_a1, **data)


def test_a_sector_is_led_by_a_party_member_of_the_village(world, member):
    sector = make(world, member)
    assert sector.leader == world.people["a1_head"] and list(sector.grids.all()) == [world.grid_a1]
    with pytest.raises(DomainError) as exc:
        make(world, member, name="二片区", leader=world.people["a1b_head"].pk, grids=[])  # not a party member
    assert "leader" in exc.value.message_dict
    with pytest.raises(DomainError):
        make(world, member, name="二片区", leader=world.people["b1_head"].pk, grids=[])  # another village
    assert Sector.objects.count() == 1


def test_a_grid_is_in_one_sector_in_use_and_of_its_village(world, member):
    first = make(world, member)
    with pytest.raises(DomainError) as exc:
        make(world, member, name="二片区", grids=[world.grid_a1.pk])
    assert "grids" in exc.value.message_dict
    with pytest.raises(DomainError):
        make(world, member, name="二片区", grids=[world.grid_b1.pk])
    services.sector_set(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        sector=first,
        name="一片区",
        leader=member.person_id,
        phone="0834-5551234",
        grids=[world.grid_a1.pk],
        active=False,
    )
    second = make(world, member, name="二片区", grids=[world.grid_a1.pk])  # the first is out of use
    assert list(second.grids.all()) == [world.grid_a1]


@pytest.mark.parametrize("phone", ["", "abc", "12"])
def test_a_sector_needs_a_phone_to_call(world, member, phone):
    with pytest.raises(DomainError) as exc:
        make(world, member, phone=phone)
    assert "phone" in exc.value.message_dict
    assert not Sector.objects.exists()


def test_only_the_village_keeps_its_sectors(world, member):
    for who in ("cadre_b1", "villager_a1", "grid_a1"):
        with pytest.raises(NotFound):
            services.sector_set(
                actor=world.users[who],
                village=world.village_a1,
                name="x",
                leader=member.person_id,
                phone="0834-5551234",
            )
    assert not Sector.objects.exists()


def test_the_public_notice_says_whom_to_call_without_login(world, member, client):
    make(world, member)
    GridStaff.objects.create(grid=world.grid_a1, name="张网格", phone="13800009999", role="first")
    world.grid_a1.complaint_phone = "12345"
    world.grid_a1.save()
    page = client.get(f"/public/{world.village_a1.code}/grids/")
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex, nofollow"
    body = page.content.decode()
    assert "一片区" in body and "王建国" in body and "0834-5551234" in body
    assert "张网格" in body and "13800009999" in body and "12345" in body
    assert world.grid_a1b.name in body  # a grid outside any sector is listed too
    assert client.get("/public/nowhere/grids/").status_code == 404
    api = client.get(f"/api/committees/public/{world.village_a1.code}/grids").json()
    assert (
        api["sectors"][0]["leader"] == "王建国" and api["sectors"][0]["grids"][0]["staff"][0]["phone"] == "13800009999"
    )
    assert [g["name"] for g in api["other_grids"]] == [world.grid_a1b.name]


def test_the_page_and_the_api_set_up_and_change_a_sector(world, member, login, client, api_token):
    cadre = login(world.users["cadre_a1"])
    response = cadre.post(
        "/committees/",
        {
            "form": "sector",
            "village": world.village_a1.pk,
            "r-name": "一片区",
            "r-leader": member.person_id,
            "r-phone": "0834-5551234",
            "r-grids": [world.grid_a1.pk],
            "r-active": "on",
        },
    )
    assert response.status_code == 302
    sector = Sector.objects.get()
    page = cadre.post(
        f"/committees/sectors/{sector.pk}/",
        {"name": "河东片区", "leader": member.person_id, "phone": "0834-5551234", "active": "on"},
    )
    assert page.status_code == 302
    sector.refresh_from_db()
    assert sector.name == "河东片区" and not sector.grids.exists()
    headers = api_token(world.users["cadre_a1"])
    changed = client.post(
        f"/api/committees/sectors/{sector.pk}",
        {"village": world.village_a1.pk, "name": "河东片区", "leader": member.person_id, "phone": "bad"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 422 and "phone" in changed.json()["errors"]
    other = api_token(world.users["cadre_b1"])
    assert (
        client.post(
            f"/api/committees/sectors/{sector.pk}",
            {"village": world.village_a1.pk, "name": "x", "leader": member.person_id, "phone": "0834-5551234"},
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
    listed = client.get(f"/api/committees/sectors?village={world.village_a1.pk}", **headers).json()
    assert listed[0]["name"] == "河东片区"
