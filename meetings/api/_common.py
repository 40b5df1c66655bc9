"""The meetings API's router and what its modules share: the actions, the scope check, the village, and the answers
for a meeting and a motion."""

from __future__ import annotations

from ninja import Router

from casework import steps as casework_steps
from core import scope
from core.errors import NotFound, PermissionDenied
from core.roles import Action
from meetings import rules, selectors, services
from meetings.flows import MEETING
from meetings.models import Meeting, MeetingKind, Motion
from regions.models import Region, RegionLevel

VIEW = Action.DELIBERATION_VIEW
MANAGE = Action.DELIBERATION_MANAGE
VOTE = Action.DELIBERATION_VOTE
MAX_PAGE_SIZE = 100


class _Router(Router):
    """Gives each operation the id it had when the API was one module (``meetings_api_<function>``), so the schema's
    operation ids, and the clients generated from it, stay as they were."""

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs) -> None:
        operation_id = operation_id or f"meetings_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = _Router(tags=["meetings"])


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _village(pk: int) -> Region:
    found = Region.objects.filter(pk=pk, level=RegionLevel.VILLAGE).first()
    if found is None:
        raise NotFound()
    return found


def _ref(region) -> dict | None:
    return {"id": region.pk, "name": region.name} if region is not None else None


def _row(m: Meeting, present: int | None = None) -> dict:
    return {
        "id": m.pk,
        "number": m.number,
        "village": _ref(m.village),
        "group": _ref(m.group),
        "kind": m.kind,
        "kind_label": str(MeetingKind(m.kind).label),
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "state": m.state,
        "state_label": MEETING.state_label(m.state),
        "register_size": m.register_size,
        "present": present if present is not None else getattr(m, "present_count", None) or m.attendances.count(),
        "version": m.version,
    }


def _motion(m: Motion) -> dict:
    return {
        "id": m.pk,
        "meeting_id": m.meeting_id,
        "position": m.position,
        "title": m.title,
        "text": m.text,
        "reserved_matter": m.reserved_matter,
        "reserved_matter_label": m.get_reserved_matter_display() if m.reserved_matter else "",
        "subject": m.subject,
        "voting": m.voting,
        "method": m.method,
        "votes_for": m.votes_for,
        "votes_against": m.votes_against,
        "votes_abstain": m.votes_abstain,
        "present": m.present,
        "register_size": m.register_size,
        "outcome": m.outcome,
        "outcome_label": m.get_outcome_display(),
        "binding": m.binding,
        "explanation": m.explanation,
        "decided_at": m.decided_at,
        "delegation_id": m.delegation_id,
    }


def _quorum(m: Meeting) -> dict:
    present = selectors.present_count(m)
    met, needed = rules.quorum(m.kind, m.basis, m.register_size, present)
    return {"met": met, "present": present, "needed": needed, "rule": rules.quorum_text(m.kind, m.basis)}


def _detail(actor, m: Meeting) -> dict:
    manage = selectors.can_manage(actor, m)
    quorum = _quorum(m)
    data = _row(m, quorum["present"])
    steps = casework_steps.describe(actor, m, MEETING) if manage else []
    data.update(
        {
            "agenda": m.agenda,
            "convened_by": m.convened_by,
            "proposers": m.proposers,
            "basis": m.basis,
            "notice_days": m.notice_days,
            "noticed_at": m.noticed_at,
            "opened_at": m.opened_at_moment,
            "closed_at": m.ended_at,
            "quorum": quorum,
            "decision_rule": rules.decision_text(m.kind),
            "consultative": m.kind in rules.CONSULTATIVE,
            "register_warnings": list(m.register_warnings) if manage else [],
            "motions": [_motion(x) for x in selectors.motions(m)],
            "minutes": m.minutes,
            "chair": m.chair,
            "recorder": m.recorder,
            "minutes_at": m.minutes_at,
            "my_entries": [
                {"id": e.pk, "name": e.name, "signed_in": hasattr(e, "attendance")}
                for e in services.entries_for_voter(actor, m).select_related("attendance")
            ],
            "steps": steps,
        }
    )
    return data


def _meeting(actor, pk) -> Meeting:
    return selectors.meeting(actor, pk)
