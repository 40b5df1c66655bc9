"""Reads of the points shop, scoped to the acting user.

- a village cadre sees the shops, goods and redemptions of their villages (``Action.SHOP_MANAGE``);
- a shopkeeper sees only the shop(s) they keep;
- a villager sees the goods offered in their household's village and their household's own redemptions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import scope
from core.errors import NotFound
from core.roles import Action, Role
from points.models import Good, Redemption, RedemptionStatus, Scheme, Shop
from points.services import subject_for_actor
from points.shop.services import balance_of, keeps_shop
from points.subjects import Subject


def can_use_shop(actor) -> bool:
    return any(scope.can(actor, a) for a in (Action.SHOP_REDEEM, Action.SHOP_MANAGE, Action.SHOP_FULFIL))


def managed_shops(actor) -> QuerySet[Shop]:
    return scope.scope_filter(actor, Action.SHOP_MANAGE, Shop.objects.select_related("village", "keeper")).order_by(
        "village_id", "is_member_shop", "name"
    )


def kept_shops(actor) -> QuerySet[Shop]:
    """The shops whose keeper the actor is, while their shopkeeper role still covers the shop."""
    if not getattr(actor, "is_authenticated", False):
        return Shop.objects.none()
    qs = Shop.objects.filter(keeper=actor).filter(scope.scope_q(actor, Action.SHOP_FULFIL, Shop))
    return qs.select_related("village", "keeper").order_by("name")


def fulfil_shops(actor) -> QuerySet[Shop]:
    """Shops whose redemptions the actor hands over: their village's (cadre) or their own (keeper)."""
    ids = set(managed_shops(actor).values_list("pk", flat=True)) | set(kept_shops(actor).values_list("pk", flat=True))
    return Shop.objects.filter(pk__in=ids).select_related("village", "keeper").order_by("village_id", "name")


def access_shop(actor, shop_id, *, manage: bool = True) -> Shop:
    qs = managed_shops(actor) if manage else fulfil_shops(actor)
    try:
        return qs.get(pk=shop_id)
    except (Shop.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def goods_of_shops(shops) -> QuerySet[Good]:
    return Good.objects.filter(shop__in=shops).select_related("shop", "scheme").order_by("shop__name", "name")


def access_good(actor, good_id) -> Good:
    """A good the actor manages."""
    try:
        return goods_of_shops(managed_shops(actor)).get(pk=good_id)
    except (Good.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def visible_good(actor, good_id) -> Good:
    """A good the actor sees: offered to their household's village, or of a shop they run or keep."""
    shops = fulfil_shops(actor)
    q = Q(shop__in=shops)
    subject = my_subject(actor)
    if subject is not None:
        q |= Q(pk__in=goods_on_offer(subject.village_id, subject.kind).values("pk"))
    try:
        return Good.objects.filter(q).select_related("shop").get(pk=good_id)
    except (Good.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def redeemable_schemes(village_id, subject_kind: str) -> QuerySet[Scheme]:
    return Scheme.objects.filter(village_id=village_id, subject_kind=subject_kind, redeemable=True, is_active=True)


def goods_on_offer(village_id, subject_kind: str = "household") -> QuerySet[Good]:
    """What a household of the village can redeem: active goods of active shops, paid by a redeemable scheme."""
    return (
        Good.objects.filter(
            shop__village_id=village_id,
            shop__is_active=True,
            is_active=True,
            scheme__in=redeemable_schemes(village_id, subject_kind),
        )
        .select_related("shop", "scheme")
        .order_by("shop__is_member_shop", "shop__name", "price", "name")
    )


def my_subject(actor) -> Subject | None:
    """The villager's own household as a points subject, when their role lets them redeem."""
    if not scope.targets(actor, "household", Action.SHOP_REDEEM):
        return None
    return subject_for_actor(actor)


def redeemable_good(actor, good_id, subject: Subject) -> Good:
    """A good offered to the subject's village (404 otherwise)."""
    try:
        return goods_on_offer(subject.village_id, subject.kind).get(pk=good_id)
    except (Good.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def balances_for(subject: Subject) -> list[dict]:
    """The subject's spendable balance in each redeemable scheme of its village."""
    out = []
    for s in redeemable_schemes(subject.village_id, subject.kind).order_by("name"):
        out.append({"scheme": s, "balance": balance_of(s, subject)})
    return out


def my_redemptions(actor, subject: Subject | None = None) -> QuerySet[Redemption]:
    subject = subject or my_subject(actor)
    if subject is None:
        return Redemption.objects.none()
    return (
        Redemption.objects.filter(subject_key=subject.key, village_id=subject.village_id)
        .select_related("good", "shop", "scheme")
        .order_by("-created_at", "-id")
    )


def redemptions_to_fulfil(actor, status: str | None = RedemptionStatus.PENDING) -> QuerySet[Redemption]:
    """A shop's redemptions to hand over: the keeper's own shop(s), a cadre's village shops."""
    qs = Redemption.objects.filter(shop__in=fulfil_shops(actor)).select_related("good", "shop", "scheme", "household")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id") if status == RedemptionStatus.PENDING else qs.order_by("-created_at", "-id")


def visible_redemptions(actor) -> QuerySet[Redemption]:
    """Every redemption the actor may see: as keeper or cadre of the shop, or of their own household."""
    q = Q(shop__in=fulfil_shops(actor))
    subject = my_subject(actor)
    if subject is not None:
        q |= Q(subject_key=subject.key, village_id=subject.village_id)
    return Redemption.objects.filter(q).select_related("good", "shop", "scheme").order_by("-created_at", "-id")


def access_redemption(actor, redemption_id) -> Redemption:
    try:
        return visible_redemptions(actor).get(pk=redemption_id)
    except (Redemption.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def shopkeeper_candidates(village) -> QuerySet:
    """Accounts with the shopkeeper role in the village or its township, to name as a shop's keeper."""
    from accounts.models import User

    return (
        User.objects.filter(
            Q(assignments__role=Role.SHOPKEEPER)
            & (Q(assignments__region_id=village.pk) | Q(assignments__region_id=village.township_id))
        )
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )


def may_keep(actor, shop: Shop) -> bool:
    return keeps_shop(actor, shop)
