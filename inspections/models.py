"""人居环境"七个好"评比: the county's scoring sheet (versioned rows, never changed once written), the county's
shares for the boards, a village's quarterly round, one inspection per household (with its deductions and their
photos) and the reinspection (整改后复查) of a household on the exposure board.

A sheet version is never changed: a change is a new ``Sheet`` (number + 1); retiring is a date. A round keeps the
version it was opened on. A published round is frozen: its inspections keep the place on the board they were given
at publication (``Inspection.board``); a reinspection is a row of its own beside the published one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ScopedRow


class Sheet(models.Model):
    """A version of a county's scoring sheet (评分细则): 7 headings, their details, each with points."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=80)
    total = models.PositiveIntegerField(_("total points"))
    effective_from = models.DateField(_("effective from"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        ordering = ["county_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["county", "number"], name="inspections_sheet_number")]

    def __str__(self):
        return f"{self.title}（v{self.number}）"

    def in_force(self, day) -> bool:
        return self.effective_from <= day and (self.retired_on is None or day < self.retired_on)


class Heading(models.Model):
    """One of the seven goods (家具摆好 …) on a sheet version."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="headings")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=40)
    points = models.PositiveIntegerField(_("points"))

    class Meta:
        ordering = ["sheet_id", "order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "order"], name="inspections_heading_order")]

    def __str__(self):
        return self.name


class Detail(models.Model):
    """A scoring detail (评分细则) under a heading, with the points it may take off."""

    heading = models.ForeignKey(Heading, on_delete=models.CASCADE, related_name="details")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("detail"), max_length=120)
    points = models.PositiveIntegerField(_("points"))

    class Meta:
        ordering = ["heading__order", "order"]
        constraints = [models.UniqueConstraint(fields=["heading", "order"], name="inspections_detail_order")]

    def __str__(self):
        return self.text


class Policy(models.Model):
    """The county's shares of the boards: 表扬栏 (top), 曝光台 (bottom) and the village-group ranking."""

    county = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    praise_percent = models.DecimalField(
        _("praise board share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )
    exposure_percent = models.DecimalField(
        _("exposure board share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )
    group_percent = models.DecimalField(
        _("village group share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("board shares")
        verbose_name_plural = _("board shares")

    def __str__(self):
        return f"{self.praise_percent}% / {self.exposure_percent}% / {self.group_percent}%"


class RoundState(models.TextChoices):
    OPEN = "open", _("Open for inspection")
    PUBLISHED = "published", _("Published")


class Round(ScopedRow):
    """A village's quarter of the seven goods: opened on the sheet in force, published once (then frozen)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("scoring sheet"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # the shares in force when the round was published (the board is drawn by them ever after)
    praise_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    exposure_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    group_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-year", "-quarter", "village_id"]
        constraints = [models.UniqueConstraint(fields=["village", "year", "quarter"], name="inspections_round_quarter")]

    def __str__(self):
        return f"{self.village.name} {self.year}年第{self.quarter}季度"

    @property
    def published(self) -> bool:
        return self.state == RoundState.PUBLISHED


class Board(models.TextChoices):
    PRAISE = "praise", _("Praise board (表扬栏)")
    EXPOSURE = "exposure", _("Exposure board (曝光台)")


class Kind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly inspection")
    RECHECK = "recheck", _("Reinspection after rectification")


class Inspection(ScopedRow):
    """A household's score in a round: the sheet's total less its deductions. A reinspection (``kind`` recheck)
    is a row beside the quarterly one (``recheck_of``), never replacing it."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="inspections")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    grid = models.ForeignKey("regions.Grid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.QUARTERLY)
    recheck_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="recheck")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"))
    score = models.IntegerField(_("score"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    rectified = models.BooleanField(_("rectified"), null=True, blank=True)
    # set when the round is published (frozen afterwards)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    board = models.CharField(_("board"), max_length=16, choices=Board.choices, blank=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "group": "group_id",
        "grid": "grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["round_id", "-score", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household", "kind"], name="inspections_one_per_household")
        ]
        indexes = [models.Index(fields=["round", "kind", "score"])]

    def __str__(self):
        return f"{self.household} {self.score}"


class Deduction(models.Model):
    """Points taken off one detail, with the photo that shows why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="deductions")
    detail = models.ForeignKey(Detail, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("points deducted"))
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="inspections/thumbs/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["detail__heading__order", "detail__order"]
        constraints = [models.UniqueConstraint(fields=["inspection", "detail"], name="inspections_one_deduction")]

    def __str__(self):
        return f"{self.detail} −{self.points}"
