"""The village's decisions without login (决议公开, 实施结果公开): each published decision, the tasks carrying it out
with their progress notes and results, an A4 print view for the notice board, and the village rules in force.

Nothing personal (个人信息保护法 Art. 34, 73): no proposer, no commenter, no account; a task's owner is shown by the
masked name (王*); the texts were checked for ID numbers, phones and accounts when they were written.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from core import workflow
from core.errors import NotFound
from core.views import public as _public
from deliberation import meetings_link, selectors
from deliberation.flows import TASK, flow_of
from regions import selectors as region_selectors


def _village(code: str):
    try:
        return region_selectors.public_village(code)
    except NotFound:
        raise Http404() from None


def _shape(decision) -> None:
    decision.procedure_label = ""
    if decision.topic_id:
        decision.procedure_label = flow_of(decision.topic).label
    rows = []
    for task in selectors.public_tasks(decision):
        notes = [
            {"at": e.at, "note": e.note}
            for e in workflow.history(task)
            if e.transition in ("progress", "extend") and e.note
        ]
        rows.append(
            {
                "title": task.title,
                "owner": selectors.public_owner(task.owner_name),
                "due_date": task.due_date,
                "state": task.state,
                "state_label": TASK.state_label(task.state),
                "late": selectors.is_late(task),
                "notes": notes,
                "result": task.result,
                "closed_at": task.closed_at,
            }
        )
    decision.public_tasks = rows
    decision.done_tasks = sum(1 for r in rows if r["state"] == "done")


def decisions(request, village_code):
    village = _village(village_code)
    rows = list(selectors.public_decisions(village)[:200])
    for d in rows:
        _shape(d)
    rules = selectors.public_rules(village)
    coverage = selectors.coverage(rules) if rules else (0, 0)
    return _public(
        render(
            request,
            "deliberation/public/decisions.html",
            {"village": village, "decisions": rows, "rules": rules, "coverage": coverage},
        )
    )


def _decision(village_code, pk):
    village = _village(village_code)
    try:
        found = selectors.public_decision(village, pk)
    except NotFound:
        raise Http404() from None
    _shape(found)
    found.motion = meetings_link.motion(found.motion_id) if found.motion_id else None
    return village, found


def decision(request, village_code, pk):
    village, found = _decision(village_code, pk)
    return _public(render(request, "deliberation/public/decision.html", {"village": village, "d": found}))


def decision_print(request, village_code, pk):
    """The decision laid out for an A4 notice board (决议公开 / 实施结果公开), with the vote and a place for the
    seal."""
    village, found = _decision(village_code, pk)
    return _public(render(request, "deliberation/public/print.html", {"village": village, "d": found}))


def rules(request, village_code):
    village = _village(village_code)
    found = selectors.public_rules(village)
    coverage = selectors.coverage(found) if found else (0, 0)
    return _public(
        render(request, "deliberation/public/rules.html", {"village": village, "rules": found, "coverage": coverage})
    )
