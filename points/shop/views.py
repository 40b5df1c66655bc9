"""Points shop pages (积分超市): thin translations of HTTP into shop selectors and services.

- villager: the goods of their village's shops, their balance, redeem with a quantity, own redemptions;
- village cadre: shops and goods of their villages, restock, counter redemption for a household, hand-over;
- shopkeeper: the pending redemptions of their own shop(s), hand over or cancel.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import scope
from core.errors import DomainError, NotFound
from core.params import id_param
from core.roles import Action, Role
from core.views import api_twin, apply_domain_errors, file_response, paginate, require_action, submit
from points.forms import choose_among
from points.models import RedemptionStatus, Scheme
from points.shop import selectors, services
from points.subjects import subject_of
from regions import selectors as region_selectors

# -- forms (they only translate HTTP input; the rules live in points.shop.services) ---------------------


class KeeperChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.username}）" if obj.display_name else obj.username


class ShopForm(forms.Form):
    village = forms.ModelChoiceField(label=gettext_lazy("Village"), queryset=None)
    name = forms.CharField(
        label=gettext_lazy("Shop name"), max_length=100, help_text=gettext_lazy("e.g. 积分超市, 德美屋, 爱心超市")
    )
    is_member_shop = forms.BooleanField(
        label=gettext_lazy("Member shop (a private shop of the alliance that accepts points)"), required=False
    )
    keeper = KeeperChoiceField(
        label=gettext_lazy("Keeper account"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("An account with the shopkeeper role; the keeper hands over this shop's redemptions."),
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Open (redemptions accepted)"), required=False, initial=True)

    def __init__(self, *args, villages, keepers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["village"]
        else:
            del self.fields["is_active"]
            choose_among(self.fields["village"], villages)
        self.fields["keeper"].queryset = keepers


class GoodForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Good name"), max_length=100, help_text=gettext_lazy("e.g. 洗衣粉 1 袋"))
    scheme = forms.ModelChoiceField(label=gettext_lazy("Paid with the points of"), queryset=None, empty_label=None)
    price = forms.DecimalField(label=gettext_lazy("Price (points)"), max_digits=9, decimal_places=2)
    stock = forms.IntegerField(label=gettext_lazy("Stock"), initial=0)
    is_active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)
    picture = forms.FileField(
        label=gettext_lazy("Picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=gettext_lazy("Optional: a photo of the good (JPEG, PNG, WebP or GIF, at most 10 MB)."),
    )
    remove_picture = forms.BooleanField(label=gettext_lazy("Remove the picture"), required=False)

    def __init__(self, *args, schemes, editing=False, has_picture=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        if editing:
            del self.fields["stock"]
        else:
            del self.fields["is_active"]
        if not has_picture:
            del self.fields["remove_picture"]


class StockForm(forms.Form):
    delta = forms.IntegerField(
        label=gettext_lazy("Items in (a minus sign for items out)"),
        help_text=gettext_lazy("e.g. 20 for a delivery, -2 for spoiled goods."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, required=False, help_text=gettext_lazy("e.g. 3月补货, 过期报损")
    )


def redeem_confirm_label(text: str) -> str:
    return _("I understand: %(what)s") % {"what": text}


class RedeemForm(forms.Form):
    """Prefixed "redeem" (redeem-quantity, redeem-confirm …): static/js/steps.js finds the confirmation box by its
    "-confirm" name, asks with the form's data-confirm text and ticks it; without a script the person ticks it."""

    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), initial=1, widget=forms.NumberInput(attrs={"min": 1}))
    client_key = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, confirm_text: str = "", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        kwargs.setdefault("prefix", "redeem")
        super().__init__(*args, **kwargs)
        self.confirm_text = confirm_text
        self.fields["confirm"].label = redeem_confirm_label(confirm_text)

    def confirmed(self) -> bool:
        """Refuse (the error beside the box) unless the person confirmed: nothing is written then."""
        if self.cleaned_data.get("confirm"):
            return True
        self.add_error("confirm", services.confirm_refusal(self.confirm_text))
        return False


