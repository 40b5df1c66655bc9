"""The honours' test world: 安家村's honours panel (a villager of household a1b sits on it), the county's default
boards (installed when the county was created), and a nomination helper."""

from datetime import date

import pytest

from committees import services as committees
from committees.models import CommitteeKind
from core.roles import Role
from honours import services
from honours.models import Board
from tests.factories import make_user


@pytest.fixture
def panel(world):
    cadre = world.users["cadre_a1"]
    member = make_user("panel_a1", Role.VILLAGER, world.village_a1, household=world.households["a1b"])
    world.users["panel_a1"] = member
    c = committees.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.HONOURS_PANEL)
    committees.member_add(actor=cadre, committee=c, name="李秀英", username="panel_a1", started_on=date(2020, 1, 1))
    return c


@pytest.fixture
def board(world):
    return Board.objects.get(county=world.county, code="kindness")


@pytest.fixture
def nominate(world, board):
    def _nominate(person="a1_wife", actor="villager_a1", on=None, **kw):
        return services.nomination_create(
            actor=world.users[actor],
            board=kw.pop("board", board),
            person=world.people[person],
            deeds=kw.pop("deeds", "常年照顾邻居孤寡老人，义务打扫村道。"),
            now=on,
            **kw,
        )

    return _nominate
