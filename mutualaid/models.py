"""邻里互助会 (neighbourhood mutual aid, 禹王宫村/米易): the village's mutual-aid fund, the amount bands its
association sets, and the applications for help.

The fund is a ledger (``FundEntry``, append-only): contributions from the three sources (群众帮一点、政府补一点、
社会捐一点), payouts (each pays exactly one application) and reversals (a correction names the entry it reverses).
The balance is the sum of the rows and never goes below zero: every entry that takes money out is written under a
lock on the village's region row (mutualaid.fund).

An application is a case of ``core.workflow`` on the five steps of the source (群众申请 → 村民小组长核实 → 邻里互助会
核实 → 村“两委”审核 → 邻里互助会实施救助), declared in ``mutualaid/flows.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import AppendOnlyModel, ScopedRow


class Source(models.TextChoices):
    MASSES = "masses", _("Villagers (群众帮一点)")
    GOVERNMENT = "government", _("Government (政府补一点)")
    SOCIETY = "society", _("Society (社会捐一点)")


class EntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    PAYOUT = "payout", _("Payout")
    REVERSAL = "reversal", _("Reversal")


class Reason(models.TextChoices):
    ILLNESS = "illness", _("Illness (疾病)")
    DISASTER = "disaster", _("Disaster (灾害)")
    ACCIDENT = "accident", _("Accident (意外)")
    HARDSHIP = "hardship", _("Hardship (生活困难)")
    OTHER = "other", _("Other")


class FundEntry(AppendOnlyModel, ScopedRow):
    """互助专款账户的一笔: money in (a contribution, positive), money out (a payout, negative) or a reversal (the
    opposite of the entry it corrects). ``amount`` is signed: the balance is the sum. Never changed."""

    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    on = models.DateField(_("date"))
    donor = models.CharField(_("from / to"), max_length=100, blank=True)
    application = models.ForeignKey(
        "Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("application"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    APPEND_ONLY_CHANGE = _("An entry of the mutual-aid fund cannot be changed; record a reversal.")
    APPEND_ONLY_DELETE = _("An entry of the mutual-aid fund cannot be deleted; record a reversal.")

    class Meta:
        verbose_name = _("mutual-aid fund entry")
        verbose_name_plural = _("mutual-aid fund entries")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["village", "on"], name="mutualaid_entry_village_on")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="contribution", amount__gt=0) & ~models.Q(source=""))
                | models.Q(kind="payout", amount__lt=0, application__isnull=False)
                | (models.Q(kind="reversal", reverses__isnull=False) & ~models.Q(amount=0)),
                name="mutualaid_entry_sign",
            ),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(kind="payout"), name="mutualaid_one_payout"
            ),
        ]

    def __str__(self):
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()} {self.amount}"


class Band(ScopedRow):
    """救助标准档次: one amount band the association sets for its village (e.g. up to 500, up to 2,000, up to
    5,000 yuan). A band covers the amounts above the band below it up to ``up_to``; nothing above the highest
    band is asked or approved."""

    name = models.CharField(_("band"), max_length=40)
    up_to = models.DecimalField(_("up to (yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("who decides, what it is for"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("aid band")
        verbose_name_plural = _("aid bands")
        ordering = ["village_id", "up_to"]
        constraints = [
            models.UniqueConstraint(fields=["village", "up_to"], name="mutualaid_band_unique"),
            models.CheckConstraint(condition=models.Q(up_to__gt=0), name="mutualaid_band_positive"),
        ]

    def __str__(self):
        return f"{self.name} (≤ {self.up_to})"


class Application(CaseBase):
    """互助申请: one household's request for help from the fund, on the procedure of mutualaid/flows.py."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant")
    )
    group = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village group"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the villager's account"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    on_behalf = models.BooleanField(_("filed on the villager's behalf"), default=False)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    amount_asked = models.DecimalField(_("amount asked (yuan)"), max_digits=12, decimal_places=2)
    situation = models.TextField(_("situation"))
    approved_amount = models.DecimalField(
        _("approved amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    band_name = models.CharField(_("band"), max_length=40, blank=True)
    decline_reason = models.TextField(_("why not"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    notice = models.ForeignKey(
        "transparency.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("public notice"),
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("mutual-aid application")
        verbose_name_plural = _("mutual-aid applications")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="mutualaid_app_village_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_asked__gt=0), name="mutualaid_app_asked_positive"),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(approved_amount__gt=0),
                name="mutualaid_app_approved_positive",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_reason_display()}"

    def get_absolute_url(self):
        return reverse("mutualaid:application", args=[self.pk])