class CounterForm(RedeemForm):
    household = forms.CharField(
        label=gettext_lazy("Household number"),
        max_length=32,
        help_text=gettext_lazy("The number in the household register."),
    )
    field_order = ["household", "quantity", "client_key", "confirm"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


# -- helpers ----------------------------------------------------------------------------------------------


def _require_shop_user(request) -> None:
    if not selectors.can_use_shop(request.user):
        raise PermissionDenied()


def _keepers(villages):
    from accounts.models import User

    ids = set()
    for v in villages:
        ids |= set(selectors.shopkeeper_candidates(v).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("username")


def _schemes_of(shop):
    """The schemes whose balance may pay for goods of this shop: redeemable, active, of its village."""
    return Scheme.objects.filter(village_id=shop.village_id, redeemable=True, is_active=True).order_by("name")


def _back(request, default: str):
    """Where to return after a POST: the page it came from, when it is one of ours."""
    target = request.POST.get("next") or ""
    if target.startswith("/points/shop/") and "//" not in target:
        return redirect(target)
    return redirect(default)


def _redeem(request, form, good, subject):
    """The redemption the (valid, confirmed) form asks for, or None with the refusal beside the form's fields."""
    data = form.cleaned_data
    try:
        return services.redemption_create(
            actor=request.user,
            good=good,
            subject=subject,
            quantity=data["quantity"],
            client_key=data["client_key"] or None,
        )
    except DomainError as exc:
        apply_domain_errors(form, exc)
        return None


# -- pages ------------------------------------------------------------------------------------------------


@login_required
def shop_home(request):
    """The villager's shelf (goods, balance, redeem) and the cadre's or keeper's shops."""
    _require_shop_user(request)
    user = request.user
    subject = selectors.my_subject(user)
    context = {"subject": subject}
    if subject is not None:
        goods = list(selectors.goods_on_offer(subject.village_id, subject.kind))
        balances = selectors.balances_for(subject)
        by_scheme = {b["scheme"].pk: b["balance"] for b in balances}
        for g in goods:
            g.balance = by_scheme.get(g.scheme_id)
            g.affordable = g.balance is not None and g.balance >= g.price and g.stock > 0
            g.client_key = uuid.uuid4().hex
            g.confirm_text = services.redeem_confirm_text(g)
            g.confirm_label = redeem_confirm_label(g.confirm_text)
        mine = selectors.my_redemptions(user, subject)
        context.update(
            goods=goods,
            balances=balances,
            my_pending=mine.filter(status=RedemptionStatus.PENDING).count(),
            my_recent=list(mine[:5]),
        )
    managed = selectors.managed_shops(user).annotate(
        goods_count=Count("goods", distinct=True),
        pending_count=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.PENDING), distinct=True),
    )
    kept = selectors.kept_shops(user).annotate(
        pending_count=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.PENDING), distinct=True)
    )
    context.update(
        can_manage=scope.can(user, Action.SHOP_MANAGE),
        managed=list(managed),
        kept=list(kept),
        to_fulfil=selectors.redemptions_to_fulfil(user).count(),
    )
    return render(request, "points/shop/home.html", context)


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin("POST /api/points/shop/shops")
def shop_create(request):
    villages = region_selectors.villages(request.user, Action.SHOP_MANAGE)
    form = ShopForm(request.POST or None, villages=villages, keepers=_keepers(villages))
    done = submit(
        request,
        form,
        lambda data: services.shop_create(actor=request.user, **data),
        done=_("Shop created. Now put goods on its shelves."),
        to=lambda shop: ("points:shop_detail", {"shop_id": shop.pk}),
    )
    return done or render(request, "points/shop/shop_form.html", {"form": form, "shop": None})


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin("PUT /api/points/shop/shops/{shop_id}")
def shop_edit(request, shop_id):
    shop = selectors.access_shop(request.user, shop_id)
    initial = model_to_dict(shop, fields=["name", "is_member_shop", "keeper", "address", "is_active"])
    form = ShopForm(
        request.POST or None, initial=initial, villages=None, keepers=_keepers([shop.village]), editing=True
    )
    done = submit(
        request,
        form,
        lambda data: services.shop_update(actor=request.user, shop=shop, **data),
        done=_("Shop saved."),
        to=("points:shop_detail", {"shop_id": shop.pk}),
    )
    return done or render(request, "points/shop/shop_form.html", {"form": form, "shop": shop})


