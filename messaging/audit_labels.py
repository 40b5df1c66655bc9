"""The audit event types this app records, with their readable names."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    PREFERENCES = "messaging.preferences", _("SMS choices changed")
    SETTINGS = "messaging.settings", _("SMS settings of the county changed")
