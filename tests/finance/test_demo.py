"""The demo village ledger (finance/demo.py): written through the services, once, every state of an expense, and a
published disclosure generated from the ledger."""

from __future__ import annotations

import pytest

from core.roles import Role
from finance import ledger
from finance.demo import seed
from finance.models import Expense, LedgerEntry, MonthlyDisclosure
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_ledger(db):
    from tests.factories import build_world

    w = build_world()
    for name, role, region in (
        ("cadre", Role.VILLAGE_CADRE, w.village_a1),
        ("supervisor", Role.VILLAGE_SUPERVISOR, w.village_a1),
        ("township", Role.TOWNSHIP_OFFICIAL, w.township_a),
        ("reviewer", Role.REVIEWER, w.village_a1),
    ):
        make_user(name, role, region)
    line = seed(w.county)
    assert "Finance" in line
    states = set(Expense.objects.values_list("state", flat=True))
    assert states == {"pending", "approved", "paid", "returned", "rejected", "withdrawn"}
    paid = Expense.objects.filter(state="paid")
    assert paid.count() == LedgerEntry.objects.filter(expense__isnull=False).count() >= 8
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1
    row = MonthlyDisclosure.objects.get()
    assert row.notice.state == "published"
    s = ledger.month_summary(w.village_a1.pk, row.year, row.month)
    assert (row.opening, row.income, row.expense, row.closing) == (s.opening, s.income, s.expense, s.closing)
    count = LedgerEntry.objects.count()
    assert seed(w.county) == ""  # idempotent
    assert LedgerEntry.objects.count() == count
