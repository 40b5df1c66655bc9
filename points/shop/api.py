"""Points shop endpoints (mounted at /api/points). Same selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from core import scope
from core.api_types import MAX_INT, Id, Limit, Points, Quantity
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from points.api import new_row_village
from points.models import Redemption, RedemptionStatus, Scheme
from points.shop import selectors, services
from points.subjects import subject_of

router = Router(tags=["points shop"])


class GoodOut(Schema):
    id: int
    name: str
    shop_id: int
    shop_name: str
    is_member_shop: bool
    scheme_id: int
    scheme_name: str
    price: Decimal
    stock: int
    is_active: bool
    balance: Decimal | None = None
    picture_url: str | None = None
    thumbnail_url: str | None = None


class RedemptionIn(Schema):
    good_id: Id
    quantity: Quantity = 1
    client_key: str | None = None
    household_id: Id | None = None
    confirm: bool = Field(False, description="Must be true: redeeming spends the points at once (422 otherwise).")


class CancelIn(Schema):
    reason: str = ""


class RedemptionOut(Schema):
    id: int
    good_id: int
    good_name: str
    shop_id: int
    shop_name: str
    scheme_id: int
    subject_key: str
    subject_label: str
    household_id: int | None
    quantity: int
    points: Decimal
    status: str
    created_at: datetime
    closed_at: datetime | None
    client_key: str | None
    pickup_code: str | None = Field(
        None, description="取货码: given only to the household's own accounts and to whoever redeemed."
    )


class PickupIn(Schema):
    code: str = Field(..., max_length=20, description="The six digits the household shows.")
    shop_id: Id | None = None


def _good(g, balance=None) -> dict:
    return {
        "id": g.pk,
        "name": g.name,
        "shop_id": g.shop_id,
        "shop_name": g.shop.name,
        "is_member_shop": g.shop.is_member_shop,
        "scheme_id": g.scheme_id,
        "scheme_name": g.scheme.name,
        "price": g.price,
        "stock": g.stock,
        "is_active": g.is_active,
        "balance": balance,
        "picture_url": reverse("points:shop_good_picture", args=[g.pk]) if g.picture else None,
        "thumbnail_url": reverse("points:shop_good_thumb", args=[g.pk]) if g.picture else None,
    }


def _redemption(r: Redemption, actor=None) -> dict:
    return {
        "id": r.pk,
        "good_id": r.good_id,
        "good_name": r.good.name,
        "shop_id": r.shop_id,
        "shop_name": r.shop.name,
        "scheme_id": r.scheme_id,
        "subject_key": r.subject_key,
        "subject_label": r.subject_label,
        "household_id": r.household_id,
        "quantity": r.quantity,
        "points": r.points,
        "status": r.status,
        "created_at": r.created_at,
        "closed_at": r.closed_at,
        "client_key": r.client_key,
        "pickup_code": r.pickup_code if services.sees_pickup_code(actor, r) else None,
    }


def _shop_user(request):
    """The caller, when the shop is theirs to use (a villager with a shelf, a keeper or a cadre)."""
    if not selectors.can_use_shop(request.auth):
        raise PermissionDenied()
    return request.auth


@router.get(
    "/shop/goods",
    response=list[GoodOut],
    summary=gettext_lazy(
        "Goods: a villager's village shelf with their balance, or the goods of the shops a cadre or keeper runs"
    ),
)
def goods(request):
    user = _shop_user(request)
    subject = selectors.my_subject(user)
    if subject is not None:
        balances = {b["scheme"].pk: b["balance"] for b in selectors.balances_for(subject)}
        return [_good(g, balances.get(g.scheme_id)) for g in selectors.goods_on_offer(subject.village_id, subject.kind)]
    shops = selectors.fulfil_shops(user)
    return [_good(g) for g in selectors.goods_of_shops(shops)]


@router.post(
    "/shop/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut},
    summary=gettext_lazy(
        "Redeem a good: for the caller's household, or (a cadre at the counter) for household_id; "
        "the same client_key twice gives back the first redemption (200)"
    ),
)
def redemption_create(request, payload: RedemptionIn):
    user = _shop_user(request)
    if payload.household_id is None:
        subject = selectors.my_subject(user)
        if subject is None:
            raise DomainError({"household_id": _("Choose the household that redeems.")})
        good = selectors.redeemable_good(user, payload.good_id, subject)
    else:
        from registry.models import Household

        household = Household.objects.filter(pk=payload.household_id).first()
        if household is None:
            raise NotFound()
        subject = subject_of(household)
        good = selectors.goods_of_shops(selectors.managed_shops(user)).filter(pk=payload.good_id).first()
        if good is None:
            mine = selectors.my_subject(user)
            if mine is None:
                raise NotFound()
            # A villager naming a household: the good must be on their shelf; the service refuses another household.
            good = selectors.redeemable_good(user, payload.good_id, mine)
    if payload.confirm is not True:  # it spends the points at once: refused, nothing written
        raise DomainError({"confirm": services.confirm_refusal(services.redeem_confirm_text(good))}, code="confirm")
    replay = bool(payload.client_key) and Redemption.objects.filter(client_key=payload.client_key).exists()
    redemption = services.redemption_create(
        actor=user, good=good, subject=subject, quantity=payload.quantity, client_key=payload.client_key
    )
    return (200 if replay else 201), _redemption(redemption, user)


@router.get("/shop/redemptions", response=list[RedemptionOut], summary=gettext_lazy("Redemptions the caller may see"))
def redemption_list(request, status: str = "", shop_id: Id | None = None, limit: Limit = 100):
    user = _shop_user(request)
    qs = selectors.visible_redemptions(user)
    if status:
        if status not in RedemptionStatus.values:
            raise DomainError({"status": _("Unknown status.")})
        qs = qs.filter(status=status)
    if shop_id is not None:
        qs = qs.filter(shop_id=shop_id)
    return [_redemption(r, user) for r in qs[: max(1, min(limit, 500))]]


@router.post(
    "/shop/redemptions/{int:redemption_id}/fulfil",
    response=RedemptionOut,
    summary=gettext_lazy("Hand the goods over (the shop's keeper or a village cadre)"),
)
def redemption_fulfil(request, redemption_id: Id):
    user = _shop_user(request)
    redemption = selectors.access_redemption(user, redemption_id)
    return _redemption(services.redemption_fulfil(actor=user, redemption=redemption), user)


@router.post(
    "/shop/redemptions/{int:redemption_id}/cancel",
    response=RedemptionOut,
    summary=gettext_lazy("Cancel a redemption that waits to be handed over; stock and points come back"),
)
def redemption_cancel(request, redemption_id: Id, payload: CancelIn | None = None):
    user = _shop_user(request)
    redemption = selectors.access_redemption(user, redemption_id)
    reason = payload.reason if payload is not None else ""
    return _redemption(services.redemption_cancel(actor=user, redemption=redemption, reason=reason), user)


# -- shops and goods (a cadre of the village) ------------------------------------------------------------------


class ShopIn(Schema):
    village_id: Id
    name: str
    is_member_shop: bool = False
    keeper_id: Id | None = None
    address: str = ""


class ShopUpdateIn(Schema):
    name: str
    is_member_shop: bool = False
    keeper_id: Id | None = None
    address: str = ""
    is_active: bool = True


class ShopOut(Schema):
    id: int
    village_id: int
    name: str
    is_member_shop: bool
    keeper_id: int | None
    address: str
    is_active: bool


class GoodIn(Schema):
    scheme_id: Id
    name: str
    price: Points
    stock: Quantity = 0


class GoodUpdateIn(Schema):
    scheme_id: Id
    name: str
    price: Points
    is_active: bool = True


class StockIn(Schema):
    delta: Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
    reason: str


def _good_changed(request, good_id, change, **fields) -> dict:
    """``change`` (a service taking the actor, the good and ``fields``) made to a good the caller may see,
    answered with the good as it now is."""
    good = selectors.access_good(request.auth, good_id)
    change(actor=request.auth, good=good, **fields)
    return _good(selectors.access_good(request.auth, good.pk))


def _keeper(keeper_id):
    if keeper_id is None:
        return None
    from accounts.models import User

    keeper = User.objects.filter(pk=keeper_id).first()
    if keeper is None:
        raise DomainError({"keeper": _("Choose a shopkeeper account.")})
    return keeper


def _scheme(scheme_id):
    """The scheme named (the service refuses a missing one, or one of another village)."""
    return Scheme.objects.filter(pk=scheme_id).first()


@router.post(
    "/shop/shops", response={201: ShopOut}, summary=gettext_lazy("Open a shop (积分超市 or a member shop) in a village")
)
def shop_create(request, payload: ShopIn):
    village = new_row_village(request.auth, Action.SHOP_MANAGE, payload.village_id)
    shop = services.shop_create(
        actor=request.auth,
        village=village,
        keeper=_keeper(payload.keeper_id),
        **payload.dict(exclude={"village_id", "keeper_id"}),
    )
    return 201, shop


@router.put(
    "/shop/shops/{int:shop_id}", response=ShopOut, summary=gettext_lazy("Change a shop: name, keeper, address, open")
)
def shop_update(request, shop_id: Id, payload: ShopUpdateIn):
    scope.require(request.auth, Action.SHOP_MANAGE)
    shop = selectors.access_shop(request.auth, shop_id)
    return services.shop_update(
        actor=request.auth, shop=shop, keeper=_keeper(payload.keeper_id), **payload.dict(exclude={"keeper_id"})
    )


@router.post(
    "/shop/shops/{int:shop_id}/goods", response={201: GoodOut}, summary=gettext_lazy("Put a good on a shop's shelf")
)
def good_create(request, shop_id: Id, payload: GoodIn):
    scope.require(request.auth, Action.SHOP_MANAGE)
    shop = selectors.access_shop(request.auth, shop_id)
    good = services.good_create(
        actor=request.auth, shop=shop, scheme=_scheme(payload.scheme_id), **payload.dict(exclude={"scheme_id"})
    )
    return 201, _good(selectors.access_good(request.auth, good.pk))


@router.put(
    "/shop/goods/{int:good_id}",
    response=GoodOut,
    summary=gettext_lazy("Change a good: name, price, scheme, offered (the stock changes through /stock)"),
)
def good_update(request, good_id: Id, payload: GoodUpdateIn):
    scope.require(request.auth, Action.SHOP_MANAGE)
    fields = payload.dict(exclude={"scheme_id"})
    return _good_changed(request, good_id, services.good_update, scheme=_scheme(payload.scheme_id), **fields)


@router.post(
    "/shop/goods/{int:good_id}/stock",
    response=GoodOut,
    summary=gettext_lazy("补货 (positive) or write off (negative) stock, with the reason; never below zero"),
)
def good_stock_adjust(request, good_id: Id, payload: StockIn):
    scope.require(request.auth, Action.SHOP_MANAGE)
    return _good_changed(request, good_id, services.stock_adjust, **payload.dict())


# -- the pickup code (取货码) ------------------------------------------------------------------------------------


@router.get(
    "/shop/redemptions/pickup",
    response=RedemptionOut,
    summary=gettext_lazy(
        "取货: the redemption waiting at the caller's shop(s) with this pickup code (keeper or cadre)"
    ),
)
def redemption_for_code(request, code: str = Query(..., max_length=20), shop_id: Id | None = None):
    user = _shop_user(request)
    return _redemption(services.redemption_for_code(user, code, shop_id), user)


@router.post(
    "/shop/redemptions/pickup",
    response=RedemptionOut,
    summary=gettext_lazy("取货: hand over the redemption whose pickup code the household shows (keeper or cadre)"),
)
def redemption_pickup(request, payload: PickupIn):
    user = _shop_user(request)
    return _redemption(services.redemption_fulfil_by_code(actor=user, code=payload.code, shop_id=payload.shop_id), user)


# -- pictures of goods -----------------------------------------------------------------------------------------


@router.post(
    "/shop/goods/{int:good_id}/picture",
    response=GoodOut,
    summary=gettext_lazy("Put a picture on a good (multipart field picture: a photo, at most 10 MB); replaces any"),
)
def good_picture_set(request, good_id: Id, picture: File[UploadedFile]):
    return _good_changed(request, good_id, services.good_set_picture, picture=picture)


@router.delete(
    "/shop/goods/{int:good_id}/picture", response=GoodOut, summary=gettext_lazy("Remove the picture of a good")
)
def good_picture_remove(request, good_id: Id):
    return _good_changed(request, good_id, services.good_remove_picture)
