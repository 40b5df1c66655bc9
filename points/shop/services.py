"""Writes of the points shop (积分超市 / 德美屋 / 公益联盟共享超市): shops, goods, stock and redemptions.

Same rules as points.services: the actor's scope is checked, every function runs in one transaction and
records an audit event, and bad input raises DomainError and writes nothing.

Redeeming spends the balance (``balance_delta``), never the ranking score (``score_delta`` stays 0). Two
guards keep the books right under concurrent requests:

- the stock is decremented by one conditional UPDATE (``stock >= quantity``), so two buyers of the last item
  cannot both get it;
- the subject's registry row (the household) is locked before its balance is read, so two redemptions of
  the same household are serialized and cannot both spend the last points. (On SQLite every transaction is
  IMMEDIATE, so writers are serialized anyway.)
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action, Role
from points import standings as calc
from points.models import EntryKind, Good, LedgerEntry, Redemption, RedemptionStatus, Scheme, Shop
from points.services import _append, _decimal, _require_in_village, _subject_fields
from points.services.base import _create_placed
from points.shop.pictures import prepare_picture
from points.subjects import Subject
from regions.models import Region

MAX_QUANTITY = 99
MAX_STOCK = 100000


# -- who may do what --------------------------------------------------------------------------------------


def redeem_confirm_text(good: Good) -> str:
    """What redeeming does, said before it is done: a redemption spends the points at once, so the page asks
    (its dialog, or a box to tick) and the API wants ``confirm: true``; both refuse without, writing nothing."""
    return _(
        "Redeeming spends %(price)s points for each “%(good)s” from the household's balance at once; the good then "
        "waits at %(shop)s. You can cancel while it waits, and the points come back."
    ) % {"price": f"{good.price.normalize():f}", "good": good.name, "shop": good.shop.name}


def confirm_refusal(text: str) -> str:
    return _("Confirm before you go on: %(what)s") % {"what": text}


def keeps_shop(actor, shop: Shop) -> bool:
    """A shopkeeper account named as the shop's keeper, with its role still covering the shop's village."""
    return (
        actor is not None
        and shop.keeper_id is not None
        and shop.keeper_id == getattr(actor, "pk", None)
        and scope.in_scope(actor, Action.SHOP_FULFIL, shop)
    )


def may_manage(actor, shop: Shop) -> bool:
    return scope.in_scope(actor, Action.SHOP_MANAGE, shop)


def may_fulfil(actor, shop: Shop) -> bool:
    """The village cadres of the shop's village, or its own keeper (not the keeper of another shop)."""
    return may_manage(actor, shop) or keeps_shop(actor, shop)


def _is_shopkeeper_for(user, village: Region) -> bool:
    for grant in scope.grants(user):
        if grant.role != Role.SHOPKEEPER:
            continue
        if (grant.level == "village" and grant.target_id == village.pk) or (
            grant.level == "township" and grant.target_id == village.township_id
        ):
            return True
    return False


def _household_grants(actor, action: str) -> list:
    return [g for g in scope.grants_for(actor, action) if g.level == "household"]


def _require_redeem_scope(actor, subject: Subject) -> None:
    """A villager spends only their own household's points; a cadre may redeem for any household of the
    village at the counter. A villager naming another household is told so; anyone else out of scope gets 404."""
    if scope.in_scope(actor, Action.SHOP_REDEEM, subject.scope_row):
        return
    if _household_grants(actor, Action.SHOP_REDEEM):
        raise DomainError(_("You can only spend your own household's points."))
    raise NotFound()


# -- shops ------------------------------------------------------------------------------------------------


