"""What the public sees (个人信息保护法 Art. 28, 34, 73; SPEC §12): the 低保 posting names the household masked,
shows the number of people and the village, and never an ID number, a phone, an account, the declared income, the
reason or an address finer than the village — on the 三务公开 notice, the public pages, the print view and the API."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import Household
from tests.powers.support import at

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
PHONE = re.compile(r"1[3-9]\d{9}")


def _posted(pw):
    Household.objects.filter(pk=pw.w.households["a1"].pk).update(address="安家村三组 18 号")
    today = timezone.localdate()
    case = pw.dibao(
        now=at(today, 8),
        reason="丈夫因病丧失劳动能力，银行卡 6222021234567890123 欠款。",
        monthly_income="823.45",
    )
    pw.step(case, "survey", visited_on=today.isoformat(), findings="入户核实。电话 13800000001。", now=at(today, 9))
    pw.step(
        case,
        "deliberate",
        body="council",
        meeting_ref="党群议事会",
        meeting_date=today.isoformat(),
        members=21,
        present=18,
        votes_for=15,
        now=at(today, 10),
    )
    pw.step(case, "publicize", publicity_until=(today + timedelta(days=7)).isoformat(), now=at(today, 11))
    return case


def _clean(text: str, pw) -> None:
    assert "王*" in text and "王建国" not in text
    assert not ID_NUMBER.search(text) and not PHONE.search(text)
    for secret in ("823.45", "6222021234567890123", "丧失劳动能力", "三组", "18 号", "刘桂兰", "13800000001"):
        assert secret not in text, secret


def test_the_dibao_notice_is_de_identified(pw, client):
    case = _posted(pw)
    notice = case.notice
    _clean(notice.title + notice.body, pw)
    assert "3" in notice.body and "安家村" in notice.body  # what the rule needs: the household size and the village
    code = pw.w.village_a1.code
    for url in (f"/powers/public/{code}/", f"/powers/public/{code}/{case.pk}/", f"/public/{code}/notices/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _clean(response.content.decode(), pw)
    response = client.get(f"/api/powers/public/{code}")
    assert response.status_code == 200 and response.json()[0]["id"] == case.pk
    _clean(json.dumps(response.json(), ensure_ascii=False), pw)
    # the print view for the board, by the cadre
    client.force_login(pw.users["cadre_a1"])
    response = client.get(f"/powers/cases/{case.pk}/notice/")
    assert response.status_code == 200
    _clean(response.content.decode(), pw)


def test_a_meeting_named_after_the_household_is_masked_on_the_notice(pw, client, with_meetings):
    """The decision line names the meeting (the meetings app's title, typed by a cadre): named after the matter, with
    the head's and a member's full names, it reaches the board masked like the rest of the notice."""
    from powers.demo import adopt_in_meeting

    today = timezone.localdate()
    case = pw.dibao(now=at(today, 8))
    pw.step(case, "survey", visited_on=today.isoformat(), findings="入户核实。", now=at(today, 9))
    title = "党群议事会：低保评议 · 王建国（妻刘桂兰）"
    adopt_in_meeting(pw.users["cadre_a1"], case, held_at=at(today, 9), title=title)
    pw.step(case, "deliberate", now=at(today, 12))
    pw.step(case, "publicize", publicity_until=(today + timedelta(days=7)).isoformat(), now=at(today, 13))
    body = case.notice.body
    _clean(case.notice.title + body, pw)
    assert "党群议事会：低保评议 · 王**（妻刘**）" in body
    code = pw.w.village_a1.code
    for url in (f"/powers/public/{code}/", f"/powers/public/{code}/{case.pk}/", f"/public/{code}/notices/"):
        _clean(client.get(url).content.decode(), pw)
    _clean(json.dumps(client.get(f"/api/powers/public/{code}").json(), ensure_ascii=False), pw)


def test_the_public_page_shows_only_what_is_posted(pw, client):
    applied = pw.dibao()
    code = pw.w.village_a1.code
    assert client.get(f"/powers/public/{code}/{applied.pk}/").status_code == 404
    assert applied.title not in client.get(f"/powers/public/{code}/").content.decode()
    assert client.get("/powers/public/nope/").status_code == 404


def test_a_villager_objects_on_the_public_page(pw, client):
    case = _posted(pw)
    client.force_login(pw.users["villager_a1b"])  # another household of the village
    page = client.get(f"/powers/public/{pw.w.village_a1.code}/{case.pk}/")
    assert page.status_code == 200 and "text" in page.context["objection_form"].fields
    response = client.post(f"/powers/cases/{case.pk}/object/", {"text": "该户有经营性收入。"})
    assert response.status_code == 302
    assert case.objections.count() == 1
    # a villager of another village cannot
    client.force_login(pw.users["villager_b1"])
    assert client.post(f"/powers/cases/{case.pk}/object/", {"text": "x"}).status_code == 404
    assert case.objections.count() == 1
