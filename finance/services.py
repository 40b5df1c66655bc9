"""Writes of the village ledger. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction (locking the row it changes) and records an audit event; bad input raises DomainError with
a Chinese message and writes nothing. Steps of an expense go through core.workflow (flow ``expense``), which
writes the CaseEvent and its ``casework.*`` audit event.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.roles import ROLE_ACTIONS, Action
from finance import rules
from finance.flows import EXPENSE, holds_post, signers_of_round
from finance.ledger import month_bounds, month_summary
from finance.models import (
    ALLOWED_METHODS,
    ApprovalBand,
    Category,
    Direction,
    Expense,
    ExpenseLine,
    LedgerEntry,
    MonthlyDisclosure,
    PaymentMethod,
    Post,
    PostAssignment,
    Voucher,
)
from regions.models import Region, RegionLevel
from transparency.files import prepare_documents
from transparency.privacy import check_public_text

ENTRY_FIELDS = [
    "date",
    "direction",
    "category",
    "amount",
    "counterparty",
    "counterparty_is_person",
    "summary",
    "method",
    "reference",
    "expense",
    "reverses",
    "reason",
]
EXPENSE_FIELDS = ["title", "category", "payee", "payee_is_person", "amount", "deliberation_ref", "band_label", "chain"]
MAX_LINES = 30


# -- small checks ---------------------------------------------------------------------------------------------


def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise DomainError({field: _("This field is required.")})
    if len(text) > max_length:
        raise DomainError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return text


def _day(value, field: str = "date", *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if value in (None, ""):
        return today
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None
    if value > today:
        raise DomainError({field: _("An entry cannot be dated in the future.")})
    if value.year < 2000:
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")})
    return value


def _village(actor, village, action: str) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def _category(county_id: int, value, direction: str, field: str = "category") -> Category:
    pk = getattr(value, "pk", value)
    found = Category.objects.filter(pk=pk, county_id=county_id).select_related("parent").first() if pk else None
    if found is None:
        raise DomainError({field: _("Choose a category.")})
    if found.direction != direction:
        raise DomainError(
            {
                field: _("“%(name)s” is not an income category.") % {"name": found.full_name}
                if direction == Direction.INCOME
                else _("“%(name)s” is not an expense category.") % {"name": found.full_name}
            }
        )
    if not found.is_active:
        raise DomainError({field: _("The category “%(name)s” is no longer in use.") % {"name": found.full_name}})
    return found


def _method(direction: str, method, reference: str) -> tuple[str, str]:
    if method not in PaymentMethod.values:
        raise DomainError({"method": _("Choose the payment method.")})
    if method not in ALLOWED_METHODS[direction]:
        raise DomainError(
            {
                "method": _(
                    "Village expenses are paid by bank transfer only (no cash payments); record the bank transfer."
                )
            }
        )
    reference = _text(reference, "reference", max_length=60, required=False)
    if method == PaymentMethod.BANK_TRANSFER and direction == Direction.EXPENSE and not reference:
        raise DomainError({"reference": _("Give the bank transfer's reference number (银行流水号).")})
    return method, reference


def _month_closed(village_id: int, day: date) -> MonthlyDisclosure | None:
    """A month whose disclosure was generated (and not withdrawn) takes no new entries: the board shows it."""
    return (
        MonthlyDisclosure.objects.filter(village_id=village_id, year=day.year, month=day.month)
        .exclude(notice__state="withdrawn")
        .first()
    )


def _open_month(village_id: int, day: date, field: str = "date") -> None:
    if _month_closed(village_id, day):
        raise DomainError(
            {
                field: _(
                    "The disclosure of %(year)s-%(month)02d has been generated from the ledger; entries of that "
                    "month can no longer be added. Date it in a later month (a correction is a reversing entry "
                    "of today)."
                )
                % {"year": day.year, "month": day.month}
            }
        )


def _store_vouchers(actor, files, *, entry=None, expense=None) -> list[Voucher]:
    owner = entry or expense
    stored = []
    for upload in files:
        stored.append(
            Voucher.objects.create(
                entry=entry,
                expense=expense,
                county_id=owner.county_id,
                township_id=owner.township_id,
                village_id=owner.village_id,
                file=upload,
                name=(getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200],
                size=getattr(upload, "size", 0) or 0,
                content_type=upload.content_type,
                uploaded_by=actor,
            )
        )
    if stored:
        audit.record(
            actor,
            "finance.voucher.attach",
            owner,
            after={"files": [f"{v.name} ({v.content_type}, {v.size} B)" for v in stored]},
        )
    return stored


# -- categories -----------------------------------------------------------------------------------------------


def install_default_categories(county: Region, actor=None) -> int:
    """Install the default categories of a county once (idempotent); returns how many were created."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    created = 0
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()
        if Category.objects.filter(county=county).exists():
            return 0
        by_code: dict[str, Category] = {}
        for code, name, parent, welfare in rules.DEFAULT_CATEGORIES:
            by_code[code] = Category.objects.create(
                county=county,
                direction=rules.direction_of(code),
                code=code,
                name=name,
                parent=by_code.get(parent) if parent else None,
                is_welfare=welfare,
                updated_by=actor if getattr(actor, "pk", None) else None,
            )
            created += 1
        audit.record(
            actor, "finance.category.install", None, after={"categories": created}, region=county, target_label=""
        )
    return created


