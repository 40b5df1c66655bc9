"""The village ledger's services: what is written on the allowed paths, and every refusal with a clear message
and nothing written (a snapshot of the tables is taken before and compared after)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from casework.models import CaseEvent
from core.errors import DomainError, NotFound
from core.models import AppendOnlyError, AuditEvent
from finance import selectors, services
from finance.models import (
    ApprovalBand,
    Category,
    Expense,
    ExpenseLine,
    LedgerEntry,
    MonthlyDisclosure,
    Post,
    PostAssignment,
    Voucher,
)
from tests.finance.support import image, not_a_document, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """The refusals below are matched on their English msgids; their Chinese texts are checked by the catalogue
    test (tests/core/test_translations.py) and by the page tests."""
    from django.utils import translation

    with translation.override("en"):
        yield


def snapshot():
    return tuple(
        m.objects.count()
        for m in (
            LedgerEntry,
            Expense,
            ExpenseLine,
            Voucher,
            CaseEvent,
            AuditEvent,
            PostAssignment,
            ApprovalBand,
            Category,
            MonthlyDisclosure,
        )
    )


def refused(fn, *, field=None, code=None, contains=None):
    """Call ``fn``: it must raise DomainError (on ``field`` / with ``code``) and change nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        fn()
    exc = info.value
    if field is not None:
        assert field in exc.message_dict, exc.messages
    if code is not None:
        assert exc.code == code, (exc.code, exc.messages)
    if contains is not None:
        assert any(contains in m for m in exc.messages), exc.messages
    assert snapshot() == before
    return exc


# -- categories and defaults --------------------------------------------------------------------------------


def test_default_categories_follow_the_accounting_rules(fw):
    names = set(Category.objects.filter(county=fw.w.county, parent=None).values_list("name", flat=True))
    assert {"经营收入", "发包及上交收入", "投资收益", "补助收入", "其他收入"} <= names
    assert {"经营支出", "管理费用", "公益支出", "其他支出"} <= names
    assert fw.cat("60201").name == "干部报酬" and fw.cat("60201").parent == fw.cat("602")
    assert Category.objects.filter(county=fw.w.county, is_welfare=True).count() == 2
    assert services.category_install_defaults(county=fw.w.county) == 0  # idempotent


def test_category_add_change_and_refusals(fw):
    admin, county = fw.users["county_admin"], fw.w.county
    row = services.category_save(actor=admin, county=county, code="60204", name="报刊费", parent=fw.cat("602"))
    assert row.direction == "expense" and row.parent == fw.cat("602")
    # a township official (镇农经站) keeps the county's categories too
    services.category_save(actor=fw.users["township_a"], county=county, code="506", name="利息收入", direction="income")
    refused(
        lambda: services.category_save(actor=admin, county=county, code="60204", name="重复", parent=fw.cat("602")),
        field="code",
    )
    refused(
        lambda: services.category_save(actor=admin, county=county, code="70101", name="错码", parent=fw.cat("602")),
        field="code",
    )
    refused(lambda: services.category_save(actor=admin, county=county, code="507", name="无方向"), field="direction")
    refused(
        lambda: services.category_save(actor=admin, county=county, code="abc", name="字母", direction="income"),
        field="code",
    )
    refused(
        lambda: services.category_save(actor=admin, county=county, code="6020401", name="三级", parent=fw.cat("60201")),
        field="parent",
    )
    refused(
        lambda: services.category_save(
            actor=admin, county=county, category=fw.cat("602"), code="602", name="管理费用", is_active=False
        ),
        field="is_active",
    )
    with pytest.raises(NotFound):
        services.category_save(actor=fw.users["cadre_a1"], county=county, code="508", name="x", direction="income")
    services.category_save(actor=admin, county=county, category=row, code=row.code, name="报刊订阅费", is_active=False)
    row.refresh_from_db()
    assert row.name == "报刊订阅费" and not row.is_active
    refused(lambda: fw.submit(category=row), field="category")


# -- money ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, message",
    [
        ("0", "more than zero"),
        ("-5.00", "more than zero"),
        ("12.345", "two decimals"),
        ("abc", "Enter the amount"),
        ("", "Enter the amount"),
        ("NaN", "Enter the amount"),
        ("1e20", "too large"),
    ],
)
def test_amounts_are_positive_with_at_most_two_decimals(fw, amount, message):
    refused(lambda: fw.income(amount), field="amount", contains=message)


