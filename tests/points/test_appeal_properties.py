"""Property test (hypothesis) of appeals on the engine and the ledger.

For any sequence of awards, appeals filed, appeals decided (upheld or overturned, through the engine's one
decision form or the service), second decisions, direct corrections and deadline runs:
- the ledger is append-only: every row once written stays exactly as it was, and rows cannot be changed or deleted;
- it balances: each subject's balance and the year's score are the sum of its awards not reversed; a reversal
  negates one award of the same subject, dated the day it is decided (no quarter is signed off here), and no award
  is reversed twice;
- each appeal's state is its decision; an overturned appeal has exactly one reversal of its entry, an upheld one
  leaves the entry as it was; an entry has at most one open appeal; every refused step writes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from casework.models import CaseEvent
from core import workflow
from core.errors import DomainError
from core.models import AppendOnlyError
from core.roles import Role
from points import services
from points import standings as calc
from points.flows import APPEAL
from points.models import Appeal, AppealStatus, Claim, EntryKind, LedgerEntry
from points.subjects import subject_of
from tests.factories import build_world, make_user
from tests.points.civility import civility_scheme, play

COLUMNS = ("kind", "subject_key", "score_delta", "balance_delta", "occurred_on", "reverses_id", "actor_id", "reason")


class AppealRun:
    """One village, two households (each with a villager account), the 安家村 rule book adopted a year ago."""

    def __init__(self):
        self.world = build_world()
        self.world.users["villager_a1b"] = make_user(
            "villager_a1b", Role.VILLAGER, self.world.village_a1, household=self.world.households["a1b"]
        )
        self.today = timezone.localdate()
        self.scheme, self.items = civility_scheme(self.world)
        self.households = ["a1", "a1b"]
        self.reviewer = self.world.users["reviewer_a1"]
        self.seen: dict[int, tuple] = {}  # every ledger row written so far, as it was written
        self.awards: dict[int, tuple[str, Decimal]] = {}  # award pk -> (subject key, points)
        self.reversed: set[int] = set()

    # -- operations -------------------------------------------------------------------------------------------

    def award(self, h, i):
        household = self.world.households[self.households[h]]
        try:
            claim = services.claim_record(
                actor=self.world.users["cadre_a1"],
                scheme=self.scheme,
                subject=subject_of(household),
                item=self.items[i % len(self.items)],
                occurred_on=self.today,
            )
        except DomainError:
            return  # a cap: refused, nothing written (checked by the invariants)
        services.claims_review(actor=self.reviewer, claim_ids=[claim.pk], approve=True)
        entry = LedgerEntry.objects.get(claim=claim)
        self.awards[entry.pk] = (entry.subject_key, entry.score_delta)

    def _pick(self, rows, pick):
        rows = sorted(rows)
        return rows[pick % len(rows)] if rows else None

    def appeal(self, pick):
        entry_pk = self._pick(self.awards, pick)
        if entry_pk is None:
            return
        entry = LedgerEntry.objects.get(pk=entry_pk)
        villager = self.world.users[
            "villager_a1" if entry.household_id == self.world.households["a1"].pk else "villager_a1b"
        ]
        open_appeal = Appeal.objects.filter(entry=entry, status=AppealStatus.PENDING).exists()
        before = self._state()
        try:
            appeal = services.appeal_file(actor=villager, entry=entry, reason="有误")
        except DomainError:
            assert open_appeal or entry_pk in self.reversed
            assert self._state() == before
            return
        assert not open_appeal and entry_pk not in self.reversed
        assert appeal.state == AppealStatus.PENDING and appeal.deadline_at is not None

    def decide(self, pick, overturn, through_the_form):
        appeal = self._pick(Appeal.objects.filter(state=AppealStatus.PENDING).values_list("pk", flat=True), pick)
        if appeal is None:
            return
        appeal = Appeal.objects.get(pk=appeal)
        before = self._state()
        try:
            if through_the_form:  # the page's one form: the decision names the step
                workflow.transition(
                    actor=self.reviewer,
                    case=appeal,
                    flow=APPEAL,
                    name="decide",
                    data={"decision": "overturn" if overturn else "uphold"},
                    note="经核实",
                )
            else:
                services.appeal_decide(actor=self.reviewer, appeal=appeal, overturn=overturn, note="经核实")
        except DomainError:
            # only an entry corrected meanwhile refuses an overturn
            assert overturn and appeal.entry_id in self.reversed
            assert self._state() == before
            return
        if overturn:
            assert appeal.entry_id not in self.reversed
            self.reversed.add(appeal.entry_id)

    def decide_again(self, pick, overturn):
        decided = Appeal.objects.exclude(state=AppealStatus.PENDING).values_list("pk", flat=True)
        appeal = self._pick(decided, pick)
        if appeal is None:
            return
        before = self._state()
        try:
            services.appeal_decide(
                actor=self.reviewer, appeal=Appeal.objects.get(pk=appeal), overturn=overturn, note="再议"
            )
        except DomainError:
            assert self._state() == before
        else:  # pragma: no cover - a decision is final
            raise AssertionError("an appeal was decided twice")

    def correct(self, pick):
        entry_pk = self._pick(self.awards, pick)
        if entry_pk is None:
            return
        before = self._state()
        try:
            services.entry_reverse(actor=self.reviewer, entry=LedgerEntry.objects.get(pk=entry_pk), reason="更正")
        except DomainError:
            assert entry_pk in self.reversed and self._state() == before
            return
        assert entry_pk not in self.reversed
        self.reversed.add(entry_pk)

    def deadlines(self, days):
        workflow.run_deadlines(APPEAL, now=timezone.now() + timedelta(days=days))

    # -- invariants -------------------------------------------------------------------------------------------

    def _state(self):
        return (
            LedgerEntry.objects.count(),
            Claim.objects.count(),
            list(Appeal.objects.order_by("pk").values_list("pk", "state", "status", "version")),
            CaseEvent.objects.filter(flow=APPEAL.name).count(),
        )

    def append_only(self):
        rows = {r[0]: tuple(r[1:]) for r in LedgerEntry.objects.values_list("pk", *COLUMNS)}
        for pk, values in self.seen.items():
            assert rows.get(pk) == values, f"ledger row {pk} changed or vanished"
        self.seen = rows

    def balances(self):
        entries = list(LedgerEntry.objects.filter(scheme=self.scheme))
        awards = {e.pk: e for e in entries if e.kind == EntryKind.AWARD}
        reversals = [e for e in entries if e.kind == EntryKind.REVERSAL]
        assert set(awards) == set(self.awards)
        assert sorted(r.reverses_id for r in reversals) == sorted(self.reversed)  # each at most once
        for r in reversals:
            award = awards[r.reverses_id]
            assert (r.subject_key, r.occurred_on) == (award.subject_key, timezone.localdate())
            assert r.score_delta == -award.score_delta and r.balance_delta == -award.balance_delta
        for h in self.households:
            key = subject_of(self.world.households[h]).key
            expected = sum(
                (p for pk, (k, p) in self.awards.items() if k == key and pk not in self.reversed), Decimal("0")
            )
            assert calc.balances(self.scheme, [key]).get(key, Decimal("0")) == expected
            year = {s.key: s.score for s in calc.standings(self.scheme, self.today.year)}
            assert year[key] == self.scheme.base_score + expected

    def appeals(self):
        for appeal in Appeal.objects.all():
            assert appeal.flow == APPEAL.name and appeal.state == appeal.status
            steps = [e.transition for e in workflow.history(appeal)]
            assert steps[0] == "start" and steps.count("start") == 1
            reversals = LedgerEntry.objects.filter(reverses=appeal.entry_id)
            if appeal.state == AppealStatus.PENDING:
                assert appeal.closed_at is None and appeal.deadline_at is not None and appeal.decided_at is None
                assert set(steps) <= {"start", "overdue"}
            else:
                assert appeal.closed_at is not None and appeal.deadline_at is None and appeal.decided_at is not None
                assert steps.count("uphold") + steps.count("overturn") == 1
            if appeal.state == AppealStatus.OVERTURNED:
                assert "overturn" in steps and reversals.count() == 1
                assert reversals.get().actor_id == appeal.decided_by_id
        pending = list(Appeal.objects.filter(state=AppealStatus.PENDING).values_list("entry_id", flat=True))
        assert len(pending) == len(set(pending))

    def cannot_rewrite_the_ledger(self):
        """The model and its queryset refuse; under them the database trigger refuses an UPDATE."""
        first = LedgerEntry.objects.order_by("pk").first()
        if first is None:
            return
        first.reason = "改写"
        for attempt in (
            first.save,
            first.delete,
            lambda: LedgerEntry.objects.filter(pk=first.pk).update(reason="改写"),
            lambda: LedgerEntry.objects.filter(pk=first.pk).delete(),
        ):
            with pytest.raises(AppendOnlyError):
                attempt()
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry._base_manager.filter(pk=first.pk).update(reason="改写")
        self.append_only()


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 1), st.integers(0, 40)),
        st.tuples(st.just("appeal"), st.integers(0, 1000)),
        st.tuples(st.just("decide"), st.integers(0, 1000), st.booleans(), st.booleans()),
        st.tuples(st.just("decide_again"), st.integers(0, 1000), st.booleans()),
        st.tuples(st.just("correct"), st.integers(0, 1000)),
        st.tuples(st.just("deadlines"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=16,
)


class TestAppealLedgerProperties(TestCase):
    """Each example runs in its own rolled-back transaction (hypothesis.extra.django.TestCase)."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_ledger_stays_append_only_and_balanced_whatever_the_appeals(self, operations):
        run = AppealRun()
        play(run, operations, run.append_only, run.balances, run.appeals)
        run.cannot_rewrite_the_ledger()