def category_save(
    *, actor, county: Region, code, name, parent=None, direction=None, is_welfare=False, is_active=True, category=None
) -> Category:
    """Add a category (a top level one with its direction, or a sub-category of one) or change one.
    The code of an existing category and its place do not change (entries point at it)."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, county) and not _configures_in(actor, county):
        raise NotFound()
    name = _text(name, "name", max_length=40)
    with transaction.atomic():
        if category is not None:
            locked = Category.objects.select_for_update().filter(pk=getattr(category, "pk", category)).first()
            if locked is None or locked.county_id != county.pk:
                raise NotFound()
            before = audit.snapshot(locked, Category.FIELDS)
            if not is_active and locked.parent_id is None and locked.children.filter(is_active=True).exists():
                raise DomainError({"is_active": _("Stop using its sub-categories first.")})
            locked.name, locked.is_welfare, locked.is_active = name, bool(is_welfare), bool(is_active)
            locked.updated_by, locked.updated_at = actor, timezone.now()
            locked.save()
            old, new = audit.diff(before, audit.snapshot(locked, Category.FIELDS))
            if new:
                audit.record(actor, "finance.category.change", locked, before=old, after=new, region=county)
            return locked
        code = _text(code, "code", max_length=12)
        if not code.isdigit():
            raise DomainError({"code": _("A category code is made of digits, e.g. 60204.")})
        parent_row = None
        if parent not in (None, ""):
            parent_row = Category.objects.filter(pk=getattr(parent, "pk", parent), county=county).first()
            if parent_row is None:
                raise DomainError({"parent": _("Choose a category.")})
            if parent_row.parent_id is not None:
                raise DomainError({"parent": _("A sub-category belongs to a top-level category.")})
            if not code.startswith(parent_row.code):
                raise DomainError(
                    {
                        "code": _("A sub-category's code starts with its parent's (%(code)s).")
                        % {"code": parent_row.code}
                    }
                )
            direction = parent_row.direction
        elif direction not in Direction.values:
            raise DomainError({"direction": _("Choose income or expense.")})
        if Category.objects.filter(county=county, code=code).exists():
            raise DomainError({"code": _("The code %(code)s is already used.") % {"code": code}})
        row = Category.objects.create(
            county=county,
            direction=direction,
            code=code,
            name=name,
            parent=parent_row,
            is_welfare=bool(is_welfare),
            is_active=True,
            updated_by=actor,
        )
        audit.record(actor, "finance.category.add", row, after=audit.snapshot(row, Category.FIELDS), region=county)
        return row


def _configures_in(actor, county: Region) -> bool:
    """A township's 农经站 (FINANCE_CONFIGURE on a township) keeps its county's categories too."""
    return any(
        g.county_id == county.pk and Action.FINANCE_CONFIGURE in ROLE_ACTIONS.get(g.role, ())
        for g in scope.grants(actor)
    )


# -- approval chains ------------------------------------------------------------------------------------------


def install_default_bands(county: Region, actor=None) -> int:
    """The county's default chain (finance/rules.py), installed once."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()
        if ApprovalBand.objects.filter(region=county).exists():
            return 0
        for limit, posts, deliberation in rules.DEFAULT_BANDS:
            ApprovalBand.objects.create(
                region=county,
                county=county,
                max_amount=limit,
                posts=[str(p) for p in posts],
                needs_deliberation=deliberation,
            )
        audit.record(actor, "finance.chain.install", None, after={"bands": len(rules.DEFAULT_BANDS)}, region=county)
    return len(rules.DEFAULT_BANDS)


