"""Points pages through HTTP, per role."""

from datetime import timedelta

from points import services
from points.models import Appeal, Claim, ClaimStatus, LedgerEntry, Publication, RuleItem
from points.subjects import subject_of


def _approved(world, scheme, item, today, household_key="a1"):
    recorder = world.users["grid_a1"] if household_key == "a1" else world.users["cadre_a1"]
    claim = services.claim_record(
        actor=recorder,
        scheme=scheme,
        subject=subject_of(world.households[household_key]),
        item=item,
        occurred_on=today,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


def test_home_lists_schemes_for_staff_and_redirects_villagers(world, scheme, login):
    page = login(world.users["cadre_a1"]).get("/points/").content.decode()
    assert scheme.name in page
    assert "安家村细则（v1）" in page  # the rule book in force
    assert login(world.users["villager_a1"]).get("/points/")["Location"].endswith("/points/me/")
    assert scheme.name not in login(world.users["cadre_b1"]).get("/points/").content.decode()


def test_grid_worker_records_from_the_phone_form(world, scheme, item, login, today):
    client = login(world.users["grid_a1"])
    page = client.get("/points/record/").content.decode()
    assert "王建国户" in page and "李秀英户" not in page  # only households of the worker's grid
    search = client.get(f"/points/record/households/?scheme={scheme.pk}&q=王").content.decode()
    assert "王建国户" in search
    response = client.post(
        "/points/record/",
        {
            "scheme": scheme.pk,
            "household": world.households["a1"].pk,
            "item": item.pk,
            "occurred_on": today.isoformat(),
            "client_key": "k-1",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.PENDING and claim.recorded_by == world.users["grid_a1"]
    # The same form sent again (bad connection) is stored once.
    client.post(
        "/points/record/",
        {
            "scheme": scheme.pk,
            "household": world.households["a1"].pk,
            "item": item.pk,
            "occurred_on": today.isoformat(),
            "client_key": "k-1",
        },
    )
    assert Claim.objects.count() == 1


def test_record_form_refuses_other_households_and_keeps_input(world, scheme, item, login, today):
    client = login(world.users["grid_a1"])
    response = client.post(
        "/points/record/",
        {
            "scheme": scheme.pk,
            "household": world.households["a1b"].pk,
            "item": item.pk,
            "occurred_on": today.isoformat(),
            "client_key": "k-2",
            "note": "门前清扫",
        },
    )
    assert response.status_code == 200 and not Claim.objects.exists()
    assert "门前清扫" in response.content.decode()
    future = client.post(
        "/points/record/",
        {
            "scheme": scheme.pk,
            "household": world.households["a1"].pk,
            "item": item.pk,
            "occurred_on": (today + timedelta(days=3)).isoformat(),
            "client_key": "k-3",
        },
    )
    assert future.status_code == 200 and not Claim.objects.exists()


def test_monthly_review_bulk_approve_and_reject_with_reason(world, scheme, item, login, today):
    other = RuleItem.objects.get(rulebook__scheme=scheme, code="2.2")
    c1 = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=today,
    )
    c2 = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=other,
        occurred_on=today,
    )
    client = login(world.users["reviewer_a1"])
    assert "王建国户" in client.get(f"/points/schemes/{scheme.pk}/review/").content.decode()
    response = client.post(f"/points/schemes/{scheme.pk}/review/", {"claims": [c2.pk], "decision": "reject"})
    assert response.status_code == 200  # no reason given
    assert Claim.objects.get(pk=c2.pk).status == ClaimStatus.PENDING
    client.post(f"/points/schemes/{scheme.pk}/review/", {"claims": [c2.pk], "decision": "reject", "reason": "无照片"})
    client.post(f"/points/schemes/{scheme.pk}/review/", {"claims": [c1.pk], "decision": "approve"})
    assert Claim.objects.get(pk=c1.pk).status == ClaimStatus.APPROVED
    assert Claim.objects.get(pk=c2.pk).rejection_reason == "无照片"
    # A stale screen submitting an already reviewed entry changes nothing.
    stale = client.post(f"/points/schemes/{scheme.pk}/review/", {"claims": [c1.pk], "decision": "approve"})
    assert stale.status_code == 200 and LedgerEntry.objects.count() == 1
    assert login(world.users["grid_a1"]).get(f"/points/schemes/{scheme.pk}/review/").status_code == 403


def test_villager_sees_own_points_and_appeals_then_review_group_overturns(world, scheme, item, login, today):
    entry = _approved(world, scheme, item, today)
    villager = login(world.users["villager_a1"])
    page = villager.get("/points/me/").content.decode()
    assert "11" in page  # base 10 + 1
    response = villager.post(f"/points/entries/{entry.pk}/appeal/", {"reason": "那天我不在家"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    reviewer = login(world.users["reviewer_a1"])
    assert "那天我不在家" in reviewer.get(f"/points/appeals/{appeal.pk}/").content.decode()
    reviewer.post(
        f"/casework/cases/points_appeal/{appeal.pk}/steps/decide/",
        {"decide-decision": "overturn", "decide-note": "经核实不属实", "decide-confirm": "on"},
    )
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.score_delta == -entry.score_delta and "经核实不属实" in reversal.reason
    # Another household's entry cannot be appealed by this villager.
    other = _approved(world, scheme, RuleItem.objects.get(rulebook__scheme=scheme, code="2.2"), today, "a1b")
    villager = login(world.users["villager_a1"])
    assert villager.get(f"/points/entries/{other.pk}/appeal/").status_code == 404


def test_appeal_window_and_double_appeal(world, scheme, item, login, today, monkeypatch):
    entry = _approved(world, scheme, item, today)
    villager = login(world.users["villager_a1"])
    villager.post(f"/points/entries/{entry.pk}/appeal/", {"reason": "有误"})
    again = villager.post(f"/points/entries/{entry.pk}/appeal/", {"reason": "再次"})
    assert again.status_code == 200 and Appeal.objects.count() == 1
    late_entry = _approved(world, scheme, RuleItem.objects.get(rulebook__scheme=scheme, code="2.2"), today)
    # 16 days later the 15-day window has closed.
    monkeypatch.setattr("points.services.timezone.localdate", lambda: today + timedelta(days=16))
    late = villager.post(f"/points/entries/{late_entry.pk}/appeal/", {"reason": "太晚了"})
    assert late.status_code == 200 and Appeal.objects.count() == 1


def test_standings_and_quarter_publication(world, scheme, item, login, today):
    _approved(world, scheme, item, today)
    client = login(world.users["cadre_a1"])
    page = client.get(f"/points/schemes/{scheme.pk}/standings/").content.decode()
    assert "王建国户" in page and "11" in page
    assert "王建国户" in client.get(f"/points/schemes/{scheme.pk}/standings/?quarter=year").content.decode()
    quarter = (today.month - 1) // 3 + 1
    url = f"/points/schemes/{scheme.pk}/quarter/?year={today.year}&quarter={quarter}"
    client.post(url, {"action": "publish"})
    assert not Publication.objects.exists()  # not signed off yet
    client.post(url, {"action": "signoff"})
    client.post(url, {"action": "publish"})
    assert Publication.objects.count() == 1
    grid_page = login(world.users["grid_a1"]).get(f"/points/schemes/{scheme.pk}/standings/").content.decode()
    assert "李秀英户" not in grid_page  # a grid worker sees their grid only


def test_scheme_and_rulebook_configuration(world, login):
    client = login(world.users["cadre_a1"])
    response = client.post(
        "/points/schemes/new/",
        {
            "village": world.village_a1.pk,
            "name": "志愿者积分",
            "kind": "volunteer",
            "subject_kind": "household",
            "base_score": "0",
            "stars": "5:10",
            "publish_day": 28,
            "appeal_window_days": 15,
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/points/schemes/new/",
        {
            "village": world.village_a1.pk,
            "name": "坏",
            "kind": "volunteer",
            "subject_kind": "household",
            "base_score": "0",
            "stars": "五星",
            "publish_day": 28,
            "appeal_window_days": 15,
        },
    )
    assert bad.status_code == 200
    from points.models import Scheme

    scheme = Scheme.objects.get(name="志愿者积分")
    response = client.post(
        f"/points/schemes/{scheme.pk}/rulebooks/new/",
        {"title": "志愿服务细则", "effective_from": "2026-01-01", "start": "empty"},
    )
    book = scheme.rulebooks.get()
    assert response["Location"].endswith(f"/points/rulebooks/{book.pk}/")
    client.post(
        f"/points/rulebooks/{book.pk}/",
        {"item-category_name": "社会服务", "item-code": "1", "item-text": "参加志愿服务", "item-points": "1"},
    )
    assert book.items.count() == 1
    client.post(f"/points/rulebooks/{book.pk}/", {"adopt": "1", "adopt-decision_ref": ""})
    book.refresh_from_db()
    assert not book.is_adopted
    client.post(f"/points/rulebooks/{book.pk}/", {"adopt": "1", "adopt-decision_ref": "村民代表会议决议第5号"})
    book.refresh_from_db()
    assert book.is_adopted
    assert login(world.users["cadre_b1"]).get(f"/points/rulebooks/{book.pk}/").status_code == 404


def test_bulk_meeting_entry_is_all_or_nothing(world, scheme, item, login, today):
    client = login(world.users["cadre_a1"])
    negative = RuleItem.objects.get(rulebook__scheme=scheme, code="N1")  # needs evidence: refused in bulk
    response = client.post(
        f"/points/schemes/{scheme.pk}/bulk/",
        {
            "occurred_on": today.isoformat(),
            f"item_{world.households['a1'].pk}": item.pk,
            f"item_{world.households['a1b'].pk}": negative.pk,
        },
    )
    assert response.status_code == 200 and not Claim.objects.exists()
    response = client.post(
        f"/points/schemes/{scheme.pk}/bulk/",
        {
            "occurred_on": today.isoformat(),
            f"item_{world.households['a1'].pk}": item.pk,
            f"item_{world.households['a1b'].pk}": item.pk,
            "note": "3组院坝说事会",
        },
    )
    assert response.status_code == 302 and Claim.objects.count() == 2


def test_county_ranking_page_and_api(world, scheme, item, login, client, api_token, today):
    _approved(world, scheme, item, today)
    page = login(world.users["county_official"]).get("/points/county/").content.decode()
    assert "王建国户" in page and "11" in page
    body = client.get("/api/points/county-ranking", **api_token(world.users["county_official"])).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "王建国户" and body["items"][0]["rank"] == 1
    assert login(world.users["cadre_a1"]).get("/points/county/").status_code == 404


def test_honours_take_score_and_rank_from_the_ranking(world, scheme, item, login, today):
    from points.models import Honour

    _approved(world, scheme, item, today)
    client = login(world.users["cadre_a1"])
    key = f"h:{world.households['a1'].pk}"
    url = f"/points/schemes/{scheme.pk}/honours/?year={today.year}"
    response = client.post(url, {"title": "十星家庭户", "subject_key": key, "award_yuan": "200"})
    assert response.status_code == 302
    honour = Honour.objects.get()
    assert honour.rank == 1 and str(honour.score) == "11.00" and honour.subject_label == "王建国户"
    again = client.post(url, {"title": "十星家庭户", "subject_key": key, "award_yuan": "200"})
    bad = client.post(url, {"title": "", "subject_key": "h:999999", "award_yuan": "-5"})
    assert again.status_code == 200 and bad.status_code == 200 and Honour.objects.count() == 1
    assert "十星家庭户" in client.get(url).content.decode()
    assert login(world.users["grid_a1"]).post(url, {"title": "x", "subject_key": key}).status_code == 403


def test_standings_by_village_group_keep_village_ranks(world, scheme, item, login, today):
    from regions.models import Region
    from tests.factories import make_region

    group = make_region("3组", "51042200100103", "group", world.village_a1)
    world.households["a1b"].group = group
    world.households["a1b"].save(update_fields=["group"])
    _approved(world, scheme, item, today)
    page = login(world.users["cadre_a1"]).get(f"/points/schemes/{scheme.pk}/standings/?group={group.pk}")
    text = page.content.decode()
    assert "李秀英户" in text and "王建国户" not in text
    assert Region.objects.filter(pk=group.pk).exists()


def test_meeting_entry_page_lists_the_households_of_the_chosen_grid(world, scheme, item, login):
    """会议集中录入 is opened (GET) before anything is posted: it must list the households to score."""
    from regions.models import Grid
    from tests.factories import make_household
    from tests.points.template_names import missing_loop_names

    grid = Grid.objects.get(pk=world.households["a1"].grid_id)
    for n in range(3, 34):  # the grid of 32 households (0001 + 31 more) the issue was seen with
        make_household(world.village_a1, f"{n:04d}", grid, head=f"户主{n}")
    client = login(world.users["cadre_a1"])
    url = f"/points/schemes/{scheme.pk}/bulk/"
    page = client.get(url, {"grid": grid.pk})
    assert page.status_code == 200 and missing_loop_names(page) == {}
    body = page.content.decode()
    assert body.count('name="item_') == 32
    assert "王建国户" in body and "户主33户" in body and "李秀英户" not in body  # 李秀英 is in the other grid
    assert f'<option value="{grid.pk}" selected>' in body  # the grid chosen stays chosen
    assert "您的管辖范围内没有农户" not in body and "No household in your area." not in body
    everyone = client.get(url).content.decode()
    assert everyone.count('name="item_') == 33 and "李秀英户" in everyone
    # a choice made before a refused post stays chosen on the page that comes back
    refused = client.post(url, {"grid": grid.pk, "occurred_on": "13/45", f"item_{world.households['a1'].pk}": item.pk})
    assert refused.status_code == 200 and f'<option value="{item.pk}" selected>' in refused.content.decode()
    # a grid id that is not a number is ignored, not a server error
    assert client.get(url, {"grid": "x"}).status_code == 200


def test_my_points_history_starts_with_the_base_score_and_its_lines_add_up_to_the_year_score(
    world, scheme, item, login, today
):
    """The year's score included the base score, shown nowhere: the history never summed to the total."""
    import re
    from decimal import Decimal

    from django.utils import translation

    other = RuleItem.objects.get(rulebook__scheme=scheme, code="2.2")
    first = _approved(world, scheme, item, today)
    _approved(world, scheme, other, today)
    services.entry_reverse(actor=world.users["reviewer_a1"], entry=first, reason="记录有误")
    client = login(world.users["villager_a1"])
    with translation.override("zh-hans"):
        base_label = translation.gettext("Base score")
    page = client.get("/points/me/").content.decode()
    body = page[page.index('class="list responsive history"') :]
    body = body[: body.index("</table>")]
    assert base_label in body and body.index(base_label) < body.index("记录有误")  # the base is the first line
    scores = [
        Decimal(v) for v in re.findall(r'data-label="[^"]*" class="num"><span class="[^"]*">([+-]?[\d.]+)<', body)
    ]
    total = Decimal(re.search(r'class="total-line">.*?class="num"><strong>([\d.]+)</strong>', body, re.S).group(1))
    summary = client.get("/api/points/me").json()[0]
    assert sum(scores) == total == Decimal(summary["year_score"]) == Decimal(summary["history_score"])
    assert Decimal(summary["base_score"]) == scheme.base_score and scores[0] == scheme.base_score
    assert len(summary["history"]) == 3  # two awards and the correction, oldest first
    assert "0001" in page  # the household number, to find its row on the public notice
    # another year: its own base line; a year out of range falls back to this year, never a server error
    assert client.get("/points/me/", {"year": today.year - 1}).status_code == 200
    assert client.get("/points/me/", {"year": "99999"}).status_code == 200
    assert client.get("/api/points/me", {"year": 99999}).status_code == 422


def test_every_list_a_points_page_loops_over_is_given_by_its_view(world, scheme, item, login, today):
    """The contract that broke 会议集中录入, checked on the points pages people open first (GET)."""
    from tests.points.template_names import missing_loop_names

    _approved(world, scheme, item, today)
    pages = {
        "cadre_a1": [
            "/points/",
            "/points/record/",
            f"/points/schemes/{scheme.pk}/",
            f"/points/schemes/{scheme.pk}/bulk/",
            f"/points/schemes/{scheme.pk}/review/",
            f"/points/schemes/{scheme.pk}/standings/",
            f"/points/schemes/{scheme.pk}/quarter/",
            f"/points/schemes/{scheme.pk}/honours/",
            "/points/appeals/",
            "/points/shop/",
            "/points/party/consents/",
        ],
        "villager_a1": ["/points/me/", "/points/declare/", "/points/shop/", "/points/party/consents/"],
    }
    for user, urls in pages.items():
        client = login(world.users[user])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert missing_loop_names(response) == {}, url
