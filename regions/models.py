"""The region tree (县 → 镇/街道 → 村/社区 → 村民小组) and grids (网格)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    GROUP = "group", _("Village group")


LEVEL_DEPTH = {RegionLevel.COUNTY: 0, RegionLevel.TOWNSHIP: 1, RegionLevel.VILLAGE: 2, RegionLevel.GROUP: 3}


class Region(models.Model):
    """行政区域: a county, township, village or village group; ancestors are denormalized for scope."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    county = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    township = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    kind_label = models.CharField(_("kind"), max_length=16, blank=True, help_text=_("e.g. 镇, 街道, 村, 社区"))

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "county"]), models.Index(fields=["level", "township"])]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        parts = [r.name for r in (self.county, self.township, self.village) if r is not None and r.pk != self.pk]
        return "".join(parts + [self.name])

    def ancestor_ids(self) -> dict[str, int | None]:
        """county/township/village ids of this region; a region carries itself at its own level."""
        return {"county": self.county_id, "township": self.township_id, "village": self.village_id}


class GridKind(models.TextChoices):
    BASE = "base", _("Base grid")
    SPECIAL = "special", _("Special grid")
    ONLINE = "online", _("Online grid")


class Grid(models.Model):
    """网格: a base grid of about 30 households, a special grid (专属网格) or an online grid."""

    code = models.CharField(_("grid code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("grid kind"), max_length=16, choices=GridKind.choices, default=GridKind.BASE)
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="grids",
        verbose_name=_("village"),
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    polygon = models.JSONField(_("boundary (GeoJSON polygon)"), null=True, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id", "grid": "id"}

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class GridStaffRole(models.TextChoices):
    CHIEF = "chief", _("Chief grid leader")
    LEADER = "leader", _("Grid leader")
    DEPUTY = "deputy", _("Deputy grid leader")
    FIRST = "first", _("First-level grid worker")
    SECOND = "second", _("Second-level grid worker")
    SPECIALIST = "specialist", _("Full-time grid specialist")


class GridStaff(models.Model):
    """网格人员: who serves a grid and in which grid role; name and phone are published with the grid."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="staff", verbose_name=_("grid"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grid_posts",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("public phone"), max_length=32, blank=True)
    role = models.CharField(_("grid role"), max_length=16, choices=GridStaffRole.choices)

    class Meta:
        verbose_name = _("grid staff")
        verbose_name_plural = _("grid staff")
        ordering = ["grid", "role"]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"