def _clean_bands(bands) -> list[dict]:
    if not bands:
        raise DomainError({"bands": _("Give at least one amount band.")})
    out = []
    previous = None
    for index, band in enumerate(bands):
        label = _("Band %(n)s") % {"n": index + 1}
        raw = band.get("max_amount")
        last = index == len(bands) - 1
        if raw in (None, ""):
            if not last:
                raise DomainError({"bands": _("%(band)s: only the last band has no upper limit.") % {"band": label}})
            limit = None
        else:
            try:
                limit = rules.money(raw, "bands")
            except DomainError as exc:
                raise DomainError({"bands": f"{label}: {exc.message_dict['bands'][0]}"}) from None
            if previous is not None and limit <= previous:
                raise DomainError(
                    {"bands": _("%(band)s: the upper limits must increase from band to band.") % {"band": label}}
                )
            previous = limit
        if last and limit is not None:
            raise DomainError({"bands": _("The last band covers every larger amount: leave its limit empty.")})
        posts = [str(p) for p in band.get("posts") or [] if p]
        if not posts:
            raise DomainError({"bands": _("%(band)s: choose who signs, in order.") % {"band": label}})
        unknown = [p for p in posts if p not in Post.values]
        if unknown:
            raise DomainError({"bands": _("%(band)s: unknown post “%(post)s”.") % {"band": label, "post": unknown[0]}})
        if len(set(posts)) != len(posts):
            raise DomainError({"bands": _("%(band)s: a post signs only once in a chain.") % {"band": label}})
        out.append({"max_amount": limit, "posts": posts, "needs_deliberation": bool(band.get("needs_deliberation"))})
    return out


def chain_save(*, actor, region: Region, bands) -> list[ApprovalBand]:
    """Replace the approval chain of a county or a township (a township's chain wins over its county's). Expenses
    already submitted keep the chain they were submitted with."""
    if region is None or region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, region):
        raise NotFound()
    cleaned = _clean_bands(bands)
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=region.pk).first()
        old = ApprovalBand.objects.filter(region=region)
        before = [{"max_amount": str(b.max_amount) if b.max_amount else None, "posts": b.posts} for b in old]
        old.delete()
        rows = [
            ApprovalBand.objects.create(
                region=region, county_id=region.county_id or region.pk, updated_by=actor, **band
            )
            for band in cleaned
        ]
        audit.record(
            actor,
            "finance.chain.save",
            None,
            before={"bands": before},
            after={
                "bands": [
                    {"max_amount": str(b["max_amount"]) if b["max_amount"] else None, "posts": b["posts"]}
                    for b in cleaned
                ]
            },
            region=region,
            target_label=region.name,
        )
    return rows


def chain_reset(*, actor, region: Region) -> None:
    """A township goes back to its county's chain."""
    if region is None or region.level != RegionLevel.TOWNSHIP:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, region):
        raise NotFound()
    with transaction.atomic():
        old = ApprovalBand.objects.filter(region=region)
        if not old.exists():
            raise DomainError(_("This township already uses its county's chain."))
        old.delete()
        audit.record(actor, "finance.chain.reset", None, region=region, target_label=region.name)


def bands_for(village: Region) -> list[ApprovalBand]:
    """The chain that applies to a village: its township's, else its county's (the county default installed)."""
    rows = list(ApprovalBand.objects.filter(region_id=village.township_id))
    if not rows:
        rows = list(ApprovalBand.objects.filter(region_id=village.county_id))
    if not rows:
        install_default_bands(Region.objects.get(pk=village.county_id))
        rows = list(ApprovalBand.objects.filter(region_id=village.county_id))
    return sorted(rows, key=lambda b: (b.max_amount is None, b.max_amount or 0))


def band_for(village: Region, amount: Decimal) -> tuple[ApprovalBand, str]:
    rows = bands_for(village)
    lower = None
    for band in rows:
        if band.max_amount is None or amount <= band.max_amount:
            return band, rules.band_label(band.max_amount, lower)
        lower = band.max_amount
    raise DomainError({"amount": _("No approval band covers this amount; ask the township to complete the chain.")})


# -- posts ----------------------------------------------------------------------------------------------------


def _may_hold(user, village: Region) -> bool:
    ids = village.ancestor_ids()
    return any(
        (g.level in ("county", "township", "village") and ids.get(g.level) == g.target_id) for g in scope.grants(user)
    )


