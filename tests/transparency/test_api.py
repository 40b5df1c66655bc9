"""The 三务公开 API (/api/transparency) with bearer tokens: the same rules as the pages, 404 outside scope, 422 with
a Chinese message for refusals, the public board without a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.transparency.support import last_month, pdf
from transparency.models import Notice, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db
BASE = "/api/transparency"
NOTICE_STEPS = "/api/casework/cases/notice"  # a step is taken through the generic case API (casework.api)
QUESTION_STEPS = "/api/casework/cases/notice_question"


def _notice_json(tw, **over):
    start, end = last_month()
    data = {
        "village_id": tw.w.village_a1.pk,
        "stream": Stream.FINANCE,
        "category": "收支明细",
        "title": "财务收支公开",
        "body": "收入 12,000.00 元，支出 8,500.00 元。",
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
    }
    data.update(over)
    return data


def test_the_whole_notice_loop_over_the_api(client, tw, api_token):
    cadre = api_token(tw.users["cadre_a1"])
    response = client.post(f"{BASE}/notices", _notice_json(tw), content_type="application/json", **cadre)
    assert response.status_code == 201, response.content
    notice = response.json()
    assert notice["state"] == "draft" and [s["name"] for s in notice["steps"]] == ["submit", "discard"]
    pk = notice["id"]
    response = client.post(f"{BASE}/notices/{pk}/attachments", {"files": [pdf()]}, **cadre)
    assert response.status_code == 200 and response.json()["attachments"][0]["content_type"] == "application/pdf"
    response = client.put(
        f"{BASE}/notices/{pk}",
        {"title": "2026年财务收支公开", "changed_at": notice["updated_at"]},
        content_type="application/json",
        **cadre,
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["title"] == "2026年财务收支公开"
    today = timezone.localdate()
    window = {"posted_from": today.isoformat(), "posted_until": (today + timedelta(days=5)).isoformat()}
    publish = f"{NOTICE_STEPS}/{pk}/steps/publish"
    response = client.post(publish, {**window, "confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 422 and "detail" in response.json()
    assert (
        client.post(f"{NOTICE_STEPS}/{pk}/steps/submit", {}, content_type="application/json", **cadre).status_code
        == 200
    )
    reviewer = api_token(tw.users["reviewer_a1"])
    queue = client.get(f"{BASE}/check-queue", **reviewer).json()
    assert [n["id"] for n in queue] == [pk]
    assert (
        client.post(f"{NOTICE_STEPS}/{pk}/steps/check", {}, content_type="application/json", **reviewer).status_code
        == 200
    )
    short = {**window, "posted_until": (today + timedelta(days=4)).isoformat(), "confirm": True}
    response = client.post(publish, short, content_type="application/json", **cadre)
    assert response.status_code == 422 and "posted_until" in response.json()["errors"]
    response = client.post(publish, {**window, "confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 200 and response.json()["state"] == "published"
    assert response.json()["public_url"].endswith(f"/public/{tw.w.village_a1.code}/notices/{pk}/")
    withdraw = f"{NOTICE_STEPS}/{pk}/steps/withdraw"
    response = client.post(withdraw, {"confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = client.post(withdraw, {"reason": "有误", "confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_scope_over_the_api(client, tw, api_token):
    draft = tw.draft()
    other = api_token(tw.users["cadre_b1"])
    assert client.get(f"{BASE}/notices/{draft.pk}", **other).status_code == 404
    today = timezone.localdate()
    window = {"posted_from": today.isoformat(), "posted_until": (today + timedelta(days=9)).isoformat()}
    response = client.post(
        f"{NOTICE_STEPS}/{draft.pk}/steps/publish",
        {**window, "confirm": True},
        content_type="application/json",
        **other,
    )
    assert response.status_code == 404 and Notice.objects.get(pk=draft.pk).state == "draft"
    response = client.post(f"{BASE}/notices", _notice_json(tw), content_type="application/json", **other)
    assert response.status_code == 404
    villager = api_token(tw.users["villager_a1"])
    assert client.get(f"{BASE}/notices/{draft.pk}", **villager).status_code == 404
    assert client.get(f"{BASE}/notices", **villager).json()["count"] == 0
    response = client.post(f"{BASE}/notices", _notice_json(tw), content_type="application/json", **villager)
    assert response.status_code == 403
    assert client.get(f"{BASE}/notices").status_code == 401


def test_personal_data_is_refused_over_the_api(client, tw, api_token):
    cadre = api_token(tw.users["cadre_a1"])
    body = _notice_json(tw, body="补贴发放给 王建国 51042219800517001X")
    response = client.post(f"{BASE}/notices", body, content_type="application/json", **cadre)
    assert response.status_code == 422
    assert "51**************1X" in response.json()["errors"]["body"][0]
    assert Notice.objects.count() == 0


def test_questions_over_the_api(client, tw, api_token):
    notice = tw.published()
    villager = api_token(tw.users["villager_a1"])
    response = client.post(
        f"{BASE}/notices/{notice.pk}/questions",
        {"text": "工程验收了吗？", "client_key": "phone-1"},
        content_type="application/json",
        **villager,
    )
    assert response.status_code == 201, response.content
    question = response.json()
    assert question["state"] == "asked" and question["deadline_at"]
    again = client.post(
        f"{BASE}/notices/{notice.pk}/questions",
        {"text": "工程验收了吗？", "client_key": "phone-1"},
        content_type="application/json",
        **villager,
    )
    assert again.status_code == 200 and again.json()["id"] == question["id"]
    other = api_token(tw.users["villager_b1"])
    response = client.post(
        f"{BASE}/notices/{notice.pk}/questions", {"text": "问"}, content_type="application/json", **other
    )
    assert response.status_code == 404
    cadre = api_token(tw.users["cadre_a1"])
    assert [q["id"] for q in client.get(f"{BASE}/questions/open", **cadre).json()] == [question["id"]]
    response = client.post(
        f"{QUESTION_STEPS}/{question['id']}/steps/answer",
        {"answer": "已验收。", "confirm": True},
        content_type="application/json",
        **cadre,
    )
    assert response.status_code == 200 and response.json()["state"] == "answered"
    assert NoticeQuestion.objects.get().answer == "已验收。"
    mine = client.get(f"{BASE}/questions/mine", **villager).json()
    assert mine[0]["answer"] == "已验收。"
    seen_by_grid = client.get(f"{BASE}/notices/{notice.pk}/questions", **api_token(tw.users["grid_a1"])).json()
    assert seen_by_grid[0]["asker"] == "王**"


def test_calendar_supervision_and_policy_over_the_api(client, tw, api_token):
    tw.published(stream=Stream.PARTY)
    cadre = api_token(tw.users["cadre_a1"])
    cal = client.get(f"{BASE}/calendar?village_id={tw.w.village_a1.pk}", **cadre)
    assert cal.status_code == 200 and len(cal.json()["slots"]) == 12 + 4 + 4
    assert client.get(f"{BASE}/calendar?village_id={tw.w.village_b1.pk}", **cadre).status_code == 404
    township = api_token(tw.users["township_a"])
    board = client.get(f"{BASE}/supervision", **township).json()
    assert {v["village"]["name"] for v in board["villages"]} == {"安家村", "和平村"}
    assert client.get(f"{BASE}/supervision", **cadre).status_code == 403
    admin = api_token(tw.users["county_admin"])
    policy = client.get(f"{BASE}/policy", **admin).json()
    assert policy["min_posting_days"] == 5 and policy["is_default"]
    new = {**{k: policy[k] for k in ("answer_days", "finance_cadence", "village_cadence", "party_cadence")}}
    response = client.put(
        f"{BASE}/policy", {**new, "min_posting_days": 7, "due_days": 15}, content_type="application/json", **admin
    )
    assert response.status_code == 200 and response.json()["min_posting_days"] == 7
    response = client.put(
        f"{BASE}/policy", {**new, "min_posting_days": 0, "due_days": 15}, content_type="application/json", **admin
    )
    assert response.status_code == 422
    assert client.get(f"{BASE}/policy", **township).status_code == 403


def test_the_public_board_over_the_api_without_a_token(client, tw):
    from transparency import services

    notice = tw.published(title="公开的通知")
    tw.draft(title="草稿")
    question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问")
    services.question_answer(actor=tw.users["cadre_a1"], question=question, answer="答")
    response = client.get(f"{BASE}/public/{tw.w.village_a1.code}/notices")
    assert response.status_code == 200
    board = response.json()
    assert [n["title"] for n in board["current"]] == ["公开的通知"]
    assert board["current"][0]["questions"] == [
        {
            "asker": "王**",
            "text": "问",
            "answer": "答",
            "answered_at": board["current"][0]["questions"][0]["answered_at"],
        }
    ]
    assert "王建国" not in response.content.decode()
    one = client.get(f"{BASE}/public/{tw.w.village_a1.code}/notices/{notice.pk}")
    assert one.status_code == 200 and one.json()["title"] == "公开的通知"
    draft = Notice.objects.get(title="草稿")
    assert client.get(f"{BASE}/public/{tw.w.village_a1.code}/notices/{draft.pk}").status_code == 404
    assert client.get(f"{BASE}/public/nope/notices").status_code == 404