def test_amounts_are_decimals_to_the_cent(fw):
    entry = fw.income("1,234.5")
    entry.refresh_from_db()
    assert entry.amount == Decimal("1234.50") and isinstance(entry.amount, Decimal)


# -- income ---------------------------------------------------------------------------------------------------


def test_income_with_vouchers_is_recorded_and_audited(fw):
    entry = fw.income("800.00", vouchers=[pdf(), image()])
    assert entry.number.startswith("JZ2026-")
    assert [v.content_type for v in entry.vouchers.all()] == ["application/pdf", "image/png"]
    assert AuditEvent.objects.filter(action="finance.entry.record", target_id=str(entry.pk)).exists()
    assert AuditEvent.objects.filter(action="finance.voucher.attach").exists()


def test_income_refusals(fw):
    refused(lambda: fw.income(code="60201"), field="category", contains="not an income category")
    refused(lambda: fw.income(day=timezone.localdate() + timedelta(days=1)), field="date")
    refused(lambda: fw.income(method="cheque"), field="method")
    refused(lambda: fw.income(summary="联系人 13912345678"), field="summary")
    refused(lambda: fw.income(counterparty=""), field="counterparty")
    refused(lambda: fw.income(vouchers=[not_a_document()]), field="vouchers")
    with pytest.raises(NotFound):
        fw.income(by="cadre_b1")  # another township's cadre: the village is not found
    with pytest.raises(NotFound):
        fw.income(by="supervisor_a1")  # the supervisory committee reads, it does not record
    other = Category.objects.create(county=fw.w.county, direction="income", code="509", name="停用", is_active=False)
    refused(lambda: fw.income(category=other), field="category", contains="no longer in use")


def test_cash_is_accepted_for_income_only(fw):
    assert fw.income(method="cash", reference="").method == "cash"
    expense = fw.approve(fw.submit())
    refused(
        lambda: services.expense_pay(actor=fw.users["cadre_a1"], expense=expense, reference="X1", method="cash"),
        field="method",
        contains="bank transfer only",
    )
    refused(lambda: services.expense_pay(actor=fw.users["cadre_a1"], expense=expense, reference=""), field="reference")


