"""The households' points months (points.rollups) against the ledger (hypothesis): for any sequence of awards
adding or taking off points, on days of this month and the months before, and corrections of any of them, the
months kept in the ledger's transactions equal the months counted afresh from the ledger; an independent model of
what was approved and not corrected gives the same numbers; ``check_points_rollup`` agrees, and finds and mends a
month changed behind the ledger's back."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import DomainError
from points import rollups, services
from points.models import HouseholdMonth, LedgerEntry, RuleItem
from points.subjects import subject_of
from tests.factories import build_world
from tests.points.civility import civility_scheme

operation = st.one_of(
    st.tuples(st.just("award"), st.sampled_from(["a1", "a1b"]), st.booleans(), st.integers(0, 70)),
    st.tuples(st.just("correct"), st.integers(0, 50)),
)


class RollupRun:
    def __init__(self):
        self.world = build_world()
        self.today = timezone.localdate()
        self.scheme, self.items = civility_scheme(self.world)
        book = self.items[0].rulebook
        # items that may be recorded several times a month (a monthly cap of one would refuse most awards)
        roomy = RuleItem.objects.filter(rulebook=book).exclude(cap_count__lte=3).order_by("code")
        self.plus = roomy.filter(points__gt=0).first() or RuleItem.objects.filter(rulebook=book, points__gt=0).first()
        self.minus = roomy.filter(points__lt=0).first() or RuleItem.objects.filter(rulebook=book, points__lt=0).first()
        self.entries: list[LedgerEntry] = []
        self.model: dict[tuple[int, object], list[int]] = {}  # (household, month) → [added, deducted]
        self.live: set[int] = set()

    def award(self, household: str, adds: bool, days_back: int) -> None:
        item = self.plus if adds else self.minus
        day = self.today - timedelta(days=days_back)
        cadre, reviewer = self.world.users["cadre_a1"], self.world.users["reviewer_a1"]
        try:
            claim = services.claim_record(
                actor=cadre,
                scheme=self.scheme,
                subject=subject_of(self.world.households[household]),
                item=item,
                occurred_on=day,
                evidence=SimpleUploadedFile("proof.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")
                if item.evidence_required
                else None,
            )
        except DomainError:  # a cap refused it: nothing was written
            return
        services.claims_review(actor=reviewer, claim_ids=[claim.pk], approve=True)
        entry = LedgerEntry.objects.get(claim=claim)
        self.entries.append(entry)
        self.live.add(entry.pk)
        counts = self.model.setdefault((entry.household_id, entry.occurred_on.replace(day=1)), [0, 0])
        counts[0 if adds else 1] += 1

    def correct(self, index: int) -> None:
        if not self.entries:
            return
        entry = self.entries[index % len(self.entries)]
        if entry.pk not in self.live:
            return
        services.entry_reverse(actor=self.world.users["reviewer_a1"], entry=entry, reason="记错了")
        self.live.discard(entry.pk)
        counts = self.model[(entry.household_id, entry.occurred_on.replace(day=1))]
        counts[0 if entry.score_delta > 0 else 1] -= 1


class RollupProperties(TestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=12))
    def test_the_months_kept_equal_the_months_counted_from_the_ledger(self, operations):
        run = RollupRun()
        for op in operations:
            if op[0] == "award":
                run.award(*op[1:])
            else:
                run.correct(op[1])
        model = {key: tuple(counts) for key, counts in run.model.items() if any(counts)}
        assert rollups.kept() == rollups.from_ledger() == model
        assert rollups.differences() == []


@pytest.mark.django_db
def test_the_check_finds_and_mends_a_month_that_disagrees_with_the_ledger():
    run = RollupRun()
    run.award("a1", True, 0)
    call_command("check_points_rollup", stdout=StringIO())
    HouseholdMonth.objects.update(added=5)  # behind the ledger's back
    with pytest.raises(CommandError, match="1 months differ"):
        call_command("check_points_rollup", county="510422", stdout=StringIO())
    out = StringIO()
    call_command("check_points_rollup", mend=True, stdout=out)
    assert "counted afresh" in out.getvalue() and rollups.differences() == []
    assert HouseholdMonth.objects.get().added == 1
