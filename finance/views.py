"""Pages of the village ledger (村级财务): the month's overview, the ledger with its filters and totals, an entry with
its vouchers and reversal, recording income, the expense request with item lines, 待我审批, an expense with its
signing chain, the configuration (categories, chains, posts), the monthly disclosure and the month's .xlsx.
Thin: reads go through finance.selectors and finance.ledger, writes through finance.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps as casework_steps
from core import scope, workflow
from core.errors import DomainError
from core.roles import Action
from core.views import apply_domain_errors, file_response, messages_from, paginate, require_action
from finance import ledger, selectors, services
from finance.disclosure import month_xlsx
from finance.flows import EXPENSE
from finance.forms import (
    LINE_ROWS,
    CategoryForm,
    DisclosureForm,
    ExpenseForm,
    IncomeForm,
    PostForm,
    ReverseForm,
    VoucherForm,
)
from finance.models import Direction, Post
from regions.models import Region, RegionLevel

LINKS = [
    ("finance:home", gettext_lazy("Overview"), (Action.FINANCE_VIEW,)),
    ("finance:ledger", gettext_lazy("Ledger"), (Action.FINANCE_VIEW,)),
    ("finance:expenses", gettext_lazy("Expenses"), (Action.FINANCE_VIEW, Action.FINANCE_APPROVE)),
    ("finance:queue", gettext_lazy("To sign"), (Action.FINANCE_APPROVE,)),
    ("finance:disclosures", gettext_lazy("Monthly disclosure"), (Action.FINANCE_VIEW,)),
    ("finance:config", gettext_lazy("Configuration"), (Action.FINANCE_CONFIGURE,)),
]
MAX_STEPS = 8
MAX_BANDS = 5


def _render(request, template, context, status=200):
    links = []
    for name, label, actions in LINKS:
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            links.append({"url": url, "label": label, "active": request.path == url})
    return render(request, template, {**context, "finance_links": links}, status=status)


def _villages(request, action=Action.FINANCE_VIEW):
    """(villages the actor may use for ``action``, the chosen one: ?village= or the first)."""
    villages = list(selectors.villages(request.user, action))
    wanted = request.POST.get("village") or request.GET.get("village")
    village = next((v for v in villages if str(v.pk) == str(wanted)), villages[0] if villages else None)
    return villages, village


def _month(request, default: date | None = None) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        today = default or timezone.localdate()
        return today.year, today.month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12}-{index % 12 + 1:02d}"


# -- overview and ledger --------------------------------------------------------------------------------------


def _year_rows(village, year: int) -> list[dict]:
    """The year's months that have begun, from the first one the books show anything in (the months before the
    village's first entry would only repeat 0.00)."""
    rows = [
        {"label": f"{year}-{m:02d}", "opening": o, "income": i, "expense": e, "closing": c}
        for m, o, i, e, c in ledger.monthly_balances(village.pk, year)
        if date(year, m, 1) <= timezone.localdate()
    ]
    while rows and not (rows[0]["opening"] or rows[0]["income"] or rows[0]["expense"]):
        rows.pop(0)
    return rows


@login_required
@require_action(Action.FINANCE_VIEW)
def home(request):
    actor = request.user
    villages, village = _villages(request)
    year, month = _month(request)
    context = {"villages": villages, "village": village, "year": year, "month": month}
    if village is not None:
        summary = ledger.month_summary(village.pk, year, month)
        pending = selectors.expenses(actor).filter(village=village, state="pending").count()
        approved = selectors.expenses(actor).filter(village=village, state="approved").count()
        context.update(
            summary=summary,
            pending=pending,
            approved=approved,
            months=_year_rows(village, year),
            year_begun=date(year, 1, 1) <= timezone.localdate(),
            month_value=f"{year}-{month:02d}",
            prev_month=_shift(year, month, -1),
            next_month=_shift(year, month, 1),
        )
    context.update(
        queue=len(selectors.my_queue(actor)),
        can_record=scope.can(actor, Action.FINANCE_RECORD),
    )
    return _render(request, "finance/home.html", context)


