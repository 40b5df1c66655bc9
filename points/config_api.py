"""Points API (configuration): schemes, rule book versions and their items, the meeting form (院坝说事会),
honours, the county's consequences, a scheme's list rules and mentorships. The same services as the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Days, Id, Points, Quarter, Year, Yuan9
from core.errors import DomainError, NotFound
from core.roles import Action
from points import selectors, services
from points.api import ItemOut, SchemeOut, _policy_county, new_row_village
from points.models import ConsequenceType, ListRule, Mentorship, RuleBook, RuleItem
from points.subjects import load_subject

router = Router(tags=["points"])


class SchemeIn(Schema):
    village_id: Id
    name: str
    kind: str
    subject_kind: str
    base_score: Points = Decimal(0)
    redeemable: bool = False
    star_rules: list[dict] = []
    publish_day: Annotated[int, Field(ge=1, le=28)] = 28
    appeal_window_days: Days = 15


class RuleBookIn(Schema):
    title: str
    effective_from: date
    template: str | None = None
    copy_from_id: Id | None = None


class RuleBookOut(Schema):
    id: int
    scheme_id: int
    version: int
    title: str
    effective_from: date
    decision_ref: str
    is_adopted: bool


class RuleItemIn(Schema):
    category_name: str
    code: str
    text: str
    points: Points
    negative_list: bool = False
    cap_count: Annotated[int, Field(ge=0, le=32767)] | None = None
    evidence_required: bool = False
    declarable: bool = False
    fact: str = Field("", max_length=64, description="The fact (core.facts) that earns the item; blank: none")
    fact_conditions: dict = Field(
        default_factory=dict, description='e.g. {"kind": ["villagers_assembly"], "first_in_month": true}'
    )


class AdoptIn(Schema):
    decision_ref: str


class BulkRowIn(Schema):
    subject_id: Id
    item_id: Id


class BulkIn(Schema):
    occurred_on: date
    note: str = ""
    rows: list[BulkRowIn]


class BulkOut(Schema):
    claim_ids: list[int]


class HonourIn(Schema):
    year: Year
    title: str
    subject_key: str
    award_yuan: Yuan9 = Decimal(0)
    note: str = ""


class HonourOut(Schema):
    id: int
    scheme_id: int
    year: int
    title: str
    subject_key: str
    subject_label: str
    score: Decimal
    rank: int | None


class ConsequenceIn(Schema):
    county_id: Id
    name: str
    forbidden: bool = False
    legal_note: str = ""


class ConsequenceOut(Schema):
    id: int
    county_id: int
    name: str
    forbidden: bool
    legal_note: str


class ListRuleIn(Schema):
    rule_id: Id | None = None
    kind: str
    method: str
    value: Points
    consequence_ids: list[Id] = []
    consequence_text: str = ""
    duration_quarters: Quarter = 1


class ListRuleOut(Schema):
    id: int
    scheme_id: int
    kind: str
    method: str
    value: Decimal
    consequence_ids: list[int]
    consequence_text: str
    duration_quarters: int
    is_active: bool

    @staticmethod
    def resolve_consequence_ids(rule: ListRule) -> list[int]:
        return sorted(c.pk for c in rule.consequences.all())


class MentorshipIn(Schema):
    mentor_id: Id | None = None
    visited_on: date | None = None
    visit_note: str = ""
    upgraded: bool = False


class MentorshipOut(Schema):
    id: int
    scheme_id: int
    mentor_id: int | None
    notes: str
    upgraded_on: date | None


def _configurable_book(actor, rulebook_id) -> RuleBook:
    book = selectors.access_rulebook(actor, rulebook_id)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, book.scheme):
        raise NotFound()
    return book


@router.get("/schemes", response=list[SchemeOut], summary=gettext_lazy("Points schemes in the caller's scope"))
def scheme_list(request):
    return list(selectors.schemes(request.auth))


@router.post("/schemes", response={201: SchemeOut}, summary=gettext_lazy("Create a points scheme in a village"))
def scheme_create(request, payload: SchemeIn):
    village = new_row_village(request.auth, Action.POINTS_CONFIGURE, payload.village_id)
    return 201, services.scheme_create(actor=request.auth, village=village, **payload.dict(exclude={"village_id"}))


@router.post(
    "/schemes/{int:scheme_id}/rulebooks",
    response={201: RuleBookOut},
    summary=gettext_lazy("Create a draft rule book version: empty, from a template, or a copy of an earlier version"),
)
def rulebook_create(request, scheme_id: Id, payload: RuleBookIn):
    scheme = selectors.access_scheme(request.auth, scheme_id, Action.POINTS_CONFIGURE)
    copy_from = None
    if payload.copy_from_id is not None:
        copy_from = scheme.rulebooks.filter(pk=payload.copy_from_id).first()
        if copy_from is None:
            raise DomainError({"copy_from_id": _("Choose a version of this scheme.")})
    book = services.rulebook_create(
        actor=request.auth, scheme=scheme, copy_from=copy_from, **payload.dict(exclude={"copy_from_id"})
    )
    return 201, book


@router.post(
    "/rulebooks/{int:rulebook_id}/items",
    response=ItemOut,
    summary=gettext_lazy("Add an item to a draft rule book, or change the item with the same code"),
)
def rule_item_save(request, rulebook_id: Id, payload: RuleItemIn):
    book = _configurable_book(request.auth, rulebook_id)
    data = payload.dict()
    existing = book.items.filter(code=(data["code"] or "").strip()).first()
    item = services.rule_item_save(actor=request.auth, rulebook=book, item=existing, **data)
    return RuleItem.objects.select_related("category").get(pk=item.pk)


@router.post(
    "/rulebooks/{int:rulebook_id}/adopt",
    response=RuleBookOut,
    summary=gettext_lazy("Adopt a draft rule book by the meeting decision that adopted it"),
)
def rulebook_adopt(request, rulebook_id: Id, payload: AdoptIn):
    book = _configurable_book(request.auth, rulebook_id)
    return services.rulebook_adopt(actor=request.auth, rulebook=book, decision_ref=payload.decision_ref)


@router.post(
    "/schemes/{int:scheme_id}/claims/bulk",
    response={201: BulkOut},
    summary=gettext_lazy("院坝说事会: record many entries of one meeting at once; any bad row refuses them all"),
)
def claims_bulk_record(request, scheme_id: Id, payload: BulkIn):
    scheme = selectors.access_scheme(request.auth, scheme_id, Action.POINTS_RECORD)
    items = {i.pk: i for i in selectors.items_in_force(scheme)}
    rows = []
    for row in payload.rows:
        item = items.get(row.item_id)
        if item is None:
            raise DomainError({"rows": _("Choose an item of this scheme.")})
        rows.append((load_subject(scheme.subject_kind, row.subject_id), item))
    claims = services.claims_bulk_record(
        actor=request.auth, scheme=scheme, rows=rows, occurred_on=payload.occurred_on, note=payload.note
    )
    return 201, {"claim_ids": [c.pk for c in claims]}


@router.post(
    "/schemes/{int:scheme_id}/honours",
    response={201: HonourOut},
    summary=gettext_lazy("按年表彰: grant an honour of a year; score and rank are taken from the year's standings"),
)
def honour_grant(request, scheme_id: Id, payload: HonourIn):
    scheme = selectors.access_scheme(request.auth, scheme_id, Action.POINTS_CONFIGURE)
    return 201, services.honour_grant(actor=request.auth, scheme=scheme, **payload.dict())


@router.post(
    "/consequences",
    response=ConsequenceOut,
    summary=gettext_lazy("Add a consequence lists may carry, or change the one of the same name (county admin)"),
)
def consequence_save(request, payload: ConsequenceIn):
    county = _policy_county(request.auth, payload.county_id)
    return services.consequence_save(
        actor=request.auth,
        county=county,
        name=payload.name,
        forbidden=payload.forbidden,
        legal_note=payload.legal_note.strip(),
    )


@router.post(
    "/schemes/{int:scheme_id}/list-rules",
    response=ListRuleOut,
    summary=gettext_lazy("红黑榜: add a list rule to a scheme, or change one (rule_id)"),
)
def list_rule_save(request, scheme_id: Id, payload: ListRuleIn):
    scheme = selectors.access_scheme(request.auth, scheme_id, Action.POINTS_CONFIGURE)
    rule = None
    if payload.rule_id is not None:
        rule = scope.fetch(scheme.list_rules, payload.rule_id)
    consequences = list(ConsequenceType.objects.filter(county_id=scheme.county_id, pk__in=payload.consequence_ids))
    if len(consequences) != len(set(payload.consequence_ids)):
        raise DomainError({"consequence_ids": _("Choose consequences of the county's list.")})
    return services.list_rule_save(
        actor=request.auth,
        scheme=scheme,
        rule=rule,
        consequences=consequences,
        **payload.dict(exclude={"rule_id", "consequence_ids"}),
    )


@router.put(
    "/mentorships/{int:mentorship_id}",
    response=MentorshipOut,
    summary=gettext_lazy("1对1联系帮扶: assign the mentor, log a visit, record the way back (upgraded)"),
)
def mentorship_update(request, mentorship_id: Id, payload: MentorshipIn):
    actor = request.auth
    mentorship = Mentorship.objects.select_related("scheme").filter(pk=mentorship_id).first()
    if mentorship is None or not scope.in_scope(actor, Action.POINTS_CONFIGURE, mentorship.scheme):
        raise NotFound()
    mentor = None
    if payload.mentor_id is not None:
        from registry.models import Person

        mentor = Person.objects.filter(pk=payload.mentor_id, village_id=mentorship.scheme.village_id).first()
        if mentor is None or (mentorship.household_id and mentor.household_id == mentorship.household_id):
            raise DomainError({"mentor_id": _("The mentor must live in the village.")})
    return services.mentorship_update(
        actor=actor, mentorship=mentorship, mentor=mentor, **payload.dict(exclude={"mentor_id"})
    )
