"""The 红白理事会's test world: 安家村's council (the grid worker sits on it), the village's limits (≤ 20 tables,
≤ 200 yuan gifts, ≤ 6 wedding cars, ≤ 10 bearers at ≤ 100 yuan, no troupes; weddings declared 7 days ahead)."""

from datetime import date

import pytest

from committees import services as committees
from committees.models import CommitteeKind
from customs import services

LIMITS = {
    "wedding": {"tables": 20, "gift": 200, "cars": 6, "performers": 0, "bride_price": 30000},
    "funeral": {"tables": 20, "gift": 200, "bearers": 10, "bearer_pay": 100, "days": 3},
    "feast": {"tables": 10, "gift": 100},
}


@pytest.fixture
def council(world):
    cadre = world.users["cadre_a1"]
    c = committees.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.CUSTOMS_COUNCIL)
    committees.member_add(actor=cadre, committee=c, name="网格员", username="grid_a1", started_on=date(2020, 1, 1))
    return c


@pytest.fixture
def limits(world):
    return services.limits_set(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        values=LIMITS,
        notice_days={"wedding": 7, "funeral": 0, "feast": 3},
        effective_from=date(2026, 1, 1),
        basis="村规民约第八条",
    )
