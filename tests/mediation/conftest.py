"""Mediation's test world: a village committee (led by the village's cadre), the township centre (led by the
demo mediator, with a full-time mediator) and a county specialised committee with an expert."""

from dataclasses import dataclass

import pytest

from core.roles import Role
from mediation import services
from mediation.models import Body, BodyKind, DisputeKind, Mediator, Title
from tests.factories import make_user


@dataclass
class Med:
    village_body: Body
    township_body: Body
    county_body: Body
    lead: Mediator
    full_time: Mediator
    expert: Mediator
    users: dict


@pytest.fixture
def med(world):
    admin = world.users["county_admin"]
    full_time_user = make_user("fulltime", Role.MEDIATOR, world.township_a)
    outsider = make_user("other_mediator", Role.MEDIATOR, world.township_b)
    village_body = services.body_create(
        actor=admin, region=world.village_a1, kind=BodyKind.VILLAGE, name="安家村人民调解委员会"
    )
    township_body = services.body_create(
        actor=admin, region=world.township_a, kind=BodyKind.TOWNSHIP, name="甲镇矛盾纠纷多元化解中心"
    )
    county_body = services.body_create(
        actor=admin,
        region=world.county,
        kind=BodyKind.COUNTY,
        name="测试县医疗纠纷人民调解委员会",
        field=DisputeKind.MEDICAL,
    )
    other_body = services.body_create(
        actor=admin, region=world.village_b1, kind=BodyKind.VILLAGE, name="新桥村人民调解委员会"
    )
    services.mediator_add(actor=admin, body=village_body, name="村支书", title=Title.DIRECTOR, username="cadre_a1")
    lead = services.mediator_add(
        actor=admin, body=township_body, name="调解员", title=Title.DIRECTOR, username="mediator"
    )
    full_time = services.mediator_add(
        actor=admin, body=township_body, name="专职甲", title=Title.FULL_TIME, username="fulltime", expertise="土地"
    )
    services.mediator_add(
        actor=admin, body=other_body, name="邻村主任", title=Title.DIRECTOR, username="other_mediator"
    )
    expert = services.mediator_add(actor=admin, body=county_body, name="医学专家", title=Title.EXPERT, expertise="医疗")
    users = dict(world.users, fulltime=full_time_user, outsider=outsider)
    return Med(village_body, township_body, county_body, lead, full_time, expert, users)


def record(world, med, actor=None, **over):
    """A walk-in dispute of 安家村 recorded at the township centre."""
    data = {
        "village": world.village_a1,
        "title": "王李两家宅基地界址纠纷",
        "kind": DisputeKind.HOMESTEAD,
        "facts": "两家因院墙位置发生争执。",
        "claims": "确认界址，拆除越界院墙。",
        "amount": "3000",
        "body": med.township_body,
        "parties": [
            {"role": "applicant", "name": "王建国", "phone": "13800000001"},
            {"role": "respondent", "name": "李秀英"},
        ],
    }
    data.update(over)
    return services.dispute_record(actor=actor or med.users["grid_a1"], **data)