# -- the ledger is append-only; reversals ---------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(fw):
    entry = fw.income()
    entry.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("2.00"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE finance_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    voucher = fw.income(vouchers=[pdf()]).vouchers.get()
    with pytest.raises(AppendOnlyError):
        voucher.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1000.00")


def test_a_reversal_names_the_entry_who_and_why_and_nets_to_zero(fw):
    entry = fw.income("1200.00")
    reversal = services.entry_reverse(
        actor=fw.users["cadre_a1"], entry=entry, reason="金额记错", date=date(2026, 10, 12)
    )
    assert reversal.reverses == entry and reversal.reason == "金额记错" and reversal.recorded_by == fw.users["cadre_a1"]
    assert reversal.amount == entry.amount and entry.signed_amount + reversal.signed_amount == 0
    assert AuditEvent.objects.filter(action="finance.entry.reverse").count() == 1
    refused(
        lambda: services.entry_reverse(actor=fw.users["cadre_a1"], entry=entry, reason="再冲"),
        contains="already been reversed",
    )
    refused(
        lambda: services.entry_reverse(actor=fw.users["cadre_a1"], entry=reversal, reason="冲销冲销"),
        contains="cannot itself be reversed",
    )
    other = fw.income("10.00", day=date(2026, 10, 15))
    refused(
        lambda: services.entry_reverse(actor=fw.users["cadre_a1"], entry=other, reason="x", date=date(2026, 10, 1)),
        field="date",
    )
    refused(lambda: services.entry_reverse(actor=fw.users["cadre_a1"], entry=other, reason=""), field="reason")
    with pytest.raises(NotFound):
        services.entry_reverse(actor=fw.users["cadre_b1"], entry=other, reason="越权")


def test_vouchers_are_added_later_never_removed(fw):
    entry = fw.income()
    services.entry_attach(actor=fw.users["cadre_a1"], entry=entry, files=[pdf()])
    refused(
        lambda: services.entry_attach(actor=fw.users["cadre_a1"], entry=entry, files=[not_a_document()]),
        field="vouchers",
    )
    refused(lambda: services.entry_attach(actor=fw.users["cadre_a1"], entry=entry, files=[]), field="vouchers")
    with pytest.raises(NotFound):
        services.entry_attach(actor=fw.users["supervisor_a1"], entry=entry, files=[pdf()])
    assert entry.vouchers.count() == 1


# -- expenses: submission -------------------------------------------------------------------------------------


def test_submission_fixes_the_band_and_its_chain(fw):
    small = fw.submit("1500.00", vouchers=[pdf()])
    assert small.state == "pending" and small.chain == [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY]
    assert small.band_label and small.lines.count() == 2 and small.vouchers.count() == 1
    middle = fw.submit("20000.00")
    assert middle.chain[-2:] == [Post.LIAISON, Post.AGRI_STATION]
    big = fw.submit("20000.01", deliberation_ref="2026年第4次村民代表会议")
    assert big.chain[-1] == Post.TOWNSHIP_HEAD and big.needs_deliberation
    # a later change of the chain never rewrites what was submitted
    services.chain_save(
        actor=fw.users["township_a"], region=fw.w.township_a, bands=[{"max_amount": None, "posts": [Post.SECRETARY]}]
    )
    small.refresh_from_db()
    assert small.chain == [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY]
    assert fw.submit("1500.00").chain == [Post.SECRETARY]


def test_submission_refusals(fw):
    refused(
        lambda: fw.submit(
            "1500.00",
            lines=[{"description": "打印纸", "amount": "700.00"}, {"description": "墨盒", "amount": "700.00"}],
        ),
        field="amount",
        contains="add up to 1,400.00",
    )
    refused(lambda: fw.submit(lines=[]), field="lines")
    refused(lambda: fw.submit(lines=[{"description": "", "amount": "1500.00"}]), field="lines")
    refused(lambda: fw.submit(lines=[{"description": "纸", "amount": "1500.001"}]), field="lines")
    refused(lambda: fw.submit("30000.00"), field="deliberation_ref", contains="两委商议")
    refused(lambda: fw.submit(category=fw.cat("50401")), field="category", contains="not an expense category")
    refused(lambda: fw.submit(payee="张三 身份证 510422198005170011"), field="payee")
    refused(lambda: fw.submit(vouchers=[not_a_document()]), field="vouchers")
    with pytest.raises(NotFound):
        fw.submit(by="cadre_b1")


# -- expenses: the signing chain ------------------------------------------------------------------------------


def test_the_whole_chain_then_payment_posts_one_entry(fw):
    expense = fw.submit("1500.00")
    signers = fw.signers(expense)
    for n, user in enumerate(signers):
        assert expense.step_index == n
        services.expense_sign(actor=user, expense=expense, step=n)
    assert expense.state == "approved" and expense.approved_at is not None
    entry = services.expense_pay(
        actor=fw.users["cadre_a1"], expense=expense, reference="YH001", date=date(2026, 10, 20)
    )
    expense.refresh_from_db()
    assert expense.state == "paid" and entry.expense == expense and entry.direction == "expense"
    assert entry.amount == expense.amount and entry.method == "bank_transfer" and entry.category == expense.category
    assert LedgerEntry.objects.filter(expense=expense).count() == 1
    refused(
        lambda: services.expense_pay(actor=fw.users["cadre_a1"], expense=expense, reference="YH002"),
        code="state",
        contains="already been paid",
    )


def test_signing_out_of_order_or_skipping_is_refused(fw):
    expense = fw.submit()
    exc = refused(lambda: services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense), code="order")
    assert "Not your turn" in exc.messages[0]
    refused(lambda: services.expense_sign(actor=fw.users["reviewer_a1"], expense=expense), code="role")
    with pytest.raises(NotFound):
        services.expense_sign(actor=fw.users["cadre_b1"], expense=expense)


def test_the_same_person_never_signs_two_steps(fw):
    cadre = fw.users["cadre_a1"]
    services.post_assign(actor=fw.users["township_a"], village=fw.village, post=Post.CLERK, user=cadre)
    expense = fw.submit()
    services.expense_sign(actor=cadre, expense=expense)  # as 村文书
    exc = refused(lambda: services.expense_sign(actor=cadre, expense=expense), code="signed")
    assert "one person signs only one step" in exc.messages[0]
    # another holder of 村支书 can sign it
    services.post_assign(
        actor=fw.users["township_a"], village=fw.village, post=Post.SECRETARY, user=fw.users["first_a1"]
    )
    services.expense_sign(actor=fw.users["first_a1"], expense=expense)
    assert expense.step_index == 2


