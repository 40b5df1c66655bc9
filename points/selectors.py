"""Reads of the points system, scoped to the acting user. Figures come from points.standings."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.params import int_param, year_param
from core.roles import Action
from points import standings as calc
from points.models import Appeal, AppealStatus, Claim, ClaimStatus, LedgerEntry, RuleBook, RuleItem, Scheme
from points.services import rulebook_in_force, subject_for_actor
from points.subjects import Subject


def _grid_villages(actor, action: str) -> list[int]:
    return [g.village_id for g in scope.grants_for(actor, action) if g.level == "grid"]


def schemes(actor, action: str = Action.POINTS_VIEW) -> QuerySet[Scheme]:
    """Schemes in scope; a grid worker (granted on grids) sees the schemes of their grids' villages."""
    q = scope.scope_q(actor, action, Scheme)
    grid_villages = _grid_villages(actor, action)
    if grid_villages:
        q |= Q(village_id__in=grid_villages)
    return Scheme.objects.filter(q).select_related("village").order_by("village_id", "name")


def scheme_in_scope(actor, scheme: Scheme, action: str = Action.POINTS_VIEW) -> bool:
    """``schemes``' rule for one loaded scheme, without a query."""
    return scope.in_scope(actor, action, scheme) or scheme.village_id in _grid_villages(actor, action)


