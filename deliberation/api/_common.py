"""The deliberation API's router and what its modules share (scope, regions, the timeline in the generic shape)."""

from __future__ import annotations

from ninja import Router

from core import scope, workflow
from core.errors import NotFound, PermissionDenied
from core.masking import mask_name
from deliberation.flows import START_LABELS
from regions.models import Region, RegionLevel

router = Router(tags=["deliberation"])
MAX_PAGE_SIZE = 100


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _village(pk: int) -> Region:
    found = Region.objects.filter(pk=pk, level=RegionLevel.VILLAGE).first()
    if found is None:
        raise NotFound()
    return found


def _ref(region) -> dict:
    return {"id": region.pk, "name": region.name}


def _timeline(actor, obj, flow, staff: bool) -> list[dict]:
    """The case's events in the generic shape (casework's API) with ``by``: for those who are not staff, every name is
    masked (the generic answer's ``actor`` is replaced by this one)."""
    rows = []
    for e in workflow.history(obj):
        who = e.actor_label or str(workflow.SYSTEM.label)
        by = who if staff or not e.actor_id else mask_name(who)
        start = e.transition == workflow.START and flow.name in START_LABELS
        rows.append(
            {
                "id": e.pk,
                "step": e.transition,
                "label": str(START_LABELS[flow.name]) if start else flow.step_label(e.transition),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "by": by,
                "actor": by,
                "at": e.at,
                "note": e.note,
                "data": e.data or {},
                "deadline_at": e.deadline_at,
                "attachments": [],
            }
        )
    return rows
