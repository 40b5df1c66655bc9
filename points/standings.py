"""Scores, ranks, stars, balances and lists — always computed from the ledger, never stored or typed.

Definitions (docs/points.md says the same in words):
- score of a subject for a period = the scheme's base score + the sum of ``score_delta`` of its ledger
  entries dated inside the period (quarter or year);
- balance = the sum of ``balance_delta`` of all its entries (awards and corrections add, redemptions spend);
- rank = competition ranking by score, highest first (1, 2, 2, 4); ties share the rank;
- stars per quarter from the scheme's star rules;
- lists: top/bottom share of the ranked subjects (ties at the cut-off are included, at least one subject
  when the share is positive), or a score threshold. A subject goes on a bottom-share black list only if it
  scored below the base score: having no entries is not misconduct.
- closed periods: a quarter the party branch has signed off is closed (its publication follows); no entry that
  changes a score is dated in it afterwards. A correction is dated when it is decided, an award when its deed
  happened, each moved to the first open day when that day is closed (``first_open_day``); so a quarter's
  standings never change once signed off, and the next publication shows the corrections (``corrections``).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from points.models import EntryKind, LedgerEntry, ListKind, ListMethod, ListRule, QuarterSignoff, Scheme
from points.subjects import subjects_of_scheme


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def period_bounds(year: int, quarter: int | None = None) -> tuple[date, date]:
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first_month, last_month = 3 * quarter - 2, 3 * quarter
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def publication_day(scheme: Scheme, year: int, quarter: int) -> date:
    return date(year, 3 * quarter, scheme.publish_day)


def closed_through(scheme_id: int) -> date | None:
    """The last day of the latest quarter of the scheme that the party branch has signed off, or None."""
    latest = (
        QuarterSignoff.objects.filter(scheme_id=scheme_id)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    return period_bounds(*latest)[1] if latest else None


def first_open_day(scheme_id: int, day: date, *, closed: date | None = None) -> date:
    """``day``, or the first day after the scheme's closed quarters when ``day`` falls in one of them (a day in
    the future when the current quarter is already signed off). ``closed``: ``closed_through`` when the caller
    has it already."""
    closed = closed_through(scheme_id) if closed is None else closed
    return max(day, closed + timedelta(days=1)) if closed else day


@dataclass
class Correction:
    """A correction dated in a period that undoes an entry dated in an earlier one (更正)."""

    entry_id: int  # the entry corrected
    reversal_id: int
    key: str
    label: str
    grid_id: int | None
    points: Decimal  # the change to the score (the opposite of the entry's)
    entry_date: date
    entry_reason: str
    recorded_on: date
    appeal: bool  # decided on an appeal (复议) rather than corrected by the review group


def corrections(scheme: Scheme, year: int, quarter: int | None = None) -> list[Correction]:
    """The corrections counted in a period that undo entries of earlier periods, oldest entry first."""
    start, end = period_bounds(year, quarter)
    rows = (
        LedgerEntry.objects.filter(
            scheme=scheme,
            kind=EntryKind.REVERSAL,
            occurred_on__gte=start,
            occurred_on__lte=end,
            reverses__occurred_on__lt=start,
        )
        .select_related("reverses")
        .order_by("reverses__occurred_on", "reverses_id")
    )
    from points.models import Appeal

    appealed = set(
        Appeal.objects.filter(entry_id__in=[r.reverses_id for r in rows], status="overturned").values_list(
            "entry_id", flat=True
        )
    )
    return [
        Correction(
            entry_id=r.reverses_id,
            reversal_id=r.pk,
            key=r.subject_key,
            label=r.subject_label,
            grid_id=r.grid_id,
            points=_cents(r.score_delta),
            entry_date=r.reverses.occurred_on,
            entry_reason=r.reverses.reason,
            recorded_on=timezone.localtime(r.recorded_at).date() if r.recorded_at else r.occurred_on,
            appeal=r.reverses_id in appealed,
        )
        for r in rows
    ]


@dataclass
class Standing:
    rank: int
    key: str
    label: str
    household_id: int | None
    grid_id: int | None
    score: Decimal
    stars: int = 0
    lists: list[str] = field(default_factory=list)


def _cents(value) -> Decimal:
    """Sums come back as Decimal('1') on SQLite and Decimal('1.00') on PostgreSQL: make them the same."""
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def score_sums(scheme: Scheme, start: date, end: date) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(scheme=scheme, occurred_on__gte=start, occurred_on__lte=end)
        .values("subject_key")
        .annotate(total=Sum("score_delta"))
    )
    return {r["subject_key"]: _cents(r["total"]) for r in rows}


def balances(scheme: Scheme, keys: list[str] | None = None) -> dict[str, Decimal]:
    qs = LedgerEntry.objects.filter(scheme=scheme)
    if keys is not None:
        qs = qs.filter(subject_key__in=keys)
    return {r["subject_key"]: _cents(r["total"]) for r in qs.values("subject_key").annotate(total=Sum("balance_delta"))}


def rank(scored: list[tuple[object, Decimal]]) -> list[tuple[int, object, Decimal]]:
    """Competition ranking, highest score first; input order breaks no ties (callers sort by label)."""
    ordered = sorted(scored, key=lambda pair: -pair[1])
    out, previous, current_rank = [], None, 0
    for index, (item, score) in enumerate(ordered, start=1):
        if score != previous:
            current_rank, previous = index, score
        out.append((current_rank, item, score))
    return out


def standings(scheme: Scheme, year: int, quarter: int | None = None, *, key: str | None = None) -> list[Standing]:
    """The ranked table of a scheme for a quarter or a year (fresh objects: callers may mark lists on them).

    Household schemes are cached under a key that changes whenever an input changes: the ledger is append-only,
    so its highest id for the scheme moves with every approval, correction or redemption; the households'
    count and latest change cover new households and renamed heads; the scheme's own settings are in the key.
    ``key``: ``standings_key(scheme, year, quarter)`` when the caller has it already.
    """
    key = key or standings_key(scheme, year, quarter)
    table = cache.get(key) if key else None
    if table is None:
        table = _compute_standings(scheme, year, quarter)
        if key:
            cache.set(key, table, 3600)
    return [replace(s, lists=[]) for s in table]


# Read on every standings request (page and API): hand-written, the ORM took longer to build the three
# subqueries than the database took to answer them (bench/README.md).
_STANDINGS_KEY_SQL = """
    SELECT (SELECT id FROM points_ledgerentry WHERE scheme_id = %s ORDER BY id DESC LIMIT 1),
           (SELECT COUNT(*) FROM registry_household WHERE village_id = %s),
           (SELECT MAX(updated_at) FROM registry_household WHERE village_id = %s)
