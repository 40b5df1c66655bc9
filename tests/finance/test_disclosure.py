"""The monthly financial disclosure is generated from the ledger: its figures equal the ledger to the cent (reversals
and entries on the first and last day of the month included, entries of the months around it left out), welfare
lines are itemised, private persons are masked, and it follows the transparency procedure to the public board."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from finance import ledger, services
from finance.disclosure import month_xlsx
from finance.rules import yuan
from transparency import services as transparency_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(fw):
    """A ledger around October 2026: entries on 30 Sept, 1 Oct, 31 Oct and 1 Nov; a reversal; a welfare payment."""
    cadre = fw.users["cadre_a1"]
    fw.income("100000.00", day=date(2026, 9, 30))  # before: opening balance
    first = fw.income("12345.67", day=date(2026, 10, 1), code="50401")
    fw.income("0.01", day=date(2026, 10, 31), code="501", counterparty="王建国", counterparty_is_person=True)
    wrong = fw.income("999.99", day=date(2026, 10, 15), code="50201")
    services.entry_reverse(actor=cadre, entry=wrong, reason="承包费记错", date=date(2026, 10, 31))
    fw.income("8888.88", day=date(2026, 11, 1))  # after: not in October
    fw.paid("1500.00", day=date(2026, 10, 1))
    fw.paid(
        "2468.02",
        day=date(2026, 10, 31),
        category=fw.cat("60302"),
        title="惠民资金兑付",
        payee="刘桂兰",
        payee_is_person=True,
        lines=[{"description": "到户补贴", "amount": "2468.02"}],
    )
    return first


def test_the_generated_totals_equal_the_ledger_to_the_cent(fw, october):
    row = services.disclosure_generate(actor=fw.users["cadre_a1"], village=fw.village, year=2026, month=10)
    s = ledger.month_summary(fw.village.pk, 2026, 10)
    assert row.opening == s.opening == Decimal("100000.00")
    assert row.income == s.income == Decimal("12345.67") + Decimal("0.01") + Decimal("999.99") - Decimal("999.99")
    assert row.expense == s.expense == Decimal("1500.00") + Decimal("2468.02")
    assert row.closing == s.closing == Decimal("100000.00") + Decimal("12345.68") - Decimal("3968.02")
    assert row.closing == ledger.balance_before(fw.village.pk, date(2026, 11, 1))
    body = row.notice.body
    for amount in (row.opening, row.income, row.expense, row.closing):
        assert f"{yuan(amount)} 元" in body
    # the text is the statement by category (收支明细表), a table of the top categories and their sub-categories
    lines = {line.category.name: line.amount for line in s.income_lines + s.expense_lines}
    assert lines["补助收入"] == Decimal("12345.67") and lines["发包及上交收入"] == Decimal("0.00")
    assert lines["公益支出"] == Decimal("2468.02") and lines["管理费用"] == Decimal("1500.00")
    assert "| 项目 | 金额（元） | 笔数 |" in body
    assert f"| 四、期末余额（本月结余） | {yuan(row.closing)} |  |" in body
    assert "| 3. 补助收入 | 12,345.67 | 1 |" in body and "| （1）惠民资金（兑付到户） | 2,468.02 | 1 |" in body
    assert "8,888.88" not in body  # November is not October
    # the entries are not in the text but in the attached table; nobody's name is in the text
    assert "JZ2026" not in body and "刘桂兰" not in body and "王建国" not in body
    assert "共 6 笔（其中红字冲销 1 笔）" in body
    # every entry of the month is in the attached table, the reversal with a minus and the entry it reverses;
    # 惠民资金 itemised again on their own sheet; private persons masked
    (table,) = row.notice.attachments.all()
    assert table.is_table and table.name == "安家村2026年10月收支逐笔明细.xlsx"
    book = load_workbook(table.file.open("rb"))
    entries = list(book["收支逐笔明细"].iter_rows(values_only=True))
    assert entries[0][0] == "记账编号" and len(entries) == 1 + 6
    reversal = next(r for r in entries if str(r[8] or "").startswith("红字冲销"))
    assert Decimal(str(reversal[4])) == Decimal("-999.99") and "承包费记错" in reversal[8]
    assert sum(Decimal(str(r[4])) for r in entries[1:] if r[2] == "收入") == row.income
    names = {r[5] for r in entries[1:]}
    assert "王**" in names and "刘桂兰" not in names and "王建国" not in names
    welfare = list(book["惠民资金明细"].iter_rows(values_only=True))
    assert len(welfare) == 2 and Decimal(str(welfare[1][4])) == Decimal("2468.02") and welfare[1][5].startswith("刘*")


def test_the_xlsx_of_the_month(fw, october):
    import io

    from openpyxl import load_workbook

    s = ledger.month_summary(fw.village.pk, 2026, 10)
    sheet = load_workbook(io.BytesIO(month_xlsx(fw.village, s))).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    labels = {
        row[0]: row[1] for row in values if row and row[0] in ("期初余额", "本月收入合计", "本月支出合计", "期末余额")
    }
    assert Decimal(str(labels["期末余额"])) == s.closing
    assert sum(1 for row in values if row and str(row[0] or "").startswith("JZ")) == 6


def test_the_disclosure_is_checked_then_published_on_the_public_board(fw, october):
    cadre, reviewer = fw.users["cadre_a1"], fw.users["reviewer_a1"]
    row = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    notice = row.notice
    assert notice.stream == "finance" and notice.period_start == date(2026, 10, 1)
    assert notice.period_end == date(2026, 10, 31)
    transparency_services.notice_step(actor=cadre, notice=notice, step="submit")
    transparency_services.notice_step(actor=reviewer, notice=notice, step="check")
    today = timezone.localdate()
    transparency_services.notice_step(
        actor=cadre, notice=notice, step="publish", data={"posted_from": today, "posted_until": today + timedelta(7)}
    )
    page = Client().get(f"/public/{fw.village.code}/notices/{notice.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert yuan(row.closing) in text and "刘桂兰" not in text