def _check_shop(*, village: Region, name: str, keeper, exclude_pk=None) -> str:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the shop a name.")
    elif Shop.objects.filter(village=village, name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = _("This village already has a shop with this name.")
    if keeper is not None and not _is_shopkeeper_for(keeper, village):
        errors["keeper"] = _("The keeper must be an account with the shopkeeper role in this village or township.")
    if errors:
        raise DomainError(errors)
    return name


@transaction.atomic
def shop_create(
    *, actor, village: Region, name: str, is_member_shop: bool = False, keeper=None, address: str = ""
) -> Shop:
    """积分超市 of the village, or a member shop (联盟商户) with its own keeper account."""
    _require_in_village(actor, Action.SHOP_MANAGE, village)
    name = _check_shop(village=village, name=name, keeper=keeper)
    shop = Shop(name=name, is_member_shop=bool(is_member_shop), keeper=keeper, address=(address or "").strip()[:200])
    return _create_placed(actor, shop, village, "points.shop.create")


@transaction.atomic
def shop_update(
    *,
    actor,
    shop: Shop,
    name: str,
    is_member_shop: bool = False,
    keeper=None,
    address: str = "",
    is_active: bool = True,
) -> Shop:
    shop = Shop.objects.select_for_update(of=("self",)).select_related("village").get(pk=shop.pk)
    if not may_manage(actor, shop):
        raise NotFound()
    before = audit.snapshot(shop)
    shop.name = _check_shop(village=shop.village, name=name, keeper=keeper, exclude_pk=shop.pk)
    shop.is_member_shop, shop.keeper = bool(is_member_shop), keeper
    shop.address, shop.is_active = (address or "").strip()[:200], bool(is_active)
    shop.save()
    before, after = audit.diff(before, audit.snapshot(shop))
    audit.record(actor, "points.shop.update", shop, before=before, after=after)
    return shop


# -- goods ------------------------------------------------------------------------------------------------


def _check_good(*, shop: Shop, scheme: Scheme | None, name: str, price) -> tuple[str, Decimal]:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the good a name.")
    try:
        value = _decimal(price, "price")
    except DomainError:
        errors["price"] = _("Enter a number.")
        value = Decimal("0")
    else:
        if value <= 0:
            errors["price"] = _("The price must be more than 0 points.")
    if scheme is None:
        errors["scheme"] = _("Choose the points scheme whose balance pays for this good.")
    elif scheme.village_id != shop.village_id:
        errors["scheme"] = _("The scheme must belong to the shop's village.")
    elif not scheme.redeemable or not scheme.is_active:
        errors["scheme"] = _("The points of this scheme cannot be redeemed.")
    if errors:
        raise DomainError(errors)
    return name, value


def _count(value, field: str, *, minimum: int, maximum: int = MAX_STOCK) -> int:
    """A whole number in range; "1.5", "abc" or True are refused rather than rounded."""
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        raise DomainError({field: _("Enter a whole number.")})
    number = int(text)
    if number < minimum or number > maximum:
        raise DomainError(
            {field: _("Enter a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}}
        )
    return number


@transaction.atomic
def good_create(*, actor, shop: Shop, scheme: Scheme | None, name: str, price, stock=0, picture=None) -> Good:
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if not may_manage(actor, shop):
        raise NotFound()
    name, value = _check_good(shop=shop, scheme=scheme, name=name, price=price)
    stock = _count(stock, "stock", minimum=0)
    prepared = prepare_picture(picture) if picture else None  # checked before anything is written
    good = Good.objects.create(shop=shop, scheme=scheme, name=name, price=value, stock=stock)
    audit.record(
        actor,
        "points.good.create",
        good,
        region=shop,
        after={"shop": shop.pk, "scheme": scheme.pk, "name": name, "price": str(value), "stock": stock},
    )
    if prepared is not None:
        _store_picture(actor, good, prepared)
    return good


def _store_picture(actor, good: Good, prepared) -> None:
    before = good.picture.name or ""
    picture, thumbnail = prepared
    good.picture.save(picture.name, picture, save=False)
    good.thumbnail.save(thumbnail.name, thumbnail, save=False)
    good.save(update_fields=["picture", "thumbnail"])
    audit.record(
        actor,
        "points.good.picture",
        good,
        region=good.shop,
        before={"picture": before},
        after={"picture": good.picture.name},
    )


@transaction.atomic
def good_set_picture(*, actor, good: Good, picture) -> Good:
    """The photo of a good (replacing any): refused with a message, writing nothing, unless it is a photo of at
    most 10 MB (``points.shop.pictures``)."""
    good = Good.objects.select_for_update(of=("self",)).select_related("shop").get(pk=good.pk)
    if not may_manage(actor, good.shop):
        raise NotFound()
    if not picture:
        raise DomainError({"picture": _("Choose a photo of the good.")})
    _store_picture(actor, good, prepare_picture(picture))
    return good


@transaction.atomic
def good_remove_picture(*, actor, good: Good) -> Good:
    good = Good.objects.select_for_update(of=("self",)).select_related("shop").get(pk=good.pk)
    if not may_manage(actor, good.shop):
        raise NotFound()
    if not good.picture:
        raise DomainError({"picture": _("This good has no picture.")})
    before = good.picture.name
    good.picture, good.thumbnail = "", ""
    good.save(update_fields=["picture", "thumbnail"])
    audit.record(
        actor, "points.good.picture", good, region=good.shop, before={"picture": before}, after={"picture": ""}
    )
    return good


@transaction.atomic
def good_update(
    *,
    actor,
    good: Good,
    scheme: Scheme | None,
    name: str,
    price,
    is_active: bool = True,
    picture=None,
    remove_picture: bool = False,
) -> Good:
    """Name, price, scheme, whether it is offered and its picture (a new one, or removed); the stock changes only
    through ``stock_adjust``."""
    good = Good.objects.select_for_update(of=("self",)).select_related("shop").get(pk=good.pk)
    if not may_manage(actor, good.shop):
        raise NotFound()
    name, value = _check_good(shop=good.shop, scheme=scheme, name=name, price=price)
    prepared = prepare_picture(picture) if picture else None  # checked before anything is written
    before = {"scheme": good.scheme_id, "name": good.name, "price": str(good.price), "is_active": good.is_active}
    good.scheme, good.name, good.price, good.is_active = scheme, name, value, bool(is_active)
    good.save(update_fields=["scheme", "name", "price", "is_active"])
    after = {"scheme": good.scheme_id, "name": good.name, "price": str(good.price), "is_active": good.is_active}
    before, after = audit.diff(before, after)
    audit.record(actor, "points.good.update", good, region=good.shop, before=before, after=after)
    if prepared is not None:
        _store_picture(actor, good, prepared)
    elif remove_picture and good.picture:
        good_remove_picture(actor=actor, good=good)
    return good


@transaction.atomic
def stock_adjust(*, actor, good: Good, delta, reason: str) -> Good:
    """补货 (positive) or a write-off (negative, e.g. spoiled goods), always with the reason; never below zero."""
    good = Good.objects.select_related("shop").get(pk=good.pk)
    if not may_manage(actor, good.shop):
        raise NotFound()
    errors = {}
    try:
        delta = _count(delta, "delta", minimum=-MAX_STOCK)
    except DomainError as exc:
        errors.update(exc.message_dict)
    else:
        if delta == 0:
            errors["delta"] = _("Enter how many items come in (or, with a minus sign, go out).")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the change of stock.")
    if errors:
        raise DomainError(errors)
    changed = Good.objects.filter(pk=good.pk, stock__gte=max(0, -delta)).update(stock=F("stock") + delta)
    if not changed:
        raise DomainError({"delta": _("The stock cannot go below zero.")})
    before = good.stock
    good.refresh_from_db(fields=["stock"])
    audit.record(
        actor,
        "points.good.stock",
        good,
        region=good.shop,
        before={"stock": before},
        after={"stock": good.stock, "delta": delta, "reason": reason[:300]},
        note=reason[:300],
    )
    return good


# -- redemptions ------------------------------------------------------------------------------------------


def _lock_subject(subject: Subject) -> None:
    """Lock the subject's registry row for the rest of the transaction: its redemptions queue behind it."""
    obj = subject.obj
    type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).first()


def _by_key(actor, client_key: str | None) -> Redemption | None:
    if not client_key:
        return None
    existing = Redemption.objects.filter(client_key=client_key).first()
    if existing is not None and existing.created_by_id != actor.pk:
        raise DomainError(_("This form was already used by someone else; reload the page."))
    return existing


def balance_of(scheme: Scheme, subject: Subject) -> Decimal:
    """The subject's spendable points, to the cent (SQLite sums decimals as floats)."""
    return calc.balances(scheme, [subject.key]).get(subject.key, Decimal("0")).quantize(Decimal("0.01"))


@transaction.atomic
def redemption_create(*, actor, good: Good, subject: Subject, quantity, client_key: str | None = None) -> Redemption:
    """兑换: a villager for their own household, or a cadre at the counter for a household of the village.

    Spends ``price × quantity`` of the balance and ``quantity`` of the stock; the same ``client_key`` twice
    gives back the first redemption."""
    client_key = (client_key or "").strip()[:64] or None
    existing = _by_key(actor, client_key)
    if existing is not None:
        return existing
    _require_redeem_scope(actor, subject)
    qty = _count(quantity, "quantity", minimum=1, maximum=MAX_QUANTITY)
    _lock_subject(subject)
    existing = _by_key(actor, client_key)  # a double submit waited on the lock above: answer the first one
    if existing is not None:
        return existing
    try:
        good = Good.objects.select_related("shop", "scheme").get(pk=good.pk)
    except Good.DoesNotExist:
        raise NotFound() from None
    shop, scheme = good.shop, good.scheme
    if not good.is_active or not shop.is_active:
        raise DomainError(_("This good is no longer offered."))
    if not scheme.redeemable or not scheme.is_active:
        raise DomainError(_("The points of this scheme cannot be redeemed."))
    if scheme.subject_kind != subject.kind or scheme.village_id != subject.village_id:
        raise DomainError(_("This good is not paid with this household's points."))
    points = (good.price * qty).quantize(Decimal("0.01"))
    if good.stock < qty:
        raise DomainError({"quantity": _("Only %(n)s left in stock.") % {"n": good.stock}})
    balance = balance_of(scheme, subject)
    if balance < points:
        raise DomainError(
            {
                "quantity": _("This needs %(points)s points; the balance is %(balance)s.")
                % {"points": _fmt(points), "balance": _fmt(balance)}
            }
        )
    taken = Good.objects.filter(pk=good.pk, is_active=True, stock__gte=qty).update(stock=F("stock") - qty)
    if not taken:
        raise DomainError({"quantity": _("Someone else just took the last items; reload the page.")})
    fields = subject.row_fields()
    redemption = Redemption(
        good=good,
        shop=shop,
        scheme=scheme,
        quantity=qty,
        points=points,
        created_by=actor,
        client_key=client_key,
        **fields,
    )
    for _attempt in range(8):  # a code already waiting at this shop (1 in 10⁶ per waiting one): draw again
        redemption.pickup_code = new_pickup_code()
        try:
            with transaction.atomic():
                redemption.save()
            break
        except IntegrityError:
            if client_key and Redemption.objects.filter(client_key=client_key).exists():
                raise DomainError(_("This form was already submitted.")) from None
            redemption.pk = None
    else:  # pragma: no cover - eight draws all taken
        raise DomainError(_("This form was already submitted."))
    _append(
        actor,
        scheme=scheme,
        fields=fields,
        kind=EntryKind.REDEMPTION,
        score=Decimal("0"),
        balance=-points,
        occurred_on=timezone.localdate(),
        reason=f"{shop.name}：{good.name} ×{qty}",
        redemption=redemption,
    )
    audit.record(
        actor,
        "points.redemption.create",
        redemption,
        target_label=f"{subject.label} {good.name} ×{qty}",
        after={
            "good": good.pk,
            "shop": shop.pk,
            "subject": subject.key,
            "quantity": qty,
            "points": str(points),
            "balance_before": str(balance),
            "stock_before": good.stock,
        },
    )
    return redemption


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _locked(redemption: Redemption) -> Redemption:
    try:
        return Redemption.objects.select_for_update(of=("self",)).select_related("shop", "good").get(pk=redemption.pk)
    except Redemption.DoesNotExist:
        raise NotFound() from None


def _still_pending(redemption: Redemption) -> None:
    if redemption.status == RedemptionStatus.FULFILLED:
        raise DomainError(_("This redemption was already handed over and cannot change."))
    if redemption.status == RedemptionStatus.CANCELLED:
        raise DomainError(_("This redemption was already cancelled and cannot change."))


PICKUP_DIGITS = 6


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**PICKUP_DIGITS):0{PICKUP_DIGITS}d}"


