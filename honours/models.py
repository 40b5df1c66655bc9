"""乡村八榜 and other honours: the county's boards (先锋、致富、善行、乡贤、新风、孝老、学子、巧妇, 最美家庭 …),
each nomination of a person or a household for a board in a quarter (a case: nominated → evaluated by the village's
panel → on public notice (公示) → honoured), and the objections villagers raise during the notice."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase

ACTIVE_STATES = ("nominated", "accepted", "published", "confirmed")


class Subject(models.TextChoices):
    PERSON = "person", _("A person")
    HOUSEHOLD = "household", _("A household")


class Board(models.Model):
    """One of the county's honour boards (榜单): who it honours (a person or a household), how many places it has
    in a village each quarter and how many working days its 公示 lasts."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=24)
    name = models.CharField(_("name of the board"), max_length=30)
    subject = models.CharField(_("honours whom"), max_length=10, choices=Subject.choices, default=Subject.PERSON)
    description = models.CharField(_("who it honours"), max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(_("places per village and quarter"), default=10)
    publicity_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("honour board")
        verbose_name_plural = _("honour boards")
        ordering = ["county_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_honour_board_code")]

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    VILLAGER = "villager", _("A villager")
    GROUP = "group", _("A village group")
    CADRE = "cadre", _("Village cadres or grid worker")


class Nomination(CaseBase):
    """A person or a household put forward for a board in a quarter, with the deeds (事迹)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("board"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    name = models.CharField(_("honouree"), max_length=60)
    deeds = models.TextField(_("deeds"))
    source = models.CharField(_("nominated by"), max_length=10, choices=Source.choices)
    group = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the name of the village group"),
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominator")
    )
    publicity_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    opinion = models.TextField(_("the panel's opinion"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    confirmed_on = models.DateField(_("honoured on"), null=True, blank=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "group": "household__group_id",
        "grid": "household__grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-year", "-quarter", "board__order", "rank", "pk"]
        indexes = [models.Index(fields=["village", "year", "quarter"])]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year", "quarter", "person"],
                condition=models.Q(person__isnull=False, state__in=ACTIVE_STATES),
                name="unique_honour_person_per_board_quarter",
            ),
            models.UniqueConstraint(
                fields=["board", "year", "quarter", "household"],
                condition=models.Q(person__isnull=True, state__in=ACTIVE_STATES),
                name="unique_honour_household_per_board_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name} · {self.board.name}"

    def get_absolute_url(self):
        return reverse("honours:nomination", args=[self.pk])

    @property
    def quarter_label(self) -> str:
        from honours.quarters import label

        return label(self.year, self.quarter)


class Objection(models.Model):
    """异议: what a villager says against an honour during its public notice; the panel answers it (upheld: the
    honour is withdrawn; dismissed: it may be confirmed). Written once, answered once."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="objections", verbose_name=_("nomination")
    )
    text = models.TextField(_("objection"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    made_at = models.DateTimeField(_("raised at"))
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    SCOPE_PATHS = {
        "county": "nomination__county_id",
        "township": "nomination__township_id",
        "village": "nomination__village_id",
    }

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.nomination.number} · {self.made_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