"""


def standings_key(scheme: Scheme, year: int, quarter: int | None) -> str | None:
    """The cache key of a household scheme's table (None for other subjects, which are not cached): one query
    reads the scheme's highest ledger id and its village's household count and latest change."""
    if scheme.subject_kind != "household" or scheme.pk is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_STANDINGS_KEY_SQL, [scheme.pk, scheme.village_id, scheme.village_id])
        last_entry, n, changed = cursor.fetchone()
    parts = [
        scheme.pk,
        scheme.created_at.isoformat() if scheme.created_at else "",
        scheme.base_score,
        json.dumps(scheme.star_rules, sort_keys=True),
        year,
        quarter,
        last_entry,
        n or 0,
        str(changed or ""),
    ]
    return "points:standings:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _compute_standings(scheme: Scheme, year: int, quarter: int | None) -> list[Standing]:
    start, end = period_bounds(year, quarter)
    sums = score_sums(scheme, start, end)
    subjects = {s.key: s for s in subjects_of_scheme(scheme)}
    scored = []
    for key, subject in sorted(subjects.items(), key=lambda kv: kv[1].label):
        scored.append((subject, scheme.base_score + sums.get(key, Decimal("0"))))
    result = []
    for position, subject, score in rank(scored):
        result.append(
            Standing(
                position,
                subject.key,
                subject.label,
                subject.household.pk if subject.household else None,
                subject.grid_id,
                score,
                scheme.stars_for(score) if quarter else 0,
            )
        )
    return result


def active_list_rules(scheme: Scheme) -> list[ListRule]:
    return list(scheme.list_rules.filter(is_active=True))


def list_rules_fingerprint(rules: list[ListRule]) -> str:
    """What of the active list rules decides who is on a list (for cache keys of tables with lists applied)."""
    return repr([(r.pk, r.kind, r.method, str(r.value)) for r in rules])


def apply_lists(
    scheme: Scheme, table: list[Standing], rules: list[ListRule] | None = None
) -> dict[str, list[Standing]]:
    """Mark each standing with the lists it is on; returns {"red": [...], "black": [...]}.
    ``rules``: the scheme's active list rules when the caller has read them already."""
    out: dict[str, list[Standing]] = {ListKind.RED: [], ListKind.BLACK: []}
    n = len(table)
    for rule in active_list_rules(scheme) if rules is None else rules:
        value = Decimal(rule.value)
        members: list[Standing] = []
        if rule.method in (ListMethod.TOP_SHARE, ListMethod.BOTTOM_SHARE) and n:
            count = max(1, math.floor(n * value / 100)) if value > 0 else 0
            ordered = table if rule.method == ListMethod.TOP_SHARE else list(reversed(table))
            if count:
                cutoff = ordered[count - 1].score
                if rule.method == ListMethod.TOP_SHARE:
                    members = [s for s in table if s.score >= cutoff]
                else:
                    members = [s for s in table if s.score <= cutoff and s.score < scheme.base_score]
        elif rule.method == ListMethod.AT_LEAST:
            members = [s for s in table if s.score >= value]
        elif rule.method == ListMethod.BELOW:
            members = [s for s in table if s.score < value]
        for s in members:
            if rule.kind not in s.lists:
                s.lists.append(rule.kind)
                out[rule.kind].append(s)
    return out


