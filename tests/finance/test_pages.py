"""The village ledger's pages through the Django test client, for every role: who opens what, the forms, refusals
that keep what was typed and write nothing, vouchers served only in scope, the month's .xlsx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils.timezone import localtime
from openpyxl import load_workbook

from core import workflow
from finance import services
from finance.models import ApprovalBand, Category, Expense, LedgerEntry, MonthlyDisclosure, Post, PostAssignment
from tests.finance.support import not_a_document, pdf, shown

pytestmark = pytest.mark.django_db


def step_url(expense, step: str) -> str:
    """Where an expense's step form posts: the casework step view (the step declared on finance.flows.EXPENSE)."""
    return f"/casework/cases/expense/{expense.pk}/steps/{step}/"


def test_who_opens_which_page(fw, login, client):
    entry = fw.income()
    expense = fw.submit()
    pages = [
        "/finance/",
        "/finance/ledger/",
        f"/finance/entries/{entry.pk}/",
        f"/finance/expenses/{expense.pk}/",
        "/finance/expenses/",
        "/finance/disclosures/",
    ]
    for who in ("cadre_a1", "reviewer_a1", "supervisor_a1", "township_a", "county_official", "county_admin"):
        login(fw.users[who])
        for url in pages:
            assert client.get(url).status_code == 200, (who, url)
    for who, url, status in (
        ("villager_a1", "/finance/", 403),
        ("grid_a1", "/finance/ledger/", 403),
        ("reviewer_a1", "/finance/income/new/", 403),
        ("supervisor_a1", "/finance/expenses/new/", 403),
        ("cadre_a1", "/finance/config/", 403),
        ("cadre_b1", f"/finance/entries/{entry.pk}/", 404),
        ("cadre_b1", f"/finance/expenses/{expense.pk}/", 404),
        ("township_a", "/finance/config/", 200),
        ("county_admin", "/finance/config/", 200),
        ("supervisor_a1", "/finance/queue/", 200),
    ):
        login(fw.users[who])
        assert client.get(url).status_code == status, (who, url)
    client.logout()
    assert client.get("/finance/").status_code == 302


def test_the_ledger_lists_filters_and_totals(fw, login, client):
    fw.income("1000.00", code="50401", summary="转移支付十月")
    fw.income("250.50", code="501", summary="经营收入十月", day=date(2026, 10, 31))
    fw.income("77.00", summary="九月的", day=date(2026, 9, 30))
    fw.paid("300.00")
    login(fw.users["supervisor_a1"])
    page = client.get("/finance/ledger/", {"month": "2026-10", "village": fw.village.pk}).content.decode()
    assert "转移支付十月" in page and "经营收入十月" in page and "九月的" not in page
    assert "1,250.50" in page and "300.00" in page and "1,027.50" in page  # income, expense, closing
    page = client.get("/finance/ledger/", {"month": "2026-10", "direction": "expense"}).content.decode()
    assert "村委会办公用品" in page and "转移支付十月" not in page
    page = client.get("/finance/ledger/", {"month": "2026-10", "category": fw.cat("504").pk}).content.decode()
    assert "转移支付十月" in page and "经营收入十月" not in page
    assert shown("No entry in this month.") in client.get("/finance/ledger/", {"month": "2025-01"}).content.decode()
    home = client.get("/finance/", {"month": "2026-10"}).content.decode()
    assert "1,027.50" in home


def test_record_income_through_the_page(fw, login, client):
    login(fw.users["cadre_a1"])
    data = {
        "village": fw.village.pk,
        "date": "2026-10-12",
        "category": fw.cat("50201").pk,
        "amount": "1200.456",
        "counterparty": "合作社",
        "summary": "土地发包费",
        "method": "bank_transfer",
        "reference": "FB01",
    }
    response = client.post("/finance/income/new/", data)
    assert (
        response.status_code == 200 and shown("An amount has at most two decimals (fen).") in response.content.decode()
    )
    assert 'value="1200.456"' in response.content.decode()  # what was typed is kept
    assert LedgerEntry.objects.count() == 0
    response = client.post("/finance/income/new/", {**data, "amount": "1200.45", "vouchers": [pdf()]})
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and response.url == f"/finance/entries/{entry.pk}/"
    assert entry.amount.as_tuple() and str(entry.amount) == "1200.45" and entry.vouchers.count() == 1
    response = client.post("/finance/income/new/", {**data, "amount": "5", "vouchers": [not_a_document()]})
    assert response.status_code == 200 and LedgerEntry.objects.count() == 1