def test_signing_twice_a_stale_step_and_a_finished_chain_are_refused(fw):
    expense = fw.submit()
    services.expense_sign(actor=fw.users["clerk_a1"], expense=expense, step=0)
    refused(lambda: services.expense_sign(actor=fw.users["clerk_a1"], expense=expense), code="role")
    refused(lambda: services.expense_sign(actor=fw.users["cadre_a1"], expense=expense, step=0), code="stale")
    refused(lambda: services.expense_sign(actor=fw.users["cadre_a1"], expense=expense, version=1), code="stale")
    services.expense_sign(actor=fw.users["cadre_a1"], expense=expense)
    services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense)
    refused(lambda: services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense), code="state")


def test_return_correct_resubmit_and_the_chain_starts_over(fw):
    expense = fw.submit()
    services.expense_sign(actor=fw.users["clerk_a1"], expense=expense)
    refused(
        lambda: services.expense_decide(actor=fw.users["cadre_a1"], expense=expense, step="return", reason=""),
        field="reason",
    )
    refused(
        lambda: services.expense_decide(actor=fw.users["supervisor_a1"], expense=expense, step="return", reason="不对"),
        code="order",
    )
    services.expense_decide(actor=fw.users["cadre_a1"], expense=expense, step="return", reason="请补充发票")
    assert expense.state == "returned" and expense.reason == "请补充发票"
    refused(lambda: services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense), code="state")
    refused(lambda: services.expense_resubmit(actor=fw.users["clerk_a1"], expense=expense), code="role")
    refused(
        lambda: services.expense_resubmit(actor=fw.users["cadre_a1"], expense=expense, amount="1600.00"), field="amount"
    )
    services.expense_resubmit(
        actor=fw.users["cadre_a1"],
        expense=expense,
        amount="25000.00",
        deliberation_ref="两委会议纪要2026-10",
        lines=[{"description": "办公桌椅", "amount": "25000.00"}],
        vouchers=[pdf()],
    )
    expense.refresh_from_db()
    assert expense.state == "pending" and expense.step_index == 0 and expense.round == 2
    assert expense.chain[-1] == Post.TOWNSHIP_HEAD and expense.lines.count() == 1
    services.expense_sign(actor=fw.users["clerk_a1"], expense=expense)  # a new submission: the clerk signs again
    assert expense.step_index == 1


def test_reject_and_withdraw(fw):
    expense = fw.submit()
    services.expense_decide(actor=fw.users["clerk_a1"], expense=expense, step="reject", reason="不属于村级开支")
    assert expense.state == "rejected"
    refused(
        lambda: services.expense_decide(actor=fw.users["clerk_a1"], expense=expense, step="reject", reason="x"),
        code="state",
    )
    other = fw.submit()
    refused(lambda: services.expense_withdraw(actor=fw.users["clerk_a1"], expense=other, reason="x"), code="role")
    services.expense_withdraw(actor=fw.users["cadre_a1"], expense=other, reason="重复申请")
    assert other.state == "withdrawn"


def test_payment_refusals(fw):
    expense = fw.submit()
    refused(
        lambda: services.expense_pay(actor=fw.users["cadre_a1"], expense=expense, reference="YH"),
        code="state",
        contains="fully approved",
    )
    fw.approve(expense)
    refused(lambda: services.expense_pay(actor=fw.users["supervisor_a1"], expense=expense, reference="YH"), code="role")
    refused(
        lambda: services.expense_pay(
            actor=fw.users["cadre_a1"], expense=expense, reference="YH", date=timezone.localdate() + timedelta(days=3)
        ),
        field="date",
    )
    services.expense_pay(actor=fw.users["cadre_a1"], expense=expense, reference="YH", vouchers=[image()])
    assert LedgerEntry.objects.get(expense=expense).vouchers.count() == 1


# -- posts and chains -----------------------------------------------------------------------------------------


def test_post_assignment_rules(fw):
    township = fw.users["township_a"]
    refused(
        lambda: services.post_assign(actor=township, village=fw.village, post=Post.CLERK, user=fw.users["clerk_a1"]),
        field="user",
        contains="already holds",
    )
    refused(
        lambda: services.post_assign(actor=township, village=fw.village, post="mayor", user=fw.users["clerk_a1"]),
        field="post",
    )
    refused(
        lambda: services.post_assign(actor=township, village=fw.village, post=Post.CLERK, user=fw.users["cadre_b1"]),
        field="user",
        contains="no role",
    )
    with pytest.raises(NotFound):
        services.post_assign(actor=fw.users["cadre_a1"], village=fw.village, post=Post.CLERK, user=fw.users["cadre_a1"])
    holding = PostAssignment.objects.get(village=fw.village, post=Post.CLERK)
    services.post_end(actor=township, assignment=holding)
    refused(lambda: services.post_end(actor=township, assignment=holding), contains="already ended")
    expense = fw.submit()
    refused(lambda: services.expense_sign(actor=fw.users["clerk_a1"], expense=expense), code="role")


