"""Service points and agents through their services (doorstep/places.py): who keeps them (the county's
administrator anywhere in the county, a township official in their township), what is refused (coordinates outside
China, a village of another township, a second post for an account), that each write is audited, and that a point or
agent is taken out of use rather than deleted."""

import pytest

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from doorstep import places, services
from doorstep.audit_labels import AuditAction
from doorstep.models import Agent, AgentKind, Consent, Level, ServicePoint
from regions.models import Region
from registry.models import Household

pytestmark = pytest.mark.django_db


def _room(world, actor="county_admin", **kw):
    data = {
        "township": world.township_a,
        "village": world.village_a1,
        "name": "安家村便民服务室",
        "address": "安家村党群服务中心",
        "latitude": "26.005",
        "longitude": "102.005",
        "hours": "周一至周五 8:30–17:30",
        "after_hours": "预约上门",
        "on_duty": "村务助理 张三",
        "phone": "0838-6201234",
    }
    data.update(kw)
    return places.point_create(world.users[actor], **data)


def _points():
    return list(ServicePoint.objects.values_list("pk", "name", "latitude", "active", "village_id"))


def test_county_admin_adds_a_room_and_a_centre(world):
    room = _room(world)
    assert room.level == Level.VILLAGE and room.county == world.county and room.township == world.township_a
    assert (room.latitude, room.longitude) == (26.005, 102.005)
    centre = places.point_create(world.users["county_admin"], township=world.township_b.pk, name="乙镇便民服务中心")
    assert centre.level == Level.TOWNSHIP and centre.village is None and centre.latitude is None
    events = AuditEvent.objects.filter(action=AuditAction.POINT_SET)
    assert events.count() == 2 and events.filter(township_id=world.township_b.pk).exists()


def test_a_township_official_keeps_their_township_only(world):
    room = _room(world, actor="township_a")
    assert room.township == world.township_a
    other = places.point_create(world.users["county_admin"], township=world.township_b, name="乙镇便民服务中心")
    before = _points()
    with pytest.raises(NotFound):
        places.point_create(world.users["township_a"], township=world.township_b, name="乙镇第二中心")
    with pytest.raises(NotFound):
        places.point_update(world.users["township_a"], point=other, name="改名", active=False)
    for who in ("cadre_a1", "county_official", "villager_a1", "grid_a1"):
        with pytest.raises(NotFound):
            places.point_update(world.users[who], point=room, name="改名")
    assert _points() == before


@pytest.mark.parametrize(
    "latitude,longitude,field",
    [
        ("60", "102", "latitude"),
        ("2.9", "102", "latitude"),
        ("26", "72.5", "longitude"),
        ("26", "136.1", "longitude"),
        ("26", "", "latitude"),
        ("", "102", "latitude"),
        ("abc", "102", "latitude"),
        ("nan", "102", "latitude"),
        ("26", "inf", "longitude"),
    ],
)
def test_coordinates_outside_china_or_half_given_are_refused(world, latitude, longitude, field):
    with pytest.raises(DomainError) as refused:
        _room(world, latitude=latitude, longitude=longitude)
    assert field in refused.value.message_dict
    assert not ServicePoint.objects.exists() and not AuditEvent.objects.filter(action=AuditAction.POINT_SET).exists()


def test_other_bad_input_is_refused(world):
    cases = [
        ({"village": world.village_b1.pk}, "village"),  # a village of another township
        ({"village": world.township_b.pk}, "village"),  # not a village
        ({"name": "  "}, "name"),
        ({"name": "长" * 81}, "name"),
        ({"phone": "call me"}, "phone"),
        ({"township": ""}, "township"),
    ]
    for change, field in cases:
        with pytest.raises(DomainError) as refused:
            _room(world, **change)
        assert field in refused.value.message_dict, change
    _room(world)
    with pytest.raises(DomainError) as refused:
        _room(world)  # the same name twice in a township
    assert "name" in refused.value.message_dict
    assert ServicePoint.objects.count() == 1


def test_a_point_is_changed_and_taken_out_of_use(world):
    room = _room(world)
    changed = places.point_update(
        world.users["township_a"],
        point=room,
        village="",
        name="甲镇便民服务中心",
        latitude=None,
        longitude=None,
        hours="全天",
        active=False,
    )
    assert changed.level == Level.TOWNSHIP and changed.village is None and changed.latitude is None
    assert not changed.active and ServicePoint.objects.count() == 1
    event = AuditEvent.objects.filter(action=AuditAction.POINT_SET).latest("id")
    assert event.before["name"] == "安家村便民服务室" and event.after["active"] is False
    # a villager sees points in use only
    assert not places.points(world.users["villager_a1"]).exists()
    assert places.points(world.users["township_a"]).count() == 1


def test_who_sees_which_points(world):
    _room(world)
    places.point_create(world.users["county_admin"], township=world.township_a, name="甲镇便民服务中心")
    places.point_create(world.users["county_admin"], township=world.township_b, name="乙镇便民服务中心")
    places.point_create(
        world.users["county_admin"], township=world.township_a, village=world.village_a2, name="和平村便民服务室"
    )
    seen = {who: set(places.points(world.users[who]).values_list("name", flat=True)) for who in world.users}
    assert seen["villager_a1"] == {"安家村便民服务室", "甲镇便民服务中心"}
    assert seen["cadre_b1"] == {"乙镇便民服务中心"}
    assert seen["township_a"] == {"安家村便民服务室", "甲镇便民服务中心", "和平村便民服务室"}
    assert len(seen["county_official"]) == 4 and len(seen["county_admin"]) == 4
    assert seen["department"] == set() and seen["mediator"] == set()


