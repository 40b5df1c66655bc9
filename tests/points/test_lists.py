"""Red and black lists: the county's consequences, a scheme's list rules, mentorships, and the grid's monthly
ledger (一网格一档) with its .xlsx export."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from points import ledger_export, services
from points import standings as calc
from points.consequences import DEFAULTS, FORBIDDEN, ensure_default_consequences
from points.models import Claim, ConsequenceType, LedgerEntry, ListKind, ListMethod, ListRule, Mentorship, RuleItem
from points.subjects import subject_of
from regions.models import GridStaff, GridStaffRole
from registry.models import PartyBranch, PartyMember

# -- the county's consequences ------------------------------------------------------------------------


def test_default_consequences_are_created_once_and_never_overwritten(world):
    ConsequenceType.objects.filter(county=world.county).delete()  # installed when the county was created
    created = ensure_default_consequences(world.county)
    assert len(created) == len(DEFAULTS) == 11
    forbidden = set(ConsequenceType.objects.filter(county=world.county, forbidden=True).values_list("name", flat=True))
    assert forbidden == {name for name, _note in FORBIDDEN}
    assert all(c.legal_note for c in ConsequenceType.objects.filter(county=world.county))
    ConsequenceType.objects.filter(name="黑榜公示").update(legal_note="县里自定")
    assert ensure_default_consequences(world.county) == []
    assert ConsequenceType.objects.get(name="黑榜公示").legal_note == "县里自定"
    assert ensure_default_consequences(world.township_a) == []  # only counties


def test_policy_page_is_for_the_county_administrator(client, login, world):
    assert client.get("/points/policy/").status_code == 302  # sign in first
    login(world.users["cadre_a1"])
    assert client.get("/points/policy/").status_code == 403
    login(world.users["county_official"])
    assert client.get("/points/policy/").status_code == 403
    login(world.users["county_admin"])
    response = client.get("/points/policy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "取消低保待遇" in text and "社会救助暂行办法" in text and "暂停公益岗位资格" in text
    assert ConsequenceType.objects.filter(county=world.county).count() == 11


def test_county_administrator_adds_and_edits_consequences(client, login, world):
    login(world.users["county_admin"])
    response = client.post(
        "/points/policy/", {"name": "取消村集体分红", "forbidden": "on", "legal_note": "集体收益分配权受法律保护"}
    )
    assert response.status_code == 302
    added = ConsequenceType.objects.get(county=world.county, name="取消村集体分红")
    assert added.forbidden and added.legal_note == "集体收益分配权受法律保护"
    target = ConsequenceType.objects.get(county=world.county, name="取消评先评优资格")
    response = client.post(
        f"/points/policy/?county={world.county.pk}",
        {"edit": target.pk, "name": "改名无效", "forbidden": "on", "legal_note": "本县不再使用"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.forbidden and target.legal_note == "本县不再使用" and target.name == "取消评先评优资格"
    assert not ConsequenceType.objects.filter(name="改名无效").exists()


# -- list rules -------------------------------------------------------------------------------------------


def _rule_post(consequences, **extra):
    data = {
        "kind": ListKind.BLACK,
        "method": ListMethod.BOTTOM_SHARE,
        "value": "5",
        "consequences": [c.pk for c in consequences],
        "consequence_text": "党员干部一对一帮扶",
        "duration_quarters": "1",
    }
    data.update(extra)
    return data


def test_cadre_adds_a_list_rule_with_allowed_consequences(client, login, world, scheme):
    login(world.users["cadre_a1"])
    response = client.get(f"/points/schemes/{scheme.pk}/lists/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "暂停公益岗位资格" in text and "取消低保待遇" in text  # the forbidden one is shown, greyed out
    allowed = ConsequenceType.objects.filter(county=world.county, name__in=["黑榜公示", "1对1联系帮扶"])
    response = client.post(f"/points/schemes/{scheme.pk}/lists/", _rule_post(allowed))
    assert response.status_code == 302
    rule = ListRule.objects.get(scheme=scheme)
    assert rule.kind == ListKind.BLACK and rule.value == Decimal("5")
    assert set(rule.consequences.values_list("name", flat=True)) == {"黑榜公示", "1对1联系帮扶"}
    response = client.post(
        f"/points/schemes/{scheme.pk}/lists/", _rule_post(allowed, rule=rule.pk, duration_quarters="2")
    )
    assert response.status_code == 302
    assert ListRule.objects.get().duration_quarters == 2


def test_forbidden_consequence_is_refused_with_the_county_reason(client, login, world, scheme):
    login(world.users["cadre_a1"])
    client.get(f"/points/schemes/{scheme.pk}/lists/")  # the county's defaults exist from here on
    forbidden = ConsequenceType.objects.get(county=world.county, name="取消低保待遇")
    allowed = ConsequenceType.objects.get(county=world.county, name="黑榜公示")
    response = client.post(f"/points/schemes/{scheme.pk}/lists/", _rule_post([allowed, forbidden]))
    assert response.status_code == 200
    text = response.content.decode()
    assert forbidden.legal_note in text
    assert not ListRule.objects.exists()


def test_list_rules_are_scoped(client, login, world, scheme):
    login(world.users["cadre_b1"])
    assert client.get(f"/points/schemes/{scheme.pk}/lists/").status_code == 404
    login(world.users["grid_a1"])
    assert client.get(f"/points/schemes/{scheme.pk}/lists/").status_code == 403


# -- mentorships ------------------------------------------------------------------------------------------


@pytest.fixture
def black_listed(world, scheme, today, photo):
    """李秀英户 is black-listed in this quarter's notice, so it gets a mentorship."""
    cadre = world.users["cadre_a1"]
    item = RuleItem.objects.get(rulebook__scheme=scheme, code="N1")
    claim = services.claim_record(
        actor=cadre,
        scheme=scheme,
        subject=subject_of(world.households["a1b"]),
        item=item,
        occurred_on=today,
        evidence=photo(),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    services.list_rule_save(
        actor=cadre, scheme=scheme, kind=ListKind.BLACK, method=ListMethod.BELOW, value=10, consequences=[]
    )
    quarter = calc.quarter_of(today)
    services.quarter_signoff(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)
    services.quarter_publish(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)
    return Mentorship.objects.get(scheme=scheme)


def test_mentorship_flow_assign_visit_upgrade(client, login, world, scheme, black_listed, today):
    branch = PartyBranch(name="安家村党支部")
    branch.place_in(world.village_a1)
    branch.save()
    head = world.people["a1_head"]
    member = PartyMember(person=head, branch=branch)
    member.place_in(world.village_a1)
    member.save()
    assert black_listed.household == world.households["a1b"] and black_listed.mentor is None

    login(world.users["cadre_a1"])
    page = client.get(f"/points/schemes/{scheme.pk}/lists/").content.decode()
    assert "李秀英户" in page and f"/points/mentorships/{black_listed.pk}/" in page

    response = client.get(f"/points/mentorships/{black_listed.pk}/")
    text = response.content.decode()
    assert response.status_code == 200 and "王建国（王建国户）" in text  # a party member, offered first
    assert "李秀英（" not in text  # nobody of the mentored household

    response = client.post(
        f"/points/mentorships/{black_listed.pk}/",
        {"mentor": head.pk, "visited_on": today.isoformat(), "visit_note": "上门谈心，约定清理房前屋后"},
    )
    assert response.status_code == 302
    black_listed.refresh_from_db()
    assert black_listed.mentor == head and black_listed.upgraded_on is None
    assert black_listed.notes == f"{today:%Y-%m-%d} 上门谈心，约定清理房前屋后"

    response = client.post(
        f"/points/mentorships/{black_listed.pk}/",
        {"mentor": "", "visited_on": today.isoformat(), "visit_note": "已整改到位", "upgraded": "on"},
    )
    assert response.status_code == 302
    black_listed.refresh_from_db()
    assert black_listed.mentor == head and black_listed.upgraded_on == today
    assert black_listed.notes.splitlines()[1] == f"{today:%Y-%m-%d} 已整改到位"


def test_mentor_found_by_search_and_from_another_village_refused(client, login, world, black_listed, today):
    login(world.users["cadre_a1"])
    outsider = world.people["a2_head"]
    response = client.post(f"/points/mentorships/{black_listed.pk}/", {"mentor": outsider.pk})
    assert response.status_code == 200  # not a choice: the form refuses it
    black_listed.refresh_from_db()
    assert black_listed.mentor is None
    resident = world.people["a1_wife"]
    response = client.post(f"/points/mentorships/{black_listed.pk}/?q=刘", {"mentor": resident.pk})
    assert response.status_code == 302
    black_listed.refresh_from_db()
    assert black_listed.mentor == resident


def test_mentorship_page_is_scoped(client, login, world, black_listed):
    login(world.users["cadre_b1"])
    assert client.get(f"/points/mentorships/{black_listed.pk}/").status_code == 404
    login(world.users["reviewer_a1"])
    assert client.get(f"/points/mentorships/{black_listed.pk}/").status_code == 403


# -- the grid's monthly ledger ------------------------------------------------------------------------


@pytest.fixture
def ledger_data(world, scheme, today):
    """In grid A1-01 this month: two approved entries of 王建国户 (one corrected), one pending and one rejected
    claim; in grid A1-02 one approved entry of 李秀英户."""
    grid_worker, reviewer, cadre = world.users["grid_a1"], world.users["reviewer_a1"], world.users["cadre_a1"]
    a1, a1b = subject_of(world.households["a1"]), subject_of(world.households["a1b"])

    def item(code):
        return RuleItem.objects.get(rulebook__scheme=scheme, code=code)

    def record(actor, subject, code):
        return services.claim_record(actor=actor, scheme=scheme, subject=subject, item=item(code), occurred_on=today)

    approved = [record(grid_worker, a1, "2.1"), record(grid_worker, a1, "2.3"), record(cadre, a1b, "2.1")]
    services.claims_review(actor=reviewer, claim_ids=[c.pk for c in approved], approve=True)
    corrected = LedgerEntry.objects.get(claim=approved[1])
    services.entry_reverse(actor=reviewer, entry=corrected, reason="重复记录")
    rejected = record(grid_worker, a1, "2.2")
    services.claims_review(actor=reviewer, claim_ids=[rejected.pk], approve=False, reason="照片不清")
    pending = record(grid_worker, a1, "1.1")
    GridStaff.objects.create(grid=world.grid_a1, name="周网格", role=GridStaffRole.SECOND, user=grid_worker)
    return {"pending": pending, "rejected": rejected, "corrected": corrected}


def test_ledger_builds_rows_and_totals(world, scheme, ledger_data, today):
    ledger = ledger_export.grid_month_ledger(scheme, world.grid_a1, today.replace(day=1))
    statuses = sorted(r.status for r in ledger.rows)
    assert statuses == ["corrected", "entered", "entered", "pending", "rejected"]
    assert {r.subject for r in ledger.rows} == {"王建国户"}
    (total,) = ledger.totals
    assert total.entries == 3 and total.points == Decimal("1") and total.pending == Decimal("0.5")
    assert ledger.staff_names.startswith("周网格")
    assert ledger_export.grid_month_ledger(scheme, world.grid_a1, date(2000, 1, 1)).rows == []


def test_ledger_page_for_the_grid_worker_shows_own_grid_only(client, login, world, scheme, ledger_data, today):
    login(world.users["grid_a1"])
    month = f"{today:%Y-%m}"
    response = client.get(f"/points/schemes/{scheme.pk}/ledger/?month={month}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "王建国户" in text and "李秀英户" not in text and "照片不清" in text and "重复记录" in text
    assert world.grid_a1b.name not in text  # not even offered
    assert client.get(f"/points/schemes/{scheme.pk}/ledger/?grid={world.grid_a1b.pk}").status_code == 404
    response = client.get(f"/points/schemes/{scheme.pk}/ledger/?grid={world.grid_a1.pk}&month={month}&print=1")
    assert response.status_code == 200 and "@page" in response.content.decode()
    response = client.get(f"/points/schemes/{scheme.pk}/ledger/print/?grid={world.grid_a1.pk}&month={month}")
    assert response.status_code == 200 and "周网格" in response.content.decode()


def test_ledger_page_for_cadres_and_others(client, login, world, scheme, ledger_data, today):
    login(world.users["cadre_a1"])
    response = client.get(f"/points/schemes/{scheme.pk}/ledger/?grid={world.grid_a1b.pk}&month={today:%Y-%m}")
    assert response.status_code == 200 and "李秀英户" in response.content.decode()
    login(world.users["cadre_b1"])
    assert client.get(f"/points/schemes/{scheme.pk}/ledger/").status_code == 404
    assert client.get(f"/points/schemes/{scheme.pk}/ledger/export.xlsx").status_code == 404
    login(world.users["villager_a1"])
    assert client.get(f"/points/schemes/{scheme.pk}/ledger/").status_code == 403
    login(world.users["township_a"])
    assert client.get(f"/points/schemes/{scheme.pk}/ledger/?grid={world.grid_a1.pk}").status_code == 200


def test_ledger_xlsx_parses_back_with_the_right_totals(client, login, world, scheme, ledger_data, today):
    login(world.users["grid_a1"])
    month = f"{today:%Y-%m}"
    response = client.get(f"/points/schemes/{scheme.pk}/ledger/export.xlsx?grid={world.grid_a1.pk}&month={month}")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"积分台账-A1-01-{month}.xlsx"
    assert f'filename="points-ledger-A1-01-{month}.xlsx"' in disposition
    ws = load_workbook(BytesIO(response.content)).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = {r[0]: r[1] for r in rows[1:7]}
    assert header["村（社区）"] == "安家村" and header["月份"] == month and "周网格" in header["网格员"]
    start = next(i for i, r in enumerate(rows) if list(r[: len(ledger_export.HEADERS)]) == ledger_export.HEADERS)
    data = []
    for r in rows[start + 1 :]:
        if r[0] is None:
            break
        data.append(r)
    assert len(data) == 5 and {r[1] for r in data} == {"王建国户"}
    assert sorted(r[6] for r in data) == sorted(["已入账", "已入账", "已冲正", "待审核", "未通过"])
    assert data[0][0].date() == today
    totals_at = next(i for i, r in enumerate(rows) if r[0] == "各户合计")
    assert list(rows[totals_at + 1][:4]) == ledger_export.TOTAL_HEADERS
    assert list(rows[totals_at + 2][:4]) == ["王建国户", 3, 1, 0.5]
    assert list(rows[totals_at + 3][:4]) == ["合计", 3, 1, 0.5]
    counted = sum(r[3] for r in data if r[6] in ("已入账", "已冲正"))
    assert counted == rows[totals_at + 3][2]


def test_ledger_month_parsing(today):
    assert ledger_export.parse_month("2026-03") == date(2026, 3, 1)
    assert ledger_export.parse_month("2026-13") == today.replace(day=1)
    assert ledger_export.parse_month("junk") == today.replace(day=1)
    assert ledger_export.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert ledger_export.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert ledger_export.next_month(date(2026, 1, 31)) - timedelta(days=1) == date(2026, 1, 31)


def test_pending_claims_of_other_grids_stay_out(world, scheme, ledger_data, today):
    ledger = ledger_export.grid_month_ledger(scheme, world.grid_a1b, today.replace(day=1))
    assert [r.subject for r in ledger.rows] == ["李秀英户"]
    assert Claim.objects.filter(grid=world.grid_a1).count() == 4
