"""Reads of the village ledger, always limited to the actor's scope (``core.scope``): cadres, reviewers and the
village supervisory committee see their village, township and county officials their villages. Rows outside the
scope are not found (404)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from core import scope, workflow
from core.errors import NotFound
from core.roles import Action
from finance.flows import EXPENSE
from finance.models import (
    ApprovalBand,
    Category,
    Direction,
    Expense,
    LedgerEntry,
    MonthlyDisclosure,
    Post,
    PostAssignment,
)
from regions import selectors as region_selectors
from regions.models import Region, RegionLevel


def villages(actor, action: str = Action.FINANCE_VIEW) -> QuerySet:
    """The villages whose ledger the actor may read (or write, for another action): region grants only."""
    return region_selectors.villages(actor, action, whole_village=False)


def village(actor, pk, action: str = Action.FINANCE_VIEW) -> Region:
    return scope.fetch(villages(actor, action), pk)


def counties(actor, action: str = Action.FINANCE_CONFIGURE) -> QuerySet:
    return Region.objects.filter(pk__in=scope.county_ids(actor, action)).order_by("code")


def config_regions(actor) -> QuerySet:
    """Counties and townships whose chain the actor may configure."""
    q = Q(pk__in=[])
    for g in scope.grants_for(actor, Action.FINANCE_CONFIGURE):
        if g.level == "county":
            q |= Q(pk=g.target_id) | Q(level=RegionLevel.TOWNSHIP, county_id=g.target_id)
        elif g.level == "township":
            q |= Q(pk=g.target_id)
    return Region.objects.filter(q, level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).order_by("code")


# -- the ledger -----------------------------------------------------------------------------------------------


def entries(actor) -> QuerySet:
    return scope.scope_filter(actor, Action.FINANCE_VIEW, LedgerEntry.objects.all()).select_related(
        "category", "category__parent", "reverses", "reversed_by", "recorded_by", "village"
    )


def ledger(actor, *, village, year: int | None = None, month: int | None = None, category=None, direction=""):
    qs = entries(actor).filter(village=village)
    if year and month:
        qs = qs.filter(date__year=year, date__month=month)
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    return qs.order_by("-date", "-id")


def entry(actor, pk) -> LedgerEntry:
    found = entries(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def categories(county_id: int, *, direction: str = "", active_only: bool = True) -> list[Category]:
    qs = Category.objects.filter(county_id=county_id).select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True)
    if direction:
        qs = qs.filter(direction=direction)
    return sorted(qs, key=lambda c: (c.direction != Direction.INCOME, c.code))


def category(actor, county_id: int, pk) -> Category | None:
    if pk in (None, ""):
        return None
    try:
        return Category.objects.filter(county_id=county_id, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def vouchers_of(obj) -> list:
    return list(obj.vouchers.all())


def voucher(actor, pk):
    """A voucher, only for someone who may see its entry or expense."""
    from finance.models import Voucher

    found = Voucher.objects.filter(pk=pk).select_related("entry", "expense").first()
    if found is None or not scope.in_scope(actor, Action.FINANCE_VIEW, found):
        if found is None or found.expense is None or not workflow.can_see(actor, found.expense, EXPENSE):
            raise NotFound()
    return found


# -- expenses -------------------------------------------------------------------------------------------------


def expenses(actor) -> QuerySet:
    """Every expense the actor may see: FINANCE_VIEW over its village, or a post in its chain."""
    q = scope.scope_q(actor, Action.FINANCE_VIEW, Expense)
    posts = PostAssignment.objects.filter(user_id=getattr(actor, "pk", None), ended_at__isnull=True)
    q |= Q(village_id__in=posts.values("village_id"))
    return Expense.objects.filter(q).select_related("category", "requester", "village")


def expense(actor, pk) -> Expense:
    found = expenses(actor).filter(pk=pk).first()
    if found is None or not workflow.can_see(actor, found, EXPENSE):
        raise NotFound()
    return found


def my_queue(actor) -> list[Expense]:
    """待我审批: the expenses waiting for the signature of a post the actor holds (and has not signed)."""
    from finance.flows import holds_post, signers_of_round

    held = PostAssignment.objects.filter(user_id=getattr(actor, "pk", None), ended_at__isnull=True)
    pairs = {(p.village_id, p.post) for p in held}
    if not pairs:
        return []
    candidates = Expense.objects.filter(state="pending", village_id__in={v for v, _p in pairs}).select_related(
        "category", "requester", "village"
    )
    out = []
    for e in candidates.order_by("requested_at", "id"):
        if (e.village_id, e.current_post) in pairs and holds_post(actor, e.village_id, e.current_post):
            e.already_signed = actor.pk in signers_of_round(e)
            out.append(e)
    return out


def counting_disclosures(village_id: int) -> QuerySet:
    """The village's disclosures that count: all but those whose notice was discarded before it was ever
    published (a draft thrown away discloses nothing). A month with one has its disclosure; it and every month
    before it take no new entries."""
    return MonthlyDisclosure.objects.filter(village_id=village_id).exclude(
        notice__state="withdrawn", notice__published_at__isnull=True
    )


def generated_months(village_id: int) -> set[tuple[int, int]]:
    """(year, month) of the village's months that have their disclosure (not generated again; corrected instead)."""
    return set(counting_disclosures(village_id).values_list("year", "month"))