def clean_pickup_code(code) -> str:
    """The digits of a code as typed or scanned (spaces and dashes dropped); refused unless six digits."""
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(code or "")))
    if not re.fullmatch(rf"[0-9]{{{PICKUP_DIGITS}}}", digits):
        raise DomainError({"code": _("Enter the six digits of the pickup code.")})
    return digits


def sees_pickup_code(actor, redemption: Redemption) -> bool:
    """The household's own accounts (and whoever redeemed, at the counter) see the code; the shop does not: the
    code is what the household shows to collect."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if redemption.created_by_id == actor.pk:
        return True
    return redemption.household_id is not None and redemption.household_id in scope.targets(
        actor, "household", Action.SHOP_REDEEM
    )


@transaction.atomic
def redemption_fulfil(*, actor, redemption: Redemption, code: str | None = None) -> Redemption:
    """The keeper (or a cadre) hands the goods over; with ``code``, only if it is the redemption's pickup code."""
    redemption = _locked(redemption)
    if not may_fulfil(actor, redemption.shop):
        if scope.in_scope(actor, Action.SHOP_REDEEM, redemption):
            raise PermissionDenied()
        raise NotFound()
    _still_pending(redemption)
    if code is not None and clean_pickup_code(code) != redemption.pickup_code:
        raise DomainError({"code": _("This is not the pickup code of this redemption.")})
    return _close(actor, redemption, RedemptionStatus.FULFILLED, "points.redemption.fulfil", by_code=code is not None)


