"""三务公开 in a real browser: a village cadre writes and publishes a notice with attachments, a villager on a 360px
phone asks a question, the cadre answers, and the public board (no login) shows the answer with the asker's
name masked. Each screen is photographed to /tmp/transparency_*.png so a person can look at it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.transparency.support import PDF_BYTES, build_transparency_world
from transparency.models import Notice, NoticeQuestion

pytestmark = pytest.mark.browser

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))};
}"""


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/transparency_{name}.png", full_page=True)


def fits(page) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"wider than the phone: {result}"


def _files(tmp_path: Path) -> list[str]:
    pdf = tmp_path / "2026年5月收支明细.pdf"
    pdf.write_bytes(PDF_BYTES)
    png = tmp_path / "工程现场.png"
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (40, 130, 90)).save(out, "PNG")
    png.write_bytes(out.getvalue())
    return [str(pdf), str(png)]


def test_publish_ask_answer_and_the_public_board(desktop_page, mobile_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    tw = build_transparency_world()
    cadre, phone = desktop_page, mobile_page

    # the cadre writes a notice of village affairs with a PDF and a photo
    log_in(cadre, "cadre_a1")
    cadre.goto("/transparency/new/")
    cadre.check("input[name=stream][value=village]")
    cadre.fill("#id_title", "村道硬化工程进展公开")
    cadre.fill("#id_category", "工程项目")
    cadre.fill(
        "#id_body",
        "一、工程内容：村道硬化 1.2 公里，宽 4.5 米。\n二、投资：36 万元，其中县交通局补助 30 万元。\n"
        "三、进度：已完成路基，6 月底前完工。",
    )
    cadre.set_input_files("#id_files", _files(tmp_path))
    shot(cadre, "cadre_form")
    cadre.click("form.notice-form button[type=submit]")
    cadre.wait_for_url("**/transparency/*/")
    notice = Notice.objects.get()
    assert notice.state == "draft" and notice.attachments.count() == 2

    # …and publishes it with the proposed window (today, at least 5 days), confirming that it becomes public
    cadre.click("#step-publish summary") if not cadre.is_visible("#step-publish button[type=submit]") else None
    asked = []
    cadre.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    cadre.click("#step-publish button[type=submit]")
    cadre.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.state == "published" and (notice.posted_until - notice.posted_from).days == 5
    assert len(asked) == 1  # the page asked before it published
    shot(cadre, "cadre_published")

    # a villager on a 360px phone reads it and asks a question
    log_in(phone, "villager_a1")
    phone.goto("/transparency/")
    fits(phone)
    shot(phone, "villager_list")
    phone.click("text=村道硬化工程进展公开")
    phone.wait_for_url(f"**/transparency/{notice.pk}/")
    fits(phone)
    phone.fill("textarea[name=text]", "路面两侧有没有排水沟？")
    phone.click("form.ask-form button[type=submit]")
    phone.wait_for_url(f"**/transparency/{notice.pk}/*")
    question = NoticeQuestion.objects.get()
    assert question.state == "asked" and question.deadline_at > timezone.now()
    expect(phone.locator(f"#q{question.pk}")).to_contain_text("路面两侧有没有排水沟？")
    fits(phone)
    shot(phone, "villager_asked")

    # the cadre answers on the notice page
    cadre.goto(f"/transparency/{notice.pk}/")
    cadre.fill(f"#q{question.pk} textarea[name=answer-answer]", "两侧各设 0.3 米宽排水沟，已纳入设计。")
    shot(cadre, "cadre_answering")
    cadre.once("dialog", lambda dialog: dialog.accept())  # the answer is public at once: the page asks first
    cadre.click(f"#q{question.pk} form.answer-form button[type=submit]")
    cadre.wait_for_load_state()
    question.refresh_from_db()
    assert question.state == "answered" and question.answered_on_time

    # the public board, without signing in, on the phone: the answer, the asker masked
    phone.context.clear_cookies()
    phone.goto(f"/public/{tw.w.village_a1.code}/notices/")
    expect(phone.locator("body")).to_contain_text("村道硬化工程进展公开")
    body = phone.locator("body").inner_text()
    assert "两侧各设 0.3 米宽排水沟" in body and "王**" in body and "王建国" not in body
    fits(phone)
    shot(phone, "public_board")
    phone.goto(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/")
    expect(phone.locator("body")).to_contain_text("2026年5月收支明细.pdf")
    fits(phone)
    shot(phone, "public_notice")

    # the A4 sheet for the notice board
    cadre.goto(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/print/")
    expect(cadre.locator("h1")).to_have_text("村道硬化工程进展公开")
    assert cadre.locator("nav.mainnav").count() == 0
    shot(cadre, "print")


def test_staff_pages_fit_a_phone(mobile_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    tw = build_transparency_world()
    notice = tw.published()
    from transparency import services

    services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问一下")
    page = mobile_page
    log_in(page, "cadre_a1")
    for name, url in {
        "list": "/transparency/",
        "new": "/transparency/new/",
        "detail": f"/transparency/{notice.pk}/",
        "questions": "/transparency/questions/",
        "calendar": "/transparency/calendar/",
    }.items():
        page.goto(url)
        fits(page)
        shot(page, f"phone_cadre_{name}")
    page.context.clear_cookies()
    log_in(page, "township_a")
    for name, url in {"supervision": "/transparency/supervision/", "overview": "/transparency/calendar/"}.items():
        page.goto(url)
        fits(page)
        shot(page, f"phone_township_{name}")
