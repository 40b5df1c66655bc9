"""The seven goods in a real browser (playwright + live server, marked ``browser`` like tests/browser): the village
cadre opens the quarter on a 360 px phone, inspects a village group household by household (a deduction with its
photo from the camera input, the others at full marks, the progress line moving on), publishes after confirming,
and prints the board on A4 with the 表扬栏, the 曝光台 and the village groups. Screens go to /tmp/shots/inspections/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections import services
from inspections.models import Inspection, Round
from tests.browser.conftest import log_in
from tests.factories import build_world
from tests.inspections.conftest import build_groups

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/inspections")
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _jpeg() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (150, 120, 90)).save(out, "JPEG")
    return {"name": "yard.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_a_village_group_inspected_on_a_phone_through_to_the_printed_board(live_server, mobile_page):
    world = build_world()
    groups, households = build_groups(world, per_group=(6, 6, 5))
    cadre = world.users["cadre_a1"]
    phone = mobile_page

    log_in(phone, "cadre_a1")
    phone.goto("/inspections/")
    phone.click("#open-round")  # the current quarter is proposed
    expect(phone.locator("#progress")).to_contain_text("0/19")
    rnd = Round.objects.get()
    assert phone.evaluate(OVERFLOW_JS)

    # the third group, household by household
    third = [h for h in households if h.group_id == groups[2].pk]
    phone.goto(f"/inspections/rounds/{rnd.pk}/inspect/?group={groups[2].pk}")
    expect(phone.locator("#progress")).to_contain_text("0/5")
    shot(phone, "01-first-household")
    assert phone.evaluate(OVERFLOW_JS)
    details = list(rnd.sheet.headings.order_by("order").first().details.order_by("order"))
    phone.evaluate("window.__same_page = true")  # saving swaps the household in place (htmx): no page reload
    for n, household in enumerate(third):
        expect(phone.locator("#household-name")).to_contain_text(household.head_name)
        if n == 0:  # a deduction needs its photo: refused first, then taken
            phone.select_option(f"#d_{details[0].pk}", "2")
            expect(phone.locator("#score")).to_have_text("98")
            expect(phone.locator(f"#p_{details[0].pk}")).to_be_visible()
            phone.click("#save")
            expect(phone.locator(".has-error")).to_have_count(1)
            assert not Inspection.objects.exists()
            phone.select_option(f"#d_{details[0].pk}", "2")
            phone.set_input_files(f"#p_{details[0].pk}", files=[_jpeg()])
            shot(phone, "02-deduction-with-photo")
        if n == len(third) - 1:  # the last one is the group's worst
            for d in details[:3]:
                phone.select_option(f"#d_{d.pk}", "3")
                phone.set_input_files(f"#p_{d.pk}", files=[_jpeg()])
            expect(phone.locator("#score")).to_have_text("91")
        phone.click("#save")
        if n < len(third) - 1:
            expect(phone.locator("#progress")).to_contain_text(f"{n + 1}/5")
    expect(phone.locator("#all-done")).to_be_visible()
    assert phone.evaluate("window.__same_page === true")
    expect(phone.locator("#saved")).to_contain_text(third[-1].head_name)
    scores = dict(Inspection.objects.values_list("household_id", "score"))
    assert scores[third[0].pk] == 98 and scores[third[-1].pk] == 91 and scores[third[1].pk] == 100

    # the other two groups are inspected by the team meanwhile (through the services)
    for i, h in enumerate(h for h in households if h.group_id != groups[2].pk):
        d = details[i % 5]
        deductions = {d.pk: 1} if i % 3 else {}
        photos = {d.pk: _upload()} if deductions else {}
        services.inspection_save(actor=cadre, round=rnd, household=h, deductions=deductions, photos=photos)

    # publish, after the confirmation
    phone.goto(f"/inspections/rounds/{rnd.pk}/")
    expect(phone.locator("#progress")).to_contain_text("17/19")
    phone.check("input[name=confirm]")
    phone.click("#publish")
    expect(phone.locator("#praise")).to_be_visible()
    rnd.refresh_from_db()
    assert rnd.published
    exposure = phone.locator("#exposure + p + table")
    expect(exposure).to_contain_text(third[-1].head_name)  # 91: the lowest, alone on the exposure board
    praise = phone.locator("#praise + p + table")
    expect(praise).to_contain_text(third[1].head_name)  # 100: ties at the top all included
    expect(phone.locator("#groups + p + table")).to_contain_text(groups[2].name)
    expect(phone.locator("#not-inspected + p")).to_contain_text(world.households["a1"].head_name)
    shot(phone, "03-board-phone")

    # printed on A4: the toolbar and the reinspection links are not printed
    phone.emulate_media(media="print")
    expect(phone.locator(".toolbar")).to_be_hidden()
    pdf = phone.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    (SHOTS / "board.pdf").write_bytes(pdf)
    shot(phone, "04-board-print")


def _upload():
    from tests.inspections.conftest import photo

    return photo()
