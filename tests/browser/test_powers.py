"""小微权力 in a real browser: a villager applies for 低保 on a 360px phone with the documents, the village cadre runs
the village steps (household survey, democratic assessment, posting), the posting window passes, the township
reviews and records the county's approval, the cadre publishes the result, and the public page (no login) shows it
de-identified. Screens are photographed to /tmp/shots/powers/."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from powers import rules
from powers.flows import DIBAO
from powers.models import PowerCase
from tests.browser.conftest import MOBILE, TIMEOUT_MS, log_in, zh
from tests.powers.support import build_powers_world
from tests.transparency.support import PDF_BYTES

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/powers")
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: wide.slice(-3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))};
}"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page, what: str) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["width"], f"{what} is wider than a 360px phone: {result}"


def _files(tmp_path: Path) -> list[str]:
    pdf = tmp_path / "家庭收入申报表.pdf"
    pdf.write_bytes(PDF_BYTES)
    jpg = tmp_path / "户口簿.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 180, 150)).save(out, "JPEG")
    jpg.write_bytes(out.getvalue())
    return [str(pdf), str(jpg)]


def state_is(page, state: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(zh(str(DIBAO.states[state].label)))


def take_step(page, step: str, fill=None) -> None:
    label = DIBAO.step_label(step)
    section = page.locator(f"#step-{step}")
    expect(section).to_be_visible()
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    if fill:
        fill(section)
    section.get_by_role("button", name=zh(label), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(zh("Done: %(step)s.", step=zh(label)))


def test_a_dibao_application_from_the_phone_to_the_public_result(
    browser, live_server, desktop_page, mobile_page, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pw = build_powers_world()
    phone, cadre = mobile_page, desktop_page

    # -- the villager applies on the phone -------------------------------------------------------------------------
    log_in(phone, "villager_a1")
    phone.goto("/powers/")
    expect(phone.locator("h1")).to_be_visible()
    fits(phone, "the villager's home")
    shot(phone, "01_villager_home_360")
    phone.locator(".power-class .ncard", has=phone.locator(".ncard-title", has_text="低保评议")).get_by_role(
        "link", name=zh("Apply")
    ).click()
    phone.wait_for_url("**/apply/")
    phone.fill("#id_reason", "丈夫因病丧失劳动能力，家庭无稳定收入。")
    phone.fill("#id_household_size", "3")
    phone.fill("#id_monthly_income", "820")
    phone.set_input_files("#id_attachments", _files(tmp_path))
    fits(phone, "the application form")
    shot(phone, "02_apply_360")
    phone.get_by_role("button", name=zh("Send the application")).click()
    phone.wait_for_url("**/powers/cases/*/")
    case = PowerCase.objects.get()
    state_is(phone, "applied")
    expect(phone.locator("ol.timeline")).to_contain_text("户口簿.jpg")
    fits(phone, "the case page")
    shot(phone, "03_case_villager_360")

    # -- the cadre runs the village steps --------------------------------------------------------------------------
    log_in(cadre, "cadre_a1")
    cadre.goto("/powers/queue/")
    cadre.locator(".ncard", has_text=case.title).click()
    cadre.wait_for_url(f"**/powers/cases/{case.pk}/")
    take_step(
        cadre, "survey", lambda s: s.locator("textarea[name=survey-findings]").fill("入户核实：3 口人，无劳动力。")
    )
    state_is(cadre, "surveyed")
    if rules.meetings_selector() is not None:
        from powers.demo import adopt_in_meeting

        adopt_in_meeting(pw.users["cadre_a1"], case, held_at=timezone.now() - timedelta(hours=1), title="低保评议")
        take_step(cadre, "deliberate")
    else:

        def meeting(s):
            s.locator("select[name=deliberate-body]").select_option("council")
            s.locator("input[name=deliberate-meeting_ref]").fill("安家村党群议事会第 11 次会议")
            s.locator("input[name=deliberate-meeting_date]").fill(timezone.localdate().isoformat())
            s.locator("input[name=deliberate-members]").fill("21")
            s.locator("input[name=deliberate-present]").fill("18")
            s.locator("input[name=deliberate-votes_for]").fill("15")

        take_step(cadre, "deliberate", meeting)
    state_is(cadre, "deliberated")
    # a posting shorter than 7 days is refused with the date it must reach
    short = (timezone.localdate() + timedelta(days=3)).isoformat()
    section = cadre.locator("#step-publicize")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    section.locator("input[name=publicize-publicity_until]").fill(short)
    section.get_by_role("button", name=zh(DIBAO.step_label("publicize")), exact=True).click()
    expect(cadre.locator("#step-publicize .errorlist")).to_contain_text(
        (timezone.localdate() + timedelta(days=7)).isoformat()
    )
    take_step(
        cadre,
        "publicize",
        lambda s: s.locator("input[name=publicize-publicity_until]").fill(
            (timezone.localdate() + timedelta(days=7)).isoformat()
        ),
    )
    state_is(cadre, "publicized")
    shot(cadre, "04_case_cadre_desktop")

    # -- anyone sees the posting, de-identified --------------------------------------------------------------------
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **MOBILE)
    context.set_default_timeout(TIMEOUT_MS)
    public = context.new_page()
    public.goto(f"/powers/public/{pw.w.village_a1.code}/")
    expect(public.locator(".ncard")).to_contain_text("王**")
    body = public.locator("body").inner_text()
    assert "王建国" not in body and "820" not in body and "丧失劳动能力" not in body
    fits(public, "the public postings")
    shot(public, "05_public_posting_360")

    # -- the posting window passes; the cadre sends it to the township ---------------------------------------------
    shift = timedelta(days=8)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    cadre.reload()
    take_step(cadre, "submit_review")
    state_is(cadre, "township")

    # -- the township reviews on a phone and records the county's approval -----------------------------------------
    township_context = browser.new_context(base_url=live_server.url, locale="zh-CN", **MOBILE)
    township_context.set_default_timeout(TIMEOUT_MS)
    township = township_context.new_page()
    log_in(township, "township_a")
    township.goto("/powers/review/")
    fits(township, "the township's queue")
    township.locator(".ncard", has_text=case.title).click()
    township.wait_for_url(f"**/powers/cases/{case.pk}/")
    take_step(
        township, "township_approve", lambda s: s.locator("textarea[name=township_approve-opinion]").fill("符合条件")
    )
    state_is(township, "county")

    def county(s):
        s.locator("input[name=county_approve-decision_ref]").fill("民救字〔2026〕12号")
        s.locator("input[name=county_approve-outcome]").fill("纳入农村低保")

    take_step(township, "county_approve", county)
    state_is(township, "approved")
    fits(township, "the case page of the township")
    shot(township, "06_case_township_360")

    # -- the cadre publishes the result (it cannot be undone: the page asks first); it is public --------------------
    cadre.reload()
    asked = []
    cadre.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    section = cadre.locator("#step-publish_result")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    section.get_by_role("button", name=zh(DIBAO.step_label("publish_result")), exact=True).click()
    assert asked == [zh(str(DIBAO.transitions["publish_result"].confirm))]
    cadre.wait_for_timeout(300)
    case.refresh_from_db()
    assert case.state == "approved" and not cadre.locator(".messages").count()  # cancelled: nothing was posted
    cadre.once("dialog", lambda dialog: dialog.accept())
    take_step(cadre, "publish_result")
    state_is(cadre, "closed")
    public.goto(f"/powers/public/{pw.w.village_a1.code}/")
    expect(public.locator(".ncard")).to_contain_text(zh("Result of %(power)s", power="低保评议"))
    public.locator(".ncard-link").first.click()
    expect(public.locator("dl.facts")).to_contain_text("纳入农村低保")
    expect(public.locator("dl.facts")).to_contain_text("民救字〔2026〕12号")
    shot(public, "07_public_result_360")
    case.refresh_from_db()
    assert case.state == "closed" and case.result_notice is not None
    context.close()
    township_context.close()


def test_every_powers_page_fits_a_phone(browser, live_server, mobile_page, desktop_page, settings, tmp_path):
    """With the demo matters: each page of each role on a 360px phone (no sideways scrolling) and on a desktop."""
    from powers.demo import seed_village
    from tests.factories import make_household

    settings.MEDIA_ROOT = tmp_path / "media"
    pw = build_powers_world()
    for i in range(8):
        make_household(pw.w.village_a1, f"09{i:02d}", pw.w.grid_a1, head=f"户主{i}")
    u = pw.users
    seed_village(
        pw.w.village_a1,
        county_admin=u["county_admin"],
        cadre=u["cadre_a1"],
        official=u["township_a"],
        villager=u["villager_a1"],
    )
    posted = PowerCase.objects.filter(state="publicized", flow="powers_dibao").first()
    pond = PowerCase.objects.filter(flow="powers_asset", state="closed").first()
    pages = {
        "cadre_a1": [
            ("queue", "/powers/queue/"),
            ("case_posted", f"/powers/cases/{posted.pk}/"),
            ("case_asset", f"/powers/cases/{pond.pk}/"),
            ("cases", "/powers/cases/"),
            ("print_case", f"/powers/cases/{pond.pk}/print/"),
            ("print_notice", f"/powers/cases/{posted.pk}/notice/"),
        ],
        "township_a": [("review", "/powers/review/"), ("overview", "/powers/overview/")],
        "county_admin": [("configure", "/powers/configure/"), ("list", "/powers/list/")],
    }
    for who, urls in pages.items():
        for page, size in ((mobile_page, "360"), (desktop_page, "desktop")):
            log_in(page, who)
            for name, url in urls:
                response = page.goto(url)
                assert response.status == 200, (who, url)
                expect(page.locator("h1")).to_be_visible()
                if size == "360":
                    fits(page, f"{name} of {who}")
                if name == "overview":
                    # each state badge on one line (they wrap as whole badges, never squeezed into a column)
                    squeezed = page.eval_on_selector_all(
                        "td .badge",
                        "els => els.filter(e => e.getBoundingClientRect().height > "
                        "2 * parseFloat(getComputedStyle(e).fontSize)).map(e => e.textContent)",
                    )
                    assert page.locator("td .badge").count() > 1 and squeezed == [], (size, squeezed)
                shot(page, f"page_{name}_{size}")
            page.context.clear_cookies()
    public = mobile_page
    public.goto(f"/powers/public/{pw.w.village_a1.code}/")
    fits(public, "the public postings")
    shot(public, "page_public_360")
