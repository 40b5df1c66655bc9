"""The finance API (/api/finance) with bearer tokens: the same rules as the pages, 404 outside scope, 422 with the
message for refusals (nothing written), amounts as strings to the cent."""

from __future__ import annotations

from datetime import date

import pytest

from finance.models import ApprovalBand, Category, Expense, LedgerEntry, MonthlyDisclosure, Post, PostAssignment
from regions.models import RegionLevel
from tests.factories import make_region
from tests.finance.support import pdf, zh

pytestmark = pytest.mark.django_db
BASE = "/api/finance"
CASES = "/api/casework/cases/expense"  # the expense's steps: the casework API (declared on finance.flows.EXPENSE)


def _expense_json(fw, **over):
    data = {
        "village_id": fw.village.pk,
        "title": "村委会办公用品",
        "category_id": fw.cat("60202").pk,
        "payee": "安家文具店",
        "amount": "1500.00",
        "lines": [{"description": "打印纸", "amount": "700.00"}, {"description": "墨盒", "amount": "800.00"}],
    }
    data.update(over)
    return data


def test_ledger_income_reversal_and_month(fw, client, api_token):
    cadre = api_token(fw.users["cadre_a1"])
    assert client.get(f"{BASE}/villages", **cadre).json() == [
        {"id": fw.village.pk, "name": fw.village.name, "code": fw.village.code}
    ]
    cats = client.get(f"{BASE}/categories", {"village_id": fw.village.pk, "direction": "income"}, **cadre).json()
    assert {c["name"] for c in cats} >= {"经营收入", "补助收入"} and all(c["direction"] == "income" for c in cats)
    body = {
        "village_id": fw.village.pk,
        "date": "2026-10-03",
        "category_id": fw.cat("50401").pk,
        "amount": "12345.67",
        "counterparty": "县财政局",
        "summary": "转移支付",
        "reference": "CZ01",
    }
    response = client.post(f"{BASE}/entries/income", body, content_type="application/json", **cadre)
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["amount"] == "12345.67" and entry["number"].startswith("JZ2026-")
    bad = client.post(f"{BASE}/entries/income", {**body, "amount": "1.005"}, content_type="application/json", **cadre)
    assert bad.status_code == 422 and "amount" in bad.json()["errors"] and LedgerEntry.objects.count() == 1
    cash = {**body, "method": "cash", "reference": ""}
    assert client.post(f"{BASE}/entries/income", cash, content_type="application/json", **cadre).status_code == 201
    files = client.post(f"{BASE}/entries/{entry['id']}/vouchers", {"files": [pdf()]}, **cadre)
    assert files.status_code == 200 and len(files.json()["vouchers"]) == 1
    reversal = client.post(
        f"{BASE}/entries/{entry['id']}/reverse", {"reason": "重复"}, content_type="application/json", **cadre
    )
    assert reversal.status_code == 201 and reversal.json()["reverses_id"] == entry["id"]
    again = client.post(
        f"{BASE}/entries/{entry['id']}/reverse", {"reason": "再"}, content_type="application/json", **cadre
    )
    assert again.status_code == 422
    month = client.get(f"{BASE}/months/{fw.village.pk}/2026/10", **cadre).json()
    assert month["income"] == "24691.34" and month["opening"] == "0.00"  # two incomes; the reversal is dated today
    page = client.get(
        f"{BASE}/ledger", {"village_id": fw.village.pk, "year": 2026, "month": 10, "direction": "income"}, **cadre
    ).json()
    assert page["count"] == 2 and page["income"] == "24691.34"
    assert client.get(f"{BASE}/entries/{entry['id']}", **cadre).json()["reversed_by_id"] == reversal.json()["id"]
    other = api_token(fw.users["cadre_b1"])
    assert client.get(f"{BASE}/entries/{entry['id']}", **other).status_code == 404
    assert client.get(f"{BASE}/months/{fw.village.pk}/2026/10", **other).status_code == 404
    assert client.post(f"{BASE}/entries/income", body, content_type="application/json", **other).status_code == 404
    supervisor = api_token(fw.users["supervisor_a1"])
    assert client.post(f"{BASE}/entries/income", body, content_type="application/json", **supervisor).status_code == 403