def post_assign(*, actor, village: Region, post: str, user) -> PostAssignment:
    """Give a person a post of the signing chain in a village (a person may hold several posts)."""
    village = _village(actor, village, Action.FINANCE_CONFIGURE)
    if post not in Post.values:
        raise DomainError({"post": _("Choose a post.")})
    if user is None or not getattr(user, "is_active", False):
        raise DomainError({"user": _("Choose a person.")})
    if not _may_hold(user, village):
        raise DomainError(
            {"user": _("%(name)s has no role in this village or its township or county.") % {"name": user}}
        )
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        if PostAssignment.objects.filter(village=village, post=post, user=user, ended_at__isnull=True).exists():
            raise DomainError({"user": _("%(name)s already holds this post here.") % {"name": user}})
        row = PostAssignment(post=post, user=user, assigned_by=actor)
        row.place_in(village)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise DomainError({"user": _("%(name)s already holds this post here.") % {"name": user}}) from None
        audit.record(actor, "finance.post.assign", row, after={"post": post, "user": user.pk, "village": village.pk})
    return row


def post_end(*, actor, assignment: PostAssignment) -> PostAssignment:
    """End a post holding (kept for the record; signatures already given stay)."""
    with transaction.atomic():
        locked = PostAssignment.objects.select_for_update().filter(pk=getattr(assignment, "pk", assignment)).first()
        if locked is None or not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, locked.village):
            raise NotFound()
        if locked.ended_at is not None:
            raise DomainError(_("This post holding has already ended."))
        locked.ended_at, locked.ended_by = timezone.now(), actor
        locked.save(update_fields=["ended_at", "ended_by"])
        audit.record(actor, "finance.post.end", locked, before={"post": locked.post, "user": locked.user_id})
    return locked


# -- the ledger -----------------------------------------------------------------------------------------------


def entry_record_income(
    *,
    actor,
    village: Region,
    category,
    amount,
    counterparty,
    summary,
    method,
    reference="",
    date=None,
    counterparty_is_person=False,
    vouchers=(),
) -> LedgerEntry:
    """Record an income entry (收入) of a village with its vouchers. Expenses enter the ledger only by paying an
    approved expense (expense_pay)."""
    village = _village(actor, village, Action.FINANCE_RECORD)
    errors: dict = {}
    values: dict = {}
    for key, check in (
        ("date", lambda: _day(date)),
        ("category", lambda: _category(village.county_id, category, Direction.INCOME)),
        ("amount", lambda: rules.money(amount)),
        ("counterparty", lambda: _text(counterparty, "counterparty", max_length=100)),
        ("summary", lambda: _text(summary, "summary", max_length=200)),
        ("method", lambda: _method(Direction.INCOME, method, reference)),
        ("vouchers", lambda: prepare_documents(vouchers, field="vouchers")),
    ):
        try:
            values[key] = check()
        except DomainError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    # the summary and the counterparty go on the public board with the month's disclosure
    check_public_text(counterparty=values["counterparty"], summary=values["summary"])
    _open_month(village.pk, values["date"])
    method, reference = values["method"]
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        _open_month(village.pk, values["date"])
        entry = LedgerEntry(
            date=values["date"],
            direction=Direction.INCOME,
            category=values["category"],
            amount=values["amount"],
            counterparty=values["counterparty"],
            counterparty_is_person=bool(counterparty_is_person),
            summary=values["summary"],
            method=method,
            reference=reference,
            recorded_by=actor,
        )
        entry.place_in(village)
        entry.save()
        audit.record(actor, "finance.entry.record", entry, after=audit.snapshot(entry, ENTRY_FIELDS))
        _store_vouchers(actor, values["vouchers"], entry=entry)
    return entry