@login_required
@require_action(Action.FINANCE_VIEW)
def ledger_list(request):
    actor = request.user
    villages, village = _villages(request)
    if village is None:
        raise PermissionDenied()
    year, month = _month(request)
    direction = request.GET.get("direction", "")
    direction = direction if direction in Direction.values else ""
    categories = selectors.categories(village.county_id, active_only=False)
    chosen = selectors.category(actor, village.county_id, request.GET.get("category"))
    qs = selectors.ledger(actor, village=village, year=year, month=month, category=chosen, direction=direction)
    page = paginate(request, qs, 50)
    summary = ledger.month_summary(village.pk, year, month)
    shown = list(qs)
    shown_income = sum((e.signed_amount for e in shown if e.direction == Direction.INCOME), 0)
    shown_expense = sum((e.signed_amount for e in shown if e.direction == Direction.EXPENSE), 0)
    query = {"village": village.pk, "month": f"{year}-{month:02d}"}
    context = {
        "villages": villages,
        "village": village,
        "page": page,
        "summary": summary,
        "year": year,
        "month": month,
        "month_value": f"{year}-{month:02d}",
        "directions": Direction.choices,
        "direction": direction,
        "categories": categories,
        "category": chosen,
        "filtered": bool(direction or chosen),
        "shown_income": shown_income,
        "shown_expense": shown_expense,
        "prev_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "export_url": reverse("finance:export") + "?" + urlencode(query),
        "can_record": scope.region_in_scope(actor, Action.FINANCE_RECORD, village),
    }
    return _render(request, "finance/ledger.html", context)


@login_required
@require_action(Action.FINANCE_VIEW)
def entry_detail(request, pk):
    actor = request.user
    entry = selectors.entry(actor, pk)
    can_record = scope.in_scope(actor, Action.FINANCE_RECORD, entry)
    reversed_by = selectors.entries(actor).filter(reverses=entry).first()
    reversible = can_record and not entry.is_reversal and reversed_by is None
    reverse_form = ReverseForm(request.POST or None) if reversible else None
    if request.method == "POST" and reverse_form is not None and reverse_form.is_valid():
        try:
            reversal = services.entry_reverse(
                actor=actor,
                entry=entry,
                reason=reverse_form.cleaned_data["reason"],
                date=reverse_form.cleaned_data["date"],
            )
        except DomainError as exc:
            apply_domain_errors(reverse_form, exc)
        else:
            messages.success(request, _("Reversing entry %(number)s recorded.") % {"number": reversal.number})
            return redirect("finance:entry", pk=reversal.pk)
    vouchers = selectors.vouchers_of(entry)
    if entry.expense_id:
        vouchers += selectors.vouchers_of(entry.expense)
    context = {
        "entry": entry,
        "reversed_by": reversed_by,
        "vouchers": vouchers,
        "reverse_form": reverse_form,
        "voucher_form": VoucherForm() if can_record else None,
        "expense": entry.expense if entry.expense_id else None,
    }
    return _render(request, "finance/entry.html", context)


@login_required
@require_POST
@require_action(Action.FINANCE_RECORD)
def entry_vouchers(request, pk):
    entry = selectors.entry(request.user, pk)
    form = VoucherForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.entry_attach(actor=request.user, entry=entry, files=form.cleaned_data["vouchers"])
        except DomainError as exc:
            messages_from(request, exc)
        else:
            messages.success(request, _("%(n)s voucher(s) attached.") % {"n": len(stored)})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("finance:entry", pk=entry.pk)


@login_required
def voucher(request, pk):
    found = selectors.voucher(request.user, pk)
    return file_response(found.file, content_type=found.content_type, name=found.name)


