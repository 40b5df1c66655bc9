"""Who may see a case and take a step: scoped roles, parties, the system, time windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import pgettext

from core.calendar import WorkingCalendar
from core.roles import Role
from core.scope import grants
from core.workflow.declarations import SYSTEM, Flow, Party, Transition

# -- who may act -------------------------------------------------------------------------------------------


def _covers(grant, case) -> bool:
    path = case.SCOPE_PATHS.get(grant.level)
    if path is None:
        return False
    value = case
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return False
    return value == grant.target_id


def _allowed(actor, case, allow: Iterable) -> bool:
    if actor is None:
        return SYSTEM in allow
    roles = {who for who in allow if isinstance(who, str)}
    if roles and any(g.role in roles and _covers(g, case) for g in grants(actor)):
        return True
    return any(isinstance(who, Party) and who.admits(actor, case) for who in allow)


def can_see(actor, case, flow: Flow) -> bool:
    """May the actor see this case at all? (A role of the flow over the case's region, or a relation to it.)"""
    if actor is None:
        return True
    if any(g.role in flow.viewer_roles and _covers(g, case) for g in grants(actor)):
        return True
    return any(p.admits(actor, case) for p in flow.parties)


def _who(allow: Iterable) -> str:
    labels = []
    for who in allow:
        if who is SYSTEM:
            labels.append(str(SYSTEM.label))
        elif isinstance(who, Party):
            labels.append(str(who.label))
        else:
            labels.append(str(Role(who).label))
    return _list_separator().join(labels)


def _list_separator() -> str:
    return pgettext("list separator", ", ")


def _window_end(tr: Transition, case, calendar: WorkingCalendar) -> datetime | None:
    if tr.window is None or case.state_entered_at is None:
        return None
    return tr.window.due(case.state_entered_at, calendar, case)


def available(actor, case, flow: Flow, *, now: datetime | None = None) -> list[Transition]:
    """The steps this actor may take on the case now (for the buttons of a case page)."""
    if case.flow != flow.name:
        return []
    now = now or timezone.now()
    calendar = WorkingCalendar(case.county_id)
    result = []
    for tr in flow.outgoing(case.state):
        if not _allowed(actor, case, tr.allow) or tr.offered is not None and not tr.offered(case):
            continue
        end = _window_end(tr, case, calendar)
        if end is not None and now > end:
            continue
        result.append(tr)
    return result