def test_entry_page_reversal_and_vouchers(fw, login, client):
    entry = fw.income(vouchers=[pdf()])
    voucher = entry.vouchers.get()
    login(fw.users["cadre_a1"])
    page = client.get(f"/finance/entries/{entry.pk}/").content.decode()
    assert voucher.name in page and shown("Record a reversing entry") in page
    assert client.get(f"/finance/vouchers/{voucher.pk}/").status_code == 200
    response = client.post(f"/finance/entries/{entry.pk}/", {"reason": "", "date": "2026-10-12"})
    assert response.status_code == 200 and LedgerEntry.objects.count() == 1
    response = client.post(f"/finance/entries/{entry.pk}/", {"reason": "金额有误", "date": "2026-10-12"})
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert response.url == f"/finance/entries/{reversal.pk}/"
    page = client.get(f"/finance/entries/{entry.pk}/").content.decode()
    assert reversal.number in page and shown("Record a reversing entry") not in page
    client.post(f"/finance/entries/{entry.pk}/vouchers/", {"vouchers": [pdf("补充.pdf")]})
    assert entry.vouchers.count() == 2
    # vouchers only in scope
    for who, status in (("supervisor_a1", 200), ("cadre_b1", 404), ("villager_a1", 404)):
        login(fw.users[who])
        assert client.get(f"/finance/vouchers/{voucher.pk}/").status_code == status, who
    # the supervisory committee reads but does not reverse
    login(fw.users["supervisor_a1"])
    other = fw.income("5.00")
    assert shown("Record a reversing entry") not in client.get(f"/finance/entries/{other.pk}/").content.decode()
    client.post(f"/finance/entries/{other.pk}/", {"reason": "x", "date": "2026-10-12"})
    assert not LedgerEntry.objects.filter(reverses=other).exists()


def _expense_post(fw, **over):
    data = {
        "village": fw.village.pk,
        "title": "村委会办公用品",
        "category": fw.cat("60202").pk,
        "payee": "安家文具店",
        "amount": "1500.00",
        "line_desc_0": "打印纸",
        "line_amount_0": "700.00",
        "line_desc_1": "墨盒",
        "line_amount_1": "800.00",
    }
    data.update(over)
    return data


def test_expense_form_sign_chain_and_pay_through_the_pages(fw, login, client):
    login(fw.users["cadre_a1"])
    assert shown("Who signs, by amount") in client.get("/finance/expenses/new/").content.decode()
    response = client.post("/finance/expenses/new/", _expense_post(fw, line_amount_1="799.99"))
    lines_off = shown(
        "The item lines add up to %(lines)s yuan, not the total of %(total)s yuan: correct the lines or the total.",
        lines="1,499.99",
        total="1,500.00",
    )
    assert response.status_code == 200 and lines_off in response.content.decode()
    assert 'value="799.99"' in response.content.decode() and Expense.objects.count() == 0
    response = client.post("/finance/expenses/new/", _expense_post(fw, vouchers=[pdf()]))
    expense = Expense.objects.get()
    assert response.url == f"/finance/expenses/{expense.pk}/"
    # out of order: the supervisory committee cannot sign the clerk's step
    login(fw.users["supervisor_a1"])
    page = client.get(f"/finance/expenses/{expense.pk}/").content.decode()
    assert "step-sign" not in page
    client.post(step_url(expense, "sign"), {"sign-version": expense.version})
    expense.refresh_from_db()
    assert expense.step_index == 0
    for who in ("clerk_a1", "cadre_a1", "supervisor_a1"):
        login(fw.users[who])
        queue = client.get("/finance/queue/").content.decode()
        assert expense.title in queue, who
        response = client.get(f"/finance/expenses/{expense.pk}/")
        page = response.content.decode()
        assert "step-sign" in page
        step = response.context["steps"][0]["name"]  # sign; sign_last ("Sign as the final approval") at the last
        expense.refresh_from_db()
        response = client.post(step_url(expense, step), {f"{step}-version": expense.version})
        assert response.status_code == 302
        assert expense.title not in client.get("/finance/queue/").content.decode()
    expense.refresh_from_db()
    assert expense.state == "approved"
    page = client.get(f"/finance/expenses/{expense.pk}/").content.decode()
    signatures = {
        e.actor_label: shown(
            "signed by %(who)s at %(at)s", who=e.actor_label, at=localtime(e.at).strftime("%Y-%m-%d %H:%M")
        )
        for e in workflow.history(expense)
        if e.transition in ("sign", "sign_last")
    }
    assert set(signatures) == {"clerk_a1", "cadre_a1", "supervisor_a1"}
    assert all(text in page for text in signatures.values())
    login(fw.users["cadre_a1"])
    client.post(
        step_url(expense, "pay"),
        {
            "pay-version": expense.version,
            "pay-reference": "YH2026",
            "pay-date": "2026-10-20",
            "pay-attachments": [pdf()],
            "pay-confirm": "on",
        },
    )
    expense.refresh_from_db()
    assert expense.state == "paid" and LedgerEntry.objects.get(expense=expense).vouchers.count() == 1
    assert "YH2026" in client.get(f"/finance/expenses/{expense.pk}/").content.decode()
    paid = f'<span class="badge state state-paid">{shown("Paid")}</span>'
    assert paid in client.get("/finance/expenses/", {"state": "paid"}).content.decode()


