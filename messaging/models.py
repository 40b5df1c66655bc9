"""Messages beyond the page: what each person chose to get by SMS, each county's SMS settings and monthly count,
and every SMS the platform sent or tried to send (短信发送记录)."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_MONTHLY_BUDGET = 5000


def quiet_from_default() -> time:
    return time(21, 0)


def quiet_until_default() -> time:
    return time(8, 0)


class SmsPreference(models.Model):
    """One person's choice for one message kind: by SMS or in the app only (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_preferences", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=40)
    sms = models.BooleanField(_("by SMS"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS choice")
        verbose_name_plural = _("SMS choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_sms_preference")]

    def __str__(self):
        return f"{self.kind}: {'SMS' if self.sms else '-'}"


class SmsSettings(models.Model):
    """A county's SMS rules: whether SMS is sent at all, its monthly budget, and the quiet hours (local time) in
    which nothing but sign-in codes is sent (what falls in them waits until they end)."""

    county = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="sms_settings", verbose_name=_("county")
    )
    enabled = models.BooleanField(_("send SMS"), default=True)
    monthly_budget = models.PositiveIntegerField(
        _("monthly budget (messages)"),
        default=DEFAULT_MONTHLY_BUDGET,
        help_text=_("No more SMS than this are sent in a calendar month; the in-app messages still arrive."),
    )
    quiet_from = models.TimeField(_("quiet hours from"), default=quiet_from_default)
    quiet_until = models.TimeField(_("quiet hours until"), default=quiet_until_default)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS settings")
        verbose_name_plural = _("SMS settings")

    def __str__(self):
        return str(self.county_id)


class SmsMonth(models.Model):
    """How many SMS a county has spent in a month: raised only while it stays within the budget (one guarded
    UPDATE, so concurrent senders never pass it)."""

    county = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "month"], name="unique_sms_month")]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m}: {self.used}"


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Failed")
    OVER_BUDGET = "over_budget", _("Not sent: monthly budget spent")
    DISABLED = "disabled", _("Not sent: SMS turned off")


class OutboundSms(models.Model):
    """One SMS to one person. Written when the message is queued, then moved on by the sender: never sent twice
    (a row is taken for sending by one guarded UPDATE; a retry takes only a failed row). The number is read from
    the account (encrypted) when the SMS is sent, or, for a sign-in code to a number with no account yet, from
    ``phone_cipher``; the log shows it masked. An urgent message's ``text`` is kept with its secret masked: the
    SMS is written from ``params`` when sent, and ``params`` is emptied once it is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    # a sign-in code goes to a number that may have no account yet: then the number, encrypted, is kept here
    phone_cipher = models.TextField(blank=True, editable=False)
    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("county")
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=120, blank=True)
    params = models.JSONField(default=dict)
    text = models.CharField(_("message"), max_length=300)
    phone_masked = models.CharField(_("phone"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    charged = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    gateway_ref = models.CharField(_("gateway receipt"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    # when the sender is due to take it (after the quiet hours, a failed try's wait); the sweeper goes by it
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county", "-created_at"], name="messaging_sms_county"),
            models.Index(fields=["status", "due_at"], name="messaging_sms_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], condition=~models.Q(key=""), name="unique_outbound_sms_key"
            )
        ]

    def __str__(self):
        return f"{self.phone_masked} {self.text[:40]}"
