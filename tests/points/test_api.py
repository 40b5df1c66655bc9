"""Points API end to end: record, review, standings, own summary, appeal, corrections, quarter."""

from points.models import Claim, LedgerEntry, Publication


def test_record_review_standings_appeal_through_the_api(world, scheme, item, client, api_token, today):
    grid = api_token(world.users["grid_a1"])
    schemes = client.get("/api/points/schemes", **grid).json()
    assert [s["id"] for s in schemes] == [scheme.pk]
    items = client.get(f"/api/points/schemes/{scheme.pk}/items", **grid).json()
    assert len(items) == 44
    form = {
        "scheme_id": scheme.pk,
        "subject_id": world.households["a1"].pk,
        "item_id": item.pk,
        "occurred_on": today.isoformat(),
        "client_key": "api-1",
    }
    response = client.post("/api/points/claims", form, **grid)
    assert response.status_code == 201, response.content
    assert client.post("/api/points/claims", form, **grid).status_code == 201  # retried: stored once
    assert Claim.objects.count() == 1
    other = dict(form, subject_id=world.households["a1b"].pk, client_key="api-2")
    assert client.post("/api/points/claims", other, **grid).status_code == 404

    reviewer = api_token(world.users["reviewer_a1"])
    pending = client.get(f"/api/points/schemes/{scheme.pk}/claims/pending", **reviewer).json()
    assert [c["id"] for c in pending] == [response.json()["id"]]
    reviewed = client.post(
        "/api/points/claims/review",
        {"claim_ids": [pending[0]["id"]], "approve": True},
        content_type="application/json",
        **reviewer,
    )
    assert reviewed.status_code == 200 and reviewed.json()[0]["status"] == "approved"
    again = client.post(
        "/api/points/claims/review",
        {"claim_ids": [pending[0]["id"]], "approve": True},
        content_type="application/json",
        **reviewer,
    )
    assert again.status_code == 422 and LedgerEntry.objects.count() == 1

    table = client.get(f"/api/points/schemes/{scheme.pk}/standings", **reviewer).json()
    top = table[0]
    assert top["name"] == "王建国户" and top["score"] == "11.00" and top["rank"] == 1

    villager = api_token(world.users["villager_a1"])
    mine = client.get("/api/points/me", **villager).json()[0]
    assert mine["balance"] == "1.00" and mine["year_score"] == "11.00"
    entry_id = mine["entries"][0]["id"]
    appeal = client.post(
        f"/api/points/entries/{entry_id}/appeal", {"reason": "不是我家"}, content_type="application/json", **villager
    )
    assert appeal.status_code == 201
    decided = client.post(
        f"/api/casework/cases/points_appeal/{appeal.json()['id']}/steps/decide",
        {"decision": "overturn", "note": "核实有误", "confirm": True},
        content_type="application/json",
        **reviewer,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "overturned"
    mine = client.get("/api/points/me", **villager).json()[0]
    assert mine["balance"] == "0.00" and mine["year_score"] == "10.00"
    assert client.get("/api/points/me", **reviewer).status_code == 404


def test_quarter_endpoints_and_denials(world, scheme, client, api_token, today):
    quarter = (today.month - 1) // 3 + 1
    cadre = api_token(world.users["cadre_a1"])
    base = f"/api/points/schemes/{scheme.pk}/quarters/{today.year}/{quarter}"
    assert client.post(f"{base}/publish", **cadre).status_code == 422
    assert client.post(f"{base}/signoff", **cadre).json()["signed_off"] is True
    assert client.post(f"{base}/publish", **cadre).json()["published"] is True
    assert Publication.objects.count() == 1
    assert client.post(f"{base}/signoff", **api_token(world.users["cadre_b1"])).status_code == 404
    assert client.post(f"{base}/signoff", **api_token(world.users["grid_a1"])).status_code == 404
    assert client.get(f"/api/points/schemes/{scheme.pk}/standings?quarter=7", **cadre).status_code == 422


def test_villager_declares_with_evidence(world, scheme, client, api_token, today, photo):
    from points.models import RuleItem

    declarable = RuleItem.objects.filter(rulebook__scheme=scheme, declarable=True).first()
    villager = api_token(world.users["villager_a1"])
    no_photo = client.post(
        "/api/points/declarations",
        {"scheme_id": scheme.pk, "item_id": declarable.pk, "occurred_on": today.isoformat()},
        **villager,
    )
    assert no_photo.status_code == 422 and not Claim.objects.exists()
    response = client.post(
        "/api/points/declarations",
        {"scheme_id": scheme.pk, "item_id": declarable.pk, "occurred_on": today.isoformat(), "evidence": photo()},
        **villager,
    )
    assert response.status_code == 201 and response.json()["source"] == "declaration"
