"""Property tests of the village ledger (hypothesis): for any sequence of income, paid expenses and reversals on any
days (first and last days of months included), every figure computed from the ledger equals the sums of a model kept
by the test, a reversal nets its entry to zero, an entry is reversed at most once, and no row can be changed or
deleted whatever the path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import DomainError
from core.models import AppendOnlyError
from finance import ledger, services
from finance.models import LedgerEntry, Post
from tests.finance.support import build_finance_world

DAYS = [
    date(2026, 9, 1),
    date(2026, 9, 30),
    date(2026, 10, 1),
    date(2026, 10, 17),
    date(2026, 10, 31),
    date(2026, 11, 1),
]
MONTHS = [(2026, 9), (2026, 10), (2026, 11)]
INCOME_CODES = ["501", "50201", "50401", "50402"]
EXPENSE_CODES = ["60201", "60202", "60302", "604"]

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("income"), st.sampled_from(range(len(DAYS))), st.integers(1, 10**9), st.sampled_from(INCOME_CODES)
        ),
        st.tuples(
            st.just("expense"), st.sampled_from(range(len(DAYS))), st.integers(1, 10**8), st.sampled_from(EXPENSE_CODES)
        ),
        st.tuples(st.just("reverse"), st.integers(0, 30), st.sampled_from(range(len(DAYS))), st.just("")),
    ),
    min_size=1,
    max_size=12,
)


class TestLedgerProperties(TestCase):
    """Each example runs in its own rolled-back transaction; the world is built once for the class."""

    @classmethod
    def setUpTestData(cls):
        cls.fw = build_finance_world()
        # one signature a band keeps each example cheap; the chain itself is tested in test_services
        services.chain_save(
            actor=cls.fw.users["township_a"],
            region=cls.fw.w.township_a,
            bands=[{"max_amount": None, "posts": [Post.SECRETARY]}],
        )

    def run_operations(self, operations):
        fw = self.fw
        cadre = fw.users["cadre_a1"]
        model: list[tuple[LedgerEntry, Decimal]] = []  # (entry, effect on the balance) as the test sees it
        for name, a, b, c in operations:
            if name == "income":
                amount = Decimal(b) / 100
                entry = fw.income(f"{amount:.2f}", day=DAYS[a], code=c)
                model.append((entry, amount))
            elif name == "expense":
                amount = Decimal(b) / 100
                expense = services.expense_submit(
                    actor=cadre,
                    village=fw.village,
                    title="支出",
                    category=fw.cat(c),
                    payee="某公司",
                    amount=f"{amount:.2f}",
                    lines=[{"description": "明细", "amount": f"{amount:.2f}"}],
                )
                services.expense_sign(actor=cadre, expense=expense)
                entry = services.expense_pay(actor=cadre, expense=expense, reference="YH", date=DAYS[a])
                model.append((entry, -amount))
            elif model:
                original, effect = model[a % len(model)]
                day = max(DAYS[b], original.date)
                if original.is_reversal or LedgerEntry.objects.filter(reverses=original).exists():
                    count = LedgerEntry.objects.count()
                    with pytest.raises(DomainError):
                        services.entry_reverse(actor=cadre, entry=original, reason="再次冲销", date=day)
                    assert LedgerEntry.objects.count() == count
                    continue
                reversal = services.entry_reverse(actor=cadre, entry=original, reason="冲销", date=day)
                model.append((reversal, -effect))
        return model

    def check_figures(self, model):
        village = self.fw.village.pk
        previous_closing = None
        for year, month in MONTHS:
            start, end = ledger.month_bounds(year, month)
            s = ledger.month_summary(village, year, month)
            inside = [(e, eff) for e, eff in model if start <= e.date <= end]
            before = sum((eff for e, eff in model if e.date < start), Decimal("0.00"))
            income = sum((e.signed_amount for e, _eff in inside if e.direction == "income"), Decimal("0.00"))
            expense = sum((e.signed_amount for e, _eff in inside if e.direction == "expense"), Decimal("0.00"))
            assert s.opening == before
            assert (s.income, s.expense) == (income, expense)
            assert s.closing == before + sum((eff for _e, eff in inside), Decimal("0.00"))
            assert s.closing == s.opening + s.income - s.expense
            if previous_closing is not None:
                assert s.opening == previous_closing
            previous_closing = s.closing
            # by category: the database aggregate, the summary and the model agree to the cent
            totals = ledger.category_totals(village, start, end)
            for category_id, line in s.by_category.items():
                expected = sum((e.signed_amount for e, _eff in inside if e.category_id == category_id), Decimal(0))
                assert line.amount == totals[category_id] == expected
            assert sum(line.amount for line in s.income_lines) == s.income
            assert sum(line.amount for line in s.expense_lines) == s.expense
        assert ledger.balance_before(village, date(2026, 12, 1)) == sum((eff for _e, eff in model), Decimal("0.00"))

    def check_reversals(self, model):
        for entry, _effect in model:
            if entry.is_reversal:
                original = LedgerEntry.objects.get(pk=entry.reverses_id)
                assert original.signed_amount + entry.signed_amount == 0
                assert original.effect + entry.effect == 0
                assert entry.date >= original.date and entry.reason
        reversed_ids = list(LedgerEntry.objects.filter(reverses__isnull=False).values_list("reverses_id", flat=True))
        assert len(reversed_ids) == len(set(reversed_ids))

    def check_append_only(self, model):
        entry = model[0][0]
        stored = LedgerEntry.objects.get(pk=entry.pk)
        for attempt in (
            lambda: stored.save(),
            lambda: stored.delete(),
            lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00")),
            lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        ):
            with pytest.raises(AppendOnlyError):
                attempt()
        with pytest.raises((DatabaseError, IntegrityError)):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE finance_ledgerentry SET amount = amount + 1 WHERE id = %s", [entry.pk])
        assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_balances_are_the_sums_of_the_ledger(self, operations):
        model = self.run_operations(operations)
        self.check_figures(model)
        self.check_reversals(model)
        if model:
            self.check_append_only(model)