def test_chain_configuration_rules(fw):
    township = fw.users["township_a"]

    def save(bands):
        return lambda: services.chain_save(actor=township, region=fw.w.township_a, bands=bands)

    refused(save([]), field="bands")
    refused(save([{"max_amount": "100.00", "posts": [Post.CLERK]}]), field="bands", contains="leave its limit empty")
    refused(
        save([{"max_amount": None, "posts": [Post.CLERK]}, {"max_amount": None, "posts": [Post.CLERK]}]), field="bands"
    )
    refused(
        save(
            [
                {"max_amount": "500", "posts": [Post.CLERK]},
                {"max_amount": "400", "posts": [Post.CLERK]},
                {"posts": [Post.CLERK]},
            ]
        ),
        field="bands",
        contains="increase",
    )
    refused(save([{"max_amount": None, "posts": []}]), field="bands")
    refused(save([{"max_amount": None, "posts": ["mayor"]}]), field="bands")
    refused(save([{"max_amount": None, "posts": [Post.CLERK, Post.CLERK]}]), field="bands", contains="only once")
    with pytest.raises(NotFound):
        services.chain_save(actor=fw.users["cadre_a1"], region=fw.w.township_a, bands=[{"posts": [Post.CLERK]}])
    with pytest.raises(NotFound):
        services.chain_save(actor=township, region=fw.w.township_b, bands=[{"posts": [Post.CLERK]}])
    save([{"max_amount": "1000", "posts": [Post.CLERK]}, {"posts": [Post.CLERK, Post.SECRETARY]}])()
    assert [b.posts for b in selectors.bands_for(fw.village)] == [[Post.CLERK], [Post.CLERK, Post.SECRETARY]]
    services.chain_reset(actor=township, region=fw.w.township_a)
    assert len(selectors.bands_for(fw.village)) == 3  # the county's again
    refused(lambda: services.chain_reset(actor=township, region=fw.w.township_a), contains="already uses")


# -- the monthly disclosure -----------------------------------------------------------------------------------


def test_disclosure_refusals_and_the_closed_month(fw):
    fw.income("500.00", day=date(2026, 10, 3))
    cadre = fw.users["cadre_a1"]
    today = timezone.localdate()
    refused(
        lambda: services.disclosure_generate(actor=cadre, village=fw.village, year=today.year, month=today.month),
        field="month",
        contains="after it has ended",
    )
    refused(lambda: services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=13), field="month")
    with pytest.raises(NotFound):
        services.disclosure_generate(actor=fw.users["reviewer_a1"], village=fw.village, year=2026, month=10)
    row = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert row.notice.stream == "finance" and row.notice.state == "draft" and row.income == Decimal("500.00")
    refused(
        lambda: services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10),
        field="month",
        contains="already been generated",
    )
    refused(lambda: fw.income(day=date(2026, 10, 31)), field="date", contains="can no longer be added")
    entry = LedgerEntry.objects.get()
    refused(lambda: services.entry_reverse(actor=cadre, entry=entry, reason="x", date=date(2026, 10, 31)), field="date")
    # withdrawn (discarded) → the month can be generated again
    from transparency import services as transparency_services

    transparency_services.notice_step(actor=cadre, notice=row.notice, step="discard")
    fw.income("1.00", day=date(2026, 10, 31))
    again = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert again.income == Decimal("501.00")


def test_the_next_signer_and_the_requester_are_notified(fw, django_capture_on_commit_callbacks):
    from core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        expense = fw.submit()
    assert Notification.objects.filter(user=fw.users["clerk_a1"], kind="finance").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_sign(actor=fw.users["clerk_a1"], expense=expense)
    assert Notification.objects.filter(user=fw.users["cadre_a1"], url=f"/finance/expenses/{expense.pk}/").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_sign(actor=fw.users["cadre_a1"], expense=expense)
        services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense)
    texts = list(Notification.objects.filter(user=fw.users["cadre_a1"]).values_list("text", flat=True))
    assert any("record the payment" in t for t in texts)
