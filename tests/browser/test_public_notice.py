"""The public notice (积分公示) as a villager sees it on a phone without signing in, and its print view."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points import services
from points.models import Publication, RuleItem
from points.standings import quarter_of
from points.subjects import subject_of
from tests.factories import build_world

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("POINTS_SHOTS", "/tmp/shots/points"))


def _published_world():
    world = build_world()
    cadre, today = world.users["cadre_a1"], timezone.localdate()
    scheme = services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        star_rules=[{"stars": 5, "min_score": 11}],
    )
    book = services.rulebook_create(
        actor=cadre, scheme=scheme, title="细则", template="anjia", effective_from=today - timedelta(days=400)
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="决议第3号")
    item = RuleItem.objects.get(rulebook=book, code="2.1")
    claim = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=today,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    services.quarter_signoff(actor=cadre, scheme=scheme, year=today.year, quarter=quarter_of(today))
    publication = services.quarter_publish(actor=cadre, scheme=scheme, year=today.year, quarter=quarter_of(today))
    return world, publication


def test_villager_reads_the_public_notice_on_a_phone_without_signing_in(mobile_page):
    world, publication = _published_world()
    mobile_page.goto(f"/points/public/{world.village_a1.code}/")
    expect(mobile_page.locator("body")).to_contain_text("文明户积分")
    body = mobile_page.locator("body").inner_text()
    assert "王**户" in body and "王建国" not in body  # masked names only
    assert world.people["a1_head"].id_number not in body and "138" not in body
    assert "★" in body  # stars of the quarter (11 ≥ 11)
    # No horizontal scrolling on a 360px phone.
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 362
    assert Publication.objects.filter(pk=publication.pk).exists()


def test_print_view_is_a_sheet_for_the_notice_board(page):
    world, publication = _published_world()
    page.goto(f"/points/public/publication/{publication.pk}/print/")
    text = page.locator("body").inner_text()
    assert world.village_a1.name in text and "王**户" in text and "王建国" not in text
    assert page.locator("nav.mainnav").count() == 0


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF written by Chromium: one ``/Type /Page`` object each (``/Pages`` is the tree)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_notice_of_a_250_household_village_prints_on_at_most_two_a4_pages(page):
    """积分公示 on the board: 250 households in three columns, with the lists and the seal, on 1–2 A4 pages
    (it printed as 11 pages, one row per line)."""
    from decimal import Decimal

    from points.models import EntryKind, LedgerEntry, ListRule
    from tests.factories import make_household

    world = build_world()
    cadre, today = world.users["cadre_a1"], timezone.localdate()
    scheme = services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        star_rules=[{"stars": 10, "min_score": 14}, {"stars": 5, "min_score": 11}],
    )
    grids = [world.grid_a1, world.grid_a1b]
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    households = [
        make_household(
            world.village_a1, f"{n:04d}", grids[n % 2], head=f"{surnames[n % 20]}{'建国秀英志强桂兰'[n % 8]}明"
        )
        for n in range(3, 251)
    ] + [world.households["a1"], world.households["a1b"]]
    deltas = [Decimal(d) for d in ("3", "1.5", "2", "-5", "0.5", "4", "1", "-2", "2.5", "6")]
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            scheme=scheme,
            subject_kind="household",
            subject_key=f"h:{h.pk}",
            subject_label=f"{h.head_name}户",
            household=h,
            grid_id=h.grid_id,
            village_id=h.village_id,
            township_id=h.township_id,
            county_id=h.county_id,
            kind=EntryKind.AWARD,
            score_delta=deltas[i % len(deltas)],
            balance_delta=deltas[i % len(deltas)],
            occurred_on=today,
            actor=cadre,
            reason="测试",
        )
        for i, h in enumerate(households)
    )
    ListRule.objects.create(scheme=scheme, kind="red", method="top_share", value=Decimal("10"))
    ListRule.objects.create(scheme=scheme, kind="black", method="below", value=Decimal("7"))
    services.quarter_signoff(actor=cadre, scheme=scheme, year=today.year, quarter=quarter_of(today))
    publication = services.quarter_publish(actor=cadre, scheme=scheme, year=today.year, quarter=quarter_of(today))
    assert len(publication.snapshot["rows"]) == 250

    page.goto(f"/points/public/publication/{publication.pk}/print/")
    expect(page.locator("table")).to_contain_text("王**户")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "notice_250.pdf").write_bytes(pdf)
    pages = _pdf_pages(pdf)
    assert 1 <= pages <= 2, f"{pages} A4 pages"
    # every household is on the sheets, and so is the seal block
    page.emulate_media(media="print")
    assert page.locator("tbody tr").count() == 250
    assert page.locator(".seal").is_visible()
