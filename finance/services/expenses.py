"""Expenses: submitting and correcting a request, every step of its signing chain, payment."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from finance import rules
from finance.flows import EXPENSE, holds_post, signers_of_round
from finance.models import (
    Direction,
    Expense,
    ExpenseLine,
    LedgerEntry,
    PaymentMethod,
    Post,
)
from finance.services.chains import band_for
from finance.services.common import (
    ENTRY_FIELDS,
    EXPENSE_FIELDS,
    MAX_LINES,
    _category,
    _day,
    _method,
    _open_month,
    _store_vouchers,
    _village,
)
from regions.models import Region
from transparency.files import prepare_documents
from transparency.privacy import check_public_text

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
            raise DomainError({"lines": f"{index}：{exc.message_dict['lines'][0]}"}) from None
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
        Region.objects.select_for_update().filter(pk=locked.village_id).first()  # against a disclosure at once
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
