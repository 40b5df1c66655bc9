"""村级财务 in a real browser: a cadre requests an expense with item lines and a voucher, each holder of a post of the
chain signs it in turn (村文书 → 村支书 → 监委会 on a 360px phone), the cadre records the bank transfer, generates the
month's disclosure from the ledger, the reviewer (民主理财小组) checks it, the cadre publishes it, and the public board
shows it without login. Screens are photographed to /tmp/shots/finance/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from finance.models import Expense, LedgerEntry, MonthlyDisclosure
from tests.browser.conftest import log_in
from tests.finance.support import PDF_BYTES, build_finance_world

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/finance")
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))};
}"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"wider than the phone: {result}"


def last_month_day(day: int):
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).replace(day=day)


def sign(page, expense: Expense, username: str) -> None:
    log_in(page, username)
    page.goto("/finance/queue/")
    page.click(f"text={expense.title}")
    page.wait_for_url(f"**/finance/expenses/{expense.pk}/")
    page.click("#step-sign button[type=submit]")
    page.wait_for_load_state()
    page.context.clear_cookies()


def test_an_expense_through_its_chain_to_the_public_board(desktop_page, mobile_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    fw = build_finance_world()
    fw.income("20000.00", day=last_month_day(3), summary="村级组织运转经费")
    cadre, phone = desktop_page, mobile_page
    asked = []  # an irreversible step asks before it posts (static/js/steps.js): the person answers OK
    cadre.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    voucher = tmp_path / "发票.pdf"
    voucher.write_bytes(PDF_BYTES)

    # the cadre requests an expense: two item lines and a voucher
    log_in(cadre, "cadre_a1")
    cadre.goto("/finance/expenses/new/")
    cadre.fill("#id_title", "村委会办公用品采购")
    cadre.select_option("#id_category", label="60202 管理费用/办公费")
    cadre.fill("#id_payee", "安家文具店")
    cadre.fill("#id_amount", "1500.00")
    cadre.fill("input[name=line_desc_0]", "打印纸 20 箱")
    cadre.fill("input[name=line_amount_0]", "700.00")
    cadre.fill("input[name=line_desc_1]", "墨盒 8 只")
    cadre.fill("input[name=line_amount_1]", "799.00")
    cadre.set_input_files("#id_vouchers", [str(voucher)])
    cadre.click("form.card button[type=submit]")
    # the lines do not add up: refused, nothing written, what was typed kept
    expect(cadre.locator("form.card")).to_contain_text("1,499.00")
    assert Expense.objects.count() == 0
    assert cadre.input_value("input[name=line_amount_1]") == "799.00"
    shot(cadre, "desktop_expense_refused")
    cadre.fill("input[name=line_amount_1]", "800.00")
    cadre.set_input_files("#id_vouchers", [str(voucher)])
    cadre.click("form.card button[type=submit]")
    cadre.wait_for_url("**/finance/expenses/*/")
    expense = Expense.objects.get()
    assert expense.state == "pending" and expense.vouchers.count() == 1
    shot(cadre, "desktop_expense_submitted")
    cadre.context.clear_cookies()

    # the supervisory committee tries to sign first, on a phone: it is not its turn, no sign button
    log_in(phone, "supervisor_a1")
    phone.goto(f"/finance/expenses/{expense.pk}/")
    assert phone.locator("#step-sign").count() == 0
    fits(phone)
    phone.context.clear_cookies()

    # each signer in turn: 村文书, 村支书 on the desktop, 监委会 on the phone
    sign(cadre, expense, "clerk_a1")
    sign(cadre, expense, "cadre_a1")
    log_in(phone, "supervisor_a1")
    phone.goto("/finance/queue/")
    fits(phone)
    shot(phone, "phone_queue")
    phone.click(f"text={expense.title}")
    phone.wait_for_url(f"**/finance/expenses/{expense.pk}/")
    fits(phone)
    shot(phone, "phone_expense_to_sign")
    phone.click("#step-sign_last button[type=submit]")  # the last post signs "as the final approval"
    phone.wait_for_load_state()
    expense.refresh_from_db()
    assert expense.state == "approved"
    expect(phone.locator("ol.chain")).to_contain_text("supervisor_a1")
    shot(phone, "phone_expense_approved")

    # the cadre records the bank transfer: one ledger entry
    log_in(cadre, "cadre_a1")
    cadre.goto(f"/finance/expenses/{expense.pk}/")
    cadre.click("#step-pay summary") if not cadre.is_visible("#step-pay button[type=submit]") else None
    cadre.fill("#id_pay-reference", "YH20261020001")
    cadre.fill("#id_pay-date", last_month_day(20).isoformat())
    cadre.click("#step-pay button[type=submit]")
    cadre.wait_for_load_state()
    assert len(asked) == 1  # the payment cannot be undone: it asked first
    entry = LedgerEntry.objects.get(expense=expense)
    assert entry.amount == expense.amount and entry.date == last_month_day(20)
    shot(cadre, "desktop_expense_paid")
    cadre.goto(f"/finance/ledger/?month={entry.date:%Y-%m}")
    expect(cadre.locator("table.list")).to_contain_text("村委会办公用品采购")
    shot(cadre, "desktop_ledger")

    # the month's disclosure, generated from the ledger
    cadre.goto("/finance/disclosures/")
    cadre.select_option("#id_month", f"{entry.date:%Y-%m}")
    cadre.click("form.card button[type=submit]")
    cadre.wait_for_url("**/transparency/*/")
    row = MonthlyDisclosure.objects.get()
    notice = row.notice
    expect(cadre.locator(".nbody")).to_contain_text("1,500.00")
    expect(cadre.locator(".nbody")).to_contain_text("18,500.00")  # the closing balance
    cadre.click("#step-submit summary") if not cadre.is_visible("#step-submit button[type=submit]") else None
    cadre.click("#step-submit button[type=submit]")
    cadre.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.state == "submitted"
    cadre.context.clear_cookies()

    # the reviewer (民主理财小组) checks it
    log_in(cadre, "reviewer_a1")
    cadre.goto(f"/transparency/{notice.pk}/")
    cadre.click("#step-check summary") if not cadre.is_visible("#step-check button[type=submit]") else None
    cadre.click("#step-check button[type=submit]")
    cadre.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.state == "checked"
    cadre.context.clear_cookies()

    # the cadre publishes it
    log_in(cadre, "cadre_a1")
    cadre.goto(f"/transparency/{notice.pk}/")
    cadre.click("#step-publish summary") if not cadre.is_visible("#step-publish button[type=submit]") else None
    cadre.click("#step-publish button[type=submit]")
    cadre.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.state == "published"

    # the public board, no login, on the phone
    phone.context.clear_cookies()
    phone.goto(f"/public/{fw.village.code}/notices/")
    expect(phone.locator("body")).to_contain_text(notice.title)
    fits(phone)
    shot(phone, "phone_public_board")
    phone.goto(f"/public/{fw.village.code}/notices/{notice.pk}/")
    expect(phone.locator(".nbody table")).to_contain_text("1,500.00")  # the statement by category
    fits(phone)
    shot(phone, "phone_public_notice")
    phone.click("ul.files a.tap >> nth=0")  # every entry: the attached table
    expect(phone.locator("table").first).to_contain_text("村委会办公用品采购")
    fits(phone)
    shot(phone, "phone_public_entries")


def test_finance_pages_fit_a_phone_and_a_desktop(desktop_page, mobile_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    fw = build_finance_world()
    entry = fw.income("8000.00", day=last_month_day(2))
    fw.paid("1500.00", day=last_month_day(9))
    pending = fw.submit("30000.00", deliberation_ref="村民代表会议纪要")
    urls = {
        "home": "/finance/",
        "ledger": f"/finance/ledger/?month={last_month_day(1):%Y-%m}",
        "entry": f"/finance/entries/{entry.pk}/",
        "income": "/finance/income/new/",
        "expense_new": "/finance/expenses/new/",
        "expenses": "/finance/expenses/",
        "expense": f"/finance/expenses/{pending.pk}/",
        "disclosures": f"/finance/disclosures/?preview={last_month_day(1):%Y-%m}",
    }
    for page, kind in ((mobile_page, "phone"), (desktop_page, "desktop")):
        log_in(page, "cadre_a1")
        for name, url in urls.items():
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            if kind == "phone":
                fits(page)
            shot(page, f"{kind}_{name}")
        page.context.clear_cookies()
        log_in(page, "township_a")
        page.goto("/finance/config/")
        if kind == "phone":
            fits(page)
        shot(page, f"{kind}_config")
        page.context.clear_cookies()
