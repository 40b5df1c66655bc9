"""The public decisions of a village (no login), and what the generic case answer adds for each flow."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.api_types import RegionCode
from deliberation import selectors
from deliberation.api._common import router
from deliberation.api.rules import _rules_detail
from deliberation.api.tasks import _task_detail
from deliberation.api.topics import _topic_detail
from deliberation.flows import TASK
from deliberation.schemas import PublicOut
from regions import selectors as region_selectors

# -- public ---------------------------------------------------------------------------------------------------


@router.get(
    "/public/{village_code}",
    auth=None,
    response=PublicOut,
    summary=gettext_lazy("A village's published decisions, their tasks and results, and the rules in force (no login)"),
)
def public(request, village_code: RegionCode):
    village = region_selectors.public_village(village_code)
    rules = selectors.public_rules(village)
    signed, households = selectors.coverage(rules) if rules else (0, 0)
    now = timezone.now()
    return {
        "village": village.name,
        "decisions": [
            {
                "id": d.pk,
                "number": d.number,
                "title": d.title,
                "text": d.text,
                "body_label": d.body_label,
                "decided_at": d.decided_at,
                "published_at": d.published_at,
                "result": d.result,
                "tasks": [
                    {
                        "title": t.title,
                        "owner": selectors.public_owner(t.owner_name),
                        "due_date": t.due_date,
                        "state": t.state,
                        "state_label": TASK.state_label(t.state),
                        "overdue": selectors.is_late(t, now),
                        "result": t.result,
                    }
                    for t in selectors.public_tasks(d)
                ],
            }
            for d in selectors.public_decisions(village)[:200]
        ],
        "rules_title": rules.title if rules else "",
        "rules_clauses": rules.clauses() if rules else [],
        "rules_signed": signed,
        "rules_households": households,
    }


# -- what the generic case answer adds (Flow.detail) ------------------------------------------------------------


def topic_case(request, case) -> dict:
    """``GET``/``POST …/api/casework/cases/deliberation_six|deliberation_four/<id>``: the topic's own keys."""
    return _topic_detail(request.auth, case)


def task_case(request, case) -> dict:
    return _task_detail(request.auth, case)


def rules_case(request, case) -> dict:
    return _rules_detail(request.auth, case)
