"""三务公开 (党务、村务、财务公开): the county's disclosure rules, the village's notices with their attachments, and
the villagers' questions on them.

A notice and a question are cases of ``core.workflow`` (flows ``notice`` and ``notice_question`` in
``transparency/flows.py``): their state, deadline and timeline are the engine's. docs/transparency.md lists
every rule and where it is enforced.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase


class Stream(models.TextChoices):
    """The three disclosures of Organic Law Art. 30 (三务公开)."""

    PARTY = "party", _("Party affairs (党务)")
    VILLAGE = "village", _("Village affairs (村务)")
    FINANCE = "finance", _("Finances (财务)")


STREAM_ORDER = [Stream.FINANCE, Stream.VILLAGE, Stream.PARTY]

# the category of a period's financial statement (收支明细, the monthly disclosure finance generates from its ledger):
# one per village and period, a new one only as a correction (transparency.services._one_statement)
STATEMENT_CATEGORY = "收支明细"


class Cadence(models.TextChoices):
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")


class DisclosurePolicy(models.Model):
    """The county's disclosure rules (a county without a row uses the defaults below).

    Defaults: Organic Law Art. 30 (general matters at least quarterly, finances monthly where transactions are
    many) and the financial disclosure rules as Shandong sets them (posted at least 5 days, a question answered
    within 5 days)."""

    county = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    min_posting_days = models.PositiveSmallIntegerField(
        _("minimum posting days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A notice's last day on the board is at least this many days after its first."),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer a question"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    finance_cadence = models.CharField(
        _("financial disclosure"), max_length=16, choices=Cadence.choices, default=Cadence.MONTH
    )
    village_cadence = models.CharField(
        _("village affairs disclosure"), max_length=16, choices=Cadence.choices, default=Cadence.QUARTER
    )
    party_cadence = models.CharField(
        _("party affairs disclosure"), max_length=16, choices=Cadence.choices, default=Cadence.QUARTER
    )
    due_days = models.PositiveSmallIntegerField(
        _("days after the period to publish"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_("A period's disclosure is late when nothing covering it is published by this many days after it."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id"}
    FIELDS = ["min_posting_days", "answer_days", "finance_cadence", "village_cadence", "party_cadence", "due_days"]

    class Meta:
        verbose_name = _("disclosure rules")
        verbose_name_plural = _("disclosure rules")

    def __str__(self):
        return f"{self.county_id}"

    def cadence(self, stream: str) -> str:
        return {
            Stream.FINANCE: self.finance_cadence,
            Stream.VILLAGE: self.village_cadence,
            Stream.PARTY: self.party_cadence,
        }[stream]


class Notice(CaseBase):
    """公开栏的一条公开: one notice of a village in one stream, covering a period, posted for a window of days.

    Written as a draft by a village cadre; a financial notice is checked by the 民主理财小组 (the village's
    reviewers) before it is published; withdrawn (with a reason) or ended when its window is over."""

    stream = models.CharField(_("stream"), max_length=16, choices=Stream.choices)
    category = models.CharField(
        _("category"), max_length=50, blank=True, help_text=_("e.g. 惠民资金, 工程项目, 收支明细")
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    is_major = models.BooleanField(
        _("major matter (重大事项)"), default=False, help_text=_("Disclosed at once, outside the regular calendar.")
    )
    posted_from = models.DateField(_("posted from"), null=True, blank=True)
    posted_until = models.DateField(_("posted until"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)
    # 更正: a notice may correct an earlier notice of its village and stream (it says why); when the correction is
    # published the earlier one leaves the board and is marked as superseded by it (transparency.flows)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("superseded by")
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="notice_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="notice_village_state"),
            models.Index(fields=["village", "stream", "period_start"], name="notice_village_period"),
            models.Index(fields=["township", "state"], name="notice_township_state"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("transparency:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """公开编号, e.g. GK2026-000042."""
        return f"GK{timezone.localtime(self.created_at):%Y}-{self.pk or 0:06d}"

    def on_board(self, day=None) -> bool:
        """Inside its posting window on ``day`` (both ends included)."""
        day = day or timezone.localdate()
        return (
            self.state == "published"
            and self.posted_from is not None
            and self.posted_until is not None
            and self.posted_from <= day <= self.posted_until
        )

    @property
    def is_superseded(self) -> bool:
        """Withdrawn because a published correction (更正) replaced it: kept on the public board, marked so."""
        return self.superseded_by_id is not None


class NoticeAttachment(models.Model):
    """附件: a PDF or an image (a voucher, a table, a photo of the board) attached to a notice while it is a
    draft. Served to the public only with its published notice."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="transparency/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["notice", "id"]

    def __str__(self):
        return self.name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_table(self) -> bool:
        """A table the platform generated (an .xlsx, e.g. the entries of a financial disclosure): shown and printed
        as a table page, downloadable as it is."""
        return self.content_type == XLSX


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NoticeQuestion(CaseBase):
    """村民质询: a villager's question on a notice, answered by the village within the county's working days."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="questions", verbose_name=_("notice"))
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asker_name = models.CharField(_("name of the asker"), max_length=50)
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer_days = models.PositiveSmallIntegerField(_("working days to answer"), default=5)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered in time"), null=True)
    client_key = models.CharField(_("client key"), max_length=64, blank=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("question on a notice")
        verbose_name_plural = _("questions on notices")
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["asker", "client_key"], condition=~models.Q(client_key=""), name="unique_question_client_key"
            )
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="question_village_state"),
            models.Index(fields=["township", "state", "deadline_at"], name="question_township_open"),
        ]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self) -> str:
        """A question is read and answered on its notice's page."""
        return reverse("transparency:detail", args=[self.notice_id]) + f"#q{self.pk}"