def entry_reverse(*, actor, entry: LedgerEntry, reason, date=None) -> LedgerEntry:
    """红字冲销: a reversing entry naming the entry it reverses, who and why, dated today (or a later day of an
    open month). An entry is reversed at most once; a reversal is not reversed (record the entry again)."""
    reason = _text(reason, "reason", max_length=300)
    check_public_text(reason=reason)
    day = _day(date)
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().filter(pk=getattr(entry, "pk", entry)).first()
        if locked is None or not scope.in_scope(actor, Action.FINANCE_RECORD, locked):
            raise NotFound()
        if locked.reverses_id is not None:
            raise DomainError(_("A reversing entry cannot itself be reversed; record the entry again instead."))
        if LedgerEntry.objects.filter(reverses=locked).exists():
            raise DomainError(_("This entry has already been reversed."))
        if day < locked.date:
            raise DomainError({"date": _("A reversal cannot be dated before the entry it reverses.")})
        _open_month(locked.village_id, day)
        reversal = LedgerEntry(
            date=day,
            direction=locked.direction,
            category=locked.category,
            amount=locked.amount,
            counterparty=locked.counterparty,
            counterparty_is_person=locked.counterparty_is_person,
            summary=_("Reversal of %(number)s: %(summary)s") % {"number": locked.number, "summary": locked.summary},
            method=locked.method,
            reference=locked.reference,
            reverses=locked,
            reason=reason,
            recorded_by=actor,
            county_id=locked.county_id,
            township_id=locked.township_id,
            village_id=locked.village_id,
        )
        try:
            with transaction.atomic():
                reversal.save()
        except IntegrityError:
            raise DomainError(_("This entry has already been reversed.")) from None
        audit.record(actor, "finance.entry.reverse", reversal, after=audit.snapshot(reversal, ENTRY_FIELDS))
    return reversal


def entry_attach(*, actor, entry: LedgerEntry, files) -> list[Voucher]:
    """Add voucher scans to an entry (a voucher is never removed)."""
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().filter(pk=getattr(entry, "pk", entry)).first()
        if locked is None or not scope.in_scope(actor, Action.FINANCE_RECORD, locked):
            raise NotFound()
        files = prepare_documents(files, already=locked.vouchers.count(), field="vouchers")
        if not files:
            raise DomainError({"vouchers": _("Choose a file.")})
        return _store_vouchers(actor, files, entry=locked)


# -- expenses -------------------------------------------------------------------------------------------------


def _clean_lines(lines, amount: Decimal) -> list[tuple[str, Decimal]]:
    rows = [line for line in (lines or []) if (line.get("description") or "").strip() or line.get("amount")]
    if not rows:
        raise DomainError({"lines": _("Give at least one item line.")})
    if len(rows) > MAX_LINES:
        raise DomainError({"lines": _("At most %(n)s item lines.") % {"n": MAX_LINES}})
    out = []
    for index, line in enumerate(rows, start=1):
        description = str(line.get("description") or "").strip()
        if not description:
            raise DomainError({"lines": _("Line %(n)s: say what the item is.") % {"n": index}})
        if len(description) > 100:
            raise DomainError({"lines": _("Line %(n)s: at most 100 characters.") % {"n": index}})
        try:
            value = rules.money(line.get("amount"), "lines")
        except DomainError as exc:
            raise DomainError({"lines": f"{index}: {exc.message_dict['lines'][0]}"}) from None
        out.append((description, value))
    total = sum((v for _d, v in out), Decimal("0.00"))
    if total != amount:
        raise DomainError(
            {
                "amount": _(
                    "The item lines add up to %(lines)s yuan, not the total of %(total)s yuan: correct the lines or "
                    "the total."
                )
                % {"lines": rules.yuan(total), "total": rules.yuan(amount)}
            }
        )
    return out


def _clean_expense(village: Region, data: dict) -> dict:
    errors: dict = {}
    out: dict = {}
    for key, check in (
        ("title", lambda: _text(data.get("title"), "title", max_length=100)),
        ("category", lambda: _category(village.county_id, data.get("category"), Direction.EXPENSE)),
        ("payee", lambda: _text(data.get("payee"), "payee", max_length=100)),
        ("amount", lambda: rules.money(data.get("amount"))),
        (
            "deliberation_ref",
            lambda: _text(data.get("deliberation_ref"), "deliberation_ref", max_length=200, required=False),
        ),
    ):
        try:
            out[key] = check()
        except DomainError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    out["lines"] = _clean_lines(data.get("lines"), out["amount"])
    check_public_text(title=out["title"], payee=out["payee"])
    check_public_text(lines="\n".join(d for d, _a in out["lines"]))
    out["payee_is_person"] = bool(data.get("payee_is_person"))
    band, label = band_for(village, out["amount"])
    if band.needs_deliberation and not out["deliberation_ref"]:
        raise DomainError(
            {
                "deliberation_ref": _(
                    "An expense %(band)s needs the village committees' deliberation and the villagers' "
                    "representatives' review first (两委商议、村民代表审议): give the minutes or decision number."
                )
                % {"band": label}
            }
        )
    out["band"], out["band_label"] = band, label
    return out


