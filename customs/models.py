"""红白理事会: the village's limits for weddings, funerals and other feasts (versioned: an event keeps the set it
was declared under), and each event declared to the council (a case: 事前申报 → 事中监督 → 事后评估)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import AppendOnlyModel, ScopedRow


class EventKind(models.TextChoices):
    WEDDING = "wedding", _("Wedding (婚事)")
    FUNERAL = "funeral", _("Funeral (丧事)")
    FEAST = "feast", _("Other feast")


class Result(models.TextChoices):
    WITHIN = "within", _("Within the limits")
    BREACH = "breach", _("Above the limits")


class LimitSet(AppendOnlyModel, ScopedRow):
    """One version of a village's limits (婚丧嫁娶简办标准), in force from ``effective_from`` until a later version;
    never changed: a change is a new version."""

    APPEND_ONLY_CHANGE = _("A version of the limits is never changed: set new limits instead.")
    APPEND_ONLY_DELETE = _("A version of the limits is never deleted.")

    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    # {kind: {measure key: number}}: customs.limits.MEASURES; a measure left out has no limit
    values = models.JSONField(_("limits"), default=dict)
    # {kind: days}: how many days before the event it must be declared
    notice_days = models.JSONField(_("days of notice"), default=dict)
    basis = models.CharField(
        _("basis"),
        max_length=200,
        blank=True,
        help_text=_("Where the village adopted them, e.g. 村规民约第八条 (2026年村民会议通过)."),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    made_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("limits for weddings and funerals")
        verbose_name_plural = _("limits for weddings and funerals")
        ordering = ["village_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["village", "version"], name="unique_customs_limits_version")]

    def __str__(self):
        return f"{self.village.name} · v{self.version}"


class Event(CaseBase):
    """A wedding, funeral or feast a household declares to the council before it (事前申报)."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EventKind.choices)
    host = models.CharField(_("host (事主)"), max_length=50)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    event_date = models.DateField(_("date of the event"), db_index=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    plan = models.JSONField(_("plan"), default=dict)  # {measure key: number} as declared
    budget = models.DecimalField(_("expected cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    limits = models.ForeignKey(
        LimitSet, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("limits")
    )
    declared_late = models.BooleanField(_("declared late"), default=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    on_behalf = models.BooleanField(_("declared on the household's behalf"), default=False)
    advice = models.TextField(_("the council's advice"), blank=True)
    observed = models.JSONField(_("seen during the event"), default=dict)
    actual = models.JSONField(_("what it came to"), default=dict)
    actual_cost = models.DecimalField(_("actual cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    result = models.CharField(_("assessment"), max_length=8, choices=Result.choices, blank=True, db_index=True)
    breaches = models.JSONField(_("above the limits"), default=list)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    claim = models.OneToOneField(
        "points.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("points claim"),
    )

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "grid": "household__grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("wedding or funeral")
        verbose_name_plural = _("weddings and funerals")
        ordering = ["-event_date", "-id"]
        indexes = [models.Index(fields=["village", "event_date"])]

    def __str__(self):
        return f"{self.number} {self.host} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("customs:event", args=[self.pk])

    @property
    def saved(self):
        """节约: what the household expected to spend at declaration less what it spent (never negative)."""
        if self.budget is None or self.actual_cost is None:
            return None
        return max(self.budget - self.actual_cost, 0)
