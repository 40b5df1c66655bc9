"""Readable names of audit actions, for the audit trail pages. Unknown codes are shown as they are.

Core keeps only its own event types here: the workflow engine's and the calendar's (``casework.*``, the
platform's), the management commands' (``system.*``) and the phone app's (``core.phone_app_settings``, in
``PhoneAppAuditAction``). Every other app keeps its own in ``<app>/audit_labels.py`` (a ``TextChoices`` named
``AuditAction``) and registers it with ``core.plugins`` from its ``AppConfig.ready()``; ``action_label`` reads them
all.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from core import plugins


class AuditAction(TextChoices):
    CASE_START = "casework.start", _("Case opened")
    CASE_TRANSITION = "casework.transition", _("Case step taken")
    CASE_OVERDUE = "casework.overdue", _("Case deadline passed")
    CALENDAR_LOAD = "casework.calendar.load", _("National holiday schedule loaded")
    CALENDAR_CHANGE = "casework.calendar.change", _("Working-day calendar changed")
    CALENDAR_RESET = "casework.calendar.reset", _("County calendar entry removed")
    SEED_DEMO = "system.seed_demo", _("Demo data loaded")
    GENERATE_COUNTY = "system.generate_county", _("County data generated")
    GENERATE_INCIDENTS = "system.generate_incidents", _("Grid incidents generated")


class PhoneAppAuditAction(TextChoices):
    """The phone app's (core.pwa): a county's settings."""

    SETTINGS = "core.phone_app_settings", _("Phone app settings of the county changed")


ACTION_LABELS: dict = dict(AuditAction.choices)

# the keys any event may carry, shown on the audit page (core.audit_display) when neither the app nor the event's
# target model names them; a case step's flow, step and state are shown by their flow's labels
FIELDS = {
    "flow": _("procedure"),
    "step": _("step"),
    "state": _("state"),
    "deadline_at": _("deadline"),
    "reason": _("reason"),
    "note": _("note"),
    "text": _("text"),
    "name": _("name"),
    "title": _("title"),
    "year": _("year"),
    "quarter": _("quarter"),
    "month": _("month"),
    "version": _("version"),
    "created": _("added"),
    "updated": _("updated"),
    "removed": _("removed"),
    "entries": _("entries"),
}


def action_label(code: str) -> str:
    """The readable name of an audit action code, from every app's registered labels."""
    return plugins.audit_label(code)
