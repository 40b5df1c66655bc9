"""Party branches and members through the API: the same services and scope as the party pages."""

import pytest

from core.models import AuditEvent
from registry.models import PartyBranch, PartyMember

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_set_up_a_branch_add_a_member_and_name_the_secretary(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    response = client.post(
        "/api/party-branches", {"village_id": world.village_a1.pk, "name": "安家村党支部"}, content_type=JSON, **headers
    )
    assert response.status_code == 201, response.content
    branch = PartyBranch.objects.get(pk=response.json()["id"])
    person = world.people["a1_head"]
    response = client.post(
        f"/api/party-branches/{branch.pk}/members",
        {"person_id": person.pk, "joined_on": "2001-07-01", "linked_household_ids": [world.households["a1b"].pk]},
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 201, response.content
    member = PartyMember.objects.get(branch=branch, person=person)
    assert [m["person_id"] for m in response.json()["members"]] == [person.pk]
    assert list(member.linked_households.all()) == [world.households["a1b"]]
    response = client.patch(
        f"/api/party-branches/{branch.pk}/members/{member.pk}",
        {"joined_on": "2002-07-01", "linked_household_ids": []},
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert str(member.joined_on) == "2002-07-01" and not member.linked_households.exists()
    response = client.patch(
        f"/api/party-branches/{branch.pk}",
        {"name": "中共安家村支部委员会", "secretary_id": person.pk},
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 200 and response.json()["secretary_id"] == person.pk
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registry.party_branch.create", "registry.party_member.add", "registry.party_branch.update"} <= actions


def test_refusals_are_422_in_chinese_and_write_nothing(world, client, api_token):
    headers = api_token(world.users["cadre_a1"])
    response = client.post(
        "/api/party-branches", {"village_id": world.village_a1.pk, "name": "  "}, content_type=JSON, **headers
    )
    assert response.status_code == 422 and response.json()["errors"]["name"]
    assert not PartyBranch.objects.exists()
    branch = client.post(
        "/api/party-branches", {"village_id": world.village_a1.pk, "name": "安家村党支部"}, content_type=JSON, **headers
    ).json()
    # a secretary who is not a member, a household of another village, a date in the future
    response = client.patch(
        f"/api/party-branches/{branch['id']}",
        {"name": "安家村党支部", "secretary_id": world.people["a1_head"].pk},
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 422 and "支部" in response.json()["errors"]["secretary_id"][0]
    response = client.post(
        f"/api/party-branches/{branch['id']}/members",
        {"person_id": world.people["a1_head"].pk, "joined_on": "2999-01-01"},
        content_type=JSON,
        **headers,
    )
    assert response.status_code == 422 and response.json()["errors"]["joined_on"]
    assert not PartyMember.objects.exists()


def test_outside_scope_is_404(world, client, api_token):
    branch = client.post(
        "/api/party-branches",
        {"village_id": world.village_a1.pk, "name": "安家村党支部"},
        content_type=JSON,
        **api_token(world.users["cadre_a1"]),
    ).json()
    other = api_token(world.users["cadre_b1"])
    response = client.post(
        "/api/party-branches", {"village_id": world.village_a1.pk, "name": "另一个支部"}, content_type=JSON, **other
    )
    assert response.status_code == 404
    response = client.patch(f"/api/party-branches/{branch['id']}", {"name": "改名"}, content_type=JSON, **other)
    assert response.status_code == 404
    response = client.post(
        f"/api/party-branches/{branch['id']}/members",
        {"person_id": world.people["a1_head"].pk},
        content_type=JSON,
        **other,
    )
    assert response.status_code == 404
    assert PartyBranch.objects.get().name == "安家村党支部" and not PartyMember.objects.exists()
