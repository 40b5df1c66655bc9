"""The public notice (积分公示) as a villager sees it on a phone without signing in, and its print view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points import services
from points.models import Publication, RuleItem
from points.standings import quarter_of
from points.subjects import subject_of
from tests.factories import build_world

pytestmark = pytest.mark.browser


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