def test_expense_chain_through_the_api(fw, client, api_token):
    cadre = api_token(fw.users["cadre_a1"])
    bad = client.post(f"{BASE}/expenses", _expense_json(fw, amount="1499.00"), content_type="application/json", **cadre)
    assert bad.status_code == 422 and "amount" in bad.json()["errors"] and Expense.objects.count() == 0
    response = client.post(f"{BASE}/expenses", _expense_json(fw), content_type="application/json", **cadre)
    assert response.status_code == 201, response.content
    expense = response.json()
    assert [c["post"] for c in expense["chain"]] == [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY]
    assert expense["waiting_for"] == Post.CLERK
    supervisor = api_token(fw.users["supervisor_a1"])
    early = client.post(f"{CASES}/{expense['id']}/steps/sign", {}, content_type="application/json", **supervisor)
    not_yet = zh(
        "Not your turn yet: the expense waits for %(post)s (step %(n)s of %(total)s). Steps are signed in order and "
        "none is skipped.",
        post=Post.CLERK.label,
        n=1,
        total=3,
    )
    assert early.status_code == 422 and early.json()["detail"] == not_yet
    for who in ("clerk_a1", "cadre_a1", "supervisor_a1"):
        token = api_token(fw.users[who])
        queue = client.get(f"{BASE}/queue", **token).json()
        assert [e["id"] for e in queue] == [expense["id"]], who
        step = queue[0]["step_index"]
        offered = [s["name"] for s in queue[0]["steps"] if s["name"].startswith("sign")]  # sign, or sign_last
        signed = client.post(
            f"{CASES}/{expense['id']}/steps/{offered[0]}", {"step": step}, content_type="application/json", **token
        )
        assert signed.status_code == 200, signed.content
    detail = client.get(f"{BASE}/expenses/{expense['id']}", **cadre).json()
    assert detail["state"] == "approved" and all(c["signed_by"] for c in detail["chain"])
    assert "pay" in [s["name"] for s in detail["steps"]]
    cash = client.post(
        f"{CASES}/{expense['id']}/steps/pay",
        {"reference": "YH1", "method": "cash", "confirm": True},
        content_type="application/json",
        **cadre,
    )
    assert cash.status_code == 422 and "method" in cash.json()["errors"]
    paid = client.post(
        f"{CASES}/{expense['id']}/steps/pay",
        {"reference": "YH1", "confirm": True},
        content_type="application/json",
        **cadre,
    )
    # the casework API answers the case (200) with the expense's keys, among them the ledger entry it posted
    assert paid.status_code == 200 and paid.json()["entry"]["expense_id"] == expense["id"]
    assert paid.json()["entry"]["direction"] == "expense" and paid.json()["entry"]["amount"] == "1500.00"
    twice = client.post(
        f"{CASES}/{expense['id']}/steps/pay",
        {"reference": "YH2", "confirm": True},
        content_type="application/json",
        **cadre,
    )
    assert twice.status_code == 422 and LedgerEntry.objects.filter(expense_id=expense["id"]).count() == 1
    listed = client.get(f"{BASE}/expenses", {"state": "paid"}, **supervisor).json()
    assert [e["id"] for e in listed] == [expense["id"]]
    assert client.get(f"{BASE}/expenses/{expense['id']}", **api_token(fw.users["cadre_b1"])).status_code == 404


def test_return_resubmit_reject_withdraw_through_the_api(fw, client, api_token):
    cadre, clerk = api_token(fw.users["cadre_a1"]), api_token(fw.users["clerk_a1"])
    expense = client.post(f"{BASE}/expenses", _expense_json(fw), content_type="application/json", **cadre).json()
    url = f"{BASE}/expenses/{expense['id']}"
    steps = f"{CASES}/{expense['id']}/steps"
    assert client.post(f"{steps}/return", {"reason": ""}, content_type="application/json", **clerk).status_code == 422
    assert client.post(f"{steps}/return", {"reason": "补票"}, content_type="application/json", **clerk).json()[
        "state"
    ] == ("returned")
    corrected = client.post(
        f"{url}/resubmit",
        {"amount": "1600.00", "lines": [{"description": "纸", "amount": "1600.00"}]},
        content_type="application/json",
        **cadre,
    )
    assert corrected.status_code == 200 and corrected.json()["state"] == "pending"
    assert corrected.json()["amount"] == "1600.00"
    rejected = client.post(
        f"{steps}/reject", {"reason": "不合规", "confirm": True}, content_type="application/json", **clerk
    )
    assert rejected.json()["state"] == "rejected"
    other = client.post(f"{BASE}/expenses", _expense_json(fw), content_type="application/json", **cadre).json()
    withdrawn = client.post(
        f"{CASES}/{other['id']}/steps/withdraw",
        {"reason": "重复", "confirm": True},
        content_type="application/json",
        **cadre,
    )
    assert withdrawn.json()["state"] == "withdrawn"
    assert client.post(f"{url}/dance", {"reason": "x"}, content_type="application/json", **cadre).status_code == 404
    # an unknown step of the casework API is refused with its message and changes nothing
    dance = client.post(f"{steps}/dance", {"reason": "x"}, content_type="application/json", **cadre)
    assert dance.status_code == 422 and dance.json()["detail"] == zh(
        "There is no step “%(step)s” in this procedure.", step="dance"
    )
    assert Expense.objects.get(pk=expense["id"]).state == "rejected"


