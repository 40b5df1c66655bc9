"""The month's financial disclosure on paper and on a phone (issue 17 #19, #3): the notice prints as the statement
by category (收支明细表) in a table with the seal and signature block on ONE A4 sheet, however many entries the month
had; every entry is on the attached table's page, which prints on A4 (landscape) with its header on each sheet.
Page counts come from Chromium's own PDF. PDFs and screens go to /tmp/shots/finance/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from finance import services
from tests.browser.test_finance import fits
from tests.finance.support import build_finance_world
from tests.finance.test_disclosure_rules import _bulk, _publish

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/finance")
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pages(pdf: bytes) -> int:
    assert pdf[:4] == b"%PDF"
    return len(PAGE.findall(pdf))


def test_the_disclosure_prints_as_a_table_on_one_a4_sheet(desktop_page, mobile_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    SHOTS.mkdir(parents=True, exist_ok=True)
    fw = build_finance_world()
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    entries = _bulk(fw, 420, year=last.year, month=last.month)  # a busy month: every default category, 惠民资金
    services.entry_reverse(actor=fw.users["cadre_a1"], entry=entries[3], reason="重复记账", date=last)
    row = services.disclosure_generate(actor=fw.users["cadre_a1"], village=fw.village, year=last.year, month=last.month)
    notice = _publish(fw, row.notice)
    (table,) = notice.attachments.all()
    code = fw.village.code

    page = desktop_page
    page.goto(f"/public/{code}/notices/{notice.pk}/print/")
    body = page.locator(".body table")
    expect(body).to_be_visible()
    assert body.locator("tbody tr").count() >= 18  # totals, every top category and sub-category of the month
    expect(page.locator(".signs > div")).to_have_count(3)  # 民主理财小组, 村务监督委员会 (signatures), the seal
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "print_disclosure_a4.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (SHOTS / "disclosure.pdf").write_bytes(pdf)
    assert pages(pdf) == 1, "the statement and its seal block must fit one A4 sheet"

    # every entry on the attached table's page: 421 entries, then the 惠民资金 again
    page.emulate_media(media="screen")
    page.goto(f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/")
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(421)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (SHOTS / "disclosure_entries.pdf").write_bytes(pdf)
    assert 10 <= pages(pdf) <= 40  # ~500 rows on landscape sheets, never one endless sheet

    # on a 360 px phone: the notice with its table, and the entries' table scrolling inside its box
    phone = mobile_page
    for name, url in (
        ("phone_public_disclosure", f"/public/{code}/notices/{notice.pk}/"),
        ("phone_disclosure_entries", f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/"),
    ):
        phone.goto(url)
        fits(phone)
        phone.screenshot(path=str(SHOTS / f"{name}.png"), full_page=name == "phone_public_disclosure")
