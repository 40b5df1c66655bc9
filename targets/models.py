"""清单制: the county's yearly target lists, one per unit (a county department, a township or a village), and their
items, each a case from issue to done with the unit's quarterly progress reports on its timeline (000 §二(一): 34
units' yearly lists, quarterly progress, a year-end report)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("County department")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class TargetList(models.Model):
    """One unit's list for a year: a county department's, a township's or a village's."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    department = models.ForeignKey(
        "incidents.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_lists",
        verbose_name=_("department"),
    )
    unit_kind = models.CharField(_("unit"), max_length=12, choices=UnitKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("target list")
        verbose_name_plural = _("target lists")
        ordering = ["-year", "unit_kind", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("targets:list", args=[self.pk])

    @property
    def unit_name(self) -> str:
        if self.department_id:
            return self.department.name
        return (self.village or self.township).name


class Target(CaseBase):
    """一项任务: an item of a list, open until its unit reports it done; overdue after its date (the deadline)."""

    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    target_list = models.ForeignKey(
        TargetList, on_delete=models.PROTECT, related_name="items", verbose_name=_("target list")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("task"), max_length=300)
    measure = models.CharField(_("how it is judged done"), max_length=300, blank=True)
    owner = models.CharField(_("person or office responsible"), max_length=60, blank=True)
    due_date = models.DateField(_("due"))
    days_allowed = models.PositiveIntegerField(_("working days allowed"), default=0)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_report = models.TextField(_("latest progress"), blank=True)
    last_quarter = models.PositiveSmallIntegerField(_("quarter last reported"), null=True, blank=True)
    last_reported_at = models.DateTimeField(_("last reported at"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    on_time = models.BooleanField(_("done on time"), null=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["target_list_id", "order", "id"]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("targets:item", args=[self.pk])
