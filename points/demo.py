"""Demo points data: a household civility scheme with the 安家村 rule book in every demo village, a few months
of reviewed entries, last quarter published, and a points shop — all written through the services, so the
demo's numbers come from the same rules as real use."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from points import services
from points import standings as calc
from points.models import Claim, ConsequenceType, ListKind, ListMethod, Scheme
from points.subjects import subject_of
from regions.models import Region, RegionLevel
from registry.models import Household

# The rule book's items earned by facts (enter once, docs/points.md "Facts"): the meetings' sign-ins and the
# villagers' reports closed by their rating make the claims for the monthly review, nobody enters them.
MEETING_ITEM = "参加村民会议、院坝说事会"
MEETING_KINDS = ["villagers_assembly", "representatives", "courtyard"]  # meetings.models.MeetingKind
REPORT_ITEM = "反映问题经核实办结"


def _bind_facts(cadre, book) -> None:
    """Bind the draft ``book``'s meeting item to ``meetings.attended`` (村民会议、村民代表会议、院坝说事会, the first
    time in a month) and add an item earned by ``incidents.report_closed``."""
    from incidents.facts import REPORT_CLOSED
    from meetings.facts import ATTENDED

    item = book.items.select_related("category").filter(text=MEETING_ITEM).first()
    if item is not None:
        services.rule_item_save(
            actor=cadre,
            rulebook=book,
            item=item,
            category_name=item.category.name,
            code=item.code,
            text=item.text,
            points=item.points,
            cap_count=item.cap_count,
            cap_period=item.cap_period,
            evidence_required=item.evidence_required,
            declarable=item.declarable,
            recorder_roles=item.recorder_roles,
            fact=ATTENDED,
            fact_conditions={"kind": MEETING_KINDS, "first_in_month": True},
        )
    category = book.categories.filter(name="社会服务").first()
    services.rule_item_save(
        actor=cadre,
        rulebook=book,
        category_name=category.name if category else "社会服务",
        code="4.7",
        text=REPORT_ITEM,
        points=Decimal("0.5"),
        cap_count=2,
        fact=REPORT_CLOSED,
    )


@transaction.atomic
def seed_points(county: Region, *, cadre, reviewer, seed: int = 7) -> int:
    """Create the demo schemes once; returns the number of approved entries written."""
    from points.shop import services as shop_services

    try:
        from points.consequences import ensure_default_consequences
    except ImportError:  # pragma: no cover - the consequences catalogue is optional for the demo
        ensure_default_consequences = None
    rng = random.Random(seed)
    today = timezone.localdate()
    if ensure_default_consequences is not None:
        ensure_default_consequences(county)
    village = Region.objects.filter(level=RegionLevel.VILLAGE, county=county).order_by("code").first()
    if village is None or Scheme.objects.filter(village=village).exists():
        return 0
    scheme = services.scheme_create(
        actor=cadre,
        village=village,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        redeemable=True,
        star_rules=[{"stars": 10, "min_score": 16}, {"stars": 5, "min_score": 13}],
    )
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title=f"{village.name}村民日常积分管理细则",
        template="anjia",
        effective_from=today.replace(month=1, day=1),
    )
    _bind_facts(cadre, book)
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议 2026年1月5日 决议第1号")
    services.list_rule_save(
        actor=cadre,
        scheme=scheme,
        kind=ListKind.RED,
        method=ListMethod.TOP_SHARE,
        value=2,
        consequences=[],
        consequence_text="红榜公示，优先推荐评先评优",
    )
    allowed = list(ConsequenceType.objects.filter(county=county, forbidden=False).order_by("name"))
    services.list_rule_save(
        actor=cadre,
        scheme=scheme,
        kind=ListKind.BLACK,
        method=ListMethod.BELOW,
        value=7,
        consequences=allowed[:2],
        consequence_text="一个评议周期内暂停公益岗位资格，黑榜公示，1对1联系帮扶",
    )
    items = list(book.items.filter(evidence_required=False, fact=""))  # facts earn the bound items by themselves
    negative = list(book.items.filter(negative_list=True))
    start = max(today.replace(month=1, day=1), today - timedelta(days=150))
    households = list(Household.objects.filter(village=village).order_by("number"))
    claim_ids = []
    # The demo villager's household (the first) has done well, so the points shop has something to show.
    for offset, item in enumerate(sorted(items, key=lambda i: -i.points)[:6]):
        day = max(start, today - timedelta(days=20 + 9 * offset))
        try:
            claim = services.claim_record(
                actor=cadre, scheme=scheme, subject=subject_of(households[0]), item=item, occurred_on=day
            )
        except DomainError:
            continue
        claim_ids.append(claim.pk)
    for household in households:
        subject = subject_of(household)
        for _ in range(rng.randint(1, 6)):
            day = start + timedelta(days=rng.randrange(0, (today - start).days + 1))
            try:
                claim = services.claim_record(
                    actor=cadre, scheme=scheme, subject=subject, item=rng.choice(items), occurred_on=day
                )
            except DomainError:
                continue
            claim_ids.append(claim.pk)
        if rng.random() < 0.02:
            try:
                claim = services.claim_record(
                    actor=cadre,
                    scheme=scheme,
                    subject=subject,
                    item=rng.choice(negative),
                    occurred_on=today - timedelta(days=rng.randrange(20, 60)),
                    evidence=ContentFile(b"demo", name="photo.jpg"),
                    note="村委会核实",
                )
                claim_ids.append(claim.pk)
            except DomainError:
                pass
    # Leave the last two weeks waiting for the monthly review; approve the rest.
    recent = today - timedelta(days=14)
    to_approve = list(Claim.objects.filter(pk__in=claim_ids, occurred_on__lt=recent).values_list("pk", flat=True))
    for i in range(0, len(to_approve), 200):
        services.claims_review(actor=reviewer, claim_ids=to_approve[i : i + 200], approve=True)
    # Sign off and publish the previous quarter (all of its entries are reviewed by now).
    previous = calc.period_bounds(today.year, calc.quarter_of(today))[0] - timedelta(days=1)
    try:
        services.quarter_signoff(actor=cadre, scheme=scheme, year=previous.year, quarter=calc.quarter_of(previous))
        services.quarter_publish(actor=cadre, scheme=scheme, year=previous.year, quarter=calc.quarter_of(previous))
    except DomainError:
        pass
    shop = shop_services.shop_create(actor=cadre, village=village, name=f"{village.name}德美屋")
    for name, price, stock in [
        ("洗衣粉 1 袋", "3", 40),
        ("食用油 1 桶", "8", 20),
        ("毛巾 2 条", "2", 60),
        ("大米 10 斤", "10", 15),
    ]:
        shop_services.good_create(actor=cadre, shop=shop, scheme=scheme, name=name, price=Decimal(price), stock=stock)
    return len(to_approve)
