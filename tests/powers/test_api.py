"""The small-power API (/api/powers) with bearer tokens: the same rules as the pages, 404 outside scope, 422 with
the message for refusals, the public postings without a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from powers.models import Power, PowerCase
from tests.powers.support import MEETING, pdf

pytestmark = pytest.mark.django_db
BASE = "/api/powers"
STEPS = "/api/casework/cases/powers_dibao"  # a step of a matter is taken through the generic case API


def _post(client, url, data, token):
    return client.post(url, data, content_type="application/json", **token)


def test_the_list_over_the_api(client, pw, api_token):
    villager = api_token(pw.users["villager_a1"])
    response = client.get(f"{BASE}/powers", **villager)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 13 and {r["power_class"] for r in rows} == {"decision", "benefit", "cadre", "affairs"}
    dibao = next(r for r in rows if r["code"] == "dibao")
    assert "deliberate" in [s["name"] for s in dibao["steps"]] and dibao["documents"]
    assert client.get(f"{BASE}/powers/{dibao['id']}", **villager).json()["name"] == "低保评议"
    # only the county administrator changes it
    body = {k: dibao[k] for k in ("code", "name", "power_class", "template", "applicant", "legal_basis")}
    body |= {"documents": "户口簿", "step_days": 4, "review_days": 10, "publicity_days": 7}
    cadre = api_token(pw.users["cadre_a1"])
    assert client.put(f"{BASE}/powers/{dibao['id']}", body, content_type="application/json", **cadre).status_code == 403
    admin = api_token(pw.users["county_admin"])
    response = client.put(f"{BASE}/powers/{dibao['id']}", body, content_type="application/json", **admin)
    assert response.status_code == 200 and response.json()["step_days"] == 4
    response = client.put(
        f"{BASE}/powers/{dibao['id']}", body | {"publicity_days": 3}, content_type="application/json", **admin
    )
    assert response.status_code == 422 and "publicity_days" in response.json()["errors"]
    response = _post(client, f"{BASE}/powers", body | {"code": "dibao-2", "name": "低保评议（城镇）"}, admin)
    assert response.status_code == 201
    assert client.post(f"{BASE}/powers/install-defaults", **admin).status_code == 200
    assert Power.objects.filter(county=pw.w.county).count() == 14


def test_a_matter_over_the_api(client, pw, api_token):
    power = pw.power("dibao")
    villager = api_token(pw.users["villager_a1"])
    form = {"power_id": power.pk, "reason": "因病致贫", "household_size": "3", "monthly_income": "800"}
    response = client.post(f"{BASE}/cases", form | {"household_id": pw.w.households["a1"].pk}, **villager)
    assert response.status_code == 422 and "attachments" in response.json()["errors"]
    response = client.post(
        f"{BASE}/cases", form | {"household_id": pw.w.households["a1"].pk, "files": [pdf()]}, **villager
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["state"] == "applied" and [s["name"] for s in case["steps"]] == ["withdraw"]
    pk = case["id"]
    # another household's application is 404 for this villager
    response = client.post(
        f"{BASE}/cases", form | {"household_id": pw.w.households["b1"].pk, "files": [pdf()]}, **villager
    )
    assert response.status_code == 404
    cadre = api_token(pw.users["cadre_a1"])
    assert [c["id"] for c in client.get(f"{BASE}/queue", **cadre).json()] == [pk]
    # refusals: out of order, wrong role, missing field
    r = _post(client, f"{STEPS}/{pk}/steps/publicize", {"data": {"publicity_until": "2027-01-01"}}, cadre)
    assert r.status_code == 422
    r = _post(client, f"{STEPS}/{pk}/steps/survey", {"data": {"findings": "x", "visited_on": "2026-11-02"}}, villager)
    assert r.status_code == 422
    r = _post(client, f"{STEPS}/{pk}/steps/survey", {"data": {"visited_on": "2026-11-02"}}, cadre)
    assert r.status_code == 422 and "findings" in r.json()["errors"]
    today = timezone.localdate()
    r = _post(client, f"{STEPS}/{pk}/steps/survey", {"data": {"findings": "核实", "visited_on": str(today)}}, cadre)
    assert r.status_code == 200 and r.json()["state"] == "surveyed"
    r = _post(client, f"{STEPS}/{pk}/steps/deliberate", {"data": MEETING | {"meeting_date": str(today)}}, cadre)
    assert r.status_code == 200, r.content
    until = str(today + timedelta(days=7))
    r = _post(client, f"{STEPS}/{pk}/steps/publicize", {"data": {"publicity_until": until}}, cadre)
    assert r.status_code == 200 and r.json()["publicity_until"] == until
    # an objection by a neighbour, answered by the village
    neighbour = api_token(pw.users["villager_a1b"])
    r = _post(client, f"{BASE}/cases/{pk}/objections", {"text": "有异议"}, neighbour)
    assert r.status_code == 201
    oid = r.json()["id"]
    assert _post(client, f"{BASE}/objections/{oid}/answer", {"answer": "x"}, neighbour).status_code == 403
    assert _post(client, f"{BASE}/objections/{oid}/answer", {"answer": "已核实"}, cadre).status_code == 200
    detail = client.get(f"{BASE}/cases/{pk}", **cadre).json()
    assert [e["step"] for e in detail["timeline"]] == ["start", "survey", "deliberate", "publicize"]
    assert detail["objections"][0]["answer"] == "已核实"
    # the villager follows it; other villages do not see it
    assert client.get(f"{BASE}/cases", **villager).json()["count"] == 1
    assert client.get(f"{BASE}/cases/{pk}", **api_token(pw.users["cadre_b1"])).status_code == 404
    assert client.get(f"{BASE}/cases/{pk}", **api_token(pw.users["villager_b1"])).status_code == 404
    overview = client.get(f"{BASE}/overview", **api_token(pw.users["township_a"])).json()
    assert overview["total"] == 1 and overview["rows"][0]["states"][0]["state"] == "publicized"
    assert client.get(f"{BASE}/review", **api_token(pw.users["township_a"])).json() == []
    # the public postings need no token
    public = client.get(f"{BASE}/public/{pw.w.village_a1.code}").json()
    assert [p["id"] for p in public] == [pk] and public[0]["kind"] == "publicity"


def test_documents_are_handed_in_over_the_api(client, pw, api_token):
    case = pw.dibao()
    pw.step(case, "ask_documents", documents="诊断证明")
    villager = api_token(pw.users["villager_a1"])
    r = client.post(f"{STEPS}/{case.pk}/steps/supply", {"files": [pdf("诊断证明.pdf")]}, **villager)
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "applied" and r.json()["timeline"][-1]["attachments"]
    assert PowerCase.objects.get().state == "applied"
