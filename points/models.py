"""The points system (积分制): schemes, versioned rule books, claims under review, the append-only
ledger, quarterly publications, appeals, red/black lists and the points shop.

Money-like numbers are ``Decimal`` with two places. A subject is a household, a person, an
organization or a party branch; ``subject_key`` ("h:12", "p:7", "o:3", "b:2") groups the ledger by
subject whatever its kind.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import AppendOnlyModel, ScopedRow

POINTS = {"max_digits": 9, "decimal_places": 2}


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")
    PARTY_BRANCH = "party_branch", _("Party branch")


class SchemeKind(models.TextChoices):
    CIVILITY = "civility", _("Household civility points")
    PARTY_MEMBER = "party_member", _("Party member points")
    PARTY_BRANCH = "party_branch", _("Party branch points")
    ASSISTANT = "assistant", _("Village assistant points")
    VOLUNTEER = "volunteer", _("Volunteer points")
    LICENCE = "licence", _("Driver's-licence style points")


class Scheme(ScopedRow):
    """积分方案: one points scheme of a village, with its subjects, base score, cycle and rules of use."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind.choices)
    subject_kind = models.CharField(_("subjects"), max_length=20, choices=SubjectKind.choices)
    base_score = models.DecimalField(
        _("base score"), default=Decimal("0"), **POINTS, help_text=_("Every subject starts each year with this score.")
    )
    redeemable = models.BooleanField(_("points can be redeemed"), default=False)
    publish_day = models.PositiveSmallIntegerField(
        _("publication day"), default=28, help_text=_("Day of the quarter's last month on which standings are posted.")
    )
    appeal_window_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=15)
    star_rules = models.JSONField(
        _("star levels"),
        default=list,
        blank=True,
        help_text=_('Quarterly stars by score, e.g. [{"stars": 10, "min_score": 30}, {"stars": 5, "min_score": 15}]'),
    )
    warning_lines = models.JSONField(
        _("warning lines"),
        default=dict,
        blank=True,
        help_text=_('Party points three-colour lines, e.g. {"red": 60, "yellow": 75, "blue": 90}'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")
        ordering = ["village_id", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="unique_scheme_name")]

    def __str__(self):
        return self.name

    def stars_for(self, score: Decimal) -> int:
        best = 0
        for rule in self.star_rules or []:
            if score >= Decimal(str(rule["min_score"])):
                best = max(best, int(rule["stars"]))
        return best


class RuleBook(models.Model):
    """积分细则 (a version): applies from its effective date; adopted by a recorded decision."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rulebooks", verbose_name=_("scheme"))
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    decision_ref = models.CharField(
        _("adopting decision"),
        max_length=200,
        blank=True,
        help_text=_("The meeting decision that adopted this version (e.g. 村民代表会议 2026-03-05 决议第3号)."),
    )
    decision = models.ForeignKey(
        "deliberation.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rulebooks",
        verbose_name=_("adopting decision (议事决策)"),
        help_text=_("Linked when the adopting decision is named by its number (e.g. JY2026-0003)."),
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rule book")
        verbose_name_plural = _("rule books")
        ordering = ["scheme_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["scheme", "version"], name="unique_rulebook_version")]

    def __str__(self):
        return f"{self.title}（v{self.version}）"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_at is not None


class RuleCategory(models.Model):
    """细则大类, e.g. 遵纪守法, 环境卫生."""

    rulebook = models.ForeignKey(RuleBook, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rule category")
        verbose_name_plural = _("rule categories")
        ordering = ["rulebook_id", "order", "id"]

    def __str__(self):
        return self.name


class CapPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class RuleItem(models.Model):
    """评分项目: what earns or costs points, with its cap, required evidence and who may record it."""

    rulebook = models.ForeignKey(RuleBook, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(RuleCategory, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("item"), max_length=200)
    points = models.DecimalField(_("points"), **POINTS)
    negative_list = models.BooleanField(_("negative list"), default=False)
    cap_count = models.PositiveSmallIntegerField(_("cap (times)"), null=True, blank=True)
    cap_period = models.CharField(_("cap period"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.MONTH)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    recorder_roles = models.JSONField(
        _("who may record"),
        default=list,
        blank=True,
        help_text=_("Roles that may record this item; empty means grid workers, cadres and reviewers."),
    )
    declarable = models.BooleanField(_("villagers may declare it"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rule item")
        verbose_name_plural = _("rule items")
        ordering = ["rulebook_id", "category__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rulebook", "code"], name="unique_rule_item_code")]

    def __str__(self):
        return f"{self.code} {self.text}（{self.points:+}）"


class ClaimSource(models.TextChoices):
    RECORD = "record", _("Recorded on the spot")
    DECLARATION = "declaration", _("Declared by the villager")
    BULK = "bulk", _("Entered at a meeting")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SubjectRow(ScopedRow):
    """A row about one subject of a scheme; carries the subject's grid and household for scope."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme"))
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=24, db_index=True)
    subject_label = models.CharField(_("subject"), max_length=100)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    party_branch = models.ForeignKey(
        "registry.PartyBranch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey("regions.Grid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "grid": "grid_id",
        "household": "household_id",
    }

    class Meta:
        abstract = True


