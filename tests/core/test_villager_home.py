"""A villager's home (issue 16): their points with the base, rank and balance; the village rules waiting for their
household's signature; the village's latest notices; a large-text mode switched on once on the phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from core import selectors
from deliberation import selectors as deliberation_selectors
from points import selectors as points_selectors
from points import services
from points.models import LedgerEntry
from points.subjects import subject_of
from tests.points.conftest import item, scheme  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    with translation.override("zh-hans"):
        return client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_villager_sees_their_points_with_the_base_rank_and_balance(world, scheme, item, client):  # noqa: F811
    villager = world.users["villager_a1"]
    claim = services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=timezone.localdate(),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    earned = sum(
        e.score_delta
        for e in LedgerEntry.objects.filter(scheme=scheme, subject_key=subject_of(world.households["a1"]).key)
    )
    summary = selectors.home_summary(villager)
    (mine,) = summary["my_points"]
    assert Decimal(mine["score"]) == scheme.base_score + earned and mine["rank"] == 1
    assert Decimal(mine["balance"]) == earned  # the base is not money to spend
    page = _home(client, villager).content.decode()
    assert "我的积分" in page and f"基础分 {scheme.base_score}" in page and "村内排名第 1" in page
    assert "/points/shop/" in page
    # staff have no such card; a household without a scheme neither
    assert selectors.home_summary(world.users["cadre_a1"])["my_points"] is None
    assert points_selectors.my_points_brief(world.users["grid_a1"]) == []


def test_the_village_rules_wait_for_the_household_s_signature_until_it_signs():
    from deliberation import services as dservices
    from tests.deliberation.support import build_deliberation_world

    dw = build_deliberation_world()
    rules = dservices.rules_create(actor=dw.cadre, village=dw.village, title="村规民约", text="一、爱护环境。")
    villager = dw.users["villager_a1"]
    dservices.rules_step(actor=dw.cadre, rules=rules, step="draft", note="院坝会")
    assert not deliberation_selectors.rules_to_sign(villager).exists()  # a draft is not signed
    dservices.rules_step(actor=dw.cadre, rules=rules, step="submit")
    dservices.rules_step(actor=dw.users["township_a"], rules=rules, step="approve")
    dw.adopt_rules(rules)
    dservices.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    assert [r.pk for r in deliberation_selectors.rules_to_sign(villager)] == [rules.pk]
    waiting = {w["key"]: w["count"] for w in selectors.home_summary(villager)["waiting"]}
    assert waiting["deliberation.rules_to_sign"] == 1
    rules.refresh_from_db()
    dservices.rules_sign(actor=villager, rules=rules)
    assert not deliberation_selectors.rules_to_sign(villager).exists()
    waiting = {w["key"] for w in selectors.home_summary(villager)["waiting"]}
    assert "deliberation.rules_to_sign" not in waiting  # nothing left: not shown
    assert not deliberation_selectors.rules_to_sign(dw.cadre).exists()  # staff have no household


def test_large_text_is_switched_on_once_and_off_again(world, client):
    villager = world.users["villager_a1"]
    client.force_login(villager)
    response = client.post("/large-text/", {"on": "1", "next": "/points/me/"})
    assert response.status_code == 302 and response["Location"] == "/points/me/"
    assert client.cookies["large_text"].value == "1"
    assert '<html lang="zh-hans" class="large-text">' in _home(client, villager).content.decode()
    response = client.post("/large-text/", {"on": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/"  # never off the site
    assert client.cookies["large_text"].value == ""
    assert 'class="large-text"' not in _home(client, villager).content.decode()
    assert client.get("/large-text/").status_code == 405


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_the_villager_s_home_lists_the_village_s_latest_notices(world, client):
    villager = world.users["villager_a1"]
    assert selectors.home_summary(villager)["village_notices"] == []  # the card, empty: says so
    assert "本村尚未发布公开信息" in _home(client, villager).content.decode()
    assert selectors.home_summary(world.users["cadre_a1"])["village_notices"] == ()  # staff: no such card
