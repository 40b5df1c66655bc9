"""村级财务 API (/api/finance): the ledger (entries, income, reversals, vouchers, a month's figures), expenses (submit,
correct, 待我审批; their steps — sign, return, reject, withdraw, pay — through the casework API
/api/casework/cases/expense/{id}/steps/{step}, which adds this module's keys: ``expense_keys``), configuration
(categories, approval chains, posts) and the monthly disclosure. Same selectors and services as the pages: a row
outside the caller's scope is 404; a refused write answers 422 with the Chinese message and changes nothing.
Amounts are strings with two decimals.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import File, Router
from ninja.files import UploadedFile

from casework import steps
from core import scope
from core.api_types import Id, Limit, Month, Year
from core.errors import NotFound, PermissionDenied
from core.roles import Action
from finance import ledger, selectors, services
from finance.flows import EXPENSE
from finance.models import Category, Direction, Post, PostAssignment
from finance.schemas import (
    CategoryChangeIn,
    CategoryIn,
    CategoryOut,
    ChainIn,
    ChainOut,
    CorrectionIn,
    DisclosureIn,
    DisclosureOut,
    ExpenseCorrectIn,
    ExpenseIn,
    ExpenseOut,
    IncomeIn,
    LedgerEntryOut,
    LedgerPage,
    MonthOut,
    PostIn,
    PostOut,
    ReverseIn,
)
from regions.models import Region

router = Router(tags=["finance"])


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _ref(region) -> dict:
    return {"id": region.pk, "name": region.name}


def _money(value) -> str:
    return f"{value:.2f}"


def _category(c) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "full_name": c.full_name,
        "direction": c.direction,
        "parent_id": c.parent_id,
        "is_welfare": c.is_welfare,
        "is_active": c.is_active,
    }


def _vouchers(rows) -> list[dict]:
    return [
        {
            "id": v.pk,
            "name": v.name,
            "content_type": v.content_type,
            "size": v.size,
            "url": reverse("finance:voucher", args=[v.pk]),
        }
        for v in rows
    ]


def _entry(e, *, with_vouchers=False) -> dict:
    reversed_by = getattr(e, "reversed_by", None) if hasattr(e, "reversed_by") else None
    return {
        "id": e.pk,
        "number": e.number,
        "village": _ref(e.village),
        "date": e.date,
        "direction": e.direction,
        "category": _category(e.category),
        "amount": _money(e.amount),
        "signed_amount": _money(e.signed_amount),
        "counterparty": e.counterparty,
        "summary": e.summary,
        "method": e.method,
        "reference": e.reference,
        "reverses_id": e.reverses_id,
        "reversed_by_id": reversed_by.pk if reversed_by else None,
        "reason": e.reason,
        "expense_id": e.expense_id,
        "recorded_by": str(e.recorded_by),
        "recorded_at": e.recorded_at,
        "vouchers": _vouchers(e.vouchers.all()) if with_vouchers else [],
    }


def _village(actor, village_id, action=Action.FINANCE_VIEW) -> Region:
    return selectors.village(actor, village_id, action)


def _recording(actor, payload) -> dict:
    """What a village cadre records (income, an expense, a disclosure) as the service's arguments: the village
    (one where the caller records), the payload's fields, its ``category_id`` as ``category``."""
    _require(actor, Action.FINANCE_RECORD)
    data = payload.model_dump(exclude={"village_id", "category_id"})
    if "category_id" in type(payload).model_fields:
        data["category"] = payload.category_id
    return {"village": _village(actor, payload.village_id, Action.FINANCE_RECORD), **data}


# -- the ledger -----------------------------------------------------------------------------------------------


@router.get("/villages", response=list[dict], summary=gettext_lazy("Villages whose ledger the caller may read"))
def village_list(request):
    _require(request.auth, Action.FINANCE_VIEW, Action.FINANCE_APPROVE)
    return [{"id": v.pk, "name": v.name, "code": v.code} for v in selectors.villages(request.auth)]


@router.get(
    "/categories", response=list[CategoryOut], summary=gettext_lazy("The ledger categories of a village's county")
)
def category_list(request, village_id: Id, direction: str = ""):
    village = _village(request.auth, village_id)
    rows = selectors.categories(village.county_id, direction=direction if direction in Direction.values else "")
    return [_category(c) for c in rows]


