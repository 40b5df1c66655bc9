"""积分超市: shops, goods and redemptions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ScopedRow
from points.models.ledger import HOUSEHOLD_PLACE, SubjectRow
from points.models.schemes import POINTS, Scheme


class Shop(ScopedRow):
    """积分超市 / 德美屋 / 联盟商户: where points are redeemed."""

    name = models.CharField(_("name"), max_length=100)
    is_member_shop = models.BooleanField(_("member shop"), default=False)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shops",
        verbose_name=_("keeper"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("points shop")
        verbose_name_plural = _("points shops")

    def __str__(self):
        return self.name


class Good(models.Model):
    """A good with a points price and a stock that never goes below zero."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="goods")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="goods")
    name = models.CharField(_("name"), max_length=100)
    price = models.DecimalField(_("price (points)"), **POINTS)
    stock = models.PositiveIntegerField(_("stock"))
    is_active = models.BooleanField(default=True)
    # a photo of the good (optional): checked as an image and made smaller on upload (points.shop.pictures),
    # served to the people who see the shop (never from elsewhere)
    picture = models.FileField(_("picture"), upload_to="points/goods/%Y/%m/", blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to="points/goods/thumbs/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("good")
        verbose_name_plural = _("goods")
        constraints = [models.CheckConstraint(condition=models.Q(stock__gte=0), name="good_stock_not_negative")]

    def __str__(self):
        return self.name


class RedemptionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be handed over")
    FULFILLED = "fulfilled", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(SubjectRow):
    """兑换: spends balance (never below zero) and stock; the ranking score is untouched."""

    good = models.ForeignKey(Good, on_delete=models.PROTECT, related_name="redemptions")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveIntegerField(default=1)
    points = models.DecimalField(**POINTS)
    status = models.CharField(max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # 取货码: six digits the household shows at the shop (large, on the phone); the keeper types them to hand the
    # good over. Unique among the redemptions of a shop that wait.
    pickup_code = models.CharField(_("pickup code"), max_length=8, blank=True, default="")

    # As before the subject columns were shared: a grid worker's grid grant does not reach the shop's rows.
    SCOPE_PATHS = HOUSEHOLD_PLACE

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "pickup_code"],
                condition=models.Q(status="pending") & ~models.Q(pickup_code=""),
                name="unique_pending_pickup_code",
            )
        ]
