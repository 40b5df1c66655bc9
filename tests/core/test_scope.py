"""Scope is enforced on every page, search, export and API call, for every role."""

import pytest

from core.models import AuditEvent
from registry.models import Household

# role -> households (by world key) the role may see
VISIBLE = {
    "county_admin": {"a1", "a1b", "a2", "b1"},
    "county_official": {"a1", "a1b", "a2", "b1"},
    "township_a": {"a1", "a1b", "a2"},
    "cadre_a1": {"a1", "a1b"},
    "cadre_b1": {"b1"},
    "reviewer_a1": {"a1", "a1b"},
    "grid_a1": {"a1"},
    "villager_a1": {"a1"},
    "mediator": set(),
    "department": set(),
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_household_pages_answer_404_outside_scope(world, login, role):
    client = login(world.users[role])
    for key, household in world.households.items():
        status = client.get(f"/registry/households/{household.pk}/").status_code
        assert status == (200 if key in VISIBLE[role] else 404), (role, key, status)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_household_api_answers_404_outside_scope(world, client, api_token, role):
    headers = api_token(world.users[role])
    for key, household in world.households.items():
        status = client.get(f"/api/households/{household.pk}", **headers).status_code
        assert status == (200 if key in VISIBLE[role] else 404), (role, key, status)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_api_search_contains_nothing_outside_scope(world, client, api_token, role):
    headers = api_token(world.users[role])
    response = client.get("/api/households?page_size=100", **headers)
    if VISIBLE[role]:
        ids = {item["id"] for item in response.json()["items"]}
        assert ids == {world.households[k].pk for k in VISIBLE[role]}
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["cadre_a1", "township_a", "grid_a1", "cadre_b1"])
def test_search_by_exact_id_number_of_another_village_finds_nothing(world, client, api_token, role):
    headers = api_token(world.users[role])
    outsider = world.people["b1_head"] if role != "cadre_b1" else world.people["a1_head"]
    found = client.get(f"/api/households?q={outsider.id_number}", **headers).json()
    assert found["count"] == 0
    page = client.get(f"/registry/people/?q={outsider.id_number}").content.decode()
    assert outsider.name not in page


def test_search_by_exact_phone_and_id_number_inside_scope(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    by_phone = client.get("/api/households?q=13800000002", **headers).json()
    assert [i["id"] for i in by_phone["items"]] == [world.households["a1"].pk]
    by_id = client.get(f"/api/households?q={world.people['a1b_head'].id_number.lower()}", **headers).json()
    assert [i["id"] for i in by_id["items"]] == [world.households["a1b"].pk]


def test_out_of_scope_write_is_refused_and_changes_nothing(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    target = world.households["b1"]
    events = AuditEvent.objects.count()
    response = client.patch(
        f"/api/households/{target.pk}", {"address": "偷改"}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    assert Household.objects.get(pk=target.pk).address == ""
    assert AuditEvent.objects.count() == events


def test_reviewer_can_read_but_not_change(world, login):
    client = login(world.users["reviewer_a1"])
    household = world.households["a1"]
    assert client.get(f"/registry/households/{household.pk}/").status_code == 200
    assert client.get(f"/registry/households/{household.pk}/edit/").status_code == 403
    response = client.post(f"/registry/households/{household.pk}/edit/", {"number": "9", "address": "x"})
    assert response.status_code == 403
    assert Household.objects.get(pk=household.pk).number == "0001"


def test_grid_worker_cannot_edit_households_of_other_grids(world, login):
    client = login(world.users["grid_a1"])
    assert client.get(f"/registry/households/{world.households['a1'].pk}/edit/").status_code == 200
    assert client.get(f"/registry/households/{world.households['a1b'].pk}/edit/").status_code == 404


def test_anonymous_is_sent_to_login_and_api_says_401(world, client):
    response = client.get("/registry/households/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/households").status_code == 401


def test_restricted_tags_hidden_from_roles_without_the_right(world, login, client, api_token):
    household = world.households["a1"]
    cadre_page = login(world.users["cadre_a1"]).get(f"/registry/households/{household.pk}/").content.decode()
    assert "社区矫正" in cadre_page and "低保" in cadre_page
    grid_page = login(world.users["grid_a1"]).get(f"/registry/households/{household.pk}/").content.decode()
    assert "社区矫正" not in grid_page and "低保" in grid_page
    body = client.get(f"/api/households/{household.pk}", **api_token(world.users["grid_a1"])).json()
    codes = {t["code"] for m in body["members"] for t in m["tags"]}
    assert "community_correction" not in codes and "dibao" in codes
    by_tag = client.get("/api/households?tag=community_correction", **api_token(world.users["grid_a1"])).json()
    assert by_tag["count"] == 0
    by_tag = client.get("/api/households?tag=community_correction", **api_token(world.users["cadre_a1"])).json()
    assert [i["id"] for i in by_tag["items"]] == [household.pk]


def test_grants_follow_each_assignment_of_region_grid_and_household(world):
    """scope.grants reads the assignments with one hand-written statement: the same grants as the rows say."""
    from accounts.models import RoleAssignment
    from core import scope

    for user in world.users.values():
        expected = []
        for a in RoleAssignment.objects.filter(user=user).select_related("region").order_by("pk"):
            ids = a.region.ancestor_ids()
            if a.household_id:
                level, target = "household", a.household_id
            elif a.grid_id:
                level, target = "grid", a.grid_id
            else:
                level, target = a.region.level, a.region_id
            expected.append(scope.Grant(a.role, level, target, ids["county"], ids["township"], ids["village"]))
        fresh = type(user).objects.get(pk=user.pk)
        assert scope.grants(fresh) == expected
    assert {g.level for u in world.users.values() for g in scope.grants(type(u).objects.get(pk=u.pk))} >= {
        "county",
        "township",
        "village",
        "grid",
        "household",
    }
