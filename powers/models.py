"""小微权力清单: the county's list of village powers (each with its legal basis, who applies, the documents, the
time limits and its procedure), the matters (cases) run under them, and the objections raised while a matter is
publicly posted (公示).

A matter is a case of ``core.workflow``: its procedure is one of the declared flows of ``powers/flows.py`` (the
power's ``template``). docs/powers.md lists every rule and where it is enforced.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import CaseBase


class PowerClass(models.TextChoices):
    """The 4 classes of key village powers (seed 004 五: 4大类13项重点权力)."""

    DECISION = "decision", _("Decisions on major village matters (村级重大事项决策权)")
    BENEFIT = "benefit", _("Nominations under benefit policies (惠民政策提名权)")
    CADRE = "cadre", _("Management of Party members and cadres (党员干部管理权)")
    AFFAIRS = "affairs", _("Management of village affairs (村级事务管理权)")


class Applicant(models.TextChoices):
    HOUSEHOLD = "household", _("A household of the village (村民户)")
    VILLAGE = "village", _("The village committees (村两委)")


class Template(models.TextChoices):
    """The procedure a power runs: one of the flows declared in powers/flows.py."""

    # also the procedure of 医疗救助 and 救灾补助: named for what it does, not for 低保 alone
    DIBAO = "powers_dibao", pgettext_lazy("powers procedure", "Minimum living allowance assessment (低保评议)")
    HOMESTEAD = "powers_homestead", _("Homestead application (宅基地申请)")
    ASSET = "powers_asset", _("Disposal of collective assets (集体资产处置)")
    GENERAL = "powers_general", _("General procedure (一般程序)")


class Power(models.Model):
    """One power on the county's list (小微权力清单), kept by the county administrator."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(pgettext_lazy("small-power list", "name"), max_length=60)
    power_class = models.CharField(_("class"), max_length=16, choices=PowerClass.choices)
    template = models.CharField(_("procedure"), max_length=40, choices=Template.choices)
    applicant = models.CharField(_("who applies"), max_length=16, choices=Applicant.choices)
    legal_basis = models.TextField(_("legal basis"))
    documents = models.TextField(_("documents required"), blank=True, help_text=_("One document a line."))
    procedure = models.TextField(_("procedure in words"), blank=True)
    supervision = models.TextField(_("how it is supervised"), blank=True)
    step_days = models.PositiveSmallIntegerField(
        _("working days for each village step"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    review_days = models.PositiveSmallIntegerField(
        _("working days for the township's review"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("days of public posting (公示)"), default=7, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id"}
    FIELDS = [
        "code",
        "name",
        "power_class",
        "template",
        "applicant",
        "legal_basis",
        "documents",
        "procedure",
        "supervision",
        "step_days",
        "review_days",
        "publicity_days",
        "active",
        "order",
    ]

    class Meta:
        verbose_name = _("power")
        verbose_name_plural = _("powers")
        ordering = ["county", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="power_county_code")]

    def __str__(self):
        return self.name

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    @property
    def for_households(self) -> bool:
        return self.applicant == Applicant.HOUSEHOLD


class AssetDeal(models.TextChoices):
    LEASE = "lease", _("Lease (出租)")
    SALE = "sale", _("Sale (出售)")
    LENDING = "lending", _("Lending (出借)")


class PowerCase(CaseBase):
    """一件小微权力事项: one matter run under a power, in one village (for a household, or for the village)."""

    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="cases", verbose_name=_("power"))
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    on_behalf = models.BooleanField(_("applied on the household's behalf (代办)"), default=False)
    applicant_name = models.CharField(_("applicant"), max_length=50, blank=True)
    title = models.CharField(pgettext_lazy("small-power matter", "subject"), max_length=100)
    reason = models.TextField(_("reason"))
    # 低保: what the household declares
    household_size = models.PositiveSmallIntegerField(_("people in the household"), null=True, blank=True)
    monthly_income = models.DecimalField(
        _("household income per month (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # 宅基地
    area = models.DecimalField(_("area applied for (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    # 集体资产
    asset_deal = models.CharField(_("kind of disposal"), max_length=16, choices=AssetDeal.choices, blank=True)
    reserve_price = models.DecimalField(
        _("appraised or reserve price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    winning_price = models.DecimalField(
        _("winning price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    winner = models.CharField(_("winning bidder"), max_length=100, blank=True)
    contract_ref = models.CharField(_("contract number"), max_length=60, blank=True)
    # what the steps record (each step's full data is also on its CaseEvent)
    meeting_ref = models.CharField(_("meeting"), max_length=100, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    motion_ref = models.CharField(_("adopted motion"), max_length=60, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    notice = models.ForeignKey(
        "transparency.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("public notice"),
    )
    publicity_from = models.DateField(_("posted from"), null=True, blank=True)
    publicity_until = models.DateField(_("posted until"), null=True, blank=True)
    result_notice = models.ForeignKey(
        "transparency.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result notice"),
    )
    decision_ref = models.CharField(_("approval document number"), max_length=60, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    # deadlines copied from the power when the matter is opened (a later change of the list does not move them)
    step_days = models.PositiveSmallIntegerField(_("working days for each village step"), default=5)
    review_days = models.PositiveSmallIntegerField(_("working days for the township's review"), default=10)
    publicity_days = models.PositiveSmallIntegerField(_("days of public posting (公示)"), default=7)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "grid": "grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("small-power matter")
        verbose_name_plural = _("small-power matters")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["village", "state"], name="powercase_village_state"),
            models.Index(fields=["township", "state"], name="powercase_township_state"),
            models.Index(fields=["county", "power", "state"], name="powercase_county_power"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("powers:case", args=[self.pk])

    def __str__(self):
        return self.title

    @property
    def number(self) -> str:
        """办件编号, e.g. XW2026-000042."""
        return f"XW{timezone.localtime(self.created_at):%Y}-{self.pk or 0:06d}"


class Objection(models.Model):
    """异议: an objection raised while a matter is posted (公示); the matter waits until the village answers it."""

    case = models.ForeignKey(PowerCase, on_delete=models.PROTECT, related_name="objections", verbose_name=_("matter"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_by_name = models.CharField(_("name of the objector"), max_length=50)
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "id"]

    def __str__(self):
        return self.text[:40]

    @property
    def answered(self) -> bool:
        return bool(self.answer)
