"""Property test of the mutual-aid fund (hypothesis): for any sequence of contributions, payouts of approved
applications and reversals, the balance equals the sum of a model kept by the test, never goes below zero, an entry
that would overdraw is refused and writes nothing, each application is paid at most once and each entry reversed at
most once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import DomainError
from mutualaid import fund, services
from mutualaid.models import Application, FundEntry, Source
from tests.factories import build_world
from tests.mutualaid.conftest import build_aid, step, to_approved

APPROVED = ["100", "450.50", "800", "1999.99", "2000", "4999"]

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("in"), st.integers(1, 500_000), st.sampled_from(Source.values)),
        st.tuples(st.just("pay"), st.integers(0, len(APPROVED) - 1), st.just("")),
        st.tuples(st.just("reverse"), st.integers(0, 20), st.just("")),
    ),
    min_size=1,
    max_size=10,
)


class TestFundProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.aid = build_aid(build_world())
        cls.village = cls.aid.world.village_a1
        # start from an empty fund: reverse the fixture's two contributions
        for entry in list(FundEntry.objects.filter(village=cls.village)):
            services.entry_reverse(actor=cls.aid.cadre, entry=entry, reason="清零")
        cls.cases = [to_approved(cls.aid, amount=a, approved=a).pk for a in APPROVED]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_balance_is_the_sum_and_never_negative(self, operations):
        aid, village = self.aid, self.village
        expected = fund.balance(village.pk)
        assert expected == Decimal("0.00")
        paid: set[int] = set()
        for op, value, extra in operations:
            count = FundEntry.objects.count()
            if op == "in":
                amount = Decimal(value) / 100
                services.contribution_record(
                    actor=aid.cadre, village=village, source=extra, amount=str(amount), on=date.today()
                )
                expected += amount
            elif op == "pay":
                pk = self.cases[value]
                amount = Application.objects.get(pk=pk).approved_amount
                try:
                    step(aid.grid, Application(pk=pk), "pay", paid_on=date.today().isoformat())
                except DomainError:
                    assert pk in paid or expected < amount
                    assert FundEntry.objects.count() == count
                else:
                    assert pk not in paid and expected >= amount
                    paid.add(pk)
                    expected -= amount
            else:
                entries = list(FundEntry.objects.filter(village=village).order_by("pk"))
                entry = entries[value % len(entries)] if entries else None
                if entry is None:
                    continue
                try:
                    services.entry_reverse(actor=aid.cadre, entry=entry, reason="更正")
                except DomainError:
                    refused_for = (
                        entry.kind == "reversal"
                        or FundEntry.objects.filter(reverses=entry).exists()
                        or expected - entry.amount < 0
                    )
                    assert refused_for
                    assert FundEntry.objects.count() == count
                else:
                    expected -= entry.amount
            balance = fund.balance(village.pk)
            assert balance == expected
            assert balance >= 0
            totals = fund.totals(FundEntry.objects.filter(village=village))
            assert totals["balance"] == balance
        for pk in self.cases:
            assert FundEntry.objects.filter(application_id=pk, kind="payout").count() <= 1