def access_scheme(actor, scheme_id, action: str = Action.POINTS_VIEW) -> Scheme:
    """One scheme by id, in the actor's scope (``schemes``' rule, checked on the loaded row)."""
    try:
        scheme = Scheme.objects.select_related("village").get(pk=scheme_id)
    except (Scheme.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scheme_in_scope(actor, scheme, action):
        raise NotFound()
    return scheme


def schemes_with_counts(actor) -> list[Scheme]:
    rows = list(schemes(actor))
    pending = dict(
        Claim.objects.filter(scheme__in=rows, status=ClaimStatus.PENDING)
        .values_list("scheme_id")
        .annotate(n=Count("id"))
    )
    # The rule book in force per scheme, in one query (same order as services.rulebook_in_force).
    in_force: dict[int, RuleBook] = {}
    for book in RuleBook.objects.filter(
        scheme__in=rows, adopted_at__isnull=False, effective_from__lte=timezone.localdate()
    ).order_by("scheme_id", "-effective_from", "-version"):
        in_force.setdefault(book.scheme_id, book)
    for s in rows:
        s.pending_count = pending.get(s.pk, 0)
        s.rulebook_in_force = in_force.get(s.pk)
    return rows


def recordable_schemes(actor) -> list[Scheme]:
    """Schemes the actor may record in: active, in a village where they hold a recording role."""
    return list(schemes(actor, Action.POINTS_RECORD).filter(is_active=True))


def recordable_scheme(actor, scheme_id) -> Scheme | None:
    """One of ``recordable_schemes`` by id (one row read, not every scheme of a county)."""
    try:
        return schemes(actor, Action.POINTS_RECORD).filter(is_active=True, pk=scheme_id).first()
    except (ValueError, TypeError):
        return None


# The busiest write of the platform (recording an entry) reads its item, rule book and scheme with one
# hand-written statement: the ORM took longer to build the three-table query than the database took to run it
# (bench/README.md, "Recording an entry").
_RECORDABLE_ITEM_SQL = """
    SELECT i.*, s.subject_kind AS scheme_subject_kind, s.village_id AS scheme_village_id,
           s.township_id AS scheme_township_id, s.county_id AS scheme_county_id
    FROM points_ruleitem i
    JOIN points_rulebook b ON b.id = i.rulebook_id
    JOIN points_scheme s ON s.id = b.scheme_id
    WHERE i.id = %s AND b.scheme_id = %s AND s.is_active
"""


def recordable_item(actor, scheme_id, item_id) -> tuple[RuleItem, Scheme] | None:
    """An item of an active scheme the actor may record in, and that scheme (its place and subject kind only;
    the recording service reads it afresh under its lock). The scope is checked on the loaded row. None when
    either is missing or out of scope; the rule book in force on the entry's date is the service's check."""
    try:
        params = [int(item_id), int(scheme_id)]
    except (ValueError, TypeError):
        return None
    item = next(iter(RuleItem.objects.raw(_RECORDABLE_ITEM_SQL, params)), None)
    if item is None:
        return None
    known = {
        "id": params[1],
        "county_id": item.scheme_county_id,
        "township_id": item.scheme_township_id,
        "village_id": item.scheme_village_id,
        "subject_kind": item.scheme_subject_kind,
        "is_active": True,
    }
    names = [f.attname for f in Scheme._meta.concrete_fields if f.attname in known]
    scheme = Scheme.from_db(DEFAULT_DB_ALIAS, names, [known[n] for n in names])  # the other fields deferred
    if not scheme_in_scope(actor, scheme, Action.POINTS_RECORD):
        return None
    return item, scheme


def items_in_force(scheme: Scheme, *, declarable_only: bool = False) -> list[RuleItem]:
    book = rulebook_in_force(scheme, timezone.localdate())
    if book is None:
        return []
    qs = book.items.select_related("category").order_by("category__order", "order", "id")
    if declarable_only:
        qs = qs.filter(declarable=True)
    return list(qs)


def access_rulebook(actor, rulebook_id) -> RuleBook:
    try:
        book = RuleBook.objects.select_related("scheme", "scheme__village").get(pk=rulebook_id)
    except (RuleBook.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope.in_scope(actor, Action.POINTS_VIEW, book.scheme):
        raise NotFound()
    return book


def pending_claims(actor, scheme: Scheme, *, month: str = "") -> QuerySet[Claim]:
    if not scope.in_scope(actor, Action.POINTS_REVIEW, scheme):
        raise NotFound()
    qs = Claim.objects.filter(scheme=scheme, status=ClaimStatus.PENDING).select_related(
        "item", "item__category", "recorded_by", "grid"
    )
    year, _sep, mon = (month or "").partition("-")
    year, mon = year_param(year, None), int_param(mon, low=1, high=12)
    if year is not None and mon is not None:  # a month of the platform's years, else every month
        qs = qs.filter(occurred_on__year=year, occurred_on__month=mon)
    return qs.order_by("occurred_on", "id")


def standings(
    actor, scheme: Scheme, year: int, quarter: int | None, *, grid_id: int | None = None, group_id: int | None = None
):
    """The table with lists applied, ranked across the village; a grid worker's view, a grid or a village group
    is the same ranking limited to those households (ranks stay the village's)."""
    table = calc.standings(scheme, year, quarter)
    calc.apply_lists(scheme, table)
    if not scope.in_scope(actor, Action.POINTS_VIEW, scheme):
        grids = set(scope.targets(actor, "grid"))
        table = [s for s in table if s.grid_id in grids]
    if grid_id:
        table = [s for s in table if s.grid_id == grid_id]
    if group_id:
        from registry.models import Household

        in_group = set(
            Household.objects.filter(village_id=scheme.village_id, group_id=group_id).values_list("pk", flat=True)
        )
        table = [s for s in table if s.household_id in in_group]
    return table


def village_standings_rendered(actor, scheme: Scheme, year: int, quarter: int | None, *, name: str, render):
    """The whole village's table with lists applied, turned into bytes or text by ``render(table)`` and cached
    under ``name``, the table's key (ledger, households, scheme settings: ``standings_key``) and the active list
    rules. None when it is not cached (not a household scheme) or the actor sees only part of the village (a grid
    worker): the caller then uses ``standings``."""
    if not scope.in_scope(actor, Action.POINTS_VIEW, scheme):
        return None
    key = calc.standings_key(scheme, year, quarter)
    if key is None:
        return None
    rules = calc.active_list_rules(scheme)
    rendered_key = f"{key}:{name}:" + hashlib.sha256(calc.list_rules_fingerprint(rules).encode()).hexdigest()
    rendered = cache.get(rendered_key)
    if rendered is None:
        table = calc.standings(scheme, year, quarter, key=key)
        calc.apply_lists(scheme, table, rules)
        rendered = render(table)
        cache.set(rendered_key, rendered, 3600)
    return rendered


def year_lines(scheme: Scheme, key: str, year: int) -> dict:
    """The household's points of a year as lines that add up (积分明细): the base score first, the balance
    brought forward from earlier years, then every entry dated in the year, oldest first; the totals are the
    year's score (base + the year's score changes) and the balance at the end of those lines."""
    start, end = calc.period_bounds(year)
    rows = LedgerEntry.objects.filter(scheme=scheme, subject_key=key)
    earlier = rows.filter(occurred_on__lt=start).aggregate(total=Sum("balance_delta"))["total"]
    lines = list(
        rows.filter(occurred_on__gte=start, occurred_on__lte=end)
        .select_related("item", "reverses", "claim")
        .order_by("occurred_on", "id")
    )
    brought_forward = calc._cents(earlier)
    return {
        "year": year,
        "base_score": scheme.base_score,
        "brought_forward": brought_forward,
        "lines": lines,
        "score": calc._cents(scheme.base_score + sum((e.score_delta for e in lines), Decimal("0"))),
        "balance": calc._cents(brought_forward + sum((e.balance_delta for e in lines), Decimal("0"))),
    }


def my_points_brief(actor) -> list[dict]:
    """A villager's points this year in each scheme of the household's village, for the home page: the score with
    its base, the rank in the village, the balance to spend (the same standings and balances as /points/me/)."""
    subject = subject_for_actor(actor)
    if subject is None:
        return []
    year = timezone.localdate().year
    out = []
    for scheme in Scheme.objects.filter(village_id=subject.village_id, is_active=True, subject_kind=subject.kind):
        table = calc.standings(scheme, year)
        mine = next((s for s in table if s.key == subject.key), None)
        out.append(
            {
                "scheme": scheme,
                "score": mine.score if mine else scheme.base_score,
                "base": scheme.base_score,
                "rank": mine.rank if mine else None,
                "ranked": len(table),
                "balance": calc.balances(scheme, [subject.key]).get(subject.key, Decimal("0")),
                "redeemable": scheme.redeemable,
            }
        )
    return out


def my_summary(actor, year: int | None = None) -> dict | None:
    """What a villager sees about their own household in every scheme of the village; ``year``: the year whose
    lines are listed (this year by default)."""
    subject = subject_for_actor(actor)
    if subject is None:
        return None
    today = timezone.localdate()
    quarter = calc.quarter_of(today)
    year = year or today.year
    out = {"subject": subject, "schemes": [], "year": year}
    if subject.kind == "household":
        from regions.models import Region

        out["household_number"] = subject.obj.number  # 户号: how the household finds its row on the public notice
        out["village_code"] = Region.objects.filter(pk=subject.village_id).values_list("code", flat=True).first()
    for scheme in Scheme.objects.filter(village_id=subject.village_id, is_active=True, subject_kind=subject.kind):
        quarter_table = calc.standings(scheme, today.year, quarter)
        year_table = calc.standings(scheme, today.year)
        mine_q = next((s for s in quarter_table if s.key == subject.key), None)
        mine_y = next((s for s in year_table if s.key == subject.key), None)
        balance = calc.balances(scheme, [subject.key]).get(subject.key, Decimal("0"))
        entries = (
            LedgerEntry.objects.filter(scheme=scheme, subject_key=subject.key)
            .select_related("item", "reverses")
            .order_by("-occurred_on", "-id")[:100]
        )
        claims = Claim.objects.filter(
            scheme=scheme, subject_key=subject.key, status__in=[ClaimStatus.PENDING, ClaimStatus.REJECTED]
        ).select_related("item")
        appeals = Appeal.objects.filter(entry__scheme=scheme, entry__subject_key=subject.key).select_related("entry")
        open_appeals = set(appeals.filter(status=AppealStatus.PENDING).values_list("entry_id", flat=True))
        reversed_ids = set(
            LedgerEntry.objects.filter(scheme=scheme, subject_key=subject.key, reverses__isnull=False).values_list(
                "reverses_id", flat=True
            )
        )
        out["schemes"].append(
            {
                "scheme": scheme,
                "quarter": quarter,
                "year": today.year,
                "quarter_score": mine_q.score if mine_q else scheme.base_score,
                "stars": mine_q.stars if mine_q else 0,
                "year_score": mine_y.score if mine_y else scheme.base_score,
                "year_rank": mine_y.rank if mine_y else None,
                "ranked": len(year_table),
                "balance": balance,
                "entries": list(entries),
                "claims": list(claims[:50]),
                "appeals": list(appeals[:50]),
                "open_appeal_entry_ids": open_appeals,
                "reversed_ids": reversed_ids,
                "appeal_window_days": scheme.appeal_window_days,
                "history": year_lines(scheme, subject.key, year),
                "years": _years_with_entries(scheme, subject.key, today.year),
            }
        )
    return out


def _years_with_entries(scheme: Scheme, key: str, this_year: int) -> list[int]:
    """The years the household's history can be read for, latest first (a correction made after the last
    quarter of a year was signed off is dated in the next one)."""
    days = LedgerEntry.objects.filter(scheme=scheme, subject_key=key).aggregate(
        first=Min("occurred_on"), last=Max("occurred_on")
    )
    first_year = min(days["first"].year if days["first"] else this_year, this_year)
    last_year = max(days["last"].year if days["last"] else this_year, this_year)
    return list(range(last_year, first_year - 1, -1))


def appeals_visible(actor) -> QuerySet[Appeal]:
    """The appeals board (复议): the appeals of the villages the actor reviews or supervises (a village's review
    group and cadres, a township's or county's officials); open ones first, the nearest deadline first."""
    from points.flows import APPEAL

    return (
        scope.scope_filter(actor, Action.POINTS_VIEW, Appeal.objects.filter(flow=APPEAL.name))
        .select_related("entry", "entry__scheme", "entry__item", "filed_by", "village")
        .order_by(F("closed_at").desc(nulls_first=True), "deadline_at", "-filed_at", "-pk")
    )


def claims_to_review(actor) -> QuerySet[Claim]:
    """Recorded points waiting for the review of the villages the actor reviews (待审核, the home page's count)."""
    return scope.scope_filter(actor, Action.POINTS_REVIEW, Claim.objects.filter(status=ClaimStatus.PENDING))


def appeals_to_decide(actor) -> QuerySet[Appeal]:
    """Open appeals (复议) of the villages whose review group the actor is in or helps: what waits for a decision."""
    from points.flows import APPEAL

    return scope.scope_filter(
        actor, Action.POINTS_REVIEW, Appeal.objects.filter(flow=APPEAL.name, closed_at__isnull=True)
    )


def is_late(appeal, now=None) -> bool:
    """Open and past its deadline (flagged by run_deadlines, or due and not flagged yet)."""
    if appeal.closed_at is not None:
        return False
    return appeal.overdue or (appeal.deadline_at is not None and appeal.deadline_at < (now or timezone.now()))


def overdue_appeals(actor, now=None) -> QuerySet[Appeal]:
    """Open appeals past their deadline, the longest overdue first (the supervisor's list)."""
    now = now or timezone.now()
    return (
        appeals_visible(actor)
        .filter(closed_at__isnull=True)
        .filter(Q(overdue=True) | Q(deadline_at__lt=now))
        .order_by("deadline_at", "pk")
    )


def appeal_counts(actor, now=None) -> dict:
    """Open and overdue appeals the actor sees (one query), for the points home page."""
    now = now or timezone.now()
    return (
        appeals_visible(actor)
        .order_by()
        .aggregate(
            open=Count("pk", filter=Q(closed_at__isnull=True)),
            overdue=Count("pk", filter=Q(closed_at__isnull=True) & (Q(overdue=True) | Q(deadline_at__lt=now))),
        )
    )


def find_appeal(actor, appeal_id) -> Appeal:
    """One appeal, if the actor may see it on its procedure (the household, the review group, supervisors);
    NotFound for missing and hidden alike (casework finds the case through this: Flow.find)."""
    from core import workflow
    from points.flows import APPEAL

    try:
        appeal = Appeal.objects.select_related("entry", "entry__scheme", "entry__item", "filed_by").get(
            pk=appeal_id, flow=APPEAL.name
        )
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not workflow.can_see(actor, appeal, APPEAL):
        raise NotFound()
    return appeal


def access_entry(actor, entry_id, action: str) -> LedgerEntry:
    try:
        entry = LedgerEntry.objects.select_related("scheme", "item").get(pk=entry_id)
    except (LedgerEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not (scope.in_scope(actor, action, entry) or scope.in_scope(actor, action, entry.scheme)):
        raise NotFound()
    return entry


def household_subjects_for_recording(actor, scheme: Scheme, q: str = "") -> list[Subject]:
    """Households of the scheme's village the actor may record for (a grid worker: their grids only)."""
    from points.subjects import subject_of
    from registry.models import Household

    qs = Household.objects.filter(village_id=scheme.village_id).filter(
        scope.scope_q(actor, Action.POINTS_RECORD, Household)
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(head_name__contains=q) | Q(number__startswith=q) | Q(members__name__contains=q)).distinct()
    return [subject_of(h) for h in qs.order_by("number")[:30]]


def county_ranking(actor, year: int):
    """The county-wide yearly ranking, for an actor with a county-level points view (county officials)."""
    counties = scope.targets(actor, "county", Action.POINTS_VIEW)
    if not counties:
        raise NotFound()
    return calc.county_ranking(counties[0], year)