def _close(actor, redemption: Redemption, status: str, event: str, **after) -> Redemption:
    """A waiting redemption handed over or cancelled: who closed it and when, and the audit event."""
    redemption.status = status
    redemption.closed_by, redemption.closed_at = actor, timezone.now()
    redemption.save(update_fields=["status", "closed_by", "closed_at"])
    audit.record(
        actor,
        event,
        redemption,
        target_label=f"{redemption.subject_label} {redemption.good.name} ×{redemption.quantity}",
        after={"status": status, **after},
    )
    return redemption


def redemption_for_code(actor, code, shop_id=None) -> Redemption:
    """The redemption waiting at one of the actor's shops (the keeper's, or a cadre's village shops) with this
    pickup code; a code not waiting there is answered with a message, never another shop's redemption."""
    digits = clean_pickup_code(code)
    from points.shop.selectors import fulfil_shops

    shops = fulfil_shops(actor)
    if shop_id is not None:
        shops = shops.filter(pk=shop_id)
    found = list(
        Redemption.objects.filter(shop__in=shops, status=RedemptionStatus.PENDING, pickup_code=digits)
        .select_related("good", "shop", "household")
        .order_by("pk")[:2]
    )
    if not found:
        raise DomainError({"code": _("No redemption waits at your shop with this pickup code.")})
    if len(found) > 1:
        raise DomainError({"shop": _("This code waits at more than one of your shops: choose the shop.")})
    return found[0]