# -- agents ---------------------------------------------------------------------------------------------------------


def _agent(ds, world, actor="county_admin", **kw):
    data = {
        "township": world.township_a,
        "username": "reviewer_a1",
        "name": "村务助理丙",
        "kind": AgentKind.ASSISTANT,
        "phone": "13800009999",
        "villages": [world.village_a1.pk, world.village_a2.pk],
    }
    data.update(kw)
    return places.agent_add(world.users[actor], **data)


def _agents():
    return [
        (a.pk, a.name, a.active, a.user_id, sorted(a.villages.values_list("pk", flat=True)))
        for a in Agent.objects.order_by("pk")
    ]


def test_an_agent_is_added_for_villages_of_the_township(ds, world):
    agent = _agent(ds, world, actor="township_a")
    assert agent.user == world.users["reviewer_a1"] and agent.county == world.county
    assert set(agent.villages.all()) == {world.village_a1, world.village_a2}
    event = AuditEvent.objects.get(action=AuditAction.AGENT_SET)
    assert event.after["username"] == "reviewer_a1" and event.after["villages"] == sorted(
        [world.village_a1.pk, world.village_a2.pk]
    )


def test_agent_bad_input_changes_nothing(ds, world):
    before = _agents()
    cases = [
        ({"villages": [world.village_b1.pk]}, "villages"),  # a village of another township
        ({"villages": [world.village_a1.pk, world.village_b1.pk]}, "villages"),
        ({"villages": []}, "villages"),
        ({"villages": [world.township_a.pk]}, "villages"),
        ({"username": "nobody"}, "username"),
        ({"username": ""}, "username"),
        ({"username": "grid_a1"}, "username"),  # holds the grid worker's post in the county already
        ({"kind": "boss"}, "kind"),
        ({"name": ""}, "name"),
    ]
    for change, field in cases:
        with pytest.raises(DomainError) as refused:
            _agent(ds, world, **change)
        assert field in refused.value.message_dict, change
    with pytest.raises(NotFound):
        _agent(ds, world, actor="township_a", township=world.township_b, villages=[world.village_b1.pk])
    with pytest.raises(NotFound):
        _agent(ds, world, actor="cadre_a1")
    assert _agents() == before
    assert not AuditEvent.objects.filter(action=AuditAction.AGENT_SET).exists()


def test_an_agent_with_open_requests_cannot_leave_them_behind(ds, world):
    case = services.request_make(
        actor=ds.users["grid_a1"],
        item=ds.pension,
        household=world.households["a1"],
        person=world.people["a1_head"],
        consent=Consent.IN_PERSON,
    )
    assert case.state == "handling" and case.agent == ds.grid_agent
    assert places.open_counts([ds.grid_agent.pk, ds.volunteer.pk]) == {ds.grid_agent.pk: 1}
    before = _agents()
    admin = world.users["county_admin"]
    keep = {"name": "网格员甲", "kind": AgentKind.GRID_WORKER, "phone": ""}
    with pytest.raises(DomainError) as refused:
        places.agent_update(admin, agent=ds.grid_agent, villages=[world.village_a1.pk], active=False, **keep)
    assert case.number in str(refused.value)
    with pytest.raises(DomainError):
        places.agent_update(admin, agent=ds.grid_agent, villages=[world.village_a2.pk], **keep)
    with pytest.raises(DomainError):
        places.agent_update(admin, agent=ds.grid_agent, villages=[world.village_a1.pk], username="reviewer_a1", **keep)
    assert _agents() == before
    # once the request is done, the post may end
    services.request_step(actor=ds.users["grid_a1"], case=case, step="complete", data={"result": "已认证"})
    ended = places.agent_update(admin, agent=ds.grid_agent, villages=[world.village_a1.pk], active=False, **keep)
    assert not ended.active and Agent.objects.filter(pk=ended.pk).exists()


def test_township_official_cannot_change_another_townships_agent(ds, world):
    from core.roles import Role
    from tests.factories import make_user

    other = make_user("township_b", Role.TOWNSHIP_OFFICIAL, world.township_b)
    before = _agents()
    with pytest.raises(NotFound):
        places.agent_update(other, agent=ds.volunteer, villages=[world.village_a1.pk], name="x", kind="volunteer")
    assert _agents() == before
    assert places.agents(other).count() == 0
    assert places.agents(world.users["villager_a1"]).count() == 2  # both serve 安家村
    assert places.agents(world.users["cadre_b1"]).count() == 0


def test_generate_points_is_deterministic_and_adds_nothing_twice(world):
    Household.objects.filter(pk=world.households["a1"].pk).update(latitude=26.0, longitude=102.0)
    Household.objects.filter(pk=world.households["a1b"].pk).update(latitude=26.002, longitude=102.004)
    first = places.generate_points(world.county, seed=3, share=1.0)
    assert first["centres"] == 2 and first["rooms"] == 3
    room = ServicePoint.objects.get(village=world.village_a1)
    assert (room.latitude, room.longitude) == (26.001, 102.002)
    assert ServicePoint.objects.get(village=world.village_b1).latitude is None
    again = places.generate_points(world.county, seed=3, share=1.0)
    assert again["created"] == 0 and ServicePoint.objects.count() == 5
    assert Region.objects.filter(level="township").count() == 2
