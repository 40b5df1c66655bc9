"""The year-end completion report (年终完成情况报告), generated from what the units reported, never retyped: per unit
its tasks, done, done on time, overdue; per task its state, date done, progress and latest report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from targets import selectors
from targets.flows import TARGET


def report(actor, year: int) -> dict:
    rows = list(selectors.with_counts(selectors.lists(actor, year)).order_by("unit_kind", "title"))
    for r in rows:
        r.rate = round(100 * r.done / r.total, 1) if r.total else None
    total = sum(r.total for r in rows)
    done = sum(r.done for r in rows)
    return {
        "year": year,
        "rows": rows,
        "total": total,
        "done": done,
        "on_time": sum(r.on_time for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "rate": round(100 * done / total, 1) if total else None,
    }


def tasks(actor, year: int):
    return (
        selectors.visible(actor)
        .filter(target_list__year=year)
        .exclude(state="dropped")
        .order_by("target_list__unit_kind", "target_list_id", "order")
    )


def xlsx(actor, year: int) -> bytes:
    from core.xlsx import Sheet, workbook

    data = report(actor, year)
    caption = _("Target lists %(year)s: year-end completion") % {"year": year}
    units = Sheet(
        _("By unit"),
        caption,
        [_("Unit"), _("List"), _("Tasks"), _("Done"), _("Done on time"), _("Overdue"), _("Completion (%)")],
        [[r.unit_name, r.title, r.total, r.done, r.on_time, r.overdue, r.rate] for r in data["rows"]],
    )
    items = Sheet(
        _("Tasks"),
        caption,
        [
            _("Unit"),
            _("Task"),
            _("Responsible"),
            _("Due"),
            _("State"),
            _("Done on"),
            _("On time"),
            _("Progress (%)"),
            _("Latest report"),
        ],
        [
            [
                t.target_list.unit_name,
                t.text,
                t.owner,
                t.due_date.isoformat(),
                str(TARGET.state_label(t.state)),
                t.done_on.isoformat() if t.done_on else "",
                "" if t.on_time is None else (_("Yes") if t.on_time else _("No")),
                t.percent,
                t.last_report,
            ]
            for t in tasks(actor, year)
        ],
    )
    return workbook(units, items)
