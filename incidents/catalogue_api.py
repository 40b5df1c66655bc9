"""网格事项清单 API: the county's catalogue of grid matters (准入/退出), its departments and triage rules.

Everyone working or living in the county reads the current catalogue and the departments; only the county
administrator (Action.INCIDENT_CATALOGUE) changes them, through the same services as the catalogue pages
(incidents.services): a row of another county is 404, a refused change 422 with the service's message.
Mounted under ``/api/incidents`` by incidents/api.py.
"""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core.api_types import Id
from core.errors import DomainError, NotFound
from incidents import selectors, services
from incidents.models import Department, GridMatter, TriageRule
from incidents.schemas import DepartmentOut, MatterOut

router = Router(tags=["incidents"])


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _matter(m: GridMatter) -> dict:
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "group": m.group,
        "description": m.description,
        "responsible": _ref(m.responsible),
        "assisting": [_ref(d) for d in m.assisting.all()],
        "unsorted": m.unsorted,
    }


def _county(actor, county_id: int | None):
    """The county the administrator changes: the one named among theirs, or their first (404 if none)."""
    counties = list(selectors.counties_managed(actor))
    county = next((c for c in counties if county_id is None or c.pk == county_id), None)
    if county is None:
        raise NotFound()
    return county


# the API names the rows it refers to by id; the services take them under their own names
_SERVICE_NAMES = {"responsible_id": "responsible", "assisting_ids": "assisting", "member_ids": "members"}


def _changes(payload) -> dict:
    """A change's fields as the service (matter_admit, matter_update, department_save) takes them."""
    return {_SERVICE_NAMES.get(k, k): v for k, v in payload.model_dump(exclude={"county_id"}).items()}


# -- the catalogue of grid matters --------------------------------------------------------------------------


class MatterChange(Schema):
    name: str
    group: str
    description: str = ""
    responsible_id: Id | None = None
    assisting_ids: list[Id] = []


class MatterIn(MatterChange):
    county_id: Id | None = None
    code: str


class RetireIn(Schema):
    reason: str


@router.get(
    "/matters", response=list[MatterOut], summary=gettext_lazy("The current catalogue of grid matters (网格事项清单)")
)
def matter_list(request):
    return [_matter(m) for m in selectors.matters(request.auth, current_only=True)]


@router.post("/matters", response={201: MatterOut}, summary=gettext_lazy("Admit a matter to the catalogue (准入)"))
def matter_admit(request, payload: MatterIn):
    county = _county(request.auth, payload.county_id)
    matter = services.matter_admit(actor=request.auth, county=county, **_changes(payload))
    return 201, _matter(matter)


@router.put("/matters/{int:matter_id}", response=MatterOut, summary=gettext_lazy("Change a matter of the catalogue"))
def matter_update(request, matter_id: Id, payload: MatterChange):
    matter = selectors.managed(request.auth, GridMatter, matter_id)
    return _matter(services.matter_update(actor=request.auth, matter=matter, **_changes(payload)))


@router.post("/matters/{int:matter_id}/retire", response=MatterOut, summary=gettext_lazy("Retire a matter (退出)"))
def matter_retire(request, matter_id: Id, payload: RetireIn):
    matter = selectors.managed(request.auth, GridMatter, matter_id)
    return _matter(services.matter_retire(actor=request.auth, matter=matter, reason=payload.reason))


@router.post(
    "/matters/{int:matter_id}/readmit", response=MatterOut, summary=gettext_lazy("Admit a retired matter again")
)
def matter_readmit(request, matter_id: Id):
    matter = selectors.managed(request.auth, GridMatter, matter_id)
    return _matter(services.matter_readmit(actor=request.auth, matter=matter))


# -- departments ------------------------------------------------------------------------------------------


class DepartmentChange(Schema):
    name: str
    code: str
    phone: str = ""
    member_ids: list[Id] = []
    is_active: bool = True


class DepartmentIn(DepartmentChange):
    county_id: Id | None = None


@router.get("/departments", response=list[DepartmentOut], summary=gettext_lazy("The county's departments (责任单位)"))
def department_list(request):
    return list(selectors.departments(request.auth, active_only=True))


@router.post("/departments", response={201: DepartmentOut}, summary=gettext_lazy("Add a department (责任单位)"))
def department_create(request, payload: DepartmentIn):
    county = _county(request.auth, payload.county_id)
    return 201, services.department_save(actor=request.auth, county=county, **_changes(payload))


@router.put("/departments/{int:department_id}", response=DepartmentOut, summary=gettext_lazy("Change a department"))
def department_update(request, department_id: Id, payload: DepartmentChange):
    department = selectors.managed(request.auth, Department, department_id)
    return services.department_save(
        actor=request.auth, county=department.county, department=department, **_changes(payload)
    )


# -- triage rules ---------------------------------------------------------------------------------------------


class RuleIn(Schema):
    county_id: Id | None = None
    matter_id: Id | None = None
    severity: str = ""
    level: str
    department_id: Id | None = None
    days: Annotated[int, Field(ge=1, le=60)]
    note: str = ""


class RuleOut(Schema):
    id: int
    matter_id: int | None
    severity: str
    level: str
    department_id: int | None
    days: int
    note: str


def _rule_save(actor, county, rule, payload) -> TriageRule:
    matter = department = None
    if payload.matter_id is not None:
        matter = GridMatter.objects.filter(county=county, pk=payload.matter_id).first()
        if matter is None:
            raise DomainError({"matter_id": _("Choose a matter of this county's catalogue.")})
    if payload.department_id is not None:
        department = Department.objects.filter(county=county, pk=payload.department_id).first()
        if department is None:
            raise DomainError({"department_id": _("Choose a department of this county.")})
    return services.rule_save(
        actor=actor,
        county=county,
        rule=rule,
        matter=matter,
        severity=payload.severity,
        level=payload.level,
        department=department,
        days=payload.days,
        note=payload.note,
    )


@router.get("/rules", response=list[RuleOut], summary=gettext_lazy("The county's triage rules (分级分流规则)"))
def rule_list(request):
    return list(selectors.rules(request.auth))


@router.post(
    "/rules", response={201: RuleOut}, summary=gettext_lazy("Add a triage rule (matter × severity → level, body, days)")
)
def rule_create(request, payload: RuleIn):
    return 201, _rule_save(request.auth, _county(request.auth, payload.county_id), None, payload)


@router.put("/rules/{int:rule_id}", response=RuleOut, summary=gettext_lazy("Change a triage rule"))
def rule_update(request, rule_id: Id, payload: RuleIn):
    rule = selectors.managed(request.auth, TriageRule, rule_id)
    return _rule_save(request.auth, rule.county, rule, payload)


@router.delete("/rules/{int:rule_id}", response={204: None}, summary=gettext_lazy("Delete a triage rule"))
def rule_delete(request, rule_id: Id):
    rule = selectors.managed(request.auth, TriageRule, rule_id)
    services.rule_delete(actor=request.auth, rule=rule)
    return 204, None
