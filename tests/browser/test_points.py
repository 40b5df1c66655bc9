"""Points (积分制) from the people who use it on a phone: the grid worker records, the review group reviews,
the villager appeals and redeems, the cadre hands the goods over.

Data comes from ``build_world()`` and ``points.services``: 安家村's civility scheme (base score 10) with the
安家村 rule book adopted a year ago, as in ``tests/points/conftest.py``. Every step is photographed at 360x740
into /tmp/shots/points/ so the screens can be looked at by a person.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from points import services
from points.flows import APPEAL
from points.models import (
    Appeal,
    AppealStatus,
    Claim,
    ClaimStatus,
    EntryKind,
    Good,
    LedgerEntry,
    Redemption,
    RedemptionStatus,
    RuleItem,
)
from points.shop import services as shop_services
from points.subjects import subject_of
from tests.browser.conftest import log_in, zh
from tests.factories import build_world

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("POINTS_SHOTS", "/tmp/shots/points"))


def shot(page, name: str) -> None:
    """A full-page screenshot of the current step (the page is 360 wide: what a cheap phone shows)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def make_scheme(world):
    """安家村's household civility scheme, base score 10, with the 安家村 rule book adopted 400 days ago."""
    cadre = world.users["cadre_a1"]
    scheme = services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        redeemable=True,
        star_rules=[{"stars": 10, "min_score": 20}, {"stars": 5, "min_score": 12}],
    )
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="安家村细则",
        template="anjia",
        effective_from=timezone.localdate() - timedelta(days=400),
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议 决议第3号")
    return scheme


def item_of(scheme, code: str) -> RuleItem:
    return RuleItem.objects.get(rulebook__scheme=scheme, code=code)


def record_claim(world, scheme, code: str, *, by: str = "grid_a1", household: str = "a1") -> Claim:
    return services.claim_record(
        actor=world.users[by],
        scheme=scheme,
        subject=subject_of(world.households[household]),
        item=item_of(scheme, code),
        occurred_on=timezone.localdate(),
    )


def award(world, scheme, *codes: str) -> list[LedgerEntry]:
    """Approved points for household a1: recorded by the grid worker, approved by the review group."""
    claims = [record_claim(world, scheme, code) for code in codes]
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[c.pk for c in claims], approve=True)
    return [LedgerEntry.objects.get(claim=c) for c in claims]


def stat(page, label: str):
    """The number of the stat tile whose label is ``label`` (my points, the shop's balance)."""
    return page.locator(".stat", has=page.locator(".label", has_text=label)).locator(".num")


def switch_user(page, username: str) -> None:
    """Another person picks up a phone: forget the session and sign in through the login form."""
    page.context.clear_cookies()
    log_in(page, username)


# -- 1. recording on the spot ------------------------------------------------------------------------------