@login_required
@require_action(Action.FINANCE_RECORD)
def income_new(request):
    actor = request.user
    villages, village = _villages(request, Action.FINANCE_RECORD)
    if village is None:
        raise PermissionDenied()
    categories = selectors.categories(village.county_id, direction=Direction.INCOME)
    form = IncomeForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_record_income(
                actor=actor,
                village=village,
                category=data["category"],
                amount=data["amount"],
                counterparty=data["counterparty"],
                counterparty_is_person=data["counterparty_is_person"],
                summary=data["summary"],
                method=data["method"],
                reference=data["reference"],
                date=data["date"],
                vouchers=data.get("vouchers") or (),
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Income %(number)s recorded.") % {"number": entry.number})
            return redirect("finance:entry", pk=entry.pk)
    return _render(request, "finance/income_form.html", {"form": form, "villages": villages, "village": village})


# -- expenses -------------------------------------------------------------------------------------------------


def _decorate(expenses):
    rows = list(expenses)
    for e in rows:
        e.state_label = EXPENSE.state_label(e.state)
        e.waiting_for = Post(e.current_post).label if e.current_post else ""
    return rows


@login_required
def expense_list(request):
    actor = request.user
    if not (scope.can(actor, Action.FINANCE_VIEW) or scope.can(actor, Action.FINANCE_APPROVE)):
        raise PermissionDenied()
    villages = list(selectors.villages(actor))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    state = request.GET.get("state", "")
    state = state if state in EXPENSE.states else ""
    qs = selectors.expenses(actor)
    if village is not None:
        qs = qs.filter(village=village)
    if state:
        qs = qs.filter(state=state)
    page = paginate(request, qs.order_by("-requested_at", "-id"), 20, decorate=_decorate)
    context = {
        "page": page,
        "villages": villages,
        "village": village,
        "states": [(name, EXPENSE.state_label(name)) for name in EXPENSE.states],
        "state": state,
        "filtered": bool(village or state),
        "can_request": scope.can(actor, Action.FINANCE_RECORD),
    }
    return _render(request, "finance/expenses.html", context)


@login_required
@require_action(Action.FINANCE_APPROVE)
def queue(request):
    rows = _decorate(selectors.my_queue(request.user))
    return _render(request, "finance/queue.html", {"expenses": rows})


def _line_rows(form_data, lines=None) -> list[dict]:
    rows = []
    for n in range(LINE_ROWS):
        if form_data is not None:
            rows.append(
                {
                    "n": n,
                    "description": form_data.get(f"line_desc_{n}", ""),
                    "amount": form_data.get(f"line_amount_{n}", ""),
                }
            )
        else:
            line = (lines or [])[n] if lines and n < len(lines) else None
            rows.append(
                {
                    "n": n,
                    "description": line.description if line else "",
                    "amount": f"{line.amount:.2f}" if line else "",
                }
            )
    return rows


def _line_error(form) -> str:
    return " ".join(str(e) for e in form.errors.get("lines", [])) if hasattr(form, "errors") else ""


def _expense_form_context(form, villages, village, *, expense=None):
    return {
        "form": form,
        "villages": villages,
        "village": village,
        "expense": expense,
        "line_rows": _line_rows(form.data if form.is_bound else None, list(expense.lines.all()) if expense else None),
        "lines_error": getattr(form, "lines_error", ""),
        "bands": [
            {
                "label": label,
                "posts": [Post(p).label for p in band.posts],
                "needs_deliberation": band.needs_deliberation,
            }
            for band, label in _band_rows(village)
        ]
        if village
        else [],
    }


def _band_rows(village):
    rows = services.bands_for(village)
    out, lower = [], None
    from finance.rules import band_label

    for band in rows:
        out.append((band, band_label(band.max_amount, lower)))
        lower = band.max_amount
    return out


def _apply_expense_errors(form, exc: DomainError) -> None:
    if hasattr(exc, "error_dict") and "lines" in exc.error_dict:
        form.lines_error = " ".join(m for e in exc.error_dict["lines"] for m in e.messages)
        exc = (
            DomainError({k: v for k, v in exc.error_dict.items() if k != "lines"}) if len(exc.error_dict) > 1 else None
        )
    if exc is not None:
        apply_domain_errors(form, exc)


@login_required
@require_action(Action.FINANCE_RECORD)
def expense_new(request):
    actor = request.user
    villages, village = _villages(request, Action.FINANCE_RECORD)
    if village is None:
        raise PermissionDenied()
    categories = selectors.categories(village.county_id, direction=Direction.EXPENSE)
    form = ExpenseForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.expense_submit(
                actor=actor,
                village=village,
                title=data["title"],
                category=data["category"],
                payee=data["payee"],
                payee_is_person=data["payee_is_person"],
                amount=data["amount"],
                deliberation_ref=data["deliberation_ref"],
                lines=form.lines(),
                vouchers=data.get("vouchers") or (),
            )
        except DomainError as exc:
            _apply_expense_errors(form, exc)
        else:
            messages.success(request, _("Expense %(number)s submitted for signing.") % {"number": expense.number})
            return redirect("finance:expense", pk=expense.pk)
    return _render(request, "finance/expense_form.html", _expense_form_context(form, villages, village))


@login_required
def expense_correct(request, pk):
    actor = request.user
    expense = selectors.expense(actor, pk)
    if expense.state != "returned" or expense.requester_id != actor.pk:
        raise Http404()
    categories = selectors.categories(expense.county_id, direction=Direction.EXPENSE)
    initial = {
        "title": expense.title,
        "category": expense.category_id,
        "payee": expense.payee,
        "payee_is_person": expense.payee_is_person,
        "amount": f"{expense.amount:.2f}",
        "deliberation_ref": expense.deliberation_ref,
    }
    form = ExpenseForm(request.POST or None, request.FILES or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_resubmit(
                actor=actor,
                expense=expense,
                title=data["title"],
                category=data["category"],
                payee=data["payee"],
                payee_is_person=data["payee_is_person"],
                amount=data["amount"],
                deliberation_ref=data["deliberation_ref"],
                lines=form.lines(),
                vouchers=data.get("vouchers") or (),
                version=int(request.POST.get("version") or expense.version),
            )
        except DomainError as exc:
            _apply_expense_errors(form, exc)
        else:
            messages.success(request, _("Expense corrected and submitted again; the signing starts over."))
            return redirect("finance:expense", pk=expense.pk)
    return _render(
        request,
        "finance/expense_form.html",
        _expense_form_context(form, [expense.village], expense.village, expense=expense),
    )


def chain_rows(expense) -> list[dict]:
    """The expense's chain: each step with its post, who signed it and when (this submission), who is next."""
    signed = {}
    for event in workflow.history(expense):
        data = event.data or {}
        if event.transition in ("sign", "sign_last") and data.get("round") == expense.round:
            signed[data.get("step")] = event
    rows = []
    for index, post in enumerate(expense.chain):
        event = signed.get(index)
        rows.append(
            {
                "n": index + 1,
                "post": Post(post).label,
                "event": event,
                "current": expense.state == "pending" and index == expense.step_index,
                "holders": selectors.post_holders(expense.village_id, post)
                if expense.state == "pending" and index == expense.step_index
                else [],
            }
        )
    return rows


@login_required
def expense_detail(request, pk):
    return expense_page(request, selectors.expense(request.user, pk))


def expense_page(request, case, *, failed=None, status=200):
    """An expense with its chain, the steps the person may take now (declared on the flow; they post to the
    casework step view, which draws this page again with a refused form) and its timeline (the flow's page)."""
    actor = request.user
    expense = case
    expense.state_label = EXPENSE.state_label(expense.state)
    timeline = []
    for event in workflow.history(expense):
        timeline.append(
            {
                "event": event,
                "label": EXPENSE.step_label(event.transition) if event.transition != "start" else _("Submitted"),
                "who": event.actor_label or _("system"),
                "post": Post(event.data["post"]).label if (event.data or {}).get("post") in Post.values else "",
                "facts": casework_steps.facts(EXPENSE, event),
            }
        )
    entry = getattr(expense, "entry", None)
    context = {
        "expense": expense,
        "lines": list(expense.lines.all()),
        "vouchers": selectors.vouchers_of(expense),
        "chain": chain_rows(expense),
        "steps": casework_steps.panels(actor, expense, EXPENSE, failed=failed),
        "timeline": timeline,
        "entry": entry,
        "can_correct": expense.state == "returned" and expense.requester_id == actor.pk,
    }
    return _render(request, "finance/expense.html", context, status=status)


# -- configuration --------------------------------------------------------------------------------------------


def _bands_from_post(post) -> list[dict]:
    bands = []
    for i in range(MAX_BANDS):
        posts = [post.get(f"band_{i}_step_{j}", "") for j in range(MAX_STEPS)]
        posts = [p for p in posts if p]
        limit = (post.get(f"band_{i}_max") or "").strip()
        if not posts and not limit:
            continue
        bands.append(
            {"max_amount": limit or None, "posts": posts, "needs_deliberation": bool(post.get(f"band_{i}_delib"))}
        )
    return bands


def _band_table(bands) -> list[dict]:
    rows = []
    for i in range(MAX_BANDS):
        band = bands[i] if i < len(bands) else None
        posts = list(band.posts) if band else []
        rows.append(
            {
                "i": i,
                "max": f"{band.max_amount:.2f}" if band and band.max_amount is not None else "",
                "steps": [{"j": j, "post": posts[j] if j < len(posts) else ""} for j in range(MAX_STEPS)],
                "delib": bool(band and band.needs_deliberation),
            }
        )
    return rows


@login_required
@require_action(Action.FINANCE_CONFIGURE)
def config(request):
    actor = request.user
    regions = list(selectors.config_regions(actor))
    region = next((r for r in regions if str(r.pk) == (request.POST.get("region") or request.GET.get("region"))), None)
    region = region or (regions[0] if regions else None)
    if region is None:
        raise PermissionDenied()
    county = Region.objects.get(pk=region.county_id or region.pk)
    services.install_default_categories(county)
    villages = [
        v
        for v in selectors.villages(actor, Action.FINANCE_CONFIGURE)
        if region.level == RegionLevel.COUNTY or v.township_id == region.pk
    ]
    village = next(
        (v for v in villages if str(v.pk) == (request.POST.get("village") or request.GET.get("village"))), None
    )
    village = village or (villages[0] if villages else None)
    all_categories = selectors.categories(county.pk, active_only=False)
    parents = [c for c in all_categories if c.parent_id is None and c.is_active]
    category_form = CategoryForm(prefix="cat", parents=parents)
    people = []
    if village is not None:
        ids = village.ancestor_ids()
        user_model = get_user_model()
        people = list(
            user_model.objects.filter(is_active=True)
            .filter(
                Q(assignments__region_id=ids["village"])
                | Q(assignments__region_id=ids["township"])
                | Q(assignments__region_id=ids["county"])
            )
            .exclude(assignments__role__in=["villager", "grid_worker", "shopkeeper", "credit_partner"])
            .distinct()
            .order_by("username")
        )
    post_form = PostForm(prefix="post", people=people)
    action = request.POST.get("do", "")
    if request.method == "POST":
        try:
            if action == "category_add":
                category_form = CategoryForm(request.POST, prefix="cat", parents=parents)
                if category_form.is_valid():
                    d = category_form.cleaned_data
                    try:
                        services.category_save(
                            actor=actor,
                            county=county,
                            code=d["code"],
                            name=d["name"],
                            parent=d["parent"],
                            direction=d["direction"],
                            is_welfare=d["is_welfare"],
                        )
                    except DomainError as exc:
                        apply_domain_errors(category_form, exc)
                    else:
                        messages.success(request, _("Category added."))
                        return redirect(_config_url(region, village, "categories"))
            elif action == "category_change":
                found = next((c for c in all_categories if str(c.pk) == request.POST.get("category")), None)
                if found is None:
                    raise Http404()
                services.category_save(
                    actor=actor,
                    county=county,
                    category=found,
                    code=found.code,
                    name=request.POST.get("name", found.name),
                    is_welfare=bool(request.POST.get("is_welfare")),
                    is_active=bool(request.POST.get("is_active")),
                )
                messages.success(request, _("Category saved."))
                return redirect(_config_url(region, village, "categories"))
            elif action == "chain_save":
                services.chain_save(actor=actor, region=region, bands=_bands_from_post(request.POST))
                messages.success(request, _("Approval chain saved. Expenses already submitted keep their chain."))
                return redirect(_config_url(region, village, "chains"))
            elif action == "chain_reset":
                services.chain_reset(actor=actor, region=region)
                messages.success(request, _("The township uses its county's chain again."))
                return redirect(_config_url(region, village, "chains"))
            elif action == "post_assign" and village is not None:
                post_form = PostForm(request.POST, prefix="post", people=people)
                if post_form.is_valid():
                    user = next((u for u in people if u.pk == post_form.cleaned_data["user"]), None)
                    try:
                        services.post_assign(
                            actor=actor, village=village, post=post_form.cleaned_data["post"], user=user
                        )
                    except DomainError as exc:
                        apply_domain_errors(post_form, exc)
                    else:
                        messages.success(request, _("Post assigned."))
                        return redirect(_config_url(region, village, "posts"))
            elif action == "post_end" and village is not None:
                found = next(
                    (p for p in selectors.posts_of(village.pk) if str(p.pk) == request.POST.get("assignment")), None
                )
                if found is None:
                    raise Http404()
                services.post_end(actor=actor, assignment=found)
                messages.success(request, _("Post holding ended."))
                return redirect(_config_url(region, village, "posts"))
        except DomainError as exc:
            messages_from(request, exc)
    own_bands = selectors.bands_of(region)
    effective = own_bands or selectors.bands_of(county)
    if not effective:
        services.install_default_bands(county)
        effective = selectors.bands_of(county)
    context = {
        "regions": regions,
        "region": region,
        "county": county,
        "villages": villages,
        "village": village,
        "categories": all_categories,
        "category_form": category_form,
        "band_rows": _band_table(effective),
        "own_bands": bool(own_bands),
        "step_range": range(1, MAX_STEPS + 1),
        "posts": Post.choices,
        "holders": selectors.posts_of(village.pk) if village else [],
        "post_form": post_form,
        "is_township": region.level == RegionLevel.TOWNSHIP,
        "bands_error": "",
    }
    return _render(request, "finance/config.html", context)


def _config_url(region, village, anchor: str) -> str:
    query = {"region": region.pk}
    if village is not None:
        query["village"] = village.pk
    return reverse("finance:config") + "?" + urlencode(query) + f"#{anchor}"


# -- monthly disclosure and export ----------------------------------------------------------------------------


@login_required
@require_action(Action.FINANCE_VIEW)
def disclosures(request):
    actor = request.user
    villages, village = _villages(request)
    if village is None:
        raise PermissionDenied()
    today = timezone.localdate()
    months = selectors.month_choices(today.replace(day=1) - timedelta(days=1), 24)
    can_generate = scope.region_in_scope(actor, Action.FINANCE_RECORD, village)
    # a month already generated (and not withdrawn) is not offered again: the service would refuse it
    generated = selectors.generated_months(village.pk)
    open_months = [m for m in months if m not in generated]
    form = DisclosureForm(request.POST or None, months=open_months) if can_generate and open_months else None
    if request.method == "POST" and form is not None and form.is_valid():
        year, month = (int(x) for x in form.cleaned_data["month"].split("-"))
        try:
            row = services.disclosure_generate(actor=actor, village=village, year=year, month=month)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The disclosure of %(month)s was generated as a draft financial notice: submit it for checking.")
                % {"month": f"{year}-{month:02d}"},
            )
            return redirect("transparency:detail", pk=row.notice_id)
    preview = None
    if request.GET.get("preview"):
        try:
            year, month = (int(x) for x in request.GET["preview"].split("-"))
            summary = ledger.month_summary(village.pk, year, month)
        except ValueError:
            summary = None
        if summary is not None:
            from finance.disclosure import disclosure_text

            preview = {"month": f"{year}-{month:02d}", "text": disclosure_text(village, summary)[1]}
    from transparency.flows import NOTICE

    rows = list(selectors.disclosures(actor, village))
    for row in rows:
        row.state_label = NOTICE.state_label(row.notice.state)
    return _render(
        request,
        "finance/disclosures.html",
        {
            "villages": villages,
            "village": village,
            "form": form,
            "rows": rows,
            "preview": preview,
            "months": [f"{y}-{m:02d}" for y, m in months[:12]],
            "all_generated": can_generate and not open_months,
        },
    )


@login_required
@require_action(Action.FINANCE_VIEW)
def export(request):
    villages, village = _villages(request)
    if village is None:
        raise Http404()
    year, month = _month(request)
    summary = ledger.month_summary(village.pk, year, month)
    content = month_xlsx(village, summary)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"ledger-{village.code}-{year}-{month:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