def test_configuration_and_disclosure_through_the_api(fw, client, api_token):
    township = api_token(fw.users["township_a"])
    region = fw.w.township_a.pk
    chain = client.get(f"{BASE}/chains/{region}", **township).json()
    assert chain["own"] is False and len(chain["bands"]) == 3
    bad = client.put(
        f"{BASE}/chains/{region}",
        {"bands": [{"max_amount": "10", "posts": ["clerk"]}]},
        content_type="application/json",
        **township,
    )
    assert bad.status_code == 422 and not ApprovalBand.objects.filter(region_id=region).exists()
    saved = client.put(
        f"{BASE}/chains/{region}",
        {"bands": [{"max_amount": "5000", "posts": ["clerk", "supervisory"]}, {"posts": ["clerk", "township_head"]}]},
        content_type="application/json",
        **township,
    )
    assert saved.status_code == 200 and saved.json()["own"] is True
    assert saved.json()["bands"][0]["max_amount"] == "5000.00"
    cadre = api_token(fw.users["cadre_a1"])
    assert client.get(f"{BASE}/chains/{region}", **cadre).status_code == 403
    posts = client.get(f"{BASE}/posts", {"village_id": fw.village.pk}, **township).json()
    assert {p["post"] for p in posts} == set(Post.values)
    new = client.post(
        f"{BASE}/posts",
        {"village_id": fw.village.pk, "post": "liaison", "user_id": fw.users["leader_a"].pk},
        content_type="application/json",
        **township,
    )
    assert new.status_code == 201
    assert client.post(f"{BASE}/posts/{new.json()['id']}/end", **township).status_code == 200
    assert PostAssignment.objects.get(pk=new.json()["id"]).ended_at is not None
    category = client.post(
        f"{BASE}/categories",
        {"county_id": fw.w.county.pk, "code": "60206", "name": "会议费", "parent_id": fw.cat("602").pk},
        content_type="application/json",
        **township,
    )
    assert category.status_code == 201 and category.json()["full_name"] == "管理费用/会议费"
    fw.income("88.80", day=date(2026, 10, 8))
    made = client.post(
        f"{BASE}/disclosures",
        {"village_id": fw.village.pk, "year": 2026, "month": 10},
        content_type="application/json",
        **cadre,
    )
    assert made.status_code == 201 and made.json()["income"] == "88.80" and made.json()["notice_state"] == "draft"
    again = client.post(
        f"{BASE}/disclosures",
        {"village_id": fw.village.pk, "year": 2026, "month": 10},
        content_type="application/json",
        **cadre,
    )
    assert again.status_code == 422 and MonthlyDisclosure.objects.count() == 1
    listed = client.get(f"{BASE}/disclosures", {"village_id": fw.village.pk}, **api_token(fw.users["reviewer_a1"]))
    assert [d["month"] for d in listed.json()] == [10]


def test_category_change_through_the_api(fw, client, api_token):
    township = api_token(fw.users["township_a"])
    row = fw.cat("60202")
    url = f"{BASE}/categories/{row.pk}"
    changed = client.put(url, {"name": "办公用品费", "is_welfare": True}, content_type="application/json", **township)
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "办公用品费" and changed.json()["code"] == "60202"
    row.refresh_from_db()
    assert row.name == "办公用品费" and row.is_welfare and row.is_active
    # a top-level category keeps being used while a sub-category of it is
    parent = fw.cat("602")
    refused = client.put(
        f"{BASE}/categories/{parent.pk}",
        {"name": parent.name, "is_active": False},
        content_type="application/json",
        **township,
    )
    assert refused.status_code == 422 and "is_active" in refused.json()["errors"]
    parent.refresh_from_db()
    assert parent.is_active
    # another county's category is not found; a village cadre may not configure
    other = make_region("外县", "510499", RegionLevel.COUNTY)
    theirs = Category.objects.create(county=other, direction="expense", code="699", name="外县支出")
    assert (
        client.put(
            f"{BASE}/categories/{theirs.pk}", {"name": "x"}, content_type="application/json", **township
        ).status_code
        == 404
    )
    cadre = api_token(fw.users["cadre_a1"])
    assert client.put(url, {"name": "x"}, content_type="application/json", **cadre).status_code == 403


def test_chain_reset_through_the_api(fw, client, api_token):
    township = api_token(fw.users["township_a"])
    region = fw.w.township_a.pk
    own = {"bands": [{"max_amount": "5000", "posts": ["clerk", "supervisory"]}, {"posts": ["clerk", "township_head"]}]}
    client.put(f"{BASE}/chains/{region}", own, content_type="application/json", **township)
    assert ApprovalBand.objects.filter(region_id=region).count() == 2
    reset = client.delete(f"{BASE}/chains/{region}", **township)
    assert reset.status_code == 200 and reset.json()["own"] is False and len(reset.json()["bands"]) == 3
    assert not ApprovalBand.objects.filter(region_id=region).exists()
    again = client.delete(f"{BASE}/chains/{region}", **township)
    assert again.status_code == 422 and zh("This township already uses its county's chain.") in str(again.json())
    # the other township is outside township A's scope
    assert client.delete(f"{BASE}/chains/{fw.w.township_b.pk}", **township).status_code == 404
