"""Who may see a case and take a step: scoped roles, parties, the system, time windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import pgettext

from core.calendar import WorkingCalendar
from core.roles import ROLE_ACTIONS, Role
from core.scope import covers, grants
from core.workflow.declarations import SYSTEM, Flow, Party, Transition

# -- who may act -------------------------------------------------------------------------------------------


def _allowed(actor, case, allow: Iterable) -> bool:
    if actor is None:
        return SYSTEM in allow
    roles = {who for who in allow if isinstance(who, str)}
    if roles and any(g.role in roles and covers(g, case) for g in grants(actor)):
        return True
    return any(isinstance(who, Party) and who.admits(actor, case) for who in allow)


def can_see(actor, case, flow: Flow) -> bool:
    """May the actor see this case at all? A grant over the case's place whose role allows one of the flow's
    ``view`` actions (the same answer as the app's scoped selectors) or acts on one of its steps, or a relation
    to the case (a party). A confidential flow's cases are seen by their parties only."""
    if actor is None:
        return True
    if flow.confidential:
        return any(p.admits(actor, case) for p in flow.parties)
    for g in grants(actor):
        if (g.role in flow.step_roles or not ROLE_ACTIONS.get(g.role, frozenset()).isdisjoint(flow.view)) and covers(
            g, case
        ):
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
