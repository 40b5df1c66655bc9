"""跟踪督办: what the scheduled deadline run does for incidents, and the lists of the supervision board.

``run_deadlines`` (every few minutes) flags cases past their deadline (core.workflow records an ``overdue``
event); then ``after_deadline_run``:
- marks each newly flagged case ``ever_overdue`` (the overdue-rate figure) and notifies its handling body and
  its township's supervisors;
- reminds the handling body of each case whose deadline falls within the next ``DUE_SOON_HOURS`` hours, once
  per deadline (a new deadline — an extension, a 督办 — brings a new reminder).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import audit, notifications, workflow
from incidents.flows import SUPERVISORS, handler
from incidents.models import Incident

DUE_SOON_HOURS = 24
ACTIVE_STATES = ("reported", "dispatched", "accepted")
UNRATED_DAYS = 7


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def after_deadline_run(report, now: datetime) -> dict:
    overdue = 0
    for incident in Incident.objects.filter(pk__in=report.flagged).select_related("matter"):
        with transaction.atomic():
            Incident.objects.filter(pk=incident.pk).update(ever_overdue=True)
            incident.ever_overdue = True
            text = _("Case %(number)s (%(matter)s) is overdue: the deadline was %(deadline)s.") % {
                "number": incident.number,
                "matter": incident.matter.name,
                "deadline": _when(incident.deadline_at),
            }
            key = f"incident:{incident.pk}:overdue:{incident.deadline_at:%Y%m%d%H%M}"
            url = reverse("incidents:detail", args=[incident.pk])
            users = workflow.recipients((handler, SUPERVISORS), incident)
            notifications.notify(sorted(users), kind="overdue", text=text, url=url, key=key)
            overdue += 1
    return {"overdue": overdue, "reminded": remind_due_soon(now)}


def remind_due_soon(now: datetime | None = None) -> int:
    """Remind the handling body once per deadline of every open case due within DUE_SOON_HOURS."""
    now = now or timezone.now()
    due = Incident.objects.filter(
        state__in=ACTIVE_STATES,
        closed_at__isnull=True,
        deadline_at__gte=now,
        deadline_at__lte=now + timedelta(hours=DUE_SOON_HOURS),
    ).select_related("matter", "handler_department")
    count = 0
    for incident in due:
        if incident.reminded_for == incident.deadline_at:
            continue
        with transaction.atomic():
            updated = (
                Incident.objects.filter(pk=incident.pk, deadline_at=incident.deadline_at)
                .exclude(reminded_for=incident.deadline_at)
                .update(reminded_for=incident.deadline_at)
            )
            if not updated:
                continue
            text = _("Case %(number)s (%(matter)s) is due by %(deadline)s.") % {
                "number": incident.number,
                "matter": incident.matter.name,
                "deadline": _when(incident.deadline_at),
            }
            key = f"incident:{incident.pk}:due:{incident.deadline_at:%Y%m%d%H%M}"
            users = workflow.recipients((handler,) if incident.state != "reported" else (SUPERVISORS,), incident)
            notifications.notify(
                sorted(users), kind="due_soon", text=text, url=reverse("incidents:detail", args=[incident.pk]), key=key
            )
            audit.record(None, "incidents.reminder", incident, after={"deadline_at": incident.deadline_at.isoformat()})
            count += 1
    return count
