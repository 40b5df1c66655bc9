"""入户走访: the county's visit frequencies by tag (留守老人, 困境儿童 …) and the visits grid workers, cadres and
village group leaders record at the door. A household is owed a visit in each calendar period (week, month,
quarter, year) one of its living members' tags asks for (visits/periods.py)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ScopedRow


class Period(models.TextChoices):
    WEEK = "week", _("Every week")
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")
    YEAR = "year", _("Every year")


class How(models.TextChoices):
    HOME = "home", _("At home (入户)")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video call")
    ELSEWHERE = "elsewhere", _("Met elsewhere")


class FollowUp(models.TextChoices):
    NONE = "", _("Nothing to follow up")
    INCIDENT = "incident", _("A grid incident to report")
    DISPUTE = "dispute", _("A dispute for mediation")
    SERVICE = "service", _("A service to apply for")
    OTHER = "other", _("Other help (noted)")


class Frequency(models.Model):
    """The county's rule: people carrying ``tag`` are visited at least once in each ``period``, from ``since``."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    tag = models.ForeignKey("registry.Tag", on_delete=models.PROTECT, related_name="+", verbose_name=_("tag"))
    period = models.CharField(_("how often"), max_length=8, choices=Period.choices)
    since = models.DateField(_("in force from"))
    active = models.BooleanField(_("in force"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("visit frequency")
        verbose_name_plural = _("visit frequencies")
        ordering = ["county_id", "tag_id"]
        constraints = [models.UniqueConstraint(fields=["county", "tag"], name="unique_visit_frequency")]

    def __str__(self):
        return f"{self.tag} · {self.get_period_display()}"


class Visit(ScopedRow):
    """One visit to a household: who went, when, how, what was found and what follows from it."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person visited"),
    )
    visited_on = models.DateField(_("visited on"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices, default=How.HOME)
    found = models.TextField(_("what was found"))
    problem = models.BooleanField(_("a problem was found"), default=False)
    follow_up = models.CharField(_("follow-up"), max_length=10, choices=FollowUp.choices, blank=True)
    reference = models.CharField(_("case opened from the visit"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # the key the phone's form was given: a form sent again (the offline queue, a double tap) is stored once
    client_key = models.CharField(_("client key"), max_length=64, blank=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "group": "household__group_id",
        "grid": "household__grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["household", "visited_on"])]
        constraints = [
            models.UniqueConstraint(fields=["household", "by", "visited_on"], name="unique_visit_per_day"),
            models.UniqueConstraint(
                fields=["by", "client_key"], condition=~models.Q(client_key=""), name="unique_visit_client_key"
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("visits:visit", args=[self.pk])


class VisitPhoto(models.Model):
    """A photo taken on a visit (checked by casework.attachments: an image by its content, ≤ 10 MB, ≤ 6 a visit),
    with its thumbnail; shown only to those who see the visit."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("visit"))
    file = models.FileField(_("file"), upload_to="visits/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="visits/thumbs/%Y/%m/", blank=True)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit_id", "id"]

    def __str__(self):
        return self.name
