"""Shared records: the append-only audit trail (审计日志), in-app notifications (站内提醒) and the abstract bases
of every governed row (``ScopedRow``) and of the append-only tables (``AppendOnlyModel``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(self.model.APPEND_ONLY_CHANGE)

    def delete(self):
        raise AppendOnlyError(self.model.APPEND_ONLY_DELETE)


class AppendOnlyModel(models.Model):
    """Rows that are written once and never changed or deleted (audit trail, ledgers, case timelines).

    The model and its queryset refuse; a database trigger (core.db.append_only) refuses whatever the path."""

    APPEND_ONLY_CHANGE = _("This record cannot be changed.")
    APPEND_ONLY_DELETE = _("This record cannot be deleted.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(self.APPEND_ONLY_CHANGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.APPEND_ONLY_DELETE)


class ScopedRow(models.Model):
    """Every governed row carries its county, township and village so selectors filter without joins.

    The abstract base of the domain apps' rows (``SCOPE_PATHS`` of core.scope reads these columns)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))

    # core.scope reads a row's place through these paths; a model reached through other columns (a grid, a
    # household) declares its own
    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        abstract = True

    def place_in(self, village) -> None:
        self.village = village
        self.township_id = village.township_id
        self.county_id = village.county_id


class AuditEvent(AppendOnlyModel):
    """审计事件: who did what, when, from where, with the values before and after. Never changed."""

    APPEND_ONLY_CHANGE = _("The audit trail cannot be changed.")
    APPEND_ONLY_DELETE = _("The audit trail cannot be deleted.")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("client"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["village", "-at"]),
            models.Index(fields=["county", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class Notification(models.Model):
    """站内提醒: a message for one person in the app (a case about to be overdue, a 督办, a case sent to them).

    ``key`` makes a reminder idempotent: the same reminder about the same deadline is stored once per person.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("for")
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="core_notification_inbox")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""), name="unique_notification_key")
        ]

    def __str__(self):
        return self.text


class PhoneAppSettings(models.Model):
    """A county's settings of the installable phone app (core.pwa): the longest side, in pixels, its phones reduce a
    photo to before sending it (none: the platform's ``PHOTO_MAX_SIDE``). Kept by the county administrator
    through ``core.pwa.settings_save``."""

    PHOTO_SIDE_MIN = 640
    PHOTO_SIDE_MAX = 4096

    county = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="phone_app_settings", verbose_name=_("county")
    )
    photo_max_side = models.PositiveSmallIntegerField(
        _("longest photo side (pixels)"),
        null=True,
        blank=True,
        help_text=_("Photos are reduced on the phone to this many pixels on the longer side before they are sent."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("phone app settings")
        verbose_name_plural = _("phone app settings")

    def __str__(self):
        return str(self.county_id)