def posts_of(village_id: int) -> list[PostAssignment]:
    """The village's current post holders in the order the posts sign (村文书 first, 镇主要领导 last)."""
    order = {value: index for index, value in enumerate(Post.values)}
    rows = PostAssignment.objects.filter(village_id=village_id, ended_at__isnull=True).select_related("user")
    return sorted(rows, key=lambda p: (order.get(p.post, len(order)), p.id))


def post_holders(village_id: int, post: str) -> list:
    return [p.user for p in posts_of(village_id) if p.post == post]


def bands_of(region) -> list[ApprovalBand]:
    rows = list(ApprovalBand.objects.filter(region=region))
    return sorted(rows, key=lambda b: (b.max_amount is None, b.max_amount or 0))


def disclosures(actor, village) -> QuerySet:
    return (
        scope.scope_filter(actor, Action.FINANCE_VIEW, MonthlyDisclosure.objects.all())
        .filter(village=village)
        .select_related("notice", "generated_by", "corrects__notice")
        .order_by("-year", "-month", "-sequence")
    )


def disclosure(actor, pk) -> MonthlyDisclosure:
    found = (
        scope.scope_filter(actor, Action.FINANCE_VIEW, MonthlyDisclosure.objects.all())
        .select_related("notice", "village", "corrects__notice")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def correctable(row: MonthlyDisclosure) -> bool:
    """Is this the month's disclosure as it stands, published, with no correction under way?"""
    current = counting_disclosures(row.village_id).filter(year=row.year, month=row.month).order_by("-sequence").first()
    return current is not None and current.pk == row.pk and row.notice.published_at is not None


def disclosure_for(village_id: int, year: int, month: int) -> MonthlyDisclosure | None:
    return (
        MonthlyDisclosure.objects.filter(village_id=village_id, year=year, month=month)
        .exclude(notice__state="withdrawn")
        .select_related("notice")
        .first()
    )


def month_choices(today: date, count: int = 24) -> list[tuple[int, int]]:
    out = []
    year, month = today.year, today.month
    for _i in range(count):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out


def bands_for(village: Region) -> list[ApprovalBand]:
    """The chain that applies to a village: its township's, else its county's (installed with the county), by
    amount."""
    rows = list(ApprovalBand.objects.filter(region_id=village.township_id))
    if not rows:
        rows = list(ApprovalBand.objects.filter(region_id=village.county_id))
    return sorted(rows, key=lambda b: (b.max_amount is None, b.max_amount or 0))