def _write_lines(expense: Expense, lines) -> None:
    ExpenseLine.objects.bulk_create([ExpenseLine(expense=expense, description=d, amount=a) for d, a in lines])


def expense_submit(*, actor, village: Region, vouchers=(), now=None, **data) -> Expense:
    """A village cadre submits a payment request with its item lines and vouchers; the chain of its amount band
    is fixed on it now (a later change of the chains does not rewrite it)."""
    village = _village(actor, village, Action.FINANCE_RECORD)
    clean = _clean_expense(village, data)
    files = prepare_documents(vouchers, field="vouchers")
    now = now or timezone.now()
    band = clean["band"]
    expense = Expense(
        title=clean["title"],
        category=clean["category"],
        payee=clean["payee"],
        payee_is_person=clean["payee_is_person"],
        amount=clean["amount"],
        deliberation_ref=clean["deliberation_ref"],
        requester=actor,
        requested_at=now,
        band_label=clean["band_label"],
        chain=list(band.posts),
        needs_deliberation=band.needs_deliberation,
    )
    expense.place_in(village)
    with transaction.atomic():
        workflow.start(actor=actor, case=expense, flow=EXPENSE, note=clean["title"], now=now)
        _write_lines(expense, clean["lines"])
        audit.record(
            actor,
            "finance.expense.submit",
            expense,
            after={
                **audit.snapshot(expense, EXPENSE_FIELDS),
                "lines": [[d, str(a)] for d, a in clean["lines"]],
            },
        )
        _store_vouchers(actor, files, expense=expense)
    return expense


def expense_resubmit(*, actor, expense: Expense, vouchers=(), version=None, now=None, **data) -> Expense:
    """The requester corrects a returned expense (lines, total, payee…) and submits it again: the chain of the new
    amount's band is fixed anew and the signing starts over."""
    with transaction.atomic():
        locked = Expense.objects.select_for_update().filter(pk=getattr(expense, "pk", expense)).first()
        if locked is None or not workflow.can_see(actor, locked, EXPENSE):
            raise NotFound()
        if locked.state != "returned":
            raise DomainError(
                _("Only a returned expense is corrected; this one is “%(state)s”.")
                % {"state": EXPENSE.state_label(locked.state)},
                code="state",
            )
        if locked.requester_id != actor.pk:
            raise DomainError(_("Only the person who requested the expense corrects and resubmits it."), code="role")
        merged = {
            "title": locked.title,
            "category": locked.category_id,
            "payee": locked.payee,
            "payee_is_person": locked.payee_is_person,
            "amount": locked.amount,
            "deliberation_ref": locked.deliberation_ref,
            "lines": [{"description": ln.description, "amount": ln.amount} for ln in locked.lines.all()],
            **{k: v for k, v in data.items() if v is not None},
        }
        clean = _clean_expense(locked.village, merged)
        files = prepare_documents(vouchers, already=locked.vouchers.count(), field="vouchers")
        before = audit.snapshot(locked, EXPENSE_FIELDS)
        band = clean["band"]
        for key in ("title", "category", "payee", "payee_is_person", "amount", "deliberation_ref", "band_label"):
            setattr(locked, key, clean[key])
        locked.chain, locked.needs_deliberation = list(band.posts), band.needs_deliberation
        locked.save(
            update_fields=[
                "title",
                "category",
                "payee",
                "payee_is_person",
                "amount",
                "deliberation_ref",
                "band_label",
                "chain",
                "needs_deliberation",
            ]
        )
        locked.lines.all().delete()
        _write_lines(locked, clean["lines"])
        workflow.transition(actor=actor, case=locked, flow=EXPENSE, name="resubmit", expected_version=version, now=now)
        old, new = audit.diff(before, audit.snapshot(locked, EXPENSE_FIELDS))
        audit.record(
            actor,
            "finance.expense.resubmit",
            locked,
            before=old,
            after={**(new or {}), "lines": [[d, str(a)] for d, a in clean["lines"]]},
        )
        _store_vouchers(actor, files, expense=locked)
    return locked


def _locked_expense(actor, expense) -> Expense:
    locked = Expense.objects.select_for_update().filter(pk=getattr(expense, "pk", expense)).first()
    if locked is None or not workflow.can_see(actor, locked, EXPENSE):
        raise NotFound()
    return locked