@router.get(
    "/ledger", response=LedgerPage, summary=gettext_lazy("Entries of a village's month, with filters and totals")
)
def ledger_list(request, village_id: Id, year: Year, month: Month, direction: str = "", category_id: Id | None = None):
    actor = request.auth
    village = _village(actor, village_id)
    chosen = selectors.category(actor, village.county_id, category_id)
    rows = list(selectors.ledger(actor, village=village, year=year, month=month, category=chosen, direction=direction))
    income = sum((e.signed_amount for e in rows if e.direction == Direction.INCOME), 0)
    expense = sum((e.signed_amount for e in rows if e.direction == Direction.EXPENSE), 0)
    return {
        "count": len(rows),
        "income": _money(income),
        "expense": _money(expense),
        "items": [_entry(e) for e in rows],
    }


@router.get(
    "/months/{int:village_id}/{int:year}/{int:month}", response=MonthOut, summary=gettext_lazy("A month's figures")
)
def month(request, village_id: Id, year: Year, month: Month):
    village = _village(request.auth, village_id)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise NotFound()
    s = ledger.month_summary(village.pk, year, month)

    def lines(rows):
        return [
            {
                "category": line.category.name,
                "code": line.category.code,
                "amount": _money(line.amount),
                "count": line.count,
            }
            for line in rows
        ]

    return {
        "village": _ref(village),
        "year": year,
        "month": month,
        "opening": _money(s.opening),
        "income": _money(s.income),
        "expense": _money(s.expense),
        "closing": _money(s.closing),
        "income_by_category": lines(s.income_lines),
        "expense_by_category": lines(s.expense_lines),
        "entries": [_entry(e) for e in selectors.entries(request.auth).filter(pk__in=[x.pk for x in s.entries])],
    }


@router.get("/entries/{int:entry_id}", response=LedgerEntryOut, summary=gettext_lazy("An entry with its vouchers"))
def entry_detail(request, entry_id: Id):
    return _entry(selectors.entry(request.auth, entry_id), with_vouchers=True)


@router.post(
    "/entries/income", response={201: LedgerEntryOut}, summary=gettext_lazy("Record an income entry (village cadre)")
)
def income_create(request, payload: IncomeIn):
    actor = request.auth
    entry = services.entry_record_income(actor=actor, **_recording(actor, payload))
    return 201, _entry(selectors.entry(actor, entry.pk), with_vouchers=True)


@router.post(
    "/entries/{int:entry_id}/reverse",
    response={201: LedgerEntryOut},
    summary=gettext_lazy("Record the reversing entry"),
)
def entry_reverse(request, entry_id: Id, payload: ReverseIn):
    actor = request.auth
    reversal = services.entry_reverse(
        actor=actor, entry=selectors.entry(actor, entry_id), reason=payload.reason, date=payload.date
    )
    return 201, _entry(selectors.entry(actor, reversal.pk), with_vouchers=True)


@router.post(
    "/entries/{int:entry_id}/vouchers",
    response=LedgerEntryOut,
    summary=gettext_lazy("Attach voucher scans (multipart, field `files`: PDFs or images, 10 MB each)"),
)
def entry_vouchers(request, entry_id: Id, files: File[list[UploadedFile]]):
    actor = request.auth
    services.entry_attach(actor=actor, entry=selectors.entry(actor, entry_id), files=files)
    return _entry(selectors.entry(actor, entry_id), with_vouchers=True)


# -- expenses -------------------------------------------------------------------------------------------------


def _expense(actor, e, *, with_steps: bool = True) -> dict:
    from finance.views import chain_rows

    entry = getattr(e, "entry", None) if e.state == "paid" else None
    return {
        "id": e.pk,
        "number": e.number,
        "village": _ref(e.village),
        "title": e.title,
        "category": _category(e.category),
        "payee": e.payee,
        "amount": _money(e.amount),
        "deliberation_ref": e.deliberation_ref,
        "state": e.state,
        "state_label": EXPENSE.state_label(e.state),
        "version": e.version,
        "band_label": e.band_label,
        "step_index": e.step_index,
        "waiting_for": e.current_post,
        "requester": str(e.requester),
        "requested_at": e.requested_at,
        "reason": e.reason,
        "lines": [{"description": ln.description, "amount": _money(ln.amount)} for ln in e.lines.all()],
        "chain": [
            {
                "n": row["n"],
                "post": e.chain[row["n"] - 1],
                "post_label": str(row["post"]),
                "signed_by": row["event"].actor_label if row["event"] else None,
                "signed_at": row["event"].at if row["event"] else None,
                "current": row["current"],
            }
            for row in chain_rows(e)
        ],
        **({"steps": steps.describe(actor, e, EXPENSE)} if with_steps else {}),
        "entry_id": entry.pk if entry else None,
        "vouchers": _vouchers(e.vouchers.all()),
    }


