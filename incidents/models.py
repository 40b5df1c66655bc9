"""网格事件 (五步闭环): the catalogue of grid matters, the county's departments, the triage rules and the
incidents themselves. An incident is a case of ``core.workflow`` (flow ``incidents.flows.INCIDENT``); its
timeline is ``casework.CaseEvent`` and its photos ``casework.CaseAttachment``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    URGENT = "urgent", _("Urgent")


class Level(models.TextChoices):
    """处置层级: who handles a case (小事不出村、大事不出镇)."""

    VILLAGE = "village", _("Village")
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County department")


LEVEL_ORDER = [Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY]


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Department(models.Model):
    """县直部门 / 责任单位: a body a case can be dispatched or summoned (吹哨) to. Its members handle its cases."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20)
    phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name=_("members")
    )

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_department_code")]

    def __str__(self):
        return self.name


class GridMatter(models.Model):
    """网格事项清单: a kind of matter grid workers handle, admitted (准入) and retired (退出) by the county.

    A retired matter is offered for no new report; cases already reported keep it.
    """

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=50, help_text=_("e.g. 矛盾纠纷, 安全隐患, 环境卫生, 民生服务"))
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible body"),
    )
    assisting = models.ManyToManyField(
        Department, blank=True, related_name="assisting_in", verbose_name=_("assisting bodies")
    )
    admitted_on = models.DateField(_("admitted on"), default=timezone.localdate)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retire_reason = models.CharField(_("reason for retiring"), max_length=200, blank=True)
    # 其他/不清楚: the reporter does not know the kind; the village sorts it (one per county, incidents.plug)
    unsorted = models.BooleanField(_("sorted by the village (其他/不清楚)"), default=False, editable=False)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("grid matter")
        verbose_name_plural = _("catalogue of grid matters")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="unique_grid_matter_code"),
            models.UniqueConstraint(fields=["county"], condition=models.Q(unsorted=True), name="one_unsorted_matter"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.retired_on is None


class TriageRule(models.Model):
    """分级分流规则: a matter (or any matter) × a severity (or any) → handling level, body and deadline.

    The most specific rule wins: matter and severity, then matter, then severity, then the county default.
    """

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    matter = models.ForeignKey(
        GridMatter, on_delete=models.PROTECT, null=True, blank=True, related_name="rules", verbose_name=_("matter")
    )
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, blank=True)
    level = models.CharField(_("handling level"), max_length=16, choices=Level.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("For county-level handling; empty means the matter's responsible body."),
    )
    days = models.PositiveSmallIntegerField(_("working days to handle"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")
        ordering = ["matter__code", "severity"]

    def __str__(self):
        matter = self.matter.name if self.matter_id else _("any matter")
        severity = self.get_severity_display() if self.severity else _("any severity")
        return f"{matter} × {severity} → {self.get_level_display()}"


class Incident(CaseBase):
    """网格事件: what a grid worker, a village assistant or a villager reports; handled in five steps."""

    matter = models.ForeignKey(GridMatter, on_delete=models.PROTECT, related_name="+", verbose_name=_("matter"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    description = models.TextField(_("what happened"))
    address = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    grid = models.ForeignKey(
        "regions.Grid", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    # the household it concerns: a villager's own, or the one a grid worker reports for from its page
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household concerned"),
    )
    client_key = models.CharField(_("client key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # where it is handled (set by triage, a dispatcher, an escalation or a hand-back)
    level = models.CharField(_("handling level"), max_length=16, choices=Level.choices, blank=True)
    handler_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    handling_days = models.PositiveSmallIntegerField(_("working days to handle"), null=True, blank=True)
    rule = models.ForeignKey(TriageRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assists = models.ManyToManyField(
        Department, through="IncidentAssist", related_name="+", blank=True, verbose_name=_("co-handling bodies")
    )
    # outcomes, written by the steps' effects (the figures of the KPIs)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_on_time = models.BooleanField(_("responded in time"), null=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_on_time = models.BooleanField(_("resolved in time"), null=True)
    ever_overdue = models.BooleanField(_("was overdue"), default=False)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    # 即报即办: the grid worker who reported it settled it on the spot (closed at once, in the village)
    on_the_spot = models.BooleanField(_("settled on the spot"), default=False)
    supervise_count = models.PositiveSmallIntegerField(_("formal supervision notices"), default=0)
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id", "grid": "grid_id"}

    class Meta:
        verbose_name = _("grid incident")
        verbose_name_plural = _("grid incidents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_key"], condition=~models.Q(client_key=""), name="unique_incident_client_key"
            )
        ]
        indexes = [
            models.Index(fields=["county", "created_at"], name="incident_county_created"),
            models.Index(fields=["township", "state"], name="incident_township_state"),
            models.Index(fields=["village", "state"], name="incident_village_state"),
            models.Index(fields=["handler_department", "state"], name="incident_department_state"),
            models.Index(fields=["closed_at", "deadline_at"], name="incident_open_deadline"),
        ]

    def __str__(self):
        return f"{self.number} {self.matter.name if self.matter_id else ''}".strip()

    @property
    def number(self) -> str:
        """事件编号: year of the report and the row id, e.g. SJ2026-000123."""
        return f"SJ{timezone.localtime(self.created_at):%Y}-{self.pk or 0:06d}"

    def get_absolute_url(self) -> str:
        """The case page (where a step's form returns and a notification links)."""
        return reverse("incidents:detail", args=[self.pk])


class AssistKind(models.TextChoices):
    ASSIST = "assist", _("Co-handling")
    SUMMONED = "summoned", _("Summoned (吹哨)")


class IncidentAssist(models.Model):
    """协办: a body added to a case to do its part — a matter's assisting body, or a department summoned (吹哨)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="assist_rows")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=AssistKind.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    reported_at = models.DateTimeField(_("reported to the case at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-handling body")
        verbose_name_plural = _("co-handling bodies")
        constraints = [models.UniqueConstraint(fields=["incident", "department"], name="unique_incident_assist")]

    def __str__(self):
        return f"{self.incident_id} {self.department_id} {self.kind}"