def test_return_and_correct_through_the_pages(fw, login, client):
    expense = fw.submit()
    login(fw.users["clerk_a1"])
    client.post(step_url(expense, "return"), {"return-version": expense.version, "return-reason": ""})
    expense.refresh_from_db()
    assert expense.state == "pending"
    client.post(step_url(expense, "return"), {"return-version": expense.version, "return-reason": "补发票"})
    expense.refresh_from_db()
    assert expense.state == "returned"
    assert client.get(f"/finance/expenses/{expense.pk}/correct/").status_code == 404  # not the requester
    login(fw.users["cadre_a1"])
    page = client.get(f"/finance/expenses/{expense.pk}/correct/").content.decode()
    assert "补发票" in page and 'value="打印纸"' in page
    client.post(
        f"/finance/expenses/{expense.pk}/correct/",
        _expense_post(fw, version=expense.version, amount="1600.00", line_amount_1="900.00"),
    )
    expense.refresh_from_db()
    assert expense.state == "pending" and expense.amount == 1600 and expense.round == 2
    client.post(
        step_url(expense, "withdraw"),
        {"withdraw-version": expense.version, "withdraw-reason": "不需要了", "withdraw-confirm": "on"},
    )
    expense.refresh_from_db()
    assert expense.state == "withdrawn"


def test_configuration_pages(fw, login, client):
    login(fw.users["township_a"])
    response = client.get("/finance/config/")
    page = response.content.decode()
    assert "干部报酬" in page and "clerk_a1" in page
    # the village's post holders in the order the posts sign (村文书 first), not in the order of their codes
    posts = [h.post for h in response.context["holders"]]
    assert posts == sorted(posts, key=list(Post.values).index) and posts[0] == Post.CLERK
    region = fw.w.township_a.pk
    client.post(
        "/finance/config/",
        {
            "do": "chain_save",
            "region": region,
            "band_0_max": "3000",
            "band_0_step_0": Post.CLERK,
            "band_0_step_1": Post.SUPERVISORY,
            "band_1_step_0": Post.CLERK,
            "band_1_step_1": Post.SECRETARY,
            "band_1_step_2": Post.TOWNSHIP_HEAD,
            "band_1_delib": "on",
        },
    )
    bands = list(ApprovalBand.objects.filter(region=fw.w.township_a).order_by("id"))
    assert [b.posts for b in bands] == [
        [Post.CLERK, Post.SUPERVISORY],
        [Post.CLERK, Post.SECRETARY, Post.TOWNSHIP_HEAD],
    ]
    assert bands[1].needs_deliberation and bands[0].max_amount == 3000
    response = client.post("/finance/config/", {"do": "chain_save", "region": region, "band_0_max": "100"}, follow=True)
    # one band with a limit: the last band must have none
    assert shown("The last band covers every larger amount: leave its limit empty.") in response.content.decode()
    assert ApprovalBand.objects.filter(region=fw.w.township_a).count() == 2
    client.post(
        "/finance/config/",
        {
            "do": "post_assign",
            "region": region,
            "village": fw.village.pk,
            "post-post": Post.LIAISON,
            "post-user": fw.users["leader_a"].pk,
        },
    )
    assert PostAssignment.objects.filter(post=Post.LIAISON, user=fw.users["leader_a"]).exists()
    holding = PostAssignment.objects.get(post=Post.LIAISON, user=fw.users["leader_a"])
    client.post(
        "/finance/config/", {"do": "post_end", "region": region, "village": fw.village.pk, "assignment": holding.pk}
    )
    holding.refresh_from_db()
    assert holding.ended_at is not None
    client.post(
        "/finance/config/",
        {
            "do": "category_add",
            "region": region,
            "cat-code": "60205",
            "cat-name": "培训费",
            "cat-parent": fw.cat("602").pk,
        },
    )
    added = Category.objects.get(code="60205")
    assert added.parent == fw.cat("602")
    client.post(
        "/finance/config/",
        {"do": "category_change", "region": region, "category": added.pk, "name": "培训及会议费", "is_active": "on"},
    )
    added.refresh_from_db()
    assert added.name == "培训及会议费" and added.is_active
    client.post("/finance/config/", {"do": "chain_reset", "region": region})
    assert not ApprovalBand.objects.filter(region=fw.w.township_a).exists()


