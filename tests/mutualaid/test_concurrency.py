"""Two payouts at the same moment, each on its own PostgreSQL connection, when the fund holds enough for only one:
exactly one is paid, the other is refused and the balance never goes below zero (the lock on the village's row)."""

from datetime import date

import pytest
from django.db import connection

from mutualaid import fund
from mutualaid.models import Application, FundEntry
from tests.concurrency import race
from tests.factories import build_world
from tests.mutualaid.conftest import build_aid, step, to_approved

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_payouts_at_once_cannot_overdraw():
    aid = build_aid(build_world())
    first = to_approved(aid, amount="2000", approved="2000")
    second = to_approved(aid, amount="1500", approved="1500")

    def job(case):
        return lambda: step(aid.grid, Application.objects.get(pk=case.pk), "pay", paid_on=date.today().isoformat())

    ok, refused, crashed = race([job(first), job(second)])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert fund.balance(aid.world.village_a1.pk) >= 0
    assert FundEntry.objects.filter(kind="payout").count() == 1


def test_one_application_paid_twice_at_once_pays_once():
    aid = build_aid(build_world())
    case = to_approved(aid)

    def job():
        return step(aid.grid, Application.objects.get(pk=case.pk), "pay", paid_on=date.today().isoformat())

    ok, refused, crashed = race([job, job])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert FundEntry.objects.filter(application=case, kind="payout").count() == 1
