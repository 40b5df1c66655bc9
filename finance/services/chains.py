"""Approval chains (amount bands → the posts that sign, per county or township): the default, saving, resetting."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from finance import rules, selectors
from finance.models import (
    ApprovalBand,
    Post,
)
from finance.services.common import county_scope
from regions.models import Region, RegionLevel

# -- approval chains ------------------------------------------------------------------------------------------


def chain_install_defaults(*, actor=None, county: Region) -> int:
    """The county's default chain (finance/rules.py), installed once (idempotent: 0 when the county has a chain);
    run when the county is created (finance.plug) and by the data migration for the counties that exist."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()
        if ApprovalBand.objects.filter(region=county).exists():
            return 0
        for limit, posts, deliberation in rules.DEFAULT_BANDS:
            ApprovalBand.objects.create(
                region=county,
                county=county,
                max_amount=limit,
                posts=[str(p) for p in posts],
                needs_deliberation=deliberation,
            )
        audit.record(
            actor, "finance.chain.install", None, after={"bands": len(rules.DEFAULT_BANDS)}, region=county_scope(county)
        )
    return len(rules.DEFAULT_BANDS)


def _clean_bands(bands) -> list[dict]:
    if not bands:
        raise DomainError({"bands": _("Give at least one amount band.")})
    out = []
    previous = None
    for index, band in enumerate(bands):
        label = _("Band %(n)s") % {"n": index + 1}
        raw = band.get("max_amount")
        last = index == len(bands) - 1
        if raw in (None, ""):
            if not last:
                raise DomainError({"bands": _("%(band)s: only the last band has no upper limit.") % {"band": label}})
            limit = None
        else:
            try:
                limit = rules.money(raw, "bands")
            except DomainError as exc:
                raise DomainError({"bands": f"{label}：{exc.message_dict['bands'][0]}"}) from None
            if previous is not None and limit <= previous:
                raise DomainError(
                    {"bands": _("%(band)s: the upper limits must increase from band to band.") % {"band": label}}
                )
            previous = limit
        if last and limit is not None:
            raise DomainError({"bands": _("The last band covers every larger amount: leave its limit empty.")})
        posts = [str(p) for p in band.get("posts") or [] if p]
        if not posts:
            raise DomainError({"bands": _("%(band)s: choose who signs, in order.") % {"band": label}})
        unknown = [p for p in posts if p not in Post.values]
        if unknown:
            raise DomainError({"bands": _("%(band)s: unknown post “%(post)s”.") % {"band": label, "post": unknown[0]}})
        if len(set(posts)) != len(posts):
            raise DomainError({"bands": _("%(band)s: a post signs only once in a chain.") % {"band": label}})
        out.append({"max_amount": limit, "posts": posts, "needs_deliberation": bool(band.get("needs_deliberation"))})
    return out


def chain_save(*, actor, region: Region, bands) -> list[ApprovalBand]:
    """Replace the approval chain of a county or a township (a township's chain wins over its county's). Expenses
    already submitted keep the chain they were submitted with."""
    if region is None or region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, region):
        raise NotFound()
    cleaned = _clean_bands(bands)
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=region.pk).first()
        old = ApprovalBand.objects.filter(region=region)
        before = [{"max_amount": str(b.max_amount) if b.max_amount else None, "posts": b.posts} for b in old]
        old.delete()
        rows = [
            ApprovalBand.objects.create(
                region=region, county_id=region.county_id or region.pk, updated_by=actor, **band
            )
            for band in cleaned
        ]
        audit.record(
            actor,
            "finance.chain.save",
            None,
            before={"bands": before},
            after={
                "bands": [
                    {"max_amount": str(b["max_amount"]) if b["max_amount"] else None, "posts": b["posts"]}
                    for b in cleaned
                ]
            },
            region=region,
            target_label=region.name,
        )
    return rows


def chain_reset(*, actor, region: Region) -> None:
    """A township goes back to its county's chain."""
    if region is None or region.level != RegionLevel.TOWNSHIP:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, region):
        raise NotFound()
    with transaction.atomic():
        old = ApprovalBand.objects.filter(region=region)
        if not old.exists():
            raise DomainError(_("This township already uses its county's chain."))
        old.delete()
        audit.record(actor, "finance.chain.reset", None, region=region, target_label=region.name)


def band_for(village: Region, amount: Decimal) -> tuple[ApprovalBand, str]:
    """The band of the chain that applies to the village (selectors.bands_for) covering ``amount``, with its label."""
    rows = selectors.bands_for(village)
    lower = None
    for band in rows:
        if band.max_amount is None or amount <= band.max_amount:
            return band, rules.band_label(band.max_amount, lower)
        lower = band.max_amount
    raise DomainError({"amount": _("No approval band covers this amount; ask the township to complete the chain.")})
