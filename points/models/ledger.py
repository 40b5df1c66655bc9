"""Claims under review, the append-only ledger, quarters, publications, appeals, honours."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import AppendOnlyModel, ScopedRow
from points.models.schemes import POINTS, RuleItem, Scheme, SubjectKind


class ClaimSource(models.TextChoices):
    RECORD = "record", _("Recorded on the spot")
    DECLARATION = "declaration", _("Declared by the villager")
    BULK = "bulk", _("Entered at a meeting")
    FACT = "fact", _("Recorded by the platform")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The place of a subject's row without its grid: a grid worker's grid grant does not reach it (appeals,
# redemptions).
HOUSEHOLD_PLACE = {
    "county": "county_id",
    "township": "township_id",
    "village": "village_id",
    "household": "household_id",
}


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

    SCOPE_PATHS = {**HOUSEHOLD_PLACE, "grid": "grid_id"}

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
    # made by a fact (core.facts): its key and the record it came from ("app.model:pk", e.g. "meetings.meeting:7")
    fact = models.CharField(_("fact"), max_length=64, blank=True, default="")
    source_ref = models.CharField(_("recorded from"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("points claim")
        verbose_name_plural = _("points claims")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["scheme", "status", "occurred_on"]),
            models.Index(fields=["fact", "source_ref"], name="claim_fact_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "subject_key", "source_ref", "fact"],
                condition=~models.Q(fact=""),
                name="one_claim_per_fact",
            )
        ]

    def __str__(self):
        return f"{self.subject_label} {self.item.text} {self.points:+}"

    @property
    def fact_label(self) -> str:
        from core import facts

        fact = facts.get(self.fact) if self.fact else None
        return str(fact.label) if fact is not None else self.fact

    @property
    def source_url(self) -> str:
        """The page of the record the claim's fact came from (a meeting, a case), or ""."""
        from django.apps import apps

        label, _sep, pk = self.source_ref.partition(":")
        try:
            model = apps.get_model(label)
            return model(pk=int(pk)).get_absolute_url()
        except (LookupError, ValueError, AttributeError):
            return ""


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


class SchemeQuarter(models.Model):
    """A row about one quarter of a scheme (its ``scheme`` is declared by each kind, with its related name)."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.scheme} {self.year}Q{self.quarter}"


class QuarterSignoff(SchemeQuarter):
    """党支部审定: the party branch signs off a quarter's reviewed points before publication."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="signoffs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("quarter sign-off")
        verbose_name_plural = _("quarter sign-offs")
        constraints = [models.UniqueConstraint(fields=["scheme", "year", "quarter"], name="unique_signoff")]


class Publication(SchemeQuarter):
    """积分公示: a frozen snapshot of a quarter's standings and lists, posted on the notice board."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="publications")
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

    SCOPE_PATHS = HOUSEHOLD_PLACE

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
