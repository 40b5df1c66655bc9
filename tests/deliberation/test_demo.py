"""The demo (deliberation/demo.py): topics in every stage, an adopted 村规民约 with signatures, tasks (one overdue);
a second run writes nothing."""

from __future__ import annotations

import pytest

from deliberation import demo
from deliberation.models import RulesSignature, RulesVersion, Task, Topic

pytestmark = pytest.mark.django_db


def test_the_demo_writes_every_stage_once(dw):
    from django.contrib.auth import get_user_model

    users = get_user_model()
    users.objects.filter(pk=dw.cadre.pk).update(username="cadre")
    users.objects.filter(pk=dw.users["township_a"].pk).update(username="township")
    users.objects.filter(pk=dw.users["villager_x0"].pk).update(username="villager")
    # the demo holds its meetings in the past: the rosters were elected in 2025
    from datetime import date

    from meetings.models import RosterMember

    RosterMember.objects.filter(village=dw.village).update(since=date(2025, 1, 1))
    line = demo.seed(dw.w.county)
    assert "topics" in line
    states = set(Topic.objects.filter(village=dw.village).values_list("state", flat=True))
    assert {"done", "published", "discussed", "proposed", "vetted", "confirmed", "dropped"} <= states
    v1 = RulesVersion.objects.get(village=dw.village, edition=1)
    assert v1.state == "in_force" and RulesSignature.objects.filter(rules=v1).count() >= 5
    assert RulesVersion.objects.get(village=dw.village, edition=2).state == "submitted"
    assert Task.objects.filter(overdue=True).exists() and Task.objects.filter(state="done").exists()
    count = Topic.objects.count()
    assert demo.seed(dw.w.county) == ""
    assert Topic.objects.count() == count