@login_required
@require_action(Action.SHOP_MANAGE)
def shop_detail(request, shop_id):
    shop = selectors.access_shop(request.user, shop_id)
    goods = selectors.goods_of_shops([shop])
    return render(
        request,
        "points/shop/shop_detail.html",
        {
            "shop": shop,
            "goods": goods,
            "pending": selectors.redemptions_to_fulfil(request.user).filter(shop=shop).count(),
            "has_scheme": _schemes_of(shop).exists(),
        },
    )


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin("POST /api/points/shop/shops/{shop_id}/goods", "POST /api/points/shop/goods/{good_id}/picture")
def good_create(request, shop_id):
    shop = selectors.access_shop(request.user, shop_id)
    form = GoodForm(request.POST or None, request.FILES or None, schemes=_schemes_of(shop))
    done = submit(
        request,
        form,
        lambda data: services.good_create(actor=request.user, shop=shop, **data),
        done=_("Good added."),
        to=("points:shop_detail", {"shop_id": shop.pk}),
    )
    return done or render(request, "points/shop/good_form.html", {"form": form, "shop": shop, "good": None})


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin(
    "PUT /api/points/shop/goods/{good_id}",
    "POST /api/points/shop/goods/{good_id}/picture",
    "DELETE /api/points/shop/goods/{good_id}/picture",
)
def good_edit(request, good_id):
    good = selectors.access_good(request.user, good_id)
    schemes = _schemes_of(good.shop)
    initial = {"name": good.name, "scheme": good.scheme, "price": good.price, "is_active": good.is_active}
    form = GoodForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        schemes=schemes,
        editing=True,
        has_picture=bool(good.picture),
    )
    done = submit(
        request,
        form,
        lambda data: services.good_update(actor=request.user, good=good, **data),
        done=_("Good saved."),
        to=("points:shop_detail", {"shop_id": good.shop_id}),
    )
    return done or render(request, "points/shop/good_form.html", {"form": form, "shop": good.shop, "good": good})


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin("POST /api/points/shop/goods/{good_id}/stock")
def good_restock(request, good_id):
    good = selectors.access_good(request.user, good_id)
    form = StockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            good = services.stock_adjust(actor=request.user, good=good, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Stock of %(good)s is now %(n)s.") % {"good": good.name, "n": good.stock})
            return redirect("points:shop_detail", shop_id=good.shop_id)
    return render(request, "points/shop/good_restock.html", {"form": form, "good": good})


@login_required
@require_action(Action.SHOP_REDEEM)
@api_twin("POST /api/points/shop/redemptions")
def good_redeem(request, good_id):
    """A villager redeems a good for their own household; errors come back beside the quantity."""
    subject = selectors.my_subject(request.user)
    if subject is None:
        raise NotFound()
    good = selectors.redeemable_good(request.user, good_id, subject)
    form = RedeemForm(request.POST or None, confirm_text=services.redeem_confirm_text(good))
    status = 200
    if request.method == "POST" and form.is_valid() and not form.confirmed():
        status = 400  # spends points at once: refused, nothing written, until confirmed
    elif request.method == "POST" and form.is_valid():
        redemption = _redeem(request, form, good, subject)
        if redemption is not None:
            messages.success(
                request,
                _("Redeemed %(good)s ×%(n)s. Collect it at %(shop)s.")
                % {"good": good.name, "n": form.cleaned_data["quantity"], "shop": good.shop.name},
            )
            return redirect("points:shop_redemption", redemption_id=redemption.pk)
    balance = services.balance_of(good.scheme, subject)
    return render(
        request,
        "points/shop/good_redeem.html",
        {"form": form, "good": good, "subject": subject, "balance": balance},
        status=status,
    )


@login_required
@require_action(Action.SHOP_MANAGE)
@api_twin("POST /api/points/shop/redemptions")
def good_counter(request, good_id):
    """柜台兑换: a cadre redeems for a household of the village that came to the shop in person."""
    good = selectors.access_good(request.user, good_id)
    form = CounterForm(request.POST or None, confirm_text=services.redeem_confirm_text(good))
    status = 200
    if request.method == "POST" and form.is_valid() and not form.confirmed():
        status = 400  # spends the household's points at once: refused, nothing written, until confirmed
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from registry.models import Household

        household = Household.objects.filter(village_id=good.shop.village_id, number=data["household"].strip()).first()
        if household is None:
            form.add_error("household", _("No household with this number in the village."))
        else:
            subject = subject_of(household)
            try:
                redemption = _redeem(request, form, good, subject)
            except NotFound:
                form.add_error("household", _("You cannot redeem for this household."))
            else:
                if redemption is not None:
                    messages.success(
                        request,
                        _("Redeemed %(good)s ×%(n)s for %(who)s.")
                        % {"good": good.name, "n": data["quantity"], "who": subject.label},
                    )
                    return redirect("points:shop_detail", shop_id=good.shop_id)
    return render(request, "points/shop/good_counter.html", {"form": form, "good": good}, status=status)


STATUS_FILTERS = [
    ("pending", gettext_lazy("Waiting")),
    ("fulfilled", gettext_lazy("Handed over")),
    ("cancelled", gettext_lazy("Cancelled")),
    ("all", gettext_lazy("All")),
]


@login_required
def redemptions(request):
    """Keeper or cadre: redemptions to hand over (by status). Villager: their household's redemptions."""
    _require_shop_user(request)
    user = request.user
    shops = list(selectors.fulfil_shops(user))
    subject = selectors.my_subject(user)
    staff = bool(shops) or scope.can(user, Action.SHOP_MANAGE) or Role.SHOPKEEPER in scope.roles_of(user)
    status = request.GET.get("status", "pending")
    if status not in {k for k, _label in STATUS_FILTERS}:
        status = "pending"
    context = {"status": status, "filters": STATUS_FILTERS, "shops": shops, "subject": subject, "staff": staff}
    if staff:
        qs = selectors.redemptions_to_fulfil(user, None if status == "all" else status)
        shop_id = request.GET.get("shop") or ""
        if id_param(shop_id) is not None:
            qs = qs.filter(shop_id=id_param(shop_id))
        context["page"] = paginate(request, qs, 30)
        context["shop_id"] = shop_id
    if subject is not None:
        context["mine"] = paginate(request, selectors.my_redemptions(user, subject), 30)
    return render(request, "points/shop/redemptions.html", context)


@login_required
@require_POST
@api_twin("POST /api/points/shop/redemptions/{redemption_id}/fulfil")
def redemption_fulfil(request, redemption_id):
    _require_shop_user(request)
    redemption = selectors.access_redemption(request.user, redemption_id)
    try:
        services.redemption_fulfil(actor=request.user, redemption=redemption)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Handed over: %(good)s ×%(n)s to %(who)s.")
            % {"good": redemption.good.name, "n": redemption.quantity, "who": redemption.subject_label},
        )
    return _back(request, "points:shop_redemptions")


