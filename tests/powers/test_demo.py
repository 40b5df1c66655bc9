"""The demo small-power matters (powers/demo.py): written through the services, in every template, once."""

from __future__ import annotations

import pytest

from powers.demo import seed_village
from powers.models import Power, PowerCase

pytestmark = pytest.mark.django_db


def _seed(pw):
    from tests.factories import make_household

    if not PowerCase.objects.exists():
        for i in range(8):
            make_household(pw.w.village_a1, f"09{i:02d}", pw.w.grid_a1, head=f"户主{i}")
    u = pw.users
    return seed_village(
        pw.w.village_a1,
        county_admin=u["county_admin"],
        cadre=u["cadre_a1"],
        official=u["township_a"],
        villager=u["villager_a1"],
    )


def test_the_demo_matters(pw):
    written = _seed(pw)
    assert written == PowerCase.objects.count() >= 10
    assert Power.objects.filter(county=pw.w.county).count() == 13
    flows = set(PowerCase.objects.values_list("flow", flat=True))
    assert flows == {"powers_dibao", "powers_homestead", "powers_asset", "powers_general"}
    states = set(PowerCase.objects.values_list("state", flat=True))
    assert {"closed", "township", "publicized", "surveyed", "documents", "applied", "approved"} <= states
    assert _seed(pw) == 0  # idempotent
    assert PowerCase.objects.count() == written


def test_the_demo_with_the_meetings_app_deciding(pw, with_meetings):
    """With the meetings app, every meeting step names an adopted motion held through its services."""
    from meetings.models import Motion

    written = _seed(pw)
    assert written == PowerCase.objects.count() >= 10
    decided = PowerCase.objects.exclude(motion_ref="")
    assert decided.count() >= 5
    for case in decided:
        motion = Motion.objects.get(pk=int(case.motion_ref))
        assert motion.outcome == "adopted" and motion.subject == f"powers.case:{case.pk}"
