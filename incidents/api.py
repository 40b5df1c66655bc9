"""网格事件 API: the incident loop for the mobile app and integrations — report (with photos, idempotent by
``client_key``), the lists of every role (all, mine, queue, to dispatch, supervision board, follow-up), a case
with its co-handling bodies, photos and the steps the caller may take now, its timeline.

Steps are taken through the generic case API, from the flow's declaration (incidents.flows):
``GET /api/casework/cases/incident/{id}/steps`` and ``POST /api/casework/cases/incident/{id}/steps/{step}``
(JSON, or multipart with photos under ``photos``, ``attachments`` or ``files``); its answer carries this
module's keys of a case (``case_detail``). Same selectors (incidents.selectors) and services
(incidents.services) as the pages: a case outside the caller's scope is 404; a refused step answers 422 with
the engine's message and changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Router
from ninja.files import UploadedFile

from casework import steps
from casework.models import CaseAttachment
from core import scope, workflow
from core.api_types import Id, Limit, Page, PageSize
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action
from incidents import selectors, services
from incidents.catalogue_api import router as catalogue_router
from incidents.flows import INCIDENT
from incidents.kpi_api import router as kpi_router
from incidents.models import Incident, Level, Severity
from incidents.schemas import (
    BoardOut,
    IncidentDetail,
    IncidentEventOut,
    IncidentPage,
    ReportOut,
)
from regions.models import Grid, Region, RegionLevel

router = Router(tags=["incidents"])
router.add_router("/", catalogue_router)  # the county's catalogue, departments and rules
router.add_router("/", kpi_router)  # the performance figures and the grid workers' assessment

MAX_PAGE_SIZE = 100


# -- helpers ----------------------------------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _handling(incident: Incident) -> dict:
    department = incident.handler_department if incident.handler_department_id else None
    if incident.level == Level.COUNTY:
        name = department.name if department else ""
    elif incident.level == Level.TOWNSHIP:
        name = incident.township.name
    elif incident.level == Level.VILLAGE:
        name = incident.village.name
    else:
        name = ""
    return {
        "level": incident.level,
        "level_label": incident.get_level_display() if incident.level else "",
        "name": name,
        "department": _ref(department),
        "days": incident.handling_days,
    }


def _row(incident: Incident, now=None) -> dict:
    now = now or timezone.now()
    grid = incident.grid if incident.grid_id else None
    return {
        "id": incident.pk,
        "number": incident.number,
        "state": incident.state,
        "state_label": INCIDENT.state_label(incident.state),
        "severity": incident.severity,
        "severity_label": incident.get_severity_display(),
        "matter": {
            "id": incident.matter.pk,
            "code": incident.matter.code,
            "name": incident.matter.name,
            "group": incident.matter.group,
        },
        "description": incident.description,
        "address": incident.address,
        "village": _ref(incident.village),
        "township": _ref(incident.township),
        "grid": {"id": grid.pk, "code": grid.code, "name": grid.name} if grid else None,
        "reporter_name": str(incident.reporter),
        "created_at": incident.created_at,
        "handling": _handling(incident),
        "deadline_at": incident.deadline_at,
        "overdue": bool(
            incident.overdue
            or (incident.closed_at is None and incident.deadline_at is not None and incident.deadline_at < now)
        ),
        "ever_overdue": incident.ever_overdue,
        "rating": incident.rating,
        "rating_label": incident.get_rating_display() if incident.rating else "",
        "closed_at": incident.closed_at,
        "on_the_spot": incident.on_the_spot,
        "household_id": incident.household_id,
        "version": incident.version,
    }


def _absolute(request, name: str, pk: int) -> str | None:
    """A URL of the casework attachment views, or None while those views are not installed."""
    try:
        return request.build_absolute_uri(reverse(name, args=[pk]))
    except NoReverseMatch:
        return None


def _attachment(request, a, incident_id: int) -> dict:
    """A photo's links: ``url``/``thumbnail_url`` for a signed-in browser (casework pages), ``api_url``/
    ``api_thumbnail_url`` for a client with a bearer token."""
    api_args = {"incident_id": incident_id, "attachment_id": a.pk}
    return {
        "id": a.pk,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "url": _absolute(request, "casework:attachment", a.pk),
        "thumbnail_url": _absolute(request, "casework:attachment_thumb", a.pk) if a.thumbnail else None,
        "api_url": request.build_absolute_uri(reverse("api:incident_photo", kwargs=api_args)),
        "api_thumbnail_url": request.build_absolute_uri(reverse("api:incident_photo_thumb", kwargs=api_args)),
    }


def _detail(request, incident: Incident, *, with_steps: bool = True) -> dict:
    data = _row(incident)
    photos = []
    for event in workflow.history(incident):
        for a in event.attachments.all():
            photos.append(
                {
                    **_attachment(request, a, incident.pk),
                    "step": event.transition,
                    "step_label": INCIDENT.step_label(event.transition),
                    "at": event.at,
                }
            )
    data.update(
        {
            "lat": incident.lat,
            "lng": incident.lng,
            "state_entered_at": incident.state_entered_at,
            "responded_at": incident.responded_at,
            "resolved_at": incident.resolved_at,
            "rated_at": incident.rated_at,
            "reopen_count": incident.reopen_count,
            "supervise_count": incident.supervise_count,
            "co_handling": [
                {
                    "department": _ref(row.department),
                    "kind": row.kind,
                    "kind_label": row.get_kind_display(),
                    "added_at": row.added_at,
                    "reported_at": row.reported_at,
                }
                for row in incident.assist_rows.select_related("department").order_by("added_at", "pk")
            ],
            "photos": photos,
        }
    )
    if with_steps:  # what the caller may do now, from the flow's declaration
        data["steps"] = steps.describe(request.auth, incident, INCIDENT)
    return data


def case_detail(request, case: Incident) -> dict:
    """INCIDENT's keys in the generic case API (``GET /api/casework/cases/incident/{id}`` and the answer of
    ``POST …/steps/{step}``): the number, the handling and co-handling bodies, photos and outcomes."""
    return _detail(request, case, with_steps=False)


def _page(qs, page: int, page_size: int) -> dict:
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    now = timezone.now()
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(i, now) for i in rows]}


def _require(actor, action: str) -> None:
    if not scope.can(actor, action):
        raise PermissionDenied()


def _whole_number(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise DomainError({field: _("Enter a whole number.")})
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Enter a whole number.")}) from None


# service field names → the API's field names
_RENAMED = {"matter": "matter_id", "grid": "grid_id", "village": "village_id", "household": "household_id"}


def _renamed(exc: DomainError) -> DomainError:
    if not hasattr(exc, "error_dict"):
        return exc
    return DomainError({_RENAMED.get(k, k): v for k, v in exc.error_dict.items()})


# -- reporting --------------------------------------------------------------------------------------------


@router.post(
    "",
    response={200: ReportOut, 201: ReportOut},
    summary=gettext_lazy(
        "Report an incident (multipart: up to 9 files in `photos`). 201 with the routed case; "
        "the same client_key again answers 200 with the case already received."
    ),
    description=gettext_lazy(
        "`matter_id` of the county's 其他/不清楚 matter (`unsorted` in the catalogue): the village sets "
        "the kind. `settled` (即报即办, grid workers): what was done on the spot, with optional `settled_photos`: "
        "the case is closed at once as handled in the village instead of being routed."
    ),
)
def incident_create(
    request,
    matter_id: Form[str] = "",
    description: Form[str] = "",
    severity: Form[str] = Severity.GENERAL,
    address: Form[str] = "",
    lat: Form[str] = "",
    lng: Form[str] = "",
    grid_id: Form[str] = "",
    village_id: Form[str] = "",
    client_key: Form[str] = "",
    photos: File[list[UploadedFile]] = None,
    settled: Form[str] = "",
    settled_photos: File[list[UploadedFile]] = None,
    household_id: Form[str] = "",
):
    actor = request.auth
    _require(actor, Action.INCIDENT_REPORT)
    matter = None
    pk = _whole_number(matter_id, "matter_id")
    if pk is not None:
        matter = selectors.matters(actor).filter(pk=pk).first()
        if matter is None:
            raise DomainError({"matter_id": _("This matter is not in the county's current catalogue.")})
    grid = village = None
    pk = _whole_number(grid_id, "grid_id")
    if pk is not None:
        grid = Grid.objects.select_related("village").filter(pk=pk).first()
        if grid is None:
            raise DomainError({"grid_id": _("The grid does not exist.")})
    pk = _whole_number(village_id, "village_id")
    if pk is not None:
        village = Region.objects.filter(pk=pk, level=RegionLevel.VILLAGE).first()
        if village is None:
            raise DomainError({"village_id": _("The region does not exist.")})
    try:
        incident, created = services.incident_report(
            actor=actor,
            matter=matter,
            description=description,
            severity=severity,
            village=village,
            grid=grid,
            lat=lat,
            lng=lng,
            address=address,
            photos=photos or [],
            client_key=client_key,
            settled=settled,
            settled_photos=settled_photos or [],
            household=_whole_number(household_id, "household_id"),
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    incident = selectors.get(actor, incident.pk)
    return (201 if created else 200), {**_detail(request, incident), "already_received": not created}


# -- lists ------------------------------------------------------------------------------------------------


@router.get(
    "",
    response=IncidentPage,
    summary=gettext_lazy("Incidents in the caller's scope, newest first, with filters"),
    description=gettext_lazy(
        "`state`: one of the flow's states; `overdue=true`: cases that have ever passed a deadline; "
        "`matter`, `village`: ids; `since`/`until`: report dates (inclusive); `q`: words of the description or place."
    ),
)
def incident_list(
    request,
    state: str = "",
    overdue: bool = False,
    matter: Id | None = None,
    village: Id | None = None,
    since: date | None = None,
    until: date | None = None,
    q: str = "",
    page: Page = 1,
    page_size: PageSize = 20,
):
    if state and state not in INCIDENT.states:
        raise DomainError(
            {"state": _("Unknown state; use one of: %(states)s.") % {"states": ", ".join(INCIDENT.states)}}
        )
    if since and until and since > until:
        raise DomainError({"until": _("The end date lies before the start date.")})
    qs = selectors.search(
        request.auth,
        state=state,
        matter=matter,
        village=village,
        overdue=overdue,
        start=since,
        end=until,
        text=q.strip(),
    )
    return _page(qs, page, page_size)


def _role_list(path: str, name: str, select, summary, action: str | None = None) -> None:
    """One of the roles' lists: the page of ``select(actor)`` at ``path`` (operation ``incidents_api_<name>``),
    for those whose roles allow ``action`` (anyone signed in when None)."""

    def endpoint(request, page: Page = 1, page_size: PageSize = 20):
        if action is not None:
            _require(request.auth, action)
        return _page(select(request.auth), page, page_size)

    router.get(path, response=IncidentPage, summary=summary, operation_id=f"incidents_api_{name}", url_name=name)(
        endpoint
    )


_role_list("/mine", "incident_mine", selectors.my_reports, gettext_lazy("The cases the caller reported"))
_role_list(
    "/queue",
    "incident_queue",
    selectors.queue,
    gettext_lazy("待办: cases waiting for the caller's body, earliest deadline first"),
    Action.INCIDENT_HANDLE,
)
_role_list(
    "/to-dispatch",
    "incident_to_dispatch",
    selectors.to_dispatch,
    gettext_lazy("待分派: cases waiting for a dispatcher in the caller's area"),
    Action.INCIDENT_DISPATCH,
)


@router.get(
    "/board",
    response=BoardOut,
    summary=gettext_lazy(
        "督办台: overdue, due within a day, under a supervision notice, unrated for 7 days (counts and the "
        "first `limit` of each)"
    ),
)
def incident_board(request, limit: Limit = 20):
    _require(request.auth, Action.INCIDENT_SUPERVISE)
    limit = min(max(limit, 1), MAX_PAGE_SIZE)
    now = timezone.now()
    return {
        name: {"count": qs.count(), "items": [_row(i, now) for i in qs[:limit]]}
        for name, qs in selectors.board(request.auth, now=now).items()
    }


_role_list(
    "/follow-up",
    "incident_follow_up",
    selectors.unrated,
    gettext_lazy("回访: resolved cases nobody has rated for 7 days (rate them on the reporter's behalf)"),
    Action.INCIDENT_VIEW,
)


# -- one case ---------------------------------------------------------------------------------------------


@router.get(
    "/{int:incident_id}", response=IncidentDetail, summary=gettext_lazy("A case: handling, co-handling bodies, photos")
)
def incident_detail(request, incident_id: Id):
    return _detail(request, selectors.get(request.auth, incident_id))


@router.get(
    "/{int:incident_id}/timeline",
    response=list[IncidentEventOut],
    summary=gettext_lazy("The case's timeline, oldest first"),
)
def incident_timeline(request, incident_id: Id):
    incident = selectors.get(request.auth, incident_id)
    events = []
    for e in workflow.history(incident):
        events.append(
            {
                "id": e.pk,
                "step": e.transition,
                "label": INCIDENT.step_label(e.transition),
                "from_state": e.from_state,
                "from_label": INCIDENT.state_label(e.from_state) if e.from_state else "",
                "to_state": e.to_state,
                "to_label": INCIDENT.state_label(e.to_state),
                "actor_name": str(e.actor) if e.actor_id else (e.actor_label or _("The system")),
                "by_system": e.actor_id is None,
                "at": e.at,
                "note": e.note,
                "data": e.data or {},
                "deadline_at": e.deadline_at,
                "attachments": [_attachment(request, a, incident.pk) for a in e.attachments.all()],
            }
        )
    return events


def _photo(actor, incident_id: int, attachment_id: int) -> CaseAttachment:
    incident = selectors.get(actor, incident_id)
    found = (
        CaseAttachment.objects.select_related("event")
        .filter(
            pk=attachment_id,
            event__content_type=ContentType.objects.get_for_model(Incident),
            event__object_id=incident.pk,
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _file(field, content_type: str, name: str) -> FileResponse:
    if not field:
        raise NotFound()
    try:
        handle = field.open("rb")
    except OSError:
        raise NotFound() from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream", filename=name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get(
    "/{int:incident_id}/photos/{int:attachment_id}",
    url_name="incident_photo",
    summary=gettext_lazy("A photo (or document) of the case's timeline, for a client with a bearer token"),
)
def incident_photo(request, incident_id: Id, attachment_id: Id):
    found = _photo(request.auth, incident_id, attachment_id)
    return _file(found.file, found.content_type, found.name)


@router.get(
    "/{int:incident_id}/photos/{int:attachment_id}/thumb",
    url_name="incident_photo_thumb",
    summary=gettext_lazy("The photo's thumbnail (JPEG, the longer side 320 px)"),
)
def incident_photo_thumb(request, incident_id: Id, attachment_id: Id):
    found = _photo(request.auth, incident_id, attachment_id)
    if not found.thumbnail:
        return _file(found.file, found.content_type, found.name)
    return _file(found.thumbnail, "image/jpeg", found.thumbnail.name.rsplit("/", 1)[-1])