class Claim(SubjectRow):
    """积分记录/申报: an entry waiting for the review group; approval appends it to the ledger."""

    item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, related_name="claims", verbose_name=_("item"))
    points = models.DecimalField(_("points"), **POINTS)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="points/evidence/%Y/%m/", blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ClaimSource.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, db_index=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    client_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="Client-generated key: a form submitted twice is stored once.",
    )

    class Meta:
        verbose_name = _("points claim")
        verbose_name_plural = _("points claims")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["scheme", "status", "occurred_on"])]

    def __str__(self):
        return f"{self.subject_label} {self.item.text} {self.points:+}"


class EntryKind(models.TextChoices):
    AWARD = "award", _("Points")
    REVERSAL = "reversal", _("Correction")
    REDEMPTION = "redemption", _("Redemption")
    REFUND = "refund", _("Redemption cancelled")


class LedgerEntry(AppendOnlyModel, SubjectRow):
    """积分台账: append-only. ``score_delta`` counts for ranking, ``balance_delta`` for spending."""

    APPEND_ONLY_CHANGE = _("The points ledger cannot be changed; record a correction instead.")
    APPEND_ONLY_DELETE = _("The points ledger cannot be deleted; record a correction instead.")

    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="entry")
    item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    score_delta = models.DecimalField(_("score change"), **POINTS)
    balance_delta = models.DecimalField(_("balance change"), **POINTS)
    occurred_on = models.DateField(_("date"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    redemption = models.ForeignKey(
        "Redemption", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["scheme", "occurred_on", "subject_key"]),
            models.Index(fields=["scheme", "subject_key"]),
            models.Index(fields=["county", "occurred_on"]),
            models.Index(fields=["grid", "occurred_on"]),
            models.Index(fields=["scheme", "id"]),
        ]

    def __str__(self):
        return f"{self.subject_label} {self.get_kind_display()} {self.score_delta:+}"


class QuarterSignoff(models.Model):
    """党支部审定: the party branch signs off a quarter's reviewed points before publication."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="signoffs")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("quarter sign-off")
        verbose_name_plural = _("quarter sign-offs")
        constraints = [models.UniqueConstraint(fields=["scheme", "year", "quarter"], name="unique_signoff")]

    def __str__(self):
        return f"{self.scheme} {self.year}Q{self.quarter}"


class Publication(models.Model):
    """积分公示: a frozen snapshot of a quarter's standings and lists, posted on the notice board."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="publications")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("points publication")
        verbose_name_plural = _("points publications")
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["scheme", "year", "quarter"], name="unique_publication")]

    def __str__(self):
        return f"{self.scheme} {self.year}Q{self.quarter}"


class AppealStatus(models.TextChoices):
    """The decision on an appeal; also the names of the states of its procedure (points.flows.APPEAL)."""

    PENDING = "pending", _("Under investigation")
    UPHELD = "upheld", _("Entry upheld")
    OVERTURNED = "overturned", _("Entry overturned")


DEFAULT_APPEAL_ANSWER_DAYS = 10


