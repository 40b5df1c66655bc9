"""Small-power API (/api/powers): the list (read; kept by the county administrator), applying (multipart, with
documents), matters (list, detail with the whole timeline and the steps the caller may take), objections (raise,
answer), the village and township queues, the overview, and the public postings (no login, de-identified). A step
is taken through the generic case API (``POST /api/casework/cases/<flow>/<id>/steps/<step>``, casework.api), which
adds what ``case_facts`` gives.

Same selectors and services as the pages: a matter outside the caller's scope is 404; a refused step answers
422 with the Chinese message and changes nothing.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import File, Form, Router
from ninja.files import UploadedFile

from casework import steps
from core import scope, workflow
from core.api_types import Id, Page, PageSize, RegionCode
from core.errors import NotFound, PermissionDenied
from core.masking import mask_name
from core.roles import Action
from powers import publicity, selectors, services
from powers.flows import FINAL_STATES, FLOWS, PUBLICITY_STATE, flow_of
from powers.models import Power
from powers.schemas import (
    CaseDetail,
    CasePage,
    CaseRow,
    ObjectionAnswerIn,
    ObjectionIn,
    ObjectionOut,
    OverviewOut,
    PowerIn,
    PowerOut,
    PublicPosting,
)
from regions import selectors as region_selectors
from regions.models import Region, RegionLevel
from registry.models import Household

router = Router(tags=["powers"])
MAX_PAGE_SIZE = 100
READ = (Action.POWER_VIEW, Action.POWER_APPLY)


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _power(p: Power) -> dict:
    flow = FLOWS[p.template]
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "power_class": p.power_class,
        "power_class_label": str(p.get_power_class_display()),
        "template": p.template,
        "template_label": str(p.get_template_display()),
        "applicant": p.applicant,
        "applicant_label": str(p.get_applicant_display()),
        "legal_basis": p.legal_basis,
        "documents": p.document_list,
        "procedure": p.procedure,
        "supervision": p.supervision,
        "step_days": p.step_days,
        "review_days": p.review_days,
        "publicity_days": p.publicity_days,
        "active": p.active,
        "order": p.order,
        "states": [{"name": s.name, "label": str(s.label)} for s in flow.states.values()],
        "steps": [
            {"name": tr.name, "label": str(tr.label), "from": sorted(tr.source), "to": tr.target}
            for tr in flow.transitions.values()
        ],
    }


def _row(c, now=None) -> dict:
    now = now or timezone.now()
    flow = FLOWS[c.flow]
    is_open = c.state not in FINAL_STATES
    return {
        "id": c.pk,
        "number": c.number,
        "power": {"id": c.power_id, "name": c.power.name},
        "title": c.title,
        "village": {"id": c.village_id, "name": c.village.name},
        "household_id": c.household_id,
        "state": c.state,
        "state_label": flow.state_label(c.state),
        "deadline_at": c.deadline_at,
        "overdue": is_open and (c.overdue or (c.deadline_at is not None and c.deadline_at < now)),
        "created_at": c.created_at,
        "version": c.version,
    }


def case_facts(request, case) -> dict:
    """What the generic case API (casework) adds for a matter: its own facts and objections (Flow.detail)."""
    data = _detail(request, case)
    return {k: v for k, v in data.items() if k not in ("timeline", "steps")}


def _detail(request, c) -> dict:
    actor = request.auth
    staff = scope.can(actor, Action.POWER_VIEW)
    flow = flow_of(c)
    data = _row(c)
    timeline = []
    for e in workflow.history(c):
        timeline.append(
            {
                "step": e.transition,
                "label": flow.step_label(e.transition),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "by": e.actor_label or "",
                "at": e.at,
                "note": e.note,
                "data": e.data or {},
                "deadline_at": e.deadline_at,
                "files": [
                    {
                        "id": a.pk,
                        "name": a.name,
                        "url": request.build_absolute_uri(reverse("powers:file", args=[c.pk, a.pk])),
                    }
                    for a in e.attachments.all()
                ],
            }
        )
    data.update(
        {
            "reason": c.reason,
            "applicant": c.applicant_name,
            "on_behalf": c.on_behalf,
            "household_size": c.household_size,
            "monthly_income": c.monthly_income,
            "area": c.area,
            "asset_deal": c.asset_deal,
            "reserve_price": c.reserve_price,
            "winner": c.winner,
            "winning_price": c.winning_price,
            "contract_ref": c.contract_ref,
            "decision_ref": c.decision_ref,
            "outcome": c.outcome,
            "publicity_from": c.publicity_from,
            "publicity_until": c.publicity_until,
            "timeline": timeline,
            "objections": [_objection(o, staff) for o in selectors.objections(c)],
            "steps": steps.describe(actor, c, flow),
        }
    )
    return data


def _objection(o, staff: bool) -> dict:
    return {
        "id": o.pk,
        "by": o.raised_by_name if staff else mask_name(o.raised_by_name),
        "text": o.text,
        "raised_at": o.raised_at,
        "answer": o.answer,
        "answered_at": o.answered_at,
    }


# -- the list ---------------------------------------------------------------------------------------------------


@router.get("/powers", response=list[PowerOut], summary=gettext_lazy("The small-power list of the caller's county"))
def power_list(request, active: bool = True):
    _require(request.auth, *READ)
    return [_power(p) for p in selectors.powers(request.auth, active_only=active)]


@router.get("/powers/{int:power_id}", response=PowerOut, summary=gettext_lazy("One power with its procedure"))
def power_detail(request, power_id: Id):
    _require(request.auth, *READ)
    return _power(selectors.power(request.auth, power_id))


def _config_county(actor) -> Region:
    _require(actor, Action.POWER_CONFIGURE)
    counties = selectors.configurable_counties(actor)
    if not counties:
        raise PermissionDenied()
    return counties[0]


@router.post(
    "/powers", response={201: PowerOut}, summary=gettext_lazy("Add a power to the county's list (county administrator)")
)
def power_create(request, payload: PowerIn):
    county = _config_county(request.auth)
    return 201, _power(services.power_save(actor=request.auth, county=county, **payload.model_dump()))


@router.put("/powers/{int:power_id}", response=PowerOut, summary=gettext_lazy("Change a power of the list"))
def power_update(request, power_id: Id, payload: PowerIn):
    county = _config_county(request.auth)
    power = Power.objects.filter(pk=power_id, county=county).first()
    if power is None:
        raise NotFound()
    return _power(services.power_save(actor=request.auth, county=county, power=power, **payload.model_dump()))


@router.post(
    "/powers/install-defaults",
    response=list[PowerOut],
    summary=gettext_lazy("Install the default list (13 key powers)"),
)
def power_install(request):
    county = _config_county(request.auth)
    services.power_install_defaults(actor=request.auth, county=county)
    return [_power(p) for p in Power.objects.filter(county=county).order_by("order", "pk")]


# -- matters ----------------------------------------------------------------------------------------------------


@router.post("/cases", response={201: CaseDetail}, summary=gettext_lazy("Apply (multipart form with documents)"))
def case_apply(
    request,
    power_id: Form[Id],
    reason: Form[str] = "",
    household_id: Form[Id | None] = None,
    village_id: Form[Id | None] = None,
    title: Form[str] = "",
    household_size: Form[str] = "",
    monthly_income: Form[str] = "",
    area: Form[str] = "",
    asset_deal: Form[str] = "",
    reserve_price: Form[str] = "",
    meeting_ref: Form[str] = "",
    meeting_date: Form[str] = "",
    files: File[list[UploadedFile]] = None,
):
    actor = request.auth
    _require(actor, Action.POWER_APPLY)
    power = selectors.power(actor, power_id)
    household = Household.objects.filter(pk=household_id).first() if household_id else None
    if household_id and household is None:
        raise NotFound()
    village = Region.objects.filter(pk=village_id, level=RegionLevel.VILLAGE).first() if village_id else None
    case = services.case_apply(
        actor=actor,
        power=power,
        household=household,
        village=village,
        title=title,
        reason=reason,
        household_size=household_size or None,
        monthly_income=monthly_income or None,
        area=area or None,
        asset_deal=asset_deal,
        reserve_price=reserve_price or None,
        meeting_ref=meeting_ref,
        meeting_date=meeting_date or None,
        attachments=files or [],
    )
    return 201, _detail(request, selectors.get(actor, case.pk))


@router.get(
    "/cases", response=CasePage, summary=gettext_lazy("Matters the caller may see (a villager: their household's)")
)
def case_list(
    request, power: Id | None = None, state: str = "", overdue: bool = False, page: Page = 1, page_size: PageSize = 20
):
    actor = request.auth
    _require(actor, *READ)
    if scope.can(actor, Action.POWER_VIEW):
        qs = selectors.search(actor, power=power, state=state, overdue=overdue)
    else:
        qs = selectors.my_cases(actor)
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    rows = qs[(page - 1) * page_size : page * page_size]
    now = timezone.now()
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(c, now) for c in rows]}


@router.get(
    "/cases/{int:case_id}", response=CaseDetail, summary=gettext_lazy("A matter with its whole timeline and your steps")
)
def case_detail(request, case_id: Id):
    _require(request.auth, *READ)
    return _detail(request, selectors.get(request.auth, case_id))


@router.post(
    "/cases/{int:case_id}/objections", response={201: ObjectionOut}, summary=gettext_lazy("Raise an objection (公示)")
)
def objection_raise(request, case_id: Id, payload: ObjectionIn):
    actor = request.auth
    _require(actor, *READ)
    case = selectors.objectable_case(actor, case_id)
    objection = services.objection_raise(actor=actor, case=case, text=payload.text)
    return 201, _objection(objection, staff=True)


@router.post(
    "/objections/{int:objection_id}/answer",
    response=ObjectionOut,
    summary=gettext_lazy("Answer an objection (village)"),
)
def objection_answer(request, objection_id: Id, payload: ObjectionAnswerIn):
    from powers.models import Objection

    actor = request.auth
    _require(actor, Action.POWER_HANDLE)
    objection = Objection.objects.filter(pk=objection_id).first()
    if objection is None or not scope.in_scope(actor, Action.POWER_HANDLE, objection):
        raise NotFound()
    return _objection(services.objection_answer(actor=actor, objection=objection, answer=payload.answer), staff=True)


@router.get(
    "/queue", response=list[CaseRow], summary=gettext_lazy("The village's matters waiting for the caller (cadre)")
)
def village_queue(request):
    _require(request.auth, Action.POWER_HANDLE)
    return [_row(c) for c in selectors.village_queue(request.auth)]


@router.get("/review", response=list[CaseRow], summary=gettext_lazy("Matters waiting for the township"))
def township_queue(request):
    _require(request.auth, Action.POWER_REVIEW)
    return [_row(c) for c in selectors.township_queue(request.auth)]


@router.get("/overview", response=OverviewOut, summary=gettext_lazy("By power and state, with the overdue matters"))
def overview(request):
    actor = request.auth
    _require(actor, Action.POWER_VIEW)
    data = selectors.overview(actor)
    return {
        "total": data["total"],
        "overdue": data["overdue"],
        "rows": [
            {
                "power": {"id": r["power"].pk, "name": r["power"].name},
                "total": r["total"],
                "open": r["open"],
                "overdue": r["overdue"],
                "states": [{"state": s["state"], "label": str(s["label"]), "count": s["count"]} for s in r["states"]],
            }
            for r in data["rows"]
        ],
        "overdue_cases": [_row(c) for c in selectors.overdue(actor)[:100]],
    }


# -- public (no login) ------------------------------------------------------------------------------------------


@router.get(
    "/public/{village_code}",
    response=list[PublicPosting],
    auth=None,
    summary=gettext_lazy("The village's postings and results, de-identified (no login)"),
)
def public_postings(request, village_code: RegionCode):
    village = region_selectors.public_village(village_code)
    out = []
    for c in selectors.public_postings(village):
        kind = "publicity" if c.state == PUBLICITY_STATE else "result"
        notice = c.notice if kind == "publicity" else c.result_notice
        out.append(
            {
                "id": c.pk,
                "kind": kind,
                "title": publicity.title(c, kind),
                "lines": [[str(a), str(b)] for a, b in publicity.lines(c, kind)],
                "posted_from": notice.posted_from if notice else None,
                "posted_until": notice.posted_until if notice else None,
            }
        )
    return out