def redemption_fulfil_by_code(*, actor, code, shop_id=None) -> Redemption:
    """取货: the keeper types (or scans) the code the household shows; the redemption it names is handed over."""
    redemption = redemption_for_code(actor, code, shop_id)
    return redemption_fulfil(actor=actor, redemption=redemption, code=code)


@transaction.atomic
def redemption_cancel(*, actor, redemption: Redemption, reason: str = "") -> Redemption:
    """取消: by the household while it waits, or by the keeper or a cadre; stock and points come back."""
    redemption = _locked(redemption)
    if not (may_fulfil(actor, redemption.shop) or scope.in_scope(actor, Action.SHOP_REDEEM, redemption)):
        raise NotFound()
    _still_pending(redemption)
    spent = LedgerEntry.objects.filter(redemption=redemption, kind=EntryKind.REDEMPTION).first()
    if spent is None or LedgerEntry.objects.filter(redemption=redemption, kind=EntryKind.REFUND).exists():
        raise DomainError(_("This redemption was already cancelled and cannot change."))
    Good.objects.filter(pk=redemption.good_id).update(stock=F("stock") + redemption.quantity)
    reason = (reason or "").strip()[:300]
    _append(
        actor,
        scheme=redemption.scheme,
        fields=_subject_fields(spent),
        kind=EntryKind.REFUND,
        score=Decimal("0"),
        balance=-spent.balance_delta,
        occurred_on=timezone.localdate(),
        reason=reason or _("Redemption cancelled: %(what)s") % {"what": spent.reason},
        redemption=redemption,
    )
    return _close(
        actor,
        redemption,
        RedemptionStatus.CANCELLED,
        "points.redemption.cancel",
        points=str(redemption.points),
        reason=reason,
    )
