"""Service requests in the API: making one (one item or a life-event bundle, multipart with the materials' files),
the caller's lists (to handle, their own, to rate), the month's revisit list, the residents the caller may file for.
A request is read and its steps taken through the generic case API (``/api/casework/cases/doorstep/<id>``), to
which ``request_detail`` adds the item, the materials and the certificate."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from core import scope
from core.api_types import Id, Month, Year
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from doorstep import people, selectors, services
from doorstep.flows import DOORSTEP
from doorstep.models import Bundle, Item, ServiceRequest

router = Router(tags=["doorstep"])

MATERIALS_HELP = gettext_lazy(
    "Multipart form. `provided`: the names of the checklist's materials that were seen (repeat the field); the files "
    "of the n-th material of the checklist (the item's, or the bundle's each once, in order) in `material_<n>`."
)


class RequestRow(Schema):
    id: int
    number: str
    item: str
    item_id: int
    level: str
    state: str
    state_label: str
    village: str
    person: str
    channel: str
    agent: str | None
    deadline_at: str | None
    overdue: bool
    redo_count: int
    rating: str
    url: str


class RequestLists(Schema):
    to_handle: list[RequestRow]
    mine: list[RequestRow]
    to_rate: list[RequestRow]


class PersonRow(Schema):
    id: int
    name: str
    household: str
    village: str
    relation: str


def _row(r: ServiceRequest) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "item": r.item_version.name,
        "item_id": r.item_id,
        "level": r.level,
        "state": r.state,
        "state_label": DOORSTEP.state_label(r.state),
        "village": r.village.name,
        "person": r.person.name,
        "channel": r.channel,
        "agent": r.agent.name if r.agent_id else None,
        "deadline_at": r.deadline_at.isoformat() if r.deadline_at else None,
        "overdue": r.overdue,
        "redo_count": r.redo_count,
        "rating": r.rating,
        "url": r.get_absolute_url(),
    }


def request_detail(request, case) -> dict:
    """What the generic case API adds for a service request (Flow.detail)."""
    version = case.item_version
    certificate = getattr(case, "certificate", None)
    return {
        "number": case.number,
        "item": {
            "id": case.item_id,
            "version": version.number,
            "name": version.name,
            "level": version.level,
            "time_limit_days": case.time_limit_days,
            "fee": version.fee,
            "materials": version.materials,
        },
        "bundle": case.bundle.name if case.bundle_id else None,
        "person": case.person.name,
        "household": case.household.number,
        "channel": case.channel,
        "on_behalf": case.on_behalf,
        "consent": case.consent,
        "purpose": case.purpose,
        "details": case.details,
        "agent": case.agent.name if case.agent_id else None,
        "went_upstream": case.went_upstream,
        "upstream_office": case.upstream_office,
        "result": case.result,
        "completed_at": case.completed_at.isoformat() if case.completed_at else None,
        "completed_on_time": case.completed_on_time,
        "rating": case.rating,
        "redo_count": case.redo_count,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "provided": m.provided,
                "file": f"{case.get_absolute_url()}materials/{m.pk}/" if m.file else None,
            }
            for m in selectors.materials(request.auth, case)
        ],
        "certificate": certificate.number if certificate is not None else None,
    }


def _materials(request, names: list[str], provided: list[str]) -> dict:
    files = {}
    for i, name in enumerate(names):
        uploads = request.FILES.getlist(f"material_{i}")
        if uploads:
            files[name] = uploads
    extra = [
        key
        for key in request.FILES
        if key.startswith("material_")
        and key.removeprefix("material_").isdigit()
        and int(key.removeprefix("material_")) >= len(names)
    ]
    if extra:
        raise DomainError(
            {
                "materials": _("The checklist has %(n)s materials; “%(key)s” is not one of them.")
                % {"n": len(names), "key": extra[0]}
            }
        )
    return {"provided": [p for p in provided if p], "files": files}


def _person(actor, person_id):
    person = selectors.person_for_request(actor, person_id)
    if person is None:
        raise NotFound()
    return person


@router.post(
    "/requests",
    response={201: RequestRow},
    summary=gettext_lazy("Make a service request for a resident (yourself, or on a villager's behalf)"),
    description=MATERIALS_HELP,
)
def request_make(
    request,
    item: Form[Id],
    person: Form[Id],
    consent: Form[str] = "",
    purpose: Form[str] = "",
    details: Form[str] = "",
    provided: Form[list[str]] = None,
    material_0: File[list[UploadedFile]] = None,
):
    actor = request.auth
    found = Item.objects.filter(pk=item).select_related("current").first()
    if found is None or found.current_id is None:
        raise DomainError({"item": _("Choose an item of the catalogue.")})
    who = _person(actor, person)
    made = services.request_make(
        actor=actor,
        item=found,
        household=who.household,
        person=who,
        consent=consent,
        purpose=purpose,
        details=details,
        materials=_materials(request, list(found.current.materials), provided or []),
    )
    return 201, _row(made)


@router.post(
    "/bundles/{int:bundle_id}/requests",
    response={201: list[RequestRow]},
    summary=gettext_lazy("Open every service of a life event at once (一件事一次办)"),
    description=MATERIALS_HELP,
)
def bundle_make(
    request,
    bundle_id: Id,
    person: Form[Id],
    consent: Form[str] = "",
    details: Form[str] = "",
    provided: Form[list[str]] = None,
    material_0: File[list[UploadedFile]] = None,
):
    actor = request.auth
    bundle = Bundle.objects.filter(pk=bundle_id, active=True).first()
    if bundle is None:
        raise NotFound()
    who = _person(actor, person)
    items = list(bundle.items.select_related("current").order_by("order", "code"))
    made = services.bundle_make(
        actor=actor,
        bundle=bundle,
        household=who.household,
        person=who,
        consent=consent,
        details=details,
        materials=_materials(request, services.checklist(items), provided or []),
    )
    return 201, [_row(r) for r in made]


@router.get("/requests", response=RequestLists, summary=gettext_lazy("The caller's requests: to handle, own, to rate"))
def request_lists(request):
    actor = request.auth
    handler = bool(people.serving_villages(actor)) or scope.can(actor, Action.SERVICE_HANDLE)
    return {
        "to_handle": [_row(r) for r in selectors.handling_queue(actor)[:200]] if handler else [],
        "mine": [_row(r) for r in selectors.my_requests(actor)[:200]],
        "to_rate": [_row(r) for r in selectors.to_rate(actor)[:200]],
    }


@router.get(
    "/revisits",
    response=list[RequestRow],
    summary=gettext_lazy("The month's completed requests waiting for their revisit (每月回访)"),
)
def revisit_list(request, year: Year | None = None, month: Month | None = None):
    actor = request.auth
    if not scope.can(actor, Action.SERVICE_HANDLE):
        raise PermissionDenied()
    today = timezone.localdate()
    rows = selectors.revisit_list(actor, year=year or today.year, month=month or today.month)
    return [_row(r) for r in rows[:500]]


@router.get(
    "/people",
    response=list[PersonRow],
    summary=gettext_lazy("Residents the caller may make a request for (own household; by name or household number)"),
)
def people_list(request, q: str = ""):
    rows = selectors.people_to_serve(request.auth, q[:50])
    return [
        {
            "id": p.pk,
            "name": p.name,
            "household": p.household.number,
            "village": p.village.name,
            "relation": p.get_relation_display(),
        }
        for p in rows
    ]
