"""Property tests of the points ledger (hypothesis).

For any sequence of recordings, approvals, rejections, corrections and redemptions:
- the ledger agrees with an independent model of what was accepted;
- every score, balance, rank, star and list shown (standings computed by the service, the API, the
  standings page and the villager's page) equals what is recomputed from the raw ledger rows;
- balances never go below zero through redemptions, and redemptions never change the ranking score.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import DomainError
from points import services
from points import standings as calc
from points.models import Claim, ClaimStatus, EntryKind, LedgerEntry, ListRule
from points.subjects import subject_of
from tests.factories import build_world
from tests.points.civility import civility_scheme, play

TWO = Decimal("0.01")


def recompute(scheme, start, end):
    """Scores per subject key straight from the ledger rows, without the service's aggregate."""
    totals: dict[str, Decimal] = {}
    for row in LedgerEntry.objects.filter(scheme=scheme).values("subject_key", "score_delta", "occurred_on"):
        if start <= row["occurred_on"] <= end:
            totals[row["subject_key"]] = totals.get(row["subject_key"], Decimal("0")) + row["score_delta"]
    return totals


def recompute_balances(scheme):
    totals: dict[str, Decimal] = {}
    for row in LedgerEntry.objects.filter(scheme=scheme).values("subject_key", "balance_delta"):
        totals[row["subject_key"]] = totals.get(row["subject_key"], Decimal("0")) + row["balance_delta"]
    return totals


def competition_ranks(scores: dict[str, Decimal]) -> dict[str, int]:
    return {key: 1 + sum(1 for other in scores.values() if other > score) for key, score in scores.items()}


