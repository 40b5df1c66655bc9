"""积分参与汇总: what the dashboards count the households taking part by, kept beside the ledger (which stays the
truth; ``points.rollups`` maintains it in the transaction of each ledger row and checks it against the ledger)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ScopedRow


class HouseholdMonth(ScopedRow):
    """A household's month in the points ledger: how many of its award entries dated in that month (by the day of
    the deed) added points and how many took points off, not counting entries corrected since."""

    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey("regions.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    month = models.DateField(_("month"))  # its first day
    added = models.PositiveIntegerField(default=0)
    deducted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("household's points month")
        verbose_name_plural = _("households' points months")
        constraints = [models.UniqueConstraint(fields=["household", "month"], name="unique_household_month")]
        indexes = [
            models.Index(fields=["county", "month"], name="points_hm_county_month"),
            models.Index(fields=["township", "month"], name="points_hm_township_month"),
            models.Index(fields=["village", "month"], name="points_hm_village_month"),
        ]