@dataclass
class CountyStanding:
    rank: int
    key: str
    score: Decimal
    label: str = ""
    village_id: int | None = None


def county_ranking(county_id: int, year: int, *, kind: str = "civility") -> list[CountyStanding]:
    """拉通排名 across a county: every household with points in the year in any village's scheme of this kind,
    ranked by base score + the year's points. One aggregate over the ledger, ranked in Python; names are
    attached only to the rows shown (``with_labels``)."""
    bases = dict(
        Scheme.objects.filter(county_id=county_id, kind=kind, subject_kind="household").values_list("pk", "base_score")
    )
    start, end = period_bounds(year)
    rows = (
        LedgerEntry.objects.filter(
            county_id=county_id, scheme_id__in=list(bases), occurred_on__gte=start, occurred_on__lte=end
        )
        .values("scheme_id", "subject_key")
        .annotate(total=Sum("score_delta"))
        .values_list("scheme_id", "subject_key", "total")
    )
    scored = [(key, bases[scheme_id] + _cents(total)) for scheme_id, key, total in rows]
    return [CountyStanding(position, key, score) for position, key, score in rank(scored)]


def with_labels(rows: list[CountyStanding]) -> list[CountyStanding]:
    from registry.models import Household

    ids = [int(r.key[2:]) for r in rows if r.key.startswith("h:")]
    found = {
        f"h:{pk}": (f"{head or number}户", village)
        for pk, head, number, village in Household.objects.filter(pk__in=ids).values_list(
            "pk", "head_name", "number", "village_id"
        )
    }
    for r in rows:
        r.label, r.village_id = found.get(r.key, (r.key, None))
    return rows
