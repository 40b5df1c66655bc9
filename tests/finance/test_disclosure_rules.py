"""The monthly disclosure at any size, once per month, corrected only by a 更正 that says why, and the balances it
showed never moved afterwards (issue 17 #3, #4, #5).

- A month of thousands of entries is disclosed: the text is the statement by category (收支明细表), whose length does
  not grow with the entries; every entry goes with it as a table (.xlsx, a page to print).
- One disclosure per village and month: generating it again is refused; a correction names the disclosure it
  corrects, why, what changed and the entries reversed since; once published it supersedes the earlier notice.
- No entry is dated on or before the last disclosed month (it would move the published opening and closing
  balances); a mistake is corrected by a reversal in an open month.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import DomainError
from finance import ledger, selectors, services
from finance.models import Direction, LedgerEntry, MonthlyDisclosure
from finance.rules import yuan
from transparency import services as transparency_services

pytestmark = pytest.mark.django_db

INCOME = ("501", "50201", "50202", "503", "50401", "50402", "505")
EXPENSE = ("601", "60201", "60202", "60203", "60301", "60302", "604")


def _bulk(fw, n: int, *, year=2026, month=10, start=0) -> list[LedgerEntry]:
    """``n`` entries of a month written straight to the table (fast; the services are tested elsewhere): income and
    expense in every default category, some from private persons."""
    v = fw.village
    cadre = fw.users["cadre_a1"]
    cats = {code: fw.cat(code) for code in INCOME + EXPENSE}
    rows = []
    for i in range(start, start + n):
        code = (INCOME + EXPENSE)[i % (len(INCOME) + len(EXPENSE))]
        rows.append(
            LedgerEntry(
                date=date(year, month, 1 + i % 28),
                direction=cats[code].direction,
                category=cats[code],
                amount=Decimal("100.00") + Decimal(i) / 100,
                counterparty="张三丰" if i % 7 == 0 else "县财政局",
                counterparty_is_person=i % 7 == 0,
                summary=f"第{i}笔收支",
                method="bank_transfer",
                reference=f"ZZ{i:05d}",
                recorded_by=cadre,
                county_id=v.county_id,
                township_id=v.township_id,
                village_id=v.pk,
            )
        )
    return LedgerEntry.objects.bulk_create(rows, batch_size=500)


def _publish(fw, notice, today=None):
    cadre = fw.users["cadre_a1"]
    today = today or timezone.localdate()
    transparency_services.notice_step(actor=cadre, notice=notice, step="submit")
    transparency_services.notice_step(actor=fw.users["reviewer_a1"], notice=notice, step="check")
    transparency_services.notice_step(
        actor=cadre, notice=notice, step="publish", data={"posted_from": today, "posted_until": today + timedelta(7)}
    )
    notice.refresh_from_db()
    return notice


def test_a_month_of_thousands_of_entries_is_disclosed(fw, client):
    _bulk(fw, 3000)
    row = services.disclosure_generate(actor=fw.users["cadre_a1"], village=fw.village, year=2026, month=10)
    s = ledger.month_summary(fw.village.pk, 2026, 10)
    assert len(s.entries) == 3000 and row.income == s.income and row.expense == s.expense
    body = row.notice.body
    assert len(body) < 3000  # the statement by category: its length does not grow with the entries
    assert f"| 二、本月收入合计 | {yuan(s.income)} | {sum(1 for e in s.entries if e.direction == 'income')} |" in body
    assert "共 3000 笔" in body and "张三丰" not in body
    (table,) = row.notice.attachments.all()
    book = load_workbook(table.file.open("rb"), read_only=True)
    entries = list(book["收支逐笔明细"].iter_rows(values_only=True))[1:]
    assert len(entries) == 3000
    income = sum(Decimal(str(r[4])).quantize(Decimal("0.01")) for r in entries if r[2] == "收入")
    assert income == row.income and {r[5] for r in entries} == {"张**", "县财政局"}
    welfare = list(book["惠民资金明细"].iter_rows(values_only=True))[1:]
    assert len(welfare) == sum(1 for e in s.entries if e.category.is_welfare) > 0
    # published, the board shows the statement and every entry on the table page, which prints
    notice = _publish(fw, row.notice)
    code = fw.village.code
    page = client.get(f"/public/{code}/notices/{notice.pk}/").content.decode()
    assert '<table class="ntable">' in page and yuan(s.closing) in page
    page = client.get(f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/").content.decode()
    assert page.count('<tr><td class="n">') == 3000 + len(welfare)  # every entry, then 惠民资金 again
    assert "JZ2026-" in page and "张三丰" not in page


def test_one_disclosure_a_month_and_a_correction_that_says_why(fw, client, login, api_token):
    cadre = fw.users["cadre_a1"]
    fw.income("100000.00", day=date(2026, 9, 30))
    wrong = fw.income("999.99", day=date(2026, 10, 15), code="50201")
    fw.income("12345.67", day=date(2026, 10, 1))
    old = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    with pytest.raises(DomainError) as refused:  # not yet published: it is the month's disclosure all the same
        services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert "请先作废该草稿" in refused.value.messages[0]
    with pytest.raises(DomainError) as refused:  # a draft is not corrected
        services.disclosure_correct(actor=cadre, disclosure=old, reason="数字有误")
    assert refused.value.code == "state"
    _publish(fw, old.notice)
    with pytest.raises(DomainError) as refused:
        services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert "month" in refused.value.message_dict and "更正" in refused.value.messages[0]
    response = client.post(
        "/api/finance/disclosures",
        {"village_id": fw.village.pk, "year": 2026, "month": 10},
        content_type="application/json",
        **api_token(cadre),
    )
    assert response.status_code == 422 and MonthlyDisclosure.objects.count() == 1  # the API refuses it too
    # an earlier month's entry written before the rule existed (straight to the table) moved October's opening
    # balance; an October entry reversed in November
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                date=date(2026, 9, 20),
                direction=Direction.INCOME,
                category=fw.cat("505"),
                amount=Decimal("500.00"),
                counterparty="县财政局",
                summary="补记九月收入",
                method="bank_transfer",
                recorded_by=cadre,
                county_id=fw.village.county_id,
                township_id=fw.village.township_id,
                village_id=fw.village.pk,
            )
        ]
    )
    services.entry_reverse(actor=cadre, entry=wrong, reason="承包费记错", date=date(2026, 11, 3))
    with pytest.raises(DomainError) as refused:
        services.disclosure_correct(actor=cadre, disclosure=old, reason="  ")
    assert "reason" in refused.value.message_dict
    login(cadre)
    response = client.post(f"/finance/disclosures/{old.pk}/correct/", {"reason": "九月补记收入后期初余额有误"})
    new = MonthlyDisclosure.objects.get(corrects=old)
    assert response.status_code == 302 and response.url == f"/transparency/{new.notice_id}/"
    assert new.sequence == 1 and new.reason == "九月补记收入后期初余额有误" and new.notice.corrects_id == old.notice_id
    body = new.notice.body
    assert new.notice.title.endswith("（更正）") and old.notice.number in body
    assert "更正原因：九月补记收入后期初余额有误" in body
    assert "| 期初余额 | 100,000.00 | 100,500.00 |" in body and "| 期末余额 | 113,345.66 | 113,845.66 |" in body
    assert "| 本月收入合计 |" not in body.split("收支明细表")[0]  # unchanged figures are not named as changes
    assert f"| {wrong.number} | 发包及上交收入/土地发包收入 | 999.99 | 2026-11-03 | 承包费记错 |" in body
    with pytest.raises(DomainError) as refused:  # one correction at a time
        services.disclosure_correct(actor=cadre, disclosure=old, reason="再次更正")
    assert refused.value.code == "pending"
    with pytest.raises(DomainError):
        services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    _publish(fw, new.notice)
    old.notice.refresh_from_db()
    assert old.notice.state == "withdrawn" and old.notice.superseded_by_id == new.notice_id
    assert not selectors.correctable(old) and selectors.correctable(new)
    page = client.get("/finance/disclosures/", {"village": fw.village.pk}).content.decode()
    assert f"/finance/disclosures/{new.pk}/correct/" in page and f"/finance/disclosures/{old.pk}/correct/" not in page
    # the correction is corrected in turn through the API
    response = client.post(
        f"/api/finance/disclosures/{new.pk}/correct",
        {"reason": "补充说明"},
        content_type="application/json",
        **api_token(cadre),
    )
    assert response.status_code == 201 and response.json()["corrects_id"] == new.pk
    assert response.json()["sequence"] == 2
    listed = client.get("/api/finance/disclosures", {"village_id": fw.village.pk}, **api_token(cadre)).json()
    assert {d["id"]: d["superseded_by_notice_id"] for d in listed}[old.pk] == new.notice_id


def test_no_entry_on_or_before_the_last_disclosed_month(fw):
    cadre = fw.users["cadre_a1"]
    september = fw.income("800.00", day=date(2026, 9, 10))
    fw.income("200.00", day=date(2026, 10, 5))
    approved = fw.approve(fw.submit("600.00"))
    row = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    for day in (date(2026, 9, 15), date(2026, 10, 31), date(2025, 1, 2)):
        with pytest.raises(DomainError) as refused:
            fw.income("50.00", day=day)
        assert "date" in refused.value.message_dict and "不能再记入收支" in refused.value.messages[0]
    with pytest.raises(DomainError) as refused:
        services.entry_reverse(actor=cadre, entry=september, reason="记错", date=date(2026, 9, 30))
    assert "date" in refused.value.message_dict
    with pytest.raises(DomainError) as refused:
        services.expense_pay(actor=cadre, expense=approved, reference="YH1", date=date(2026, 9, 28))
    assert "date" in refused.value.message_dict
    # what the disclosure shows stays what the ledger says
    assert ledger.balance_before(fw.village.pk, date(2026, 10, 1)) == row.opening == Decimal("800.00")
    assert ledger.balance_before(fw.village.pk, date(2026, 11, 1)) == row.closing == Decimal("1000.00")
    # corrections go in the open month
    fw.income("50.00", day=date(2026, 11, 1))
    services.entry_reverse(actor=cadre, entry=september, reason="记错", date=date(2026, 11, 2))
    services.expense_pay(actor=cadre, expense=approved, reference="YH1", date=date(2026, 11, 3))
    assert ledger.balance_before(fw.village.pk, date(2026, 11, 1)) == row.closing
    # a draft thrown away disclosed nothing: the months open again
    transparency_services.notice_step(actor=cadre, notice=row.notice, step="discard")
    fw.income("1.00", day=date(2026, 9, 15))
    row = services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert row.sequence == 1 and row.opening == Decimal("801.00")
    # published then withdrawn by hand: the month was disclosed, it stays closed and is not generated again
    _publish(fw, row.notice)
    transparency_services.notice_step(actor=cadre, notice=row.notice, step="withdraw", data={"reason": "有误"})
    with pytest.raises(DomainError):
        fw.income("1.00", day=date(2026, 10, 20))
    with pytest.raises(DomainError):
        services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)


def test_a_month_with_a_typed_statement_is_not_generated_beside_it(fw):
    """The board showed two statements of one month with different figures: one typed as a financial notice, one
    generated from the ledger. The ledger's is refused while the typed one stands (correct or discard it)."""
    cadre = fw.users["cadre_a1"]
    fw.income("500.00", day=date(2026, 10, 3))
    typed = transparency_services.notice_create(
        actor=cadre,
        village=fw.village,
        stream="finance",
        category="收支明细",
        title="十月收支（手写）",
        body="本月收入 480.00 元。",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    _publish(fw, typed)
    with pytest.raises(DomainError) as refused:
        services.disclosure_generate(actor=cadre, village=fw.village, year=2026, month=10)
    assert typed.number in refused.value.messages[0] and not MonthlyDisclosure.objects.exists()