def test_disclosure_page_and_xlsx(fw, login, client):
    fw.income("321.09", day=date(2026, 10, 9))
    login(fw.users["cadre_a1"])
    page = client.get("/finance/disclosures/", {"preview": "2026-10"}).content.decode()
    assert "321.09" in page and shown("No disclosure generated yet.") in page
    response = client.post("/finance/disclosures/", {"village": fw.village.pk, "month": "2026-10"})
    row = MonthlyDisclosure.objects.get()
    assert response.url == f"/transparency/notices/{row.notice_id}/" or str(row.notice_id) in response.url
    page = client.get("/finance/disclosures/").content.decode()
    assert row.notice.number in page and shown("Generate the disclosure") in page
    # a generated month is no longer offered; posted anyway, it is refused and nothing is written
    page = client.get("/finance/disclosures/")
    offered = [value for value, _label in page.context["form"].fields["month"].choices]
    assert "2026-10" not in offered and "2026-09" in offered
    response = client.post("/finance/disclosures/", {"village": fw.village.pk, "month": "2026-10"})
    assert response.status_code == 200 and "month" in response.context["form"].errors
    assert MonthlyDisclosure.objects.count() == 1
    login(fw.users["reviewer_a1"])
    assert shown("Generate the disclosure") not in client.get("/finance/disclosures/").content.decode()
    response = client.get("/finance/ledger/export.xlsx", {"village": fw.village.pk, "month": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(row[0] == "期末余额" for row in sheet.iter_rows(values_only=True))
    login(fw.users["cadre_b1"])
    response = client.get("/finance/ledger/export.xlsx", {"village": fw.village.pk, "month": "2026-10"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert fw.village.name not in str(sheet["A1"].value)  # another village's own ledger, never a1's


def test_the_audit_labels_cover_the_codes(fw):
    from core.models import AuditEvent
    from finance.audit_labels import ACTION_LABELS

    fw.paid()
    services.disclosure_generate(actor=fw.users["cadre_a1"], village=fw.village, year=2026, month=10)
    codes = set(AuditEvent.objects.filter(action__startswith="finance.").values_list("action", flat=True))
    assert codes and codes <= set(ACTION_LABELS)


def test_the_years_balances_start_with_the_books(fw, login, client):
    """The overview lists the year's months from the first one with anything in the books, not a column of 0.00 for
    the months before the village's first entry; a village with nothing yet says so."""
    login(fw.users["cadre_a1"])
    page = client.get("/finance/", {"month": "2026-10"})
    assert page.context["months"] == [] and page.context["year_begun"]
    assert shown("Nothing has been recorded in %(year)s yet.", year=2026) in page.content.decode()
    fw.income("500.00", day=date(2026, 9, 30))
    page = client.get("/finance/", {"month": "2026-10"})
    labels = [m["label"] for m in page.context["months"]]
    assert labels[:2] == ["2026-09", "2026-10"] and "2026-08" not in labels
    october = page.context["months"][1]
    assert str(october["opening"]) == "500.00" and str(october["closing"]) == "500.00"