def _turn_check(actor, locked: Expense) -> None:
    """The clear refusals of signing: not pending, not the actor's turn (out of order / skipping), signed before."""
    if locked.state != "pending":
        raise DomainError(
            _("This expense is “%(state)s”; it is not waiting for a signature.")
            % {"state": EXPENSE.state_label(locked.state)},
            code="state",
        )
    post = locked.current_post
    if not holds_post(actor, locked.village_id, post):
        own = [i for i, p in enumerate(locked.chain) if holds_post(actor, locked.village_id, p)]
        later = [i for i in own if i > locked.step_index]
        waiting = {"post": Post(post).label, "n": locked.step_index + 1, "total": len(locked.chain)}
        if later:
            raise DomainError(
                _(
                    "Not your turn yet: the expense waits for %(post)s (step %(n)s of %(total)s). Steps are signed in "
                    "order and none is skipped."
                )
                % waiting,
                code="order",
            )
        raise DomainError(
            _("The expense waits for %(post)s (step %(n)s of %(total)s); you do not hold that post in this village.")
            % waiting,
            code="role",
        )


def expense_sign(*, actor, expense: Expense, step=None, version=None, note: str = "", name=None, now=None):
    """The holder of the current step's post signs it (the last signature approves the expense). ``name``: the
    step the person was offered ("sign", or "sign_last" at the last step); by default the one that applies."""
    with transaction.atomic():
        locked = _locked_expense(actor, expense)
        _turn_check(actor, locked)
        signed = signers_of_round(locked)
        if actor.pk in signed:
            raise DomainError(
                _(
                    "You already signed this expense as %(post)s; one person signs only one step of a chain. "
                    "Another holder of the post must sign."
                )
                % {"post": Post(locked.chain[signed[actor.pk]]).label},
                code="signed",
            )
        name = name or ("sign_last" if locked.step_index + 1 == len(locked.chain) else "sign")
        event = workflow.transition(
            actor=actor,
            case=locked,
            flow=EXPENSE,
            name=name,
            data={"step": step} if step not in (None, "") else {},
            note=_text(note, "note", max_length=300, required=False),
            expected_version=version,
            now=now,
        )
    _sync(expense, locked)
    return event


def expense_decide(*, actor, expense: Expense, step: str, reason, version=None, now=None):
    """Return (for correction) or reject, with the reason: by the holder of the current step's post."""
    if step not in ("return", "reject"):
        raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": step}, code="unknown")
    reason = _text(reason, "reason", max_length=300)
    with transaction.atomic():
        locked = _locked_expense(actor, expense)
        _turn_check(actor, locked)
        event = workflow.transition(
            actor=actor,
            case=locked,
            flow=EXPENSE,
            name=step,
            data={"reason": reason},
            note=reason,
            expected_version=version,
            now=now,
        )
    _sync(expense, locked)
    return event


def expense_withdraw(*, actor, expense: Expense, reason, version=None, now=None):
    reason = _text(reason, "reason", max_length=300)
    event = workflow.transition(
        actor=actor,
        case=expense,
        flow=EXPENSE,
        name="withdraw",
        data={"reason": reason},
        note=reason,
        expected_version=version,
        now=now,
    )
    return event


def expense_pay(
    *,
    actor,
    expense: Expense,
    reference,
    date=None,
    method=PaymentMethod.BANK_TRANSFER,
    vouchers=(),
    version=None,
    now=None,
) -> LedgerEntry:
    """A village cadre records the bank transfer of a fully approved expense: exactly one ledger entry is posted,
    linked to the expense. Cash is refused (ALLOWED_METHODS)."""
    method, reference = _method(Direction.EXPENSE, method, reference)
    day = _day(date)
    files = prepare_documents(vouchers, field="vouchers")
    with transaction.atomic():
        locked = _locked_expense(actor, expense)
        if not scope.in_scope(actor, Action.FINANCE_RECORD, locked):
            raise DomainError(_("Only a village cadre of the village records the payment."), code="role")
        if LedgerEntry.objects.filter(expense=locked).exists():
            raise DomainError(_("This expense has already been paid and posted."), code="state")
        if locked.state != "approved":
            raise DomainError(
                _("Only a fully approved expense is paid; this one is “%(state)s”.")
                % {"state": EXPENSE.state_label(locked.state)},
                code="state",
            )
        _open_month(locked.village_id, day)
        workflow.transition(
            actor=actor,
            case=locked,
            flow=EXPENSE,
            name="pay",
            data={"reference": reference, "date": day.isoformat()},
            note=reference,
            expected_version=version,
            now=now,
        )
        entry = LedgerEntry(
            date=day,
            direction=Direction.EXPENSE,
            category=locked.category,
            amount=locked.amount,
            counterparty=locked.payee,
            counterparty_is_person=locked.payee_is_person,
            summary=locked.title,
            method=method,
            reference=reference,
            expense=locked,
            recorded_by=actor,
            county_id=locked.county_id,
            township_id=locked.township_id,
            village_id=locked.village_id,
        )
        entry.save()
        audit.record(actor, "finance.expense.pay", entry, after=audit.snapshot(entry, ENTRY_FIELDS))
        _store_vouchers(actor, files, entry=entry)
    _sync(expense, locked)
    return entry


