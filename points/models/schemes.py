"""Schemes and their versioned rule books (categories and items)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ScopedRow

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
    fact = models.CharField(
        _("earned by the fact"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("When the platform records this fact (core.facts), the entry is made for review by itself."),
    )
    fact_conditions = models.JSONField(
        _("conditions on the fact"),
        default=dict,
        blank=True,
        help_text=_('e.g. {"kind": ["villagers_assembly"], "first_in_month": true}'),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rule item")
        verbose_name_plural = _("rule items")
        ordering = ["rulebook_id", "category__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rulebook", "code"], name="unique_rule_item_code")]

    def __str__(self):
        return f"{self.code} {self.text}（{self.points:+}）"

    @property
    def fact_label(self) -> str:
        from core import facts

        fact = facts.get(self.fact) if self.fact else None
        return str(fact.label) if fact is not None else self.fact

    @property
    def fact_conditions_text(self) -> str:
        """The conditions on the fact in words (the labels of the values chosen; 每月仅首次)."""
        from core import facts

        fact = facts.get(self.fact) if self.fact else None
        parts = []
        for key, values in (self.fact_conditions or {}).items():
            if key == facts.FIRST_IN_MONTH:
                parts.append(str(facts.GENERIC_CONDITIONS[key]))
                continue
            condition = fact.condition(key) if fact is not None else None
            labels = dict(condition.choices) if condition is not None else {}
            parts.append("、".join(str(labels.get(v, v)) for v in values))
        return "；".join(parts)