def test_grid_worker_records_points_on_phone(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    scheme = make_scheme(world)
    household = world.households["a1"]
    worker = world.users["grid_a1"]
    item = item_of(scheme, "2.1")  # 房前屋后干净整洁 (+1), no evidence needed
    label = subject_of(household).label
    today = timezone.localdate()

    log_in(page, worker.username)
    page.goto("/points/record/")
    expect(page.locator("h1")).to_have_text(zh("Record points"))
    expect(page.locator("#household-search")).to_be_visible()
    shot(page, "1-01-record-form")

    # The search is scoped to the worker's grid: 李秀英 lives in the other grid of the village.
    choices = page.locator("#household-choices")
    with page.expect_response(lambda r: "/points/record/households/" in r.url and "q=" in r.url):
        page.fill("#household-search", "李")
    expect(choices).to_contain_text(zh("No household matches."))

    # Part of the head's name: htmx fills the choices in place.
    with page.expect_response(lambda r: "/points/record/households/" in r.url and "q=" in r.url) as response:
        page.fill("#household-search", "王")
    assert response.value.ok
    choice = choices.locator(f"button.choice[data-id='{household.pk}']")
    expect(choice).to_contain_text(label)
    expect(choices).not_to_contain_text(zh("No household matches."))
    shot(page, "1-02-household-search")

    choice.tap()
    expect(page.locator("#household-chosen")).to_be_visible()
    expect(page.locator("#household-label")).to_have_text(label)
    expect(page.locator("#household-picker")).to_be_hidden()
    expect(page.locator("#household-id")).to_have_value(str(household.pk))

    page.select_option("select[name=item]", str(item.pk))
    expect(page.locator("select[name=item] option:checked")).to_contain_text(item.text)
    expect(page.locator("input[name=occurred_on]")).to_have_value(today.isoformat())
    shot(page, "1-03-filled")

    page.locator("#record-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/points/record/?scheme={scheme.pk}")
    # "+1" (or "+1.00" while the view formats the Decimal with :+g).
    before, after = zh(
        "Recorded for %(who)s: %(item)s (%(points)s). It waits for review.", who=label, item=item.text, points="\0"
    ).split("\0")
    expect(page.locator(".messages .msg-success")).to_have_text(
        re.compile(re.escape(before) + r"\+1(?:\.0+)?" + re.escape(after))
    )
    # A fresh form for the next household.
    expect(page.locator("#household-id")).to_have_value("")
    expect(page.locator("#household-picker")).to_be_visible()
    shot(page, "1-04-recorded")

    claim = Claim.objects.get(scheme=scheme)
    assert claim.status == ClaimStatus.PENDING
    assert claim.recorded_by_id == worker.pk
    assert claim.household_id == household.pk and claim.item_id == item.pk
    assert claim.occurred_on == today and claim.points == item.points
    assert not LedgerEntry.objects.filter(scheme=scheme).exists(), "nothing counts before the review"


def test_record_without_household_shows_error_and_saves_nothing(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    scheme = make_scheme(world)
    item = item_of(scheme, "2.1")

    log_in(page, world.users["grid_a1"].username)
    page.goto("/points/record/")
    page.select_option("select[name=item]", str(item.pk))
    page.locator("#record-form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/points/record/")
    field = page.locator("#record-form .field.has-error", has=page.locator("#household-search"))
    expect(field.locator(".errorlist")).to_have_text(zh("Choose a household."))
    expect(page.locator(".messages .msg-success")).to_have_count(0)
    # What was chosen stays chosen, and the household can still be picked.
    expect(page.locator("select[name=item]")).to_have_value(str(item.pk))
    expect(page.locator("#household-picker")).to_be_visible()
    shot(page, "1-05-no-household-error")
    assert not Claim.objects.exists()


# -- 2. the monthly review ----------------------------------------------------------------------------------


def test_reviewer_approves_one_and_rejects_one_with_reason(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    scheme = make_scheme(world)
    reviewer = world.users["reviewer_a1"]
    clean = record_claim(world, scheme, "2.1", by="grid_a1")  # 房前屋后干净整洁 (+1)
    sorting = record_claim(world, scheme, "2.2", by="cadre_a1", household="a1b")  # 垃圾分类投放规范 (+0.5)
    review_url = f"{live_server.url}/points/schemes/{scheme.pk}/review/"
    reason = "现场核实垃圾未分类"

    log_in(page, reviewer.username)
    page.goto(review_url)
    expect(page.locator("h1")).to_contain_text(scheme.name)
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    shot(page, "2-01-review-list")

    # Approve the first.
    page.locator(f"#claim-{clean.pk}").check()
    page.locator("button[name=decision][value=approve]").click()
    expect(page).to_have_url(review_url)
    expect(page.locator(".messages .msg-success")).to_have_text(zh("%(n)s entries reviewed.", n=1))
    expect(rows).to_have_count(1)
    expect(page.locator(f"#claim-{clean.pk}")).to_have_count(0)
    shot(page, "2-02-approved")

    # Reject the second without a reason: refused, nothing changes.
    page.locator(f"#claim-{sorting.pk}").check()
    page.locator("button[name=decision][value=reject]").click()
    expect(page.locator(".messages .msg-success")).to_have_count(0)
    reason_field = page.locator(".field", has=page.locator("input[name=reason]"))
    expect(reason_field.locator(".errorlist")).to_have_text(zh("Give the reason for rejecting."))
    expect(page.locator(f"#claim-{sorting.pk}")).to_be_visible()
    shot(page, "2-03-reject-without-reason")
    sorting.refresh_from_db()
    assert sorting.status == ClaimStatus.PENDING and sorting.reviewed_by_id is None

    # With a reason. (The tick may or may not survive the error page; make sure it is ticked.)
    page.locator(f"#claim-{sorting.pk}").check()
    page.fill("input[name=reason]", reason)
    page.locator("button[name=decision][value=reject]").click()
    expect(page).to_have_url(review_url)
    expect(page.locator(".messages .msg-success")).to_have_text(zh("%(n)s entries reviewed.", n=1))
    expect(page.locator("table.list tbody")).to_contain_text(zh("Nothing waits for review."))
    shot(page, "2-04-rejected")

    clean.refresh_from_db()
    sorting.refresh_from_db()
    assert clean.status == ClaimStatus.APPROVED and clean.reviewed_by_id == reviewer.pk
    entry = LedgerEntry.objects.get(claim=clean)
    assert entry.kind == EntryKind.AWARD and entry.score_delta == clean.points == entry.balance_delta
    assert entry.household_id == world.households["a1"].pk
    assert sorting.status == ClaimStatus.REJECTED and sorting.rejection_reason == reason
    assert not LedgerEntry.objects.filter(claim=sorting).exists()


# -- 3. an appeal that is overturned ------------------------------------------------------------------------


def test_villager_appeal_is_overturned(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    scheme = make_scheme(world)
    villager = world.users["villager_a1"]
    (entry,) = award(world, scheme, "2.1")  # +1 on top of the base score of 10
    year = timezone.localdate().year
    appeal_reason = "这天我家不在家，院子是邻居帮忙打扫的，积分应记给邻居。"
    finding = "经走访核实，打扫院子的是邻居，本条积分撤销。"

    log_in(page, villager.username)
    page.goto("/points/me/")
    expect(page.locator("h1")).to_have_text(zh("My points"))
    expect(stat(page, zh("Score in %(y)s", y=year))).to_have_text("11")
    expect(stat(page, zh("Points to spend"))).to_have_text("1")
    shot(page, "3-01-my-points")

    appeal_link = page.locator(f"a[href='/points/entries/{entry.pk}/appeal/']")
    expect(appeal_link).to_have_text(zh("Appeal"))
    appeal_link.click()
    expect(page).to_have_url(f"{live_server.url}/points/entries/{entry.pk}/appeal/")
    expect(page.locator("dl.facts")).to_contain_text(entry.reason)
    page.fill("textarea[name=reason]", appeal_reason)
    shot(page, "3-02-appeal-form")
    page.locator("form.card button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/points/me/")
    expect(page.locator(".messages .msg-success")).to_have_text(
        zh("Your appeal was filed. The review group will investigate.")
    )
    row = page.locator("table.list tbody tr", has=page.locator("text=" + zh("Appeal under investigation")))
    expect(row).to_have_count(1)
    expect(appeal_link).to_have_count(0)
    shot(page, "3-03-appeal-filed")
    appeal = Appeal.objects.get(entry=entry)
    assert appeal.status == AppealStatus.PENDING and appeal.filed_by_id == villager.pk

    # The review group investigates and overturns the entry.
    switch_user(page, world.users["reviewer_a1"].username)
    page.goto("/points/appeals/")
    expect(page.locator("table.list tbody")).to_contain_text(appeal_reason[:20])
    decide = page.locator(f"a[href='/points/appeals/{appeal.pk}/']")
    expect(decide).to_have_text(zh("Decide"))
    shot(page, "3-04-appeal-list")
    decide.click()
    expect(page).to_have_url(f"{live_server.url}/points/appeals/{appeal.pk}/")
    expect(page.locator(".timeline")).to_contain_text(appeal_reason)
    page.locator("input[name=decide-decision][value=overturn]").check()
    page.fill("textarea[name=decide-note]", finding)
    shot(page, "3-05-appeal-decide")
    # The decision cannot be undone: the page says so and asks before it posts.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#step-decide button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/points/appeals/")
    with translation.override("zh-hans"):
        assert asked == [str(APPEAL.transitions["decide"].confirm)]
    expect(page.locator(".messages .msg-success")).to_have_text(zh("Appeal decided."))
    expect(page.locator(f"a[href='/points/appeals/{appeal.pk}/']")).to_have_count(0)
    shot(page, "3-06-appeal-decided")

    # The villager sees the correction and the score back to the base.
    switch_user(page, villager.username)
    page.goto("/points/me/")
    expect(stat(page, zh("Score in %(y)s", y=year))).to_have_text("10")
    expect(stat(page, zh("Points to spend"))).to_have_text("0")
    correction = page.locator("table.list tbody tr", has_text=finding)
    expect(correction).to_have_count(1)
    expect(correction).to_contain_text(zh("Correction"))
    expect(correction.locator("td.num").first).to_have_text("-1")
    expect(correction).to_contain_text(zh("reverses the entry of %(d)s", d=entry.occurred_on.isoformat()))
    expect(page.locator(f"a[href='/points/entries/{entry.pk}/appeal/']")).to_have_count(0)
    expect(page.locator("section.card")).to_contain_text(zh("Entry overturned"))
    shot(page, "3-07-corrected")

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED and appeal.decision_note == finding
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversal.reverses_id == entry.pk
    assert reversal.score_delta == -entry.score_delta and reversal.balance_delta == -entry.balance_delta
    assert reversal.actor_id == world.users["reviewer_a1"].pk
    assert finding in reversal.reason


# -- 4. a redemption in the points shop ----------------------------------------------------------------------


def test_villager_redeems_and_cadre_hands_over(mobile_page, live_server):
    page = mobile_page
    world = build_world()
    scheme = make_scheme(world)
    cadre = world.users["cadre_a1"]
    household = world.households["a1"]
    award(world, scheme, "2.1", "2.3", "3.1")  # 1 + 1 + 1 = 3 points to spend
    shop = shop_services.shop_create(actor=cadre, village=world.village_a1, name="积分超市", address="村委会一楼")
    good = shop_services.good_create(actor=cadre, shop=shop, scheme=scheme, name="洗衣粉 1 袋", price=2, stock=5)
    balance_label = zh("Points to spend · %(scheme)s", scheme=scheme.name)

    log_in(page, world.users["villager_a1"].username)
    page.goto("/points/shop/")
    expect(page.locator("h1")).to_have_text(zh("Points shop"))
    expect(stat(page, balance_label)).to_have_text("3")
    row = page.locator("table.list tbody tr", has_text=good.name)
    expect(row).to_contain_text(zh("%(n)s points", n="2"))
    shot(page, "4-01-shop")

    form = row.locator(f"form[action='/points/shop/goods/{good.pk}/redeem/']")
    expect(form.locator("input[name=redeem-quantity]")).to_have_value("1")
    # Redeeming spends the points at once: the page says what will happen and asks first (the box is for
    # phones without scripts, hidden here).
    expect(form.locator("input[name=redeem-confirm]")).to_be_hidden()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form.locator("button[type=submit]").tap()
    # the villager lands on the pickup code, large, to show at the shop
    expect(page).to_have_url(re.compile(r"/points/shop/redemptions/\d+/$"))
    redemption = Redemption.objects.get(good=good)
    with translation.override("zh-hans"):
        assert asked == [shop_services.redeem_confirm_text(good)]
    expect(page.locator(".messages .msg-success")).to_have_text(
        zh("Redeemed %(good)s ×%(n)s. Collect it at %(shop)s.", good=good.name, n=1, shop=shop.name)
    )
    code = page.locator(".pickup-code")
    expect(code).to_have_text(redemption.pickup_code)
    assert code.bounding_box()["height"] >= 40  # readable across the counter
    shot(page, "4-02-pickup-code")
    page.goto("/points/shop/redemptions/")
    mine = page.locator("table.list tbody tr", has_text=good.name)
    expect(mine).to_contain_text(zh("Waiting to be handed over"))
    expect(mine).to_contain_text(redemption.pickup_code)
    shot(page, "4-02-redeemed")

    page.goto("/points/shop/")
    expect(stat(page, balance_label)).to_have_text("1")
    expect(stat(page, zh("Waiting to collect"))).to_have_text("1")
    # One point left: the good now costs more than the balance.
    expect(page.locator("table.list tbody tr", has_text=good.name)).to_contain_text(zh("Not enough points"))
    shot(page, "4-03-balance-dropped")

    # The cadre hands the good over at the shop: the villager shows the code, the cadre types it in.
    switch_user(page, cadre.username)
    page.goto("/points/shop/redemptions/")
    pending = page.locator("table.list tbody tr", has_text=good.name)
    expect(pending).to_contain_text(subject_of(household).label)
    expect(pending).not_to_contain_text(redemption.pickup_code)  # the shop does not see the code
    page.fill("input[name=code]", redemption.pickup_code)
    page.locator("form.pickup-find button[type=submit]").tap()
    expect(page.locator(".pickup-card")).to_contain_text(good.name)
    expect(page.locator(".pickup-card")).to_contain_text(subject_of(household).label)
    hand_over = page.locator(".pickup-card button[type=submit]")
    expect(hand_over).to_have_text(zh("Hand over"))
    shot(page, "4-04-to-hand-over")
    hand_over.tap()
    expect(page).to_have_url(re.compile(r"/points/shop/redemptions/pickup/$"))
    expect(page.locator(".messages .msg-success")).to_have_text(
        zh(
            "Handed over: %(good)s ×%(n)s to %(who)s.",
            good=good.name,
            n=1,
            who=subject_of(household).label,
        )
    )
    page.goto("/points/shop/redemptions/")
    expect(page.locator("table.list tbody")).to_contain_text(zh("Nothing here."))
    shot(page, "4-05-handed-over")

    good.refresh_from_db()
    redemption.refresh_from_db()
    assert good.stock == 4
    assert redemption.status == RedemptionStatus.FULFILLED and redemption.closed_by_id == cadre.pk
    assert redemption.quantity == 1 and redemption.points == Decimal("2")
    spent = LedgerEntry.objects.get(kind=EntryKind.REDEMPTION)
    assert spent.redemption_id == redemption.pk and spent.household_id == household.pk
    assert spent.score_delta == 0 and spent.balance_delta == Decimal("-2")
    assert Good.objects.get(pk=good.pk).stock == 4