def _sync(target, source) -> None:
    if isinstance(target, Expense) and target is not source:
        for name in ("state", "version", "step_index", "approved_at", "paid_at", "reason", "closed_at"):
            setattr(target, name, getattr(source, name))


def expense_step(*, actor, case: Expense, step: str, data: dict, note: str = "", attachments=(), version=None):
    """A step of an expense taken from its page or the API (the flow's ``service``, casework.steps.take): the
    step's own service gives its clear refusals first, then the engine checks the declared fields. Who is told
    is declared on the flow (``notify``)."""
    data = data or {}
    if step in ("sign", "sign_last"):
        return expense_sign(actor=actor, expense=case, name=step, step=data.get("step"), version=version, note=note)
    if step in ("return", "reject"):
        return expense_decide(actor=actor, expense=case, step=step, reason=data.get("reason"), version=version)
    if step == "withdraw":
        return expense_withdraw(actor=actor, expense=case, reason=data.get("reason"), version=version)
    if step == "pay":
        return expense_pay(
            actor=actor,
            expense=case,
            reference=data.get("reference"),
            date=data.get("date"),
            method=data.get("method") or PaymentMethod.BANK_TRANSFER,
            vouchers=attachments,
            version=version,
        )
    if step == "resubmit":  # unchanged; the correction page and POST /api/finance/expenses/{id}/resubmit change it
        return expense_resubmit(actor=actor, expense=case, version=version)
    raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": step}, code="unknown")


# -- the monthly disclosure -----------------------------------------------------------------------------------


def disclosure_generate(*, actor, village: Region, year: int, month: int, today=None) -> MonthlyDisclosure:
    """月度财务公开: generate the month's disclosure from the ledger and put it as a draft financial notice on the
    transparency board (transparency.services.notice_create); it then follows that procedure (submit → checked
    by the 民主理财小组 → published). The month must be over; once generated, it takes no new entries."""
    from finance.disclosure import disclosure_text
    from transparency import services as transparency_services
    from transparency.models import Stream

    village = _village(actor, village, Action.FINANCE_RECORD)
    today = today or timezone.localdate()
    try:
        year, month = int(year), int(month)
        start, end = month_bounds(year, month)
    except (TypeError, ValueError):
        raise DomainError({"month": _("Choose a month.")}) from None
    if end >= today:
        raise DomainError({"month": _("A month is disclosed after it has ended.")})
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        existing = _month_closed(village.pk, start)
        if existing is not None:
            raise DomainError(
                {
                    "month": _(
                        "The disclosure of this month has already been generated (notice %(number)s); withdraw that "
                        "notice first to generate it again."
                    )
                    % {"number": existing.notice.number}
                }
            )
        summary = month_summary(village.pk, year, month)
        title, body = disclosure_text(village, summary)
        notice = transparency_services.notice_create(
            actor=actor,
            village=village,
            stream=Stream.FINANCE,
            category="收支明细",
            title=title,
            body=body,
            period_start=start,
            period_end=end,
        )
        row = MonthlyDisclosure(
            year=year,
            month=month,
            notice=notice,
            opening=summary.opening,
            income=summary.income,
            expense=summary.expense,
            closing=summary.closing,
            generated_by=actor,
        )
        row.place_in(village)
        row.save()
        audit.record(
            actor,
            "finance.disclosure.generate",
            row,
            after={
                "notice": notice.pk,
                "month": f"{year}-{month:02d}",
                "opening": str(summary.opening),
                "income": str(summary.income),
                "expense": str(summary.expense),
                "closing": str(summary.closing),
                "entries": len(summary.entries),
            },
        )
    return row
