"""On PostgreSQL, two people at once: the same household applying twice, two cadres answering one objection, two
township officials approving one matter — exactly one wins, the other is refused, nothing is written twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import CaseEvent
from powers import services
from powers.models import Objection, PowerCase
from tests.concurrency import race
from tests.factories import make_user
from tests.powers.support import MEETING, at, pdf

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_one_household_applies_twice_at_once(pw):
    def apply():
        return pw.dibao(attachments=[pdf()])

    ok, refused, crashed = race([apply, apply])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert PowerCase.objects.count() == 1


def test_two_answers_to_one_objection_and_two_approvals(pw):
    from core.roles import Role

    second = make_user("cadre_a1_2", Role.VILLAGE_CADRE, pw.w.village_a1)
    other_official = make_user("township_a_2", Role.TOWNSHIP_OFFICIAL, pw.w.township_a)
    today = timezone.localdate()
    start = today - timedelta(days=10)
    case = pw.dibao(now=at(start, 9))
    pw.step(case, "survey", visited_on=start.isoformat(), findings="核实", now=at(start, 10))
    pw.step(case, "deliberate", meeting_date=start.isoformat(), now=at(start, 11), **MEETING)
    pw.step(case, "publicize", publicity_until=(start + timedelta(days=7)).isoformat(), now=at(start, 12))
    objection = services.objection_raise(actor=pw.users["villager_a1b"], case=case, text="异议", now=at(start, 13))

    def answer(user):
        return lambda: services.objection_answer(actor=user, objection=objection, answer=f"答复 {user.username}")

    ok, refused, crashed = race([answer(pw.users["cadre_a1"]), answer(second)])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert Objection.objects.get().answer in ("答复 cadre_a1", "答复 cadre_a1_2")
    pw.step(case, "submit_review")

    def approve(user):
        return lambda: services.case_step(
            actor=user, case=PowerCase.objects.get(pk=case.pk), step="township_approve", data={"opinion": "同意"}
        )

    before = CaseEvent.objects.count()
    ok, refused, crashed = race([approve(pw.users["township_a"]), approve(other_official)])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1 and refused[0].code == "state"
    assert CaseEvent.objects.count() == before + 1