def expense_keys(request, case) -> dict:
    """The expense's own keys in the case API (GET /api/casework/cases/expense/{id} and the answer to each of its
    steps, Flow.detail): its number, lines, chain, vouchers and, once paid, the ledger entry it posted."""
    actor = request.auth
    out = _expense(actor, case, with_steps=False)
    entry = getattr(case, "entry", None) if case.state == "paid" else None
    out["entry"] = _entry(selectors.entry(actor, entry.pk), with_vouchers=True) if entry else None
    return out


@router.get("/expenses", response=list[ExpenseOut], summary=gettext_lazy("Expenses the caller may see (latest first)"))
def expense_list(request, village_id: Id | None = None, state: str = "", limit: Limit = 50):
    actor = request.auth
    qs = selectors.expenses(actor)
    if village_id is not None:
        qs = qs.filter(village_id=village_id)
    if state:
        qs = qs.filter(state=state)
    return [_expense(actor, e) for e in qs.order_by("-requested_at", "-id")[: max(1, min(limit, 100))]]


@router.get(
    "/queue", response=list[ExpenseOut], summary=gettext_lazy("待我审批: expenses waiting for a post the caller holds")
)
def queue(request):
    return [_expense(request.auth, e) for e in selectors.my_queue(request.auth)]


@router.get("/expenses/{int:expense_id}", response=ExpenseOut, summary=gettext_lazy("An expense with its chain"))
def expense_detail(request, expense_id: Id):
    return _expense(request.auth, selectors.expense(request.auth, expense_id))


@router.post(
    "/expenses", response={201: ExpenseOut}, summary=gettext_lazy("Submit an expense with item lines (village cadre)")
)
def expense_create(request, payload: ExpenseIn):
    actor = request.auth
    expense = services.expense_submit(actor=actor, **_recording(actor, payload))
    return 201, _expense(actor, selectors.expense(actor, expense.pk))


@router.post(
    "/expenses/{int:expense_id}/vouchers",
    response=ExpenseOut,
    summary=gettext_lazy("Attach voucher scans to a returned expense while correcting it (multipart, field `files`)"),
)
def expense_vouchers(request, expense_id: Id, files: File[list[UploadedFile]]):
    actor = request.auth
    expense = selectors.expense(actor, expense_id)
    services.expense_resubmit(actor=actor, expense=expense, vouchers=files)
    return _expense(actor, selectors.expense(actor, expense_id))


@router.post(
    "/expenses/{int:expense_id}/resubmit", response=ExpenseOut, summary=gettext_lazy("Correct a returned expense")
)
def expense_resubmit(request, expense_id: Id, payload: ExpenseCorrectIn):
    actor = request.auth
    data = payload.model_dump(exclude={"version", "category_id", "lines"}, exclude_none=True)
    if payload.category_id is not None:
        data["category"] = payload.category_id
    if payload.lines is not None:
        data["lines"] = [line.model_dump() for line in payload.lines]
    services.expense_resubmit(
        actor=actor, expense=selectors.expense(actor, expense_id), version=payload.version, **data
    )
    return _expense(actor, selectors.expense(actor, expense_id))


# -- configuration --------------------------------------------------------------------------------------------


def _config_region(actor, region_id: int) -> Region:
    found = selectors.config_regions(actor).filter(pk=region_id).first()
    if found is None:
        raise NotFound()
    return found


def _chain(region) -> dict:
    own = selectors.bands_of(region)
    rows = own or (selectors.bands_of(Region.objects.get(pk=region.county_id)) if region.county_id != region.pk else [])
    return {
        "region": _ref(region),
        "own": bool(own),
        "bands": [
            {
                "max_amount": _money(b.max_amount) if b.max_amount is not None else None,
                "posts": b.posts,
                "needs_deliberation": b.needs_deliberation,
            }
            for b in rows
        ],
    }


@router.get(
    "/chains/{int:region_id}", response=ChainOut, summary=gettext_lazy("The approval chain of a county or township")
)
def chain_get(request, region_id: Id):
    _require(request.auth, Action.FINANCE_CONFIGURE)
    return _chain(_config_region(request.auth, region_id))


@router.put(
    "/chains/{int:region_id}", response=ChainOut, summary=gettext_lazy("Replace the approval chain (bands by amount)")
)
def chain_put(request, region_id: Id, payload: ChainIn):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    region = _config_region(actor, region_id)
    services.chain_save(actor=actor, region=region, bands=[b.model_dump() for b in payload.bands])
    return _chain(region)


