"""Every registry page through HTTP: renders in scope, keeps typed input on errors, writes via services."""

from datetime import date

from registry.models import Household, Organization, PartyBranch, PartyMember, Person
from tests.factories import valid_id_number


def test_household_list_search_and_htmx_partial(world, login):
    client = login(world.users["cadre_a1"])
    page = client.get("/registry/households/?q=王建国").content.decode()
    assert "0001" in page and "李秀英" not in page
    partial = client.get("/registry/households/?q=李", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "李秀英" in partial


def test_household_create_then_member(world, login):
    client = login(world.users["cadre_a1"])
    response = client.post(
        "/registry/households/new/",
        {"village": world.village_a1.pk, "number": "0100", "grid": world.grid_a1.pk, "address": "安家村1组"},
    )
    assert response.status_code == 302
    household = Household.objects.get(village=world.village_a1, number="0100")
    number = valid_id_number(date(1970, 2, 3), "M")
    response = client.post(
        f"/registry/households/{household.pk}/members/new/",
        {"name": "孙大山", "relation": "head", "id_number": number, "phone": "13811112222"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "孙大山"
    person = household.members.get()
    assert person.birth_date == date(1970, 2, 3) and person.gender == "M"


def test_bad_member_form_keeps_what_was_typed(world, login):
    client = login(world.users["cadre_a1"])
    household = world.households["a1b"]
    response = client.post(
        f"/registry/households/{household.pk}/members/new/",
        {"name": "钱多多", "relation": "child", "id_number": "510422199001010000", "phone": "13811112222"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="钱多多"' in page and 'value="510422199001010000"' in page
    assert not Person.objects.filter(name="钱多多").exists()


def test_person_edit_keeps_identifiers_when_left_empty(world, login):
    client = login(world.users["cadre_a1"])
    person = world.people["a1_head"]
    old_id = person.id_number
    response = client.post(
        f"/registry/people/{person.pk}/edit/",
        {"name": "王建华", "relation": "head", "gender": "M", "birth_date": "1980-05-17"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "王建华" and person.id_number == old_id and person.phone == "13800000001"


def test_reveal_endpoint(world, login):
    person = world.people["a1_head"]
    client = login(world.users["cadre_a1"])
    assert (
        client.post(f"/registry/people/{person.pk}/reveal/id_number/")
        .content.decode()
        .strip()
        .endswith(f"{person.id_number}</span>")
    )
    grid_client = login(world.users["grid_a1"])
    assert grid_client.post(f"/registry/people/{person.pk}/reveal/id_number/").status_code == 403
    assert grid_client.post(f"/registry/people/{world.people['b1_head'].pk}/reveal/phone/").status_code == 404


def test_detail_page_shows_masked_identifiers_only(world, login):
    person = world.people["a1_head"]
    page = login(world.users["cadre_a1"]).get(f"/registry/households/{person.household_id}/").content.decode()
    assert person.id_number_masked in page and person.id_number not in page
    assert "138****0001" in page and "13800000001" not in page


def test_people_and_organizations_pages(world, login):
    client = login(world.users["cadre_a1"])
    assert "刘桂兰" in client.get("/registry/people/?q=刘").content.decode()
    response = client.post(
        "/registry/organizations/new/",
        {
            "village": world.village_a1.pk,
            "name": "安家村茶叶合作社",
            "kind": "cooperative",
            "contact_phone": "13900001111",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="安家村茶叶合作社")
    assert "安家村茶叶合作社" in client.get("/registry/organizations/").content.decode()
    response = client.post(
        f"/registry/organizations/{org.pk}/edit/",
        {"name": "安家村茶叶专业合作社", "kind": "cooperative", "credit_code": "123"},
    )
    assert response.status_code == 200  # credit code too short: refused, nothing changed
    org.refresh_from_db()
    assert org.name == "安家村茶叶合作社"
    assert login(world.users["cadre_b1"]).get(f"/registry/organizations/{org.pk}/edit/").status_code == 404


def test_party_branch_and_members(world, login):
    client = login(world.users["cadre_a1"])
    response = client.post("/registry/party/new/", {"village": world.village_a1.pk, "name": "中共安家村支部委员会"})
    assert response.status_code == 302
    branch = PartyBranch.objects.get(village=world.village_a1)
    response = client.post(
        f"/registry/party/{branch.pk}/members/new/",
        {
            "person": world.people["a1_head"].pk,
            "joined_on": "2001-07-01",
            "linked_households": [world.households["a1"].pk, world.households["a1b"].pk],
        },
    )
    assert response.status_code == 302
    member = PartyMember.objects.get(person=world.people["a1_head"])
    assert member.linked_households.count() == 2
    assert world.people["a1_head"].tags.filter(code="party_member").exists()
    # A resident of another village cannot join this branch.
    response = client.post(f"/registry/party/{branch.pk}/members/new/", {"person": world.people["b1_head"].pk})
    assert response.status_code == 200 and not PartyMember.objects.filter(person=world.people["b1_head"]).exists()
    response = client.post(
        f"/registry/party/{branch.pk}/edit/", {"name": "中共安家村委员会", "secretary": world.people["a1_head"].pk}
    )
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.secretary == world.people["a1_head"]
    page = client.get(f"/registry/party/{branch.pk}/").content.decode()
    assert "王建国" in page
    assert login(world.users["cadre_b1"]).get(f"/registry/party/{branch.pk}/").status_code == 404


def test_villager_sees_own_household_only(world, login):
    client = login(world.users["villager_a1"])
    response = client.get("/registry/households/mine/")
    assert response.status_code == 302 and response["Location"].endswith(f"/{world.households['a1'].pk}/")
    assert client.get("/registry/households/").status_code == 403
    assert client.get(f"/registry/households/{world.households['a1b'].pk}/").status_code == 404
    page = client.get(f"/registry/households/{world.households['a1'].pk}/").content.decode()
    assert "社区矫正" not in page


def test_home_and_healthz(world, login, client):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] in {"sqlite", "postgresql"}
    page = login(world.users["county_admin"]).get("/").content.decode()
    assert ">4<" in page.replace(" ", "")  # four households in the county