class LedgerRun:
    """One village, two households of different grids, the 安家村 rule book, a black list below 10 points."""

    def __init__(self):
        self.world = build_world()
        self.today = timezone.localdate()
        self.scheme, self.items = civility_scheme(
            self.world, redeemable=True, star_rules=[{"stars": 5, "min_score": 12}]
        )
        ListRule.objects.create(scheme=self.scheme, kind="black", method="below", value=Decimal("10"))
        ListRule.objects.create(scheme=self.scheme, kind="red", method="top_share", value=Decimal("50"))
        self.households = [self.world.households["a1"], self.world.households["a1b"]]
        self.model_approved: dict[int, tuple[str, Decimal, object]] = {}  # entry pk -> (key, points, day)
        self.model_reversed: set[int] = set()
        # reversed entry pk -> (key, score change, day): a correction counts on the day it is made (no quarter
        # is signed off in this run, so that day is open)
        self.model_corrections: dict[int, tuple[str, Decimal, object]] = {}
        self.model_spent: dict[str, Decimal] = {}
        # households whose earned points were corrected after they had spent some: the ledger keeps both, so the
        # balance may stand below zero (owed), but never through a redemption
        self.model_corrected_after_spending: set[str] = set()
        self.good = None
        if _shop_services() is not None:
            self.good = _make_good(self.world, self.scheme)

    def record(self, h, i, days_ago):
        item = self.items[i % len(self.items)]
        try:
            services.claim_record(
                actor=self.world.users["cadre_a1"],
                scheme=self.scheme,
                subject=subject_of(self.households[h]),
                item=item,
                occurred_on=self.today - timedelta(days=days_ago),
            )
        except DomainError:
            pass  # caps, or an item not in force that day: refused, nothing written (checked by invariants)

    def review(self, n, approve):
        if not Claim.objects.filter(status=ClaimStatus.PENDING).exists():
            return
        ids = list(Claim.objects.filter(status=ClaimStatus.PENDING).order_by("pk").values_list("pk", flat=True)[:n])
        services.claims_review(
            actor=self.world.users["reviewer_a1"], claim_ids=ids, approve=approve, reason="" if approve else "不属实"
        )
        if approve:
            for entry in LedgerEntry.objects.filter(claim_id__in=ids):
                self.model_approved[entry.pk] = (entry.subject_key, entry.score_delta, entry.occurred_on)

    def reverse(self, pick):
        if not set(self.model_approved) - self.model_reversed:
            return
        open_ids = sorted(set(self.model_approved) - self.model_reversed)
        entry = LedgerEntry.objects.get(pk=open_ids[pick % len(open_ids)])
        services.entry_reverse(actor=self.world.users["reviewer_a1"], entry=entry, reason="更正")
        self.model_reversed.add(entry.pk)
        self.model_corrections[entry.pk] = (entry.subject_key, -entry.score_delta, self.today)
        if self.model_spent.get(entry.subject_key) and entry.balance_delta > 0:
            self.model_corrected_after_spending.add(entry.subject_key)
        with_self = LedgerEntry.objects.filter(reverses=entry).count()
        assert with_self == 1
        try:
            services.entry_reverse(actor=self.world.users["reviewer_a1"], entry=entry, reason="再次")
        except DomainError:
            pass
        else:  # pragma: no cover - a second reversal must be refused
            raise AssertionError("an entry was reversed twice")

    def redeem(self, h, quantity):
        if self.good is None:
            return
        shop = _shop_services()
        key = subject_of(self.households[h]).key
        before = calc.balances(self.scheme, [key]).get(key, Decimal("0"))
        try:
            shop.redemption_create(
                actor=self.world.users["cadre_a1"],
                good=self.good,
                subject=subject_of(self.households[h]),
                quantity=quantity,
            )
        except DomainError:
            assert before < self.good.price * quantity or self._stock() < quantity
        else:
            self.model_spent[key] = self.model_spent.get(key, Decimal("0")) + self.good.price * quantity
            assert before >= self.good.price * quantity  # a redemption never takes the balance below zero

    def _stock(self):
        self.good.refresh_from_db()
        return self.good.stock

    # -- invariants -------------------------------------------------------------------------------------

    def ledger_matches_model(self):
        awards = LedgerEntry.objects.filter(scheme=self.scheme, kind=EntryKind.AWARD)
        assert set(awards.values_list("pk", flat=True)) == set(self.model_approved)
        reversals = LedgerEntry.objects.filter(scheme=self.scheme, kind=EntryKind.REVERSAL)
        assert set(reversals.values_list("reverses_id", flat=True)) == self.model_reversed
        for r in reversals:
            assert r.score_delta == -r.reverses.score_delta and r.reason
            assert r.occurred_on == self.today  # dated when it is made

    def shown_equals_recomputed(self):
        quarter = calc.quarter_of(self.today)
        for period in (quarter, None):
            start, end = calc.period_bounds(self.today.year, period)
            raw = recompute(self.scheme, start, end)
            expected = {}
            for h in self.households:
                key = subject_of(h).key
                model_sum = sum(
                    (
                        p
                        for rows in (self.model_approved, self.model_corrections)
                        for (k, p, day) in rows.values()
                        if k == key and start <= day <= end
                    ),
                    Decimal("0"),
                )
                expected[key] = (self.scheme.base_score + raw.get(key, Decimal("0"))).quantize(TWO)
                assert expected[key] == (self.scheme.base_score + model_sum).quantize(TWO)
            table = calc.standings(self.scheme, self.today.year, period)
            calc.apply_lists(self.scheme, table)
            shown = {s.key: s for s in table}
            ranks = competition_ranks(expected)
            for key, score in expected.items():
                assert shown[key].score == score
                assert shown[key].rank == ranks[key]
                assert ("black" in shown[key].lists) == (score < Decimal("10"))
                if period:
                    assert shown[key].stars == (5 if score >= 12 else 0)
        balances = recompute_balances(self.scheme)
        for h in self.households:
            key = subject_of(h).key
            assert calc.balances(self.scheme, [key]).get(key, Decimal("0")) == balances.get(key, Decimal("0"))
            assert balances.get(key, Decimal("0")) >= 0 or key in self.model_corrected_after_spending

    def api_and_pages_show_the_same(self):
        villager = Client()
        villager.force_login(self.world.users["villager_a1"])
        mine = villager.get("/api/points/me").json()[0]
        key = subject_of(self.world.households["a1"]).key
        start, end = calc.period_bounds(self.today.year)
        year_score = (self.scheme.base_score + recompute(self.scheme, start, end).get(key, Decimal("0"))).quantize(TWO)
        assert Decimal(mine["year_score"]) == year_score
        assert Decimal(mine["balance"]) == recompute_balances(self.scheme).get(key, Decimal("0")).quantize(TWO)
        staff = Client()
        staff.force_login(self.world.users["cadre_a1"])
        quarter = calc.quarter_of(self.today)
        api_rows = staff.get(f"/api/points/schemes/{self.scheme.pk}/standings?quarter={quarter}").json()
        page = staff.get(f"/points/schemes/{self.scheme.pk}/standings/").content.decode()
        shown = {row["subject_key"]: Decimal(row["score"]) for row in api_rows}
        start, end = calc.period_bounds(self.today.year, quarter)
        raw = recompute(self.scheme, start, end)
        for h in self.households:
            key = subject_of(h).key
            score = (self.scheme.base_score + raw.get(key, Decimal("0"))).quantize(TWO)
            assert shown[key] == score
            text = f"{score:.0f}" if score == score.to_integral_value() else f"{score:.2f}"
            assert f'<td data-label="分数" class="num">{text}</td>' in page or f">{text}<" in page


def _shop_services():
    try:
        from points.shop import services as shop_services
    except ImportError:  # the shop module is optional for this machine's rules
        return None
    return shop_services if hasattr(shop_services, "redemption_create") else None


def _make_good(world, scheme):
    from points.models import Good, Shop

    shop = Shop(name="德美屋")
    shop.place_in(world.village_a1)
    shop.save()
    return Good.objects.create(shop=shop, scheme=scheme, name="洗衣粉", price=Decimal("1.5"), stock=5)


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.integers(0, 1), st.integers(0, 40), st.integers(0, 120)),
        st.tuples(st.just("review"), st.integers(1, 5), st.booleans()),
        st.tuples(st.just("reverse"), st.integers(0, 1000)),
        st.tuples(st.just("redeem"), st.integers(0, 1), st.integers(1, 3)),
    ),
    min_size=1,
    max_size=14,
)


class TestLedgerProperties(TestCase):
    """Each example runs in its own rolled-back transaction (hypothesis.extra.django.TestCase)."""

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_everything_shown_is_recomputable_from_the_ledger(self, operations):
        run = LedgerRun()
        play(run, operations, run.ledger_matches_model, run.shown_equals_recomputed)
        run.api_and_pages_show_the_same()
