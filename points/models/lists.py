"""Red and black lists: the county's consequences, a scheme's list rules, mentorships."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from points.models.ledger import Publication
from points.models.schemes import Scheme


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
