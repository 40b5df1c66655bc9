"""Property test (hypothesis): closed quarters stay as they were posted, whatever is corrected afterwards.

For any sequence of awards (dated in this quarter or one of the two before), quarters signed off and published
(in any order), corrections by the review group and appeals overturned:
- what was posted stays true: every publication's rows equal the live standings of its quarter, and its snapshot
  never changes;
- nothing that changes a score is dated in a quarter already signed off when it was written; a correction is dated
  on the day it is decided or, when that quarter is signed off, on the first open day after it;
- every correction counted in a published quarter that undoes an entry of an earlier quarter is named on that
  notice, with the entry it undoes, and nothing else is;
- the ledger is append-only and balances: each subject's balance is the sum of its awards not reversed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import DomainError
from points import services
from points import standings as calc
from points.models import EntryKind, LedgerEntry, Publication
from points.subjects import subject_of
from tests.factories import build_world
from tests.points.civility import civility_scheme, play

COLUMNS = ("kind", "subject_key", "score_delta", "balance_delta", "occurred_on", "reverses_id")


def _mask(label: str) -> str:
    return services.quarters._mask(label)


class PeriodRun:
    def __init__(self):
        self.world = build_world()
        self.today = timezone.localdate()
        self.scheme, self.items = civility_scheme(self.world)
        # the current quarter and the two before it: (year, quarter, first day, last day)
        self.quarters = []
        day = self.today
        for _ in range(3):
            year, quarter = day.year, calc.quarter_of(day)
            start, end = calc.period_bounds(year, quarter)
            self.quarters.append((year, quarter, start, end))
            day = start - timedelta(days=1)
        self.seen: dict[int, tuple] = {}
        self.snapshots: dict[int, dict] = {}
        self.closings: list[tuple[int, object]] = []  # (highest ledger id when closed, last day closed)
        self.reversed: set[int] = set()

    # -- operations -----------------------------------------------------------------------------------------

    def award(self, h, i, back, offset):
        year, quarter, start, end = self.quarters[back]
        day = min(start + timedelta(days=offset % ((end - start).days + 1)), self.today)
        household = self.world.households[("a1", "a1b")[h]]
        try:
            claim = services.claim_record(
                actor=self.world.users["cadre_a1"],
                scheme=self.scheme,
                subject=subject_of(household),
                item=self.items[i % len(self.items)],
                occurred_on=day,
            )
        except DomainError:
            return  # a cap: refused, nothing written
        services.claims_review(actor=self.world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)

    def close(self, back):
        year, quarter, _start, end = self.quarters[back]
        if Publication.objects.filter(scheme=self.scheme, year=year, quarter=quarter).exists():
            return
        services.quarter_signoff(actor=self.world.users["cadre_a1"], scheme=self.scheme, year=year, quarter=quarter)
        publication = services.quarter_publish(
            actor=self.world.users["cadre_a1"], scheme=self.scheme, year=year, quarter=quarter
        )
        self.snapshots[publication.pk] = publication.snapshot
        top = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.closings.append((top, calc.closed_through(self.scheme.pk)))

    def correct(self, pick, via_appeal):
        awards = sorted(
            LedgerEntry.objects.filter(scheme=self.scheme, kind=EntryKind.AWARD)
            .exclude(pk__in=self.reversed)
            .values_list("pk", flat=True)
        )
        if not awards:
            return
        entry = LedgerEntry.objects.get(pk=awards[pick % len(awards)])
        if via_appeal:
            villager = self.world.users["villager_a1"] if entry.household_id == self.world.households["a1"].pk else None
            if villager is None:
                return
            appeal = services.appeal_file(actor=villager, entry=entry, reason="有误")
            services.appeal_decide(actor=self.world.users["reviewer_a1"], appeal=appeal, overturn=True, note="属实")
        else:
            services.entry_reverse(actor=self.world.users["reviewer_a1"], entry=entry, reason="更正")
        self.reversed.add(entry.pk)
        reversal = LedgerEntry.objects.get(reverses=entry)
        decided = timezone.localdate()
        assert reversal.occurred_on == calc.first_open_day(self.scheme.pk, decided)
        assert reversal.occurred_on >= decided

    # -- invariants -----------------------------------------------------------------------------------------

    def posted_stays_true(self):
        for publication in Publication.objects.filter(scheme=self.scheme):
            assert publication.snapshot == self.snapshots[publication.pk], "a posted notice changed"
            live = {
                _mask(s.label): str(s.score) for s in calc.standings(self.scheme, publication.year, publication.quarter)
            }
            assert live == {r["name"]: r["score"] for r in publication.snapshot["rows"]}

    def nothing_dated_in_a_closed_quarter(self):
        for top, closed in self.closings:
            late = LedgerEntry.objects.filter(scheme=self.scheme, pk__gt=top).exclude(score_delta=0)
            assert not late.filter(occurred_on__lte=closed).exists()

    def corrections_are_named(self):
        for publication in Publication.objects.filter(scheme=self.scheme):
            start, end = calc.period_bounds(publication.year, publication.quarter)
            undone = set(
                LedgerEntry.objects.filter(
                    scheme=self.scheme,
                    kind=EntryKind.REVERSAL,
                    occurred_on__gte=start,
                    occurred_on__lte=end,
                    reverses__occurred_on__lt=start,
                ).values_list("reverses_id", flat=True)
            )
            named = [c["entry"] for c in publication.snapshot["corrections"]]
            assert sorted(named) == sorted(undone)

    def append_only_and_balanced(self):
        rows = {r[0]: tuple(r[1:]) for r in LedgerEntry.objects.values_list("pk", *COLUMNS)}
        for pk, values in self.seen.items():
            assert rows.get(pk) == values, f"ledger row {pk} changed or vanished"
        self.seen = rows
        for key in ("a1", "a1b"):
            subject = subject_of(self.world.households[key])
            awards = LedgerEntry.objects.filter(scheme=self.scheme, subject_key=subject.key, kind=EntryKind.AWARD)
            expected = sum((e.balance_delta for e in awards if e.pk not in self.reversed), Decimal("0"))
            assert calc.balances(self.scheme, [subject.key]).get(subject.key, Decimal("0")) == expected


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 1), st.integers(0, 30), st.integers(0, 2), st.integers(0, 91)),
        st.tuples(st.just("close"), st.integers(0, 2)),
        st.tuples(st.just("correct"), st.integers(0, 1000), st.booleans()),
    ),
    min_size=1,
    max_size=12,
)


class TestClosedQuartersStayAsPosted(TestCase):
    """Each example runs in its own rolled-back transaction (hypothesis.extra.django.TestCase)."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_posted_quarters_never_change_and_corrections_are_named(self, operations):
        run = PeriodRun()
        play(
            run,
            operations,
            run.posted_stays_true,
            run.nothing_dated_in_a_closed_quarter,
            run.corrections_are_named,
            run.append_only_and_balanced,
        )
