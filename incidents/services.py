"""Writes of the incident loop. Every function checks the actor's scope, runs in one transaction and records
an audit event (the case steps through core.workflow, which writes the CaseEvent and the audit event); bad
input raises DomainError with a Chinese message and writes nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.attachments import prepare_photos
from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import FILES
from core.fields import clean_text as _text
from core.roles import Action
from incidents import facts as incident_facts
from incidents.flows import INCIDENT
from incidents.models import (
    AssistKind,
    Department,
    GridMatter,
    Incident,
    IncidentAssist,
    Level,
    Severity,
    TriageRule,
)
from incidents.selectors import report_area
from regions import geometry
from regions.models import Grid, Region, RegionLevel

# -- the county's catalogue, departments and rules --------------------------------------------------------


def _require_county(actor, county: Region) -> None:
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.INCIDENT_CATALOGUE, county):
        raise NotFound()


def _departments(county: Region, ids, field: str) -> list[Department]:
    ids = {int(getattr(i, "pk", i)) for i in (ids or [])}
    found = list(Department.objects.filter(county=county, pk__in=ids))
    if len(found) != len(ids):
        raise DomainError({field: _("Choose departments of this county.")})
    return found


def _department_members(county: Region, members) -> list[int]:
    """Members are accounts holding the department staff role in the county."""
    from accounts.models import RoleAssignment
    from core.roles import Role

    ids = {int(getattr(m, "pk", m)) for m in (members or [])}
    staff = set(
        RoleAssignment.objects.filter(
            role=Role.DEPARTMENT_STAFF, region__county_id=county.pk, user_id__in=ids, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if staff != ids:
        raise DomainError({"members": _("Members must be department staff accounts of this county.")})
    return sorted(ids)


@transaction.atomic
def department_save(
    *, actor, county: Region, department: Department | None = None, name, code, phone="", members=None, is_active=True
) -> Department:
    """Add or change a department (部门) and who works in it (``members=None`` keeps a department's members)."""
    _require_county(actor, county)
    if department is not None and department.county_id != county.pk:
        raise NotFound()
    name = _text(name, "name", max_length=100)
    code = _text(code, "code", max_length=20)
    phone = _text(phone, "phone", max_length=32, required=False)
    clash = Department.objects.filter(county=county, code=code)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise DomainError({"code": _("Another department has this code.")})
    if members is not None:
        members = _department_members(county, members)
    before = audit.snapshot(department, ["name", "code", "phone", "is_active"]) if department else None
    if before is not None:
        before["members"] = sorted(department.members.values_list("username", flat=True))
    department = department or Department(county=county)
    department.name, department.code, department.phone, department.is_active = name, code, phone, bool(is_active)
    department.save()
    if members is not None:
        department.members.set(members)
    after = audit.snapshot(department, ["name", "code", "phone", "is_active"])
    after["members"] = sorted(department.members.values_list("username", flat=True))
    audit.record(actor, "incidents.department.save", department, before=before, after=after, region=county)
    return department


@transaction.atomic
def matter_admit(
    *, actor, county: Region, code, name, group, description="", responsible=None, assisting=()
) -> GridMatter:
    """准入: add a matter to the county's catalogue of grid matters."""
    _require_county(actor, county)
    code = _text(code, "code", max_length=20)
    if GridMatter.objects.filter(county=county, code=code).exists():
        raise DomainError({"code": _("The catalogue already has a matter with this code.")})
    matter = GridMatter(county=county, code=code, admitted_by=actor, admitted_on=timezone.localdate())
    _fill_matter(matter, county, name, group, description, responsible, assisting)
    audit.record(actor, "incidents.matter.admit", matter, after=_matter_snapshot(matter), region=county)
    return matter


@transaction.atomic
def matter_update(
    *, actor, matter: GridMatter, name, group, description="", responsible=None, assisting=()
) -> GridMatter:
    """Change a matter's wording or its responsible and assisting bodies (cases already reported keep theirs)."""
    matter = GridMatter.objects.select_for_update().get(pk=matter.pk)
    county = matter.county
    _require_county(actor, county)
    before = _matter_snapshot(matter)
    _fill_matter(matter, county, name, group, description, responsible, assisting)
    audit.record(actor, "incidents.matter.update", matter, before=before, after=_matter_snapshot(matter), region=county)
    return matter


def _fill_matter(matter, county, name, group, description, responsible, assisting) -> None:
    matter.name = _text(name, "name", max_length=100)
    matter.group = _text(group, "group", max_length=50)
    matter.description = _text(description, "description", max_length=2000, required=False)
    if responsible is not None:
        (matter.responsible,) = _departments(county, [responsible], "responsible")
    else:
        matter.responsible = None
    helpers = _departments(county, assisting, "assisting")
    if matter.responsible is not None and matter.responsible in helpers:
        raise DomainError({"assisting": _("The responsible body cannot also be an assisting body.")})
    matter.save()
    matter.assisting.set(helpers)


def _matter_snapshot(matter: GridMatter) -> dict:
    data = audit.snapshot(matter, ["code", "name", "group", "responsible", "retired_on", "retire_reason"])
    data["assisting"] = sorted(matter.assisting.values_list("code", flat=True))
    return data


UNSORTED_CODE = "QT00"
UNSORTED_NAME = "其他/不清楚"  # the county's catalogue is data in Chinese, as the default catalogue's names
UNSORTED_GROUP = "其他"
UNSORTED_DESCRIPTION = "报告人不清楚属于哪类事项：先交村里，由村里确定事项类别后按分流规则转办。"


def matter_install_unsorted(*, county: Region, actor=None) -> GridMatter | None:
    """其他/不清楚: the matter a reporter chooses when they do not know the kind; the case goes to its village,
    which sets the real kind (the ``classify`` step). One per county, installed when the county is created
    (incidents.plug) and by the data migration for the counties that existed; idempotent. Returns the matter
    when it was created now."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()
        if GridMatter.objects.filter(county=county, unsorted=True).exists():
            return None
        code = UNSORTED_CODE
        while GridMatter.objects.filter(county=county, code=code).exists():  # a county's own QT00 stays
            code = f"QT{int(code[2:]) + 1:02d}"
        matter = GridMatter.objects.create(
            county=county,
            code=code,
            name=UNSORTED_NAME,
            group=UNSORTED_GROUP,
            description=UNSORTED_DESCRIPTION,
            unsorted=True,
            admitted_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor, "incidents.matter.admit", matter, after=_matter_snapshot(matter), region=county)
    return matter


@transaction.atomic
def matter_retire(*, actor, matter: GridMatter, reason) -> GridMatter:
    """退出: take a matter out of the catalogue; no new report can name it, existing cases keep it."""
    matter = GridMatter.objects.select_for_update().get(pk=matter.pk)
    _require_county(actor, matter.county)
    if matter.retired_on is not None:
        raise DomainError(_("This matter has already been retired."))
    reason = _text(reason, "reason", max_length=200)
    before = _matter_snapshot(matter)
    matter.retired_on, matter.retired_by, matter.retire_reason = timezone.localdate(), actor, reason
    matter.save(update_fields=["retired_on", "retired_by", "retire_reason"])
    audit.record(
        actor, "incidents.matter.retire", matter, before=before, after=_matter_snapshot(matter), region=matter.county
    )
    return matter


@transaction.atomic
def matter_readmit(*, actor, matter: GridMatter) -> GridMatter:
    """Admit a retired matter again."""
    matter = GridMatter.objects.select_for_update().get(pk=matter.pk)
    _require_county(actor, matter.county)
    if matter.retired_on is None:
        raise DomainError(_("This matter is in the catalogue."))
    before = _matter_snapshot(matter)
    matter.retired_on, matter.retired_by, matter.retire_reason = None, None, ""
    matter.admitted_on, matter.admitted_by = timezone.localdate(), actor
    matter.save()
    audit.record(
        actor, "incidents.matter.readmit", matter, before=before, after=_matter_snapshot(matter), region=matter.county
    )
    return matter


@transaction.atomic
def rule_save(
    *,
    actor,
    county: Region,
    rule: TriageRule | None = None,
    matter=None,
    severity="",
    level,
    department=None,
    days,
    note="",
) -> TriageRule:
    """Add or change a triage rule (matter × severity → level, body, working days)."""
    _require_county(actor, county)
    Region.objects.select_for_update().get(pk=county.pk)  # one rule save at a time per county: no duplicate rule
    if rule is not None and rule.county_id != county.pk:
        raise NotFound()
    if matter is not None and (matter.county_id != county.pk):
        raise DomainError({"matter": _("Choose a matter of this county's catalogue.")})
    if severity not in ("", *Severity.values):
        raise DomainError({"severity": _("Choose a severity.")})
    if level not in Level.values:
        raise DomainError({"level": _("Choose the handling level.")})
    if department is not None:
        if department.county_id != county.pk:
            raise DomainError({"department": _("Choose a department of this county.")})
        if level != Level.COUNTY:
            raise DomainError({"department": _("A department is named only for county-level handling.")})
        if not department.is_active and (rule is None or rule.department_id != department.pk):
            raise DomainError({"department": _("This department is not active.")})
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 60:
        raise DomainError({"days": _("Give a whole number of working days from 1 to 60.")})
    clash = TriageRule.objects.filter(county=county, matter=matter, severity=severity)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise DomainError(_("A rule for this matter and severity already exists; change that one."))
    fields = ["matter", "severity", "level", "department", "days", "note"]
    before = audit.snapshot(rule, fields) if rule else None
    rule = rule or TriageRule(county=county)
    rule.matter, rule.severity, rule.level, rule.department, rule.days = matter, severity, level, department, days
    rule.note = _text(note, "note", max_length=200, required=False)
    rule.save()
    audit.record(actor, "incidents.rule.save", rule, before=before, after=audit.snapshot(rule, fields), region=county)
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: TriageRule) -> None:
    _require_county(actor, rule.county)
    before = audit.snapshot(rule, ["matter", "severity", "level", "department", "days", "note"])
    audit.record(actor, "incidents.rule.delete", rule, before=before, region=rule.county)
    rule.delete()


# -- reporting --------------------------------------------------------------------------------------------


def may_report_in(actor, village: Region) -> bool:
    """A reporter reports in a village their role covers (incidents.selectors.report_area)."""
    ids = village.ancestor_ids()
    return any(ids.get(level) == region_id for level, region_id in report_area(actor))


def _coordinate(value, field: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError({field: _("Enter a number.")}) from None
    if not low <= number <= high:
        raise DomainError({"location": _("The location lies outside China; allow the phone's location or pin it.")})
    return round(number, 6)


def locate_grid(county_id: int, lat: float, lng: float, *, village: Region | None = None) -> Grid | None:
    """The base grid whose boundary contains the point (a special grid when no base grid does)."""
    grids = Grid.objects.filter(county_id=county_id, is_active=True, polygon__isnull=False)
    if village is not None:
        grids = grids.filter(village=village)
    # a cheap box test first, then the exact polygon test
    found = []
    for grid in grids.only("pk", "polygon", "kind", "village_id", "township_id", "county_id", "code", "name"):
        ring = (grid.polygon or {}).get("coordinates", [[]])[0]
        if not ring:
            continue
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if min(xs) <= lng <= max(xs) and min(ys) <= lat <= max(ys) and geometry.contains(grid.polygon, lat, lng):
            found.append(grid)
    found.sort(key=lambda g: g.kind != "base")
    return found[0] if found else None


def incident_report(
    *,
    actor,
    matter: GridMatter,
    description,
    severity=Severity.GENERAL,
    village: Region | None = None,
    grid: Grid | None = None,
    lat=None,
    lng=None,
    address="",
    photos=(),
    client_key="",
    settled: str = "",
    settled_photos=(),
    household=None,
) -> tuple[Incident, bool]:
    """前端发现报告: store a report once (the same ``client_key`` again returns the stored case) and route it by
    the triage rules. Returns (incident, created).

    ``settled`` (what was done, with ``settled_photos`` if any): 即报即办 — the reporting grid worker settled the
    matter on the spot, so the case is closed at once in the village (the flow's ``settle`` step) instead of
    being routed.

    ``household``: the household the case concerns (a grid worker reporting from its page), which the reporter
    must see and which must be in the case's village; a villager's report concerns their own household."""
    client_key = (client_key or "").strip()[:64]
    if client_key:
        existing = Incident.objects.filter(reporter=actor, client_key=client_key).first()
        if existing is not None:
            return existing, False
    description = _text(description, "description", max_length=2000)
    address = _text(address, "address", max_length=200, required=False)
    if severity not in Severity.values:
        raise DomainError({"severity": _("Choose a severity.")})
    lat = _coordinate(lat, "lat", 3, 54)
    lng = _coordinate(lng, "lng", 73, 136)
    if (lat is None) != (lng is None):
        raise DomainError({"location": _("Give both latitude and longitude, or neither.")})
    matter = GridMatter.objects.filter(pk=getattr(matter, "pk", matter)).first() if matter is not None else None
    if matter is None:
        raise DomainError({"matter": _("Choose what kind of matter it is.")})
    if grid is not None:
        village = grid.village
    if lat is not None:
        county_id = (village or grid).county_id if (village or grid) else None
        if county_id is None:
            county_id = matter.county_id
        found = locate_grid(county_id, lat, lng, village=village)
        if found is None and village is not None:
            raise DomainError(
                {"location": _("This location lies outside every grid of %(village)s.") % {"village": village.name}}
            )
        if found is None:
            raise DomainError({"location": _("This location lies outside every grid; pin the place inside a grid.")})
        grid = grid or found
        village = found.village if village is None else village
    if village is None:
        raise DomainError({"grid": _("Choose the grid or village, or give the location.")})
    if village.level != RegionLevel.VILLAGE or not may_report_in(actor, village):
        raise NotFound()
    if matter.county_id != village.county_id or matter.retired_on is not None:
        raise DomainError({"matter": _("This matter is not in the county's current catalogue.")})
    household = _household_concerned(actor, household, village)
    photos = prepare_photos(photos)
    settled = _text(settled, "settled", max_length=2000, required=False)
    settled_photos = prepare_photos(settled_photos, field="settled_photos") if settled_photos else []
    if settled_photos and not settled:
        raise DomainError({"settled": _("Say what was done on the spot.")})
    incident = Incident(
        matter=matter,
        severity=severity,
        description=description,
        address=address,
        lat=lat,
        lng=lng,
        grid=grid,
        reporter=actor,
        client_key=client_key,
        household=household,
    )
    incident.place_in(village)
    try:
        with transaction.atomic():
            workflow.start(actor=actor, case=incident, flow=INCIDENT, note=description, attachments=photos)
            if settled:
                workflow.transition(
                    actor=actor, case=incident, flow=INCIDENT, name="settle", note=settled, attachments=settled_photos
                )
                return incident, True
            from incidents.triage import route

            reason = route(incident).reason
            workflow.transition(actor=None, case=incident, flow=INCIDENT, name="route", note=reason)
            if incident.level == Level.COUNTY:
                for department in matter.assisting.filter(is_active=True).exclude(pk=incident.handler_department_id):
                    IncidentAssist.objects.create(incident=incident, department=department, kind=AssistKind.ASSIST)
    except IntegrityError:
        if not client_key:
            raise
        existing = Incident.objects.filter(reporter=actor, client_key=client_key).first()
        if existing is None:
            raise
        return existing, False
    return incident, True


def _household_concerned(actor, household, village: Region):
    """The household a report concerns: the one named (seen by the reporter, in the case's village), or the
    reporter's own household (a villager) when it is in that village; otherwise none."""
    from registry.models import Household
    from registry.selectors import access_household

    if household not in (None, ""):
        try:
            found = access_household(actor, getattr(household, "pk", household))
        except NotFound:  # not theirs to see: the same answer as a household of another village
            found = None
        if found is None or found.village_id != village.pk:
            raise DomainError({"household": _("The household is not in the village of the case.")})
        return found
    own = scope.targets(actor, "household", Action.INCIDENT_REPORT)
    return Household.objects.filter(pk__in=own, village_id=village.pk).order_by("pk").first() if own else None


# -- steps ------------------------------------------------------------------------------------------------


def incident_take_step(*, actor, case: Incident, step: str, data=None, note="", attachments=(), version=None):
    """Take a declared step of the loop (INCIDENT's service: the case page's forms and the API come here).
    Photos are checked by their content; only the fields the step declares are passed on; the engine checks
    who may take it and the fields, writes the timeline and tells the people the step names. Returns the event."""
    transition = INCIDENT.transitions.get(step)
    declared = {f.name for f in transition.fields} if transition is not None else set()
    data = {key: value for key, value in (data or {}).items() if key in declared}
    photos = prepare_photos(attachments, field=FILES) if attachments else []
    with transaction.atomic():
        event = workflow.transition(
            actor=actor,
            case=case,
            flow=INCIDENT,
            name=step,
            data=data,
            note=note,
            attachments=photos,
            expected_version=version,
        )
        incident_facts.after_step(actor, case, event)  # a case closed by its rating: the reporter's fact (core.facts)
    return event


def incident_step(*, actor, incident: Incident, step: str, data=None, note="", photos=(), version=None) -> Incident:
    """Take a step of the loop (accept, hand back, progress, summon, extend, supervise, escalate, resolve,
    rate, close, reopen, dispatch) and return the case as it is now."""
    incident_take_step(actor=actor, case=incident, step=step, data=data, note=note, attachments=photos, version=version)
    incident.refresh_from_db()
    return incident


def incident_rate(*, actor, incident: Incident, rating: str, note="", version=None) -> Incident:
    """办结回访: 满意 / 基本满意 close the case; 不满意 reopens it to its handler (a reason is required)."""
    return incident_step(
        actor=actor, incident=incident, step="rate", data={"rating": rating}, note=note, version=version
    )
