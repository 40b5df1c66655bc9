"""The doorstep's test world: a small catalogue (a village item an agent may take, a township item that goes
upstream, a county item no agent may take, a residence certificate), a bundle, and two agents: the grid worker
of 安家村 and a volunteer serving 安家村 and 和平村."""

from dataclasses import dataclass
from datetime import date

import pytest

from core.roles import Role
from doorstep.models import Agent, AgentKind, Bundle, Category, CertificateKind, Item, ItemVersion, Level
from tests.factories import make_user


def make_item(
    county,
    code,
    name,
    *,
    level=Level.VILLAGE,
    materials=(),
    days=5,
    agent_may=True,
    online=True,
    certificate=None,
    upstream="",
    admitted=date(2020, 1, 1),
    category=Category.SOCIAL_INSURANCE,
):
    item = Item.objects.create(county=county, code=code, admitted_on=admitted, certificate=certificate)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name=name,
        category=category,
        level=level,
        materials=list(materials),
        time_limit_days=days,
        agent_may=agent_may,
        online=online,
        upstream_office=upstream,
    )
    item.current = version
    item.save(update_fields=["current"])
    return item


@dataclass
class Doorstep:
    pension: Item
    disability: Item
    homestead: Item
    residence: Item
    residence_kind: CertificateKind
    newborn: Bundle
    grid_agent: Agent
    volunteer: Agent
    users: dict


@pytest.fixture
def ds(world):
    return build_doorstep(world)


def build_doorstep(world) -> Doorstep:
    county = world.county
    pension = make_item(county, "pension_cert", "城乡居民养老保险待遇资格认证", materials=["身份证"], days=3)
    disability = make_item(
        county,
        "disability_subsidy",
        "残疾人两项补贴申请",
        level=Level.TOWNSHIP,
        materials=["身份证", "户口簿", "残疾人证"],
        days=10,
        upstream="县残联",
        category=Category.DISABILITY,
    )
    homestead = make_item(
        county,
        "homestead",
        "农村宅基地和建房（规划许可）审批",
        level=Level.TOWNSHIP,
        materials=["身份证", "户口簿", "建房申请表"],
        days=20,
        agent_may=False,
        online=False,
        category=Category.HOUSING,
    )
    kind = CertificateKind.objects.create(
        county=county, code="residence", name="居住证明", admitted_on=date(2020, 1, 1)
    )
    residence = make_item(
        county,
        "residence_cert",
        "开具居住证明",
        materials=["身份证"],
        days=1,
        certificate=kind,
        category=Category.CERTIFICATE,
    )
    newborn = Bundle.objects.create(county=county, code="newborn", name="新生儿出生一件事")
    birth_register = make_item(
        county,
        "birth_register",
        "出生登记（户口申报）",
        materials=["出生医学证明", "户口簿", "身份证"],
        category=Category.HOUSEHOLD_REGISTER,
    )
    medical = make_item(
        county,
        "newborn_medical",
        "新生儿参加城乡居民医保",
        materials=["户口簿", "身份证"],
        category=Category.MEDICAL_INSURANCE,
    )
    newborn.items.set([birth_register, medical])
    volunteer_user = make_user("volunteer", Role.VILLAGER, world.village_a2, household=world.households["a2"])
    grid_agent = Agent.objects.create(
        county=county,
        township=world.township_a,
        user=world.users["grid_a1"],
        name="网格员甲",
        kind=AgentKind.GRID_WORKER,
    )
    grid_agent.villages.set([world.village_a1])
    volunteer = Agent.objects.create(
        county=county, township=world.township_a, user=volunteer_user, name="志愿者乙", kind=AgentKind.VOLUNTEER
    )
    volunteer.villages.set([world.village_a1, world.village_a2])
    users = dict(world.users, volunteer=volunteer_user)
    return Doorstep(pension, disability, homestead, residence, kind, newborn, grid_agent, volunteer, users)