@router.delete(
    "/chains/{int:region_id}",
    response=ChainOut,
    summary=gettext_lazy("A township goes back to its county's approval chain"),
)
def chain_reset(request, region_id: Id):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    region = _config_region(actor, region_id)
    services.chain_reset(actor=actor, region=region)
    return _chain(region)


@router.post("/categories", response={201: CategoryOut}, summary=gettext_lazy("Add a ledger category"))
def category_add(request, payload: CategoryIn):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    county = selectors.counties(actor).filter(pk=payload.county_id).first()
    if county is None:
        raise NotFound()
    fields = payload.model_dump(exclude={"county_id", "parent_id"})
    return 201, _category(services.category_save(actor=actor, county=county, parent=payload.parent_id, **fields))


@router.put(
    "/categories/{int:category_id}",
    response=CategoryOut,
    summary=gettext_lazy("Rename a ledger category, mark it a welfare one, stop or resume using it"),
)
def category_change(request, category_id: Id, payload: CategoryChangeIn):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    found = (
        Category.objects.filter(pk=category_id, county__in=selectors.counties(actor)).select_related("county").first()
    )
    if found is None:
        raise NotFound()
    fields = payload.model_dump()
    row = services.category_save(actor=actor, county=found.county, category=found, code=found.code, **fields)
    return _category(row)


def _post(p) -> dict:
    return {
        "id": p.pk,
        "village_id": p.village_id,
        "post": p.post,
        "post_label": str(Post(p.post).label),
        "user_id": p.user_id,
        "user": str(p.user),
        "assigned_at": p.assigned_at,
    }


@router.get("/posts", response=list[PostOut], summary=gettext_lazy("Who holds which post in a village"))
def post_list(request, village_id: Id):
    village = _village(request.auth, village_id)
    return [_post(p) for p in selectors.posts_of(village.pk)]


@router.post("/posts", response={201: PostOut}, summary=gettext_lazy("Give a person a post of the signing chain"))
def post_assign(request, payload: PostIn):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    village = _village(actor, payload.village_id, Action.FINANCE_CONFIGURE)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    row = services.post_assign(actor=actor, village=village, post=payload.post, user=user)
    return 201, _post(row)


@router.post("/posts/{int:assignment_id}/end", response=PostOut, summary=gettext_lazy("End a post holding"))
def post_end(request, assignment_id: Id):
    actor = request.auth
    _require(actor, Action.FINANCE_CONFIGURE)
    found = PostAssignment.objects.filter(pk=assignment_id).first()
    if found is None:
        raise NotFound()
    return _post(services.post_end(actor=actor, assignment=found))


# -- monthly disclosure ---------------------------------------------------------------------------------------


def _disclosure(row) -> dict:
    return {
        "id": row.pk,
        "village": _ref(row.village),
        "year": row.year,
        "month": row.month,
        "opening": _money(row.opening),
        "income": _money(row.income),
        "expense": _money(row.expense),
        "closing": _money(row.closing),
        "notice_id": row.notice_id,
        "notice_number": row.notice.number,
        "notice_state": row.notice.state,
        "generated_at": row.generated_at,
        "sequence": row.sequence,
        "corrects_id": row.corrects_id,
        "reason": row.reason,
        "superseded_by_notice_id": row.notice.superseded_by_id,
    }


@router.get(
    "/disclosures",
    response=list[DisclosureOut],
    summary=gettext_lazy("The monthly disclosures generated for a village"),
)
def disclosure_list(request, village_id: Id):
    village = _village(request.auth, village_id)
    return [_disclosure(r) for r in selectors.disclosures(request.auth, village).select_related("village")]


@router.post(
    "/disclosures",
    response={201: DisclosureOut},
    summary=gettext_lazy("Generate a month's disclosure from the ledger as a draft financial notice (village cadre)"),
)
def disclosure_create(request, payload: DisclosureIn):
    actor = request.auth
    return 201, _disclosure(services.disclosure_generate(actor=actor, **_recording(actor, payload)))


@router.post(
    "/disclosures/{int:disclosure_id}/correct",
    response={201: DisclosureOut},
    summary=gettext_lazy(
        "Correct (更正) a published monthly disclosure, with the reason: a draft financial notice that supersedes "
        "it once published (village cadre)"
    ),
)
def disclosure_correct(request, disclosure_id: Id, payload: CorrectionIn):
    actor = request.auth
    _require(actor, Action.FINANCE_RECORD)
    row = selectors.disclosure(actor, disclosure_id)
    return 201, _disclosure(services.disclosure_correct(actor=actor, disclosure=row, reason=payload.reason))
