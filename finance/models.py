"""村级财务: the village ledger (村账乡镇代管), the expense approval chain (逐级审签) and the monthly disclosure.

- ``Category``: the ledger's income and expense categories (村集体经济组织会计制度 / 财务公开 rules), data per county
  with a default set installed (finance/rules.py), kept by the township's 农经站 or the county administrator.
- ``LedgerEntry``: append-only (model, queryset and a database trigger refuse change and delete); a correction is
  a reversing entry naming the entry it reverses, who and why. Every balance is computed from these rows only.
- ``Voucher``: a scan (PDF or image) of a voucher, attached to an entry or an expense; append-only.
- ``PostAssignment``: who holds which post (岗位: 村文书, 村支书, 第一书记, 监委会, 包村干部, 包村领导, 镇主要领导,
  镇农经站) for a village; the approval chain names posts, not people.
- ``ApprovalBand``: the approval chain of an amount band for a county or a township (a township's bands win).
- ``Expense`` (a case of core.workflow, flow ``expense``): a payment request with item lines; the chain of its band
  is copied onto it when it is submitted, signed step by step by the holder of each step's post, then paid by bank
  transfer, which posts exactly one ledger entry.
- ``MonthlyDisclosure``: which transparency notice was generated from the ledger for a village's month.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import AppendOnlyModel, ScopedRow

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class Direction(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (银行转账)")
    CASH = "cash", _("Cash (现金)")


# The rule of 003 #11 (支出一律银行转账): an expense is paid by bank transfer only; income may also come in cash
# (it is banked the same day by the township's 代理会计). Enforced by finance.services.
ALLOWED_METHODS = {
    Direction.INCOME: (PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH),
    Direction.EXPENSE: (PaymentMethod.BANK_TRANSFER,),
}


class Post(models.TextChoices):
    """岗位 of the signing chain (003 #4: 村文书 → 村支书 → 第一书记 → 包村镇干部 → 包村镇领导 → 镇主要领导, with the
    村务监督委员会 and the 镇农经站 reviewing)."""

    CLERK = "clerk", _("Village clerk (村文书)")
    SECRETARY = "secretary", _("Village party secretary (村支书)")
    FIRST_SECRETARY = "first_secretary", _("First secretary (第一书记)")
    SUPERVISORY = "supervisory", _("Supervisory committee (监委会)")
    LIAISON = "liaison", _("Township liaison cadre (包村干部)")
    LIAISON_LEADER = "liaison_leader", _("Township liaison leader (包村领导)")
    AGRI_STATION = "agri_station", _("Township rural economy station (镇农经站)")
    TOWNSHIP_HEAD = "township_head", _("Township principal leader (镇主要领导)")


class Category(models.Model):
    """A ledger category of a county: top level (经营收入, 管理费用, …) or a sub-category (干部报酬, 惠民资金, …)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=40)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    is_welfare = models.BooleanField(
        _("welfare funds (惠民资金)"),
        default=False,
        help_text=_("Lines of this category are listed one by one in the monthly disclosure."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id"}
    FIELDS = ["direction", "code", "name", "parent", "is_welfare", "is_active"]

    class Meta:
        verbose_name = _("ledger category")
        verbose_name_plural = _("ledger categories")
        ordering = ["county", "direction", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="finance_category_code")]

    def __str__(self):
        return f"{self.code} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    @property
    def top(self) -> Category:
        return self.parent if self.parent_id else self


class LedgerEntry(AppendOnlyModel, ScopedRow):
    """村级账簿的一笔: append-only. A reversal (红字冲销) has ``reverses`` set and counts negatively."""

    APPEND_ONLY_CHANGE = _("The village ledger cannot be changed; record a reversing entry instead.")
    APPEND_ONLY_DELETE = _("The village ledger cannot be deleted; record a reversing entry instead.")

    date = models.DateField(_("date"), db_index=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    counterparty = models.CharField(_("counterparty"), max_length=100)
    counterparty_is_person = models.BooleanField(_("the counterparty is a private person"), default=False)
    summary = models.CharField(_("summary"), max_length=200)
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    reference = models.CharField(_("bank transfer reference"), max_length=60, blank=True)
    expense = models.OneToOneField(
        "Expense", on_delete=models.PROTECT, null=True, blank=True, related_name="entry", verbose_name=_("expense")
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    reason = models.CharField(_("reason for the reversal"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="finance_entry_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["village", "date"], name="finance_entry_village_date"),
            models.Index(fields=["county", "date"], name="finance_entry_county_date"),
        ]

    def __str__(self):
        return f"{self.number} {self.summary}"

    @property
    def number(self) -> str:
        """记账编号, e.g. JZ2026-000042."""
        return f"JZ{self.date:%Y}-{self.pk or 0:06d}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def signed_amount(self) -> Decimal:
        """What the row adds to its direction's total: a reversal takes its amount away."""
        return -self.amount if self.reverses_id else self.amount

    @property
    def effect(self) -> Decimal:
        """What the row adds to the balance: income up, expense down, reversals the other way."""
        return self.signed_amount if self.direction == Direction.INCOME else -self.signed_amount


class Voucher(AppendOnlyModel):
    """凭证: a scan of a voucher (invoice, receipt, contract, bank slip) on an entry or an expense. Never removed."""

    APPEND_ONLY_CHANGE = _("A voucher cannot be changed.")
    APPEND_ONLY_DELETE = _("A voucher cannot be deleted.")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="vouchers")
    expense = models.ForeignKey("Expense", on_delete=models.PROTECT, null=True, blank=True, related_name="vouchers")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="finance/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False) | models.Q(expense__isnull=False), name="finance_voucher_owner"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class PostAssignment(ScopedRow):
    """A person holding a post of the signing chain for one village (ended, never deleted, when it changes)."""

    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="finance_posts", verbose_name=_("person")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("post holder")
        verbose_name_plural = _("post holders")
        ordering = ["village", "post", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "post", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="finance_post_once",
            )
        ]

    def __str__(self):
        return f"{self.get_post_display()} {self.user}"


class ApprovalBand(models.Model):
    """One amount band of a region's approval chain: expenses up to ``max_amount`` (none: above every other band)
    are signed by ``posts`` in that order; ``needs_deliberation``: a 两委商议 / 村民代表审议 reference is required."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    max_amount = models.DecimalField(_("up to (yuan)"), null=True, blank=True, **MONEY)
    posts = models.JSONField(_("posts signing in turn"), default=list)
    needs_deliberation = models.BooleanField(
        _("needs a deliberation reference (两委商议 / 村民代表审议)"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id", "township": "region_id"}

    class Meta:
        verbose_name = _("approval band")
        verbose_name_plural = _("approval bands")
        ordering = ["region", models.F("max_amount").asc(nulls_last=True)]

    def __str__(self):
        return f"{self.region_id} ≤ {self.max_amount}"


class Expense(CaseBase):
    """支出审批单: a payment request of a village with its item lines, signed along the chain of its amount band
    (copied onto it when submitted), then paid by bank transfer."""

    title = models.CharField(_("purpose"), max_length=100)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    payee = models.CharField(_("payee"), max_length=100)
    payee_is_person = models.BooleanField(_("the payee is a private person"), default=False)
    amount = models.DecimalField(_("total (yuan)"), **MONEY)
    deliberation_ref = models.CharField(
        _("deliberation reference (两委商议 / 村民代表审议)"),
        max_length=200,
        blank=True,
        help_text=_("Minutes or decision number of the meeting that agreed to the expense."),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    band_label = models.CharField(_("amount band"), max_length=60, blank=True)
    chain = models.JSONField(_("signing chain"), default=list)
    needs_deliberation = models.BooleanField(_("needs a deliberation reference"), default=False)
    step_index = models.PositiveSmallIntegerField(_("current step"), default=0)
    round = models.PositiveSmallIntegerField(_("submission"), default=1)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="finance_expense_positive")]
        indexes = [models.Index(fields=["village", "state"], name="finance_expense_village_state")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("finance:expense", args=[self.pk])

    @property
    def number(self) -> str:
        """审批单号, e.g. ZC2026-000042."""
        return f"ZC{timezone.localtime(self.requested_at):%Y}-{self.pk or 0:06d}"

    @property
    def current_post(self) -> str | None:
        if self.state != "pending" or self.step_index >= len(self.chain):
            return None
        return self.chain[self.step_index]


class ExpenseLine(models.Model):
    """An item line of an expense (明细): written with the expense, replaced only when it is corrected after a
    return."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("item"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        ordering = ["id"]

    def __str__(self):
        return self.description


class MonthlyDisclosure(ScopedRow):
    """月度财务公开: the notice generated from the ledger for a village's month, with the totals it showed."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    notice = models.OneToOneField(
        "transparency.Notice", on_delete=models.PROTECT, related_name="+", verbose_name=_("notice")
    )
    opening = models.DecimalField(_("opening balance"), **MONEY)
    income = models.DecimalField(_("income"), **MONEY)
    expense = models.DecimalField(_("expense"), **MONEY)
    closing = models.DecimalField(_("closing balance"), **MONEY)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    # the n-th disclosure generated for the month (0 the first; a new one only after a draft was discarded, or as a
    # correction): unique per village and month, so two generations at once cannot both be written
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=0)
    # 更正: the disclosure this one corrects (its notice supersedes the other's once published) and why
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # the statement it showed, by category (finance.disclosure.statement_lines): what a correction compares
    statement = models.JSONField(_("statement"), default=dict, blank=True)

    class Meta:
        verbose_name = _("monthly disclosure")
        verbose_name_plural = _("monthly disclosures")
        ordering = ["-year", "-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "month", "sequence"], name="finance_disclosure_once"),
        ]

    def __str__(self):
        return f"{self.village_id} {self.year}-{self.month:02d}"
