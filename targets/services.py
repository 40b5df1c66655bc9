"""Writes of the target lists: the county issues a unit's list for a year with its items (each item a case, due on
its date), adds items; the unit's progress and completion are the declared steps (targets/flows.py), taken through
``target_step``."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.steps import documented
from core import audit, scope, workflow
from core.calendar import working_days_between
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, clean_text, clean_value
from core.roles import Action
from regions.models import Region, RegionLevel
from targets.audit_labels import AuditAction
from targets.flows import TARGET
from targets.models import Target, TargetList, UnitKind

MAX_ITEMS = 200


def days_allowed(county_id: int, due: date, now: datetime | None = None) -> int:
    """Working days from now to the due date (the item's deadline is the end of its last working day); 0 when past."""
    return max(0, working_days_between(now or timezone.now(), due, county=county_id))


def _county(actor, county: Region) -> Region:
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.TARGETS_ISSUE, county):
        raise NotFound()
    return county


def _unit(county: Region, kind: str, unit_id) -> dict:
    from incidents.models import Department

    kind = clean_value(Choice("unit_kind", "unit_kind", options=list(UnitKind.choices)), kind)
    if kind == UnitKind.DEPARTMENT:
        found = Department.objects.filter(pk=unit_id or 0, county=county, is_active=True).first()
        if found is None:
            raise DomainError({"unit": _("Choose a department of the county in use.")})
        return {"unit_kind": kind, "department": found}
    level = RegionLevel.TOWNSHIP if kind == UnitKind.TOWNSHIP else RegionLevel.VILLAGE
    found = Region.objects.filter(pk=unit_id or 0, county_id=county.pk, level=level).first()
    if found is None:
        raise DomainError({"unit": _("Choose a township or village of the county.")})
    if kind == UnitKind.TOWNSHIP:
        return {"unit_kind": kind, "township": found}
    return {"unit_kind": kind, "township_id": found.township_id, "village": found}


def _item(values: dict, year: int, field: str) -> dict:
    due = clean_value(Date(f"{field}.due_date", f"{field}.due_date"), values.get("due_date"))
    due = date.fromisoformat(due)
    if due.year != year:
        raise DomainError({f"{field}.due_date": _("A task of the %(year)s list is due in %(year)s.") % {"year": year}})
    return {
        "text": clean_text(values.get("text"), f"{field}.text", max_length=300),
        "measure": clean_text(values.get("measure"), f"{field}.measure", max_length=300, required=False),
        "owner": clean_text(values.get("owner"), f"{field}.owner", max_length=60, required=False),
        "due_date": due,
    }


def _open(actor, target_list: TargetList, values: dict, order: int, now=None) -> Target:
    item = Target(
        target_list=target_list,
        order=order,
        county_id=target_list.county_id,
        township_id=target_list.township_id,
        village_id=target_list.village_id,
        days_allowed=days_allowed(target_list.county_id, values["due_date"], now),
        **values,
    )
    workflow.start(actor=actor, case=item, flow=TARGET, data={"due_date": values["due_date"].isoformat()}, now=now)
    return item


@transaction.atomic
def list_issue(*, actor, county: Region, year, unit_kind, unit, title="", items=(), now=None) -> TargetList:
    """下达: the unit's list for the year with its tasks (each due within the year); one list per unit and year."""
    county = _county(actor, county)
    Region.objects.select_for_update().filter(pk=county.pk).first()
    year = int(year) if str(year).isdigit() else 0
    this_year = (timezone.localtime(now) if now else timezone.localtime()).year
    if not this_year - 1 <= year <= this_year + 1:
        raise DomainError({"year": _("Issue a list for last year, this year or next year.")})
    placed = _unit(county, unit_kind, unit)
    exists = TargetList.objects.filter(
        county=county, year=year, **{k: v for k, v in placed.items() if k != "township_id"}
    )
    if exists.exists():
        raise DomainError({"unit": _("This unit has its list for %(year)s already: add tasks to it.") % {"year": year}})
    items = list(items or [])
    if not items:
        raise DomainError({"items": _("Give at least one task.")})
    if len(items) > MAX_ITEMS:
        raise DomainError({"items": _("At most %(n)s tasks in a list.") % {"n": MAX_ITEMS}})
    cleaned = [_item(values, year, f"items.{n}") for n, values in enumerate(items)]
    target_list = TargetList(county=county, year=year, issued_by=actor, **placed)
    target_list.title = clean_text(title, "title", max_length=120, required=False) or _(
        "%(year)s target list of %(unit)s"
    ) % {"year": year, "unit": target_list.unit_name}
    target_list.save()
    for n, values in enumerate(cleaned, start=1):
        _open(actor, target_list, values, n, now)
    audit.record(
        actor,
        AuditAction.LIST_ISSUE,
        target_list,
        region=county,
        after={
            "year": year,
            "unit_kind": target_list.unit_kind,
            "unit": target_list.unit_name,
            "title": target_list.title,
            "items": len(cleaned),
        },
    )
    return target_list


@transaction.atomic
def item_add(*, actor, target_list: TargetList, text, due_date, measure="", owner="") -> Target:
    target_list = TargetList.objects.select_for_update().get(pk=target_list.pk)
    _county(actor, target_list.county)
    if target_list.items.count() >= MAX_ITEMS:
        raise DomainError({"text": _("At most %(n)s tasks in a list.") % {"n": MAX_ITEMS}})
    values = _item({"text": text, "due_date": due_date, "measure": measure, "owner": owner}, target_list.year, "item")
    values = {key.removeprefix("item."): value for key, value in values.items()}
    order = (target_list.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = _open(actor, target_list, values, order)
    audit.record(
        actor,
        AuditAction.ITEM_ADD,
        item,
        region=target_list.county,
        after={"list": target_list.title, "text": item.text, "due_date": item.due_date.isoformat()},
    )
    return item


# a task's declared steps (targets/flows.py); evidence is photos or PDFs
target_step = documented(TARGET)