class Appeal(CaseBase):
    """积分复议: a household disputes a ledger entry; the review group upholds or overturns it (points.flows.APPEAL).

    The procedure's state (``state``, ``deadline_at``, ``overdue`` …) is written by core.workflow only; ``status``,
    ``decided_*`` and ``decision_note`` are the decision, written by the deciding step (its effect)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="appeals")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer"),
        null=True,
        blank=True,
        help_text=_("The county's setting when the appeal was filed; the review group answers within them."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("finding"), blank=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(status="pending"), name="one_open_appeal_per_entry"
            )
        ]

    def __str__(self):
        entry = self.entry
        return f"{entry.subject_label} {entry.occurred_on:%Y-%m-%d} {entry.reason} {entry.score_delta.normalize():+f}"

    def get_absolute_url(self):
        return reverse("points:appeal", args=[self.pk])


class CountyPointsSettings(models.Model):
    """积分县级设置: what a county sets for the points schemes of all its villages (its administrator keeps it on
    the points policy page)."""

    county = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    appeal_answer_days = models.PositiveSmallIntegerField(
        _("working days to answer an appeal"),
        default=DEFAULT_APPEAL_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The review group decides an appeal within this many working days of its filing."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("county points settings")
        verbose_name_plural = _("county points settings")

    def __str__(self):
        return str(self.county)


class ConsequenceType(models.Model):
    """A consequence a list may carry; the county marks those that touch statutory entitlements as forbidden."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("consequence"), max_length=100)
    forbidden = models.BooleanField(_("forbidden"), default=False)
    legal_note = models.CharField(_("why"), max_length=300, blank=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["forbidden", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="unique_consequence")]

    def __str__(self):
        return self.name


class ListKind(models.TextChoices):
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")


class ListMethod(models.TextChoices):
    TOP_SHARE = "top_share", _("Top share (%)")
    BOTTOM_SHARE = "bottom_share", _("Bottom share (%)")
    AT_LEAST = "at_least", _("Score at least")
    BELOW = "below", _("Score below")


class ListRule(models.Model):
    """红黑榜规则: who goes on a list each quarter, with what consequences and for how long."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="list_rules")
    kind = models.CharField(_("list"), max_length=8, choices=ListKind.choices)
    method = models.CharField(_("rule"), max_length=16, choices=ListMethod.choices)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2)
    consequences = models.ManyToManyField(ConsequenceType, blank=True, verbose_name=_("consequences"))
    consequence_text = models.TextField(_("consequences in words"), blank=True)
    duration_quarters = models.PositiveSmallIntegerField(_("duration (quarters)"), default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("list rule")
        verbose_name_plural = _("list rules")

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_method_display()} {self.value}"


class Mentorship(models.Model):
    """1对1联系帮扶: a cadre or party member mentors a black-listed subject until it is upgraded (转化升级)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="mentorships")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="mentorships")
    subject_key = models.CharField(max_length=24)
    subject_label = models.CharField(max_length=100)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("mentor")
    )
    started_on = models.DateField()
    upgraded_on = models.DateField(_("upgraded on"), null=True, blank=True)
    notes = models.TextField(_("visits and progress"), blank=True)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [models.UniqueConstraint(fields=["publication", "subject_key"], name="unique_mentorship")]

    def __str__(self):
        return self.subject_label


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

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

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

    # As before the subject columns were shared: a grid worker's grid grant does not reach the shop's rows.
    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at"]


class EvaluatorLevel(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    VILLAGERS = "villagers", _("Villagers")


class Evaluation(models.Model):
    """四方督评: county, township, village and villagers each score a party branch or member for a quarter."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="evaluations")
    subject_key = models.CharField(max_length=24)
    subject_label = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    level = models.CharField(_("evaluator"), max_length=12, choices=EvaluatorLevel.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "subject_key", "year", "quarter", "level"], name="one_evaluation_per_level"
            )
        ]

    def __str__(self):
        return f"{self.subject_label} {self.year}Q{self.quarter} {self.get_level_display()} {self.score}"


class CreditPartner(models.Model):
    """A bank or employer that may read points summaries of consenting households (积分授信, 道德信贷)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=[("bank", _("Bank")), ("employer", _("Employer"))])
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_partner")

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("credit partner")
        verbose_name_plural = _("credit partners")

    def __str__(self):
        return self.name


class Consent(models.Model):
    """A household's consent that one partner may read its points summary; revocable at any time."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(CreditPartner, on_delete=models.PROTECT, related_name="consents")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "partner"], condition=models.Q(revoked_at__isnull=True), name="one_active_consent"
            )
        ]

    def __str__(self):
        return f"{self.household} → {self.partner}"


class Honour(models.Model):
    """荣誉称号: a yearly honour of a scheme's subject (十星家庭户, 创业致富能手, 遵纪守法企业 …), with its award."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="honours")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("honour"), max_length=50)
    subject_key = models.CharField(max_length=24)
    subject_label = models.CharField(_("subject"), max_length=100)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("score of the year"), **POINTS)
    rank = models.PositiveIntegerField(_("rank"))
    award_yuan = models.DecimalField(_("award (yuan)"), max_digits=9, decimal_places=2, default=Decimal("0"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "title", "rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "year", "title", "subject_key"], name="unique_honour")]

    def __str__(self):
        return f"{self.year} {self.title} {self.subject_label}"