@login_required
@require_POST
@api_twin("POST /api/points/shop/redemptions/{redemption_id}/cancel")
def redemption_cancel(request, redemption_id):
    _require_shop_user(request)
    redemption = selectors.access_redemption(request.user, redemption_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.redemption_cancel(actor=request.user, redemption=redemption, reason=reason)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Cancelled: %(points)s points and the stock are back.") % {"points": services._fmt(redemption.points)},
        )
    return _back(request, "points:shop_redemptions")


# -- pictures of goods, the pickup code -------------------------------------------------------------------


@login_required
def good_picture(request, good_id, size="picture"):
    """A good's picture (or its thumbnail) for whoever sees the good: the village's households on the shelf,
    the cadres and the shop's keeper."""
    _require_shop_user(request)
    good = selectors.visible_good(request.user, good_id)
    stored = good.thumbnail if size == "thumb" and good.thumbnail else good.picture
    if not stored:
        raise NotFound()
    return file_response(stored, content_type="image/jpeg", name=stored.name.rsplit("/", 1)[-1], cache_private=True)


@login_required
def redemption_detail(request, redemption_id):
    """One redemption; to its household the pickup code, large, to show at the shop."""
    _require_shop_user(request)
    redemption = selectors.access_redemption(request.user, redemption_id)
    return render(
        request,
        "points/shop/redemption.html",
        {
            "r": redemption,
            "show_code": services.sees_pickup_code(request.user, redemption),
            "can_fulfil": services.may_fulfil(request.user, redemption.shop),
        },
    )


class PickupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Pickup code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True, "class": "pickup-input"}
        ),
        help_text=gettext_lazy("The six digits the household shows on its phone."),
    )
    shop = forms.TypedChoiceField(label=gettext_lazy("Shop"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        if len(shops) > 1:
            self.fields["shop"].choices = [("", _("All my shops"))] + [(s.pk, s.name) for s in shops]
        else:
            del self.fields["shop"]


@login_required
@api_twin("POST /api/points/shop/redemptions/pickup")
def pickup(request):
    """取货: the keeper types (or scans) the household's code, sees what to hand over, and hands it over."""
    _require_shop_user(request)
    shops = list(selectors.fulfil_shops(request.user))
    if not shops:
        raise PermissionDenied()
    form = PickupForm(request.POST or request.GET or None, shops=shops)
    found = None
    if form.is_bound and form.is_valid():
        code, shop_id = form.cleaned_data["code"], form.cleaned_data.get("shop")
        try:
            if request.method == "POST":
                redemption = services.redemption_fulfil_by_code(actor=request.user, code=code, shop_id=shop_id)
            else:
                found = services.redemption_for_code(request.user, code, shop_id)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            if request.method == "POST":
                messages.success(
                    request,
                    _("Handed over: %(good)s ×%(n)s to %(who)s.")
                    % {"good": redemption.good.name, "n": redemption.quantity, "who": redemption.subject_label},
                )
                return redirect("points:shop_pickup")
    return render(request, "points/shop/pickup.html", {"form": form, "found": found, "shops": shops})
