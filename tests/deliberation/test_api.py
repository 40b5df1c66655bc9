"""The 议事协商 API (/api/deliberation) with bearer tokens: the same rules as the pages, 404 outside scope, 422 with the
message for refusals, the public decisions without a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.models import Decision, RulesVersion, Task, Topic
from meetings.models import MeetingKind
from tests.deliberation.support import api_step_url

pytestmark = pytest.mark.django_db
BASE = "/api/deliberation"


def _post(client, url, data, token):
    return client.post(url, data, content_type="application/json", **token)


def test_a_four_two_topic_over_the_api(client, dw, api_token):
    cadre = api_token(dw.cadre)
    listing = client.get(f"{BASE}/list?village_id={dw.village.pk}", **cadre).json()
    assert listing["kept"] is False and any(e["reserved_matter"] == "homesteads" for e in listing["entries"])
    entry = dw.entry("村办公用房选址")
    response = _post(
        client,
        f"{BASE}/topics",
        {
            "village_id": dw.village.pk,
            "entry_id": entry.pk,
            "title": "新建村委会办公楼",
            "text": "原址重建",
            "origin": "branch",
        },
        cadre,
    )
    assert response.status_code == 201, response.content
    topic = response.json()
    assert topic["state"] == "branch_proposed" and [s["name"] for s in topic["steps"]] == ["committees", "drop"]
    pk = topic["id"]
    topic_obj = Topic.objects.get(pk=pk)
    refused = _post(client, api_step_url(topic_obj, "members"), {}, cadre)
    assert refused.status_code == 422 and refused.json()["detail"]
    assert _post(client, api_step_url(topic_obj, "committees"), {"note": ""}, cadre).status_code == 422
    assert _post(client, api_step_url(topic_obj, "committees"), {"note": "同意"}, cadre).status_code == 200
    meeting = dw.meeting(MeetingKind.PARTY_MEMBERS)
    response = _post(client, f"{BASE}/topics/{pk}/agenda", {"meeting_id": meeting.pk}, cadre)
    assert response.status_code == 200 and response.json()["motions"][0]["meeting_kind"] == "party_members"
    dw.decide(meeting, meeting.motions.get())
    assert _post(client, api_step_url(topic_obj, "members"), {}, cadre).status_code == 200
    dw.adopt_topic(topic_obj, MeetingKind.REPRESENTATIVES)
    response = _post(client, api_step_url(topic_obj, "resolve"), {}, cadre)
    assert response.status_code == 200 and response.json()["decision"]["motion_id"]
    decision_id = response.json()["decision"]["id"]
    # publishing cannot be undone: the step is taken with confirm: true
    assert _post(client, api_step_url(topic_obj, "publish_decision"), {"confirm": True}, cadre).status_code == 200
    response = _post(
        client,
        f"{BASE}/decisions/{decision_id}/tasks",
        {
            "title": "拆除旧房",
            "owner_name": "村主任",
            "due_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
        cadre,
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["id"])
    assert _post(client, api_step_url(task, "progress"), {"note": "已拆除一半"}, cadre).status_code == 200
    done = {"result": "已拆除", "confirm": True}
    assert _post(client, api_step_url(task, "complete"), done, cadre).status_code == 200
    result = {"result": "新办公楼已开工", "confirm": True}
    response = _post(client, api_step_url(topic_obj, "publish_result"), result, cadre)
    assert response.status_code == 200 and response.json()["state"] == "done"
    public = client.get(f"{BASE}/public/{dw.village.code}")
    assert public.status_code == 200
    body = public.json()
    assert body["decisions"][0]["result"] == "新办公楼已开工"
    assert body["decisions"][0]["tasks"][0]["owner"] == "村主任"  # a post, not a person
    assert client.get(f"{BASE}/public/nope").status_code == 404


def test_scope_and_permissions_over_the_api(client, dw, api_token):
    topic = dw.topic(major=True)
    other = api_token(dw.users["cadre_b1"])
    assert client.get(f"{BASE}/topics/{topic.pk}", **other).status_code == 404
    assert _post(client, api_step_url(topic, "committees"), {"note": "x"}, other).status_code == 404
    assert client.get(f"{BASE}/topics", **other).json()["count"] == 0
    assert client.get(f"{BASE}/review", **api_token(dw.cadre)).status_code == 403
    assert client.get(f"{BASE}/topics").status_code == 401
    assert client.get(f"{BASE}/topics", **api_token(dw.users["department"])).status_code == 403


def test_villagers_cosign_answer_and_sign_over_the_api(client, dw, api_token):
    from deliberation import services

    services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=2)
    villager = api_token(dw.users["villager_x0"])
    entry = dw.entry("人居环境整治、移风易俗")
    response = _post(
        client,
        f"{BASE}/topics",
        {"village_id": dw.village.pk, "entry_id": entry.pk, "title": "垃圾亭", "text": "三组路口"},
        villager,
    )
    assert response.status_code == 201 and response.json()["origin"] == "villagers"
    pk = response.json()["id"]
    neighbour = api_token(dw.users["villager_x2"])
    assert client.get(f"{BASE}/topics/{pk}", **neighbour).json()["may_cosign"] is True
    assert _post(client, f"{BASE}/topics/{pk}/cosign", {}, neighbour).status_code == 200
    assert _post(client, f"{BASE}/topics/{pk}/cosign", {}, neighbour).status_code == 422
    cadre = api_token(dw.cadre)
    closes = (timezone.now() + timedelta(days=2)).isoformat()
    response = _post(
        client,
        f"{BASE}/topics/{pk}/polls",
        {"question": "同意吗？", "options": ["同意", "不同意"], "closes_at": closes},
        cadre,
    )
    assert response.status_code == 201
    poll = response.json()["polls"][0]
    assert poll["binding"] is False
    answer = _post(client, f"{BASE}/polls/{poll['id']}/answer", {"option": 1}, neighbour)
    assert answer.status_code == 200 and answer.json()["my_answer"] == 1
    assert _post(client, f"{BASE}/topics/{pk}/comments", {"text": "支持"}, neighbour).status_code == 201
    # village rules through to a signature
    response = _post(
        client, f"{BASE}/rules", {"village_id": dw.village.pk, "title": "村规民约", "text": "一、爱护环境。"}, cadre
    )
    assert response.status_code == 201
    rid = response.json()["id"]
    rules = RulesVersion.objects.get(pk=rid)
    assert _post(client, api_step_url(rules, "draft"), {"note": "院坝会"}, cadre).status_code == 200
    assert _post(client, api_step_url(rules, "submit"), {}, cadre).status_code == 200
    township = api_token(dw.users["township_a"])
    assert [r["id"] for r in client.get(f"{BASE}/review", **township).json()] == [rid]
    assert _post(client, api_step_url(rules, "approve"), {}, township).status_code == 200
    dw.adopt_rules(rules)
    assert _post(client, api_step_url(rules, "adopt"), {}, cadre).status_code == 200
    assert _post(client, f"{BASE}/rules/{rid}/sign", {"confirm": True}, neighbour).status_code == 200
    paper = _post(
        client,
        f"{BASE}/rules/{rid}/paper",
        {
            "household_id": dw.w.households["x4"].pk,
            "signer_name": "户主4",
            "signed_on": timezone.localdate().isoformat(),
            "confirm": True,
        },
        cadre,
    )
    assert paper.status_code == 201
    detail = client.get(f"{BASE}/rules/{rid}", **cadre).json()
    assert detail["signed"] == 2 and detail["households"] == 10
    assert client.get(f"{BASE}/rules/{rid}/signatures", **neighbour).status_code == 403
    assert len(client.get(f"{BASE}/rules/{rid}/signatures", **cadre).json()) == 2
    assert Decision.objects.filter(rules_id=rid).exists()
