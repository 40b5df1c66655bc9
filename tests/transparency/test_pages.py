"""The 三务公开 pages through the Django test client, for every role: who sees what, the forms, refusals that keep
what was typed and write nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from tests.transparency.support import image, last_month, pdf
from transparency import services
from transparency.models import Notice, NoticeAttachment, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db


def _step(notice, step: str) -> str:
    """Where a step's form posts: the one step view of casework (fields prefixed with the step's name)."""
    return f"/casework/cases/notice/{notice.pk}/steps/{step}/"


def _answer(question) -> str:
    return f"/casework/cases/notice_question/{question.pk}/steps/answer/"


def _form(**over) -> dict:
    start, end = last_month()
    data = {
        "stream": Stream.VILLAGE,
        "category": "工程项目",
        "title": "村道硬化工程进展公开",
        "body": "村道硬化工程已完成 1.2 公里。",
        "period": f"m:{start:%Y-%m}",
        "period_start": "",
        "period_end": "",
        "posted_from": "",
        "posted_until": "",
    }
    data.update(over)
    return data


# -- the list, for every role -------------------------------------------------------------------------------


def test_every_role_opens_the_list_it_may_and_sees_only_its_villages(tw, login):
    mine = tw.published(title="安家村公开")
    tw.published(village=tw.w.village_b1, by="cadre_b1", title="新桥村公开")
    draft = tw.draft(title="安家村草稿")
    expect = {
        "cadre_a1": ({"安家村公开", "安家村草稿"}, {"新桥村公开"}),
        "reviewer_a1": ({"安家村公开", "安家村草稿"}, {"新桥村公开"}),
        "villager_a1": ({"安家村公开"}, {"新桥村公开", "安家村草稿"}),
        "grid_a1": ({"安家村公开"}, {"新桥村公开", "安家村草稿"}),
        "township_a": ({"安家村公开", "安家村草稿"}, {"新桥村公开"}),
        "county_official": ({"安家村公开", "新桥村公开", "安家村草稿"}, set()),
        "county_admin": ({"安家村公开", "新桥村公开"}, set()),
    }
    for username, (seen, unseen) in expect.items():
        client = login(tw.users[username])
        response = client.get("/transparency/")
        assert response.status_code == 200, username
        text = response.content.decode()
        for title in seen:
            assert title in text, (username, title)
        for title in unseen:
            assert title not in text, (username, title)
    assert mine.pk and draft.pk
    response = login(tw.users["mediator"]).get("/transparency/")
    assert response.status_code == 403


def test_a_villager_cannot_open_a_draft_or_another_village(tw, login):
    draft = tw.draft()
    other = tw.published(village=tw.w.village_b1, by="cadre_b1")
    client = login(tw.users["villager_a1"])
    assert client.get(f"/transparency/{draft.pk}/").status_code == 404
    assert client.get(f"/transparency/{other.pk}/").status_code == 404
    assert login(tw.users["cadre_b1"]).get(f"/transparency/{draft.pk}/").status_code == 404


# -- writing and publishing --------------------------------------------------------------------------------


def test_a_cadre_writes_a_notice_with_files_and_publishes_it(tw, login):
    client = login(tw.users["cadre_a1"])
    page = client.get("/transparency/new/")
    assert page.status_code == 200
    assert "ID numbers" in page.content.decode() or "身份证" in page.content.decode()  # the privacy reminder
    response = client.post("/transparency/new/", {**_form(), "files": [pdf(), image()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    start, end = last_month()
    assert (notice.period_start, notice.period_end) == (start, end)
    assert notice.attachments.count() == 2
    page = client.get(f"/transparency/{notice.pk}/").content.decode()
    assert "收支明细.pdf" in page and "step-publish" in page and "step-submit" not in page
    today = timezone.localdate()
    response = client.post(
        _step(notice, "publish"),
        {
            "publish-posted_from": today.isoformat(),
            "publish-posted_until": (today + timedelta(days=4)).isoformat(),
            "publish-version": notice.version,
            "publish-confirm": "on",
        },
    )
    assert response.status_code == 400
    assert Notice.objects.get(pk=notice.pk).state == "draft"
    response = client.post(
        _step(notice, "publish"),
        {
            "publish-posted_from": today.isoformat(),
            "publish-posted_until": (today + timedelta(days=5)).isoformat(),
            "publish-version": notice.version,
            "publish-confirm": "on",
        },
    )
    assert response.status_code == 302
    assert Notice.objects.get(pk=notice.pk).state == "published"
    attachment = notice.attachments.first()
    assert client.get(f"/transparency/files/{attachment.pk}/").status_code == 200
    assert login(tw.users["cadre_b1"]).get(f"/transparency/files/{attachment.pk}/").status_code == 404


def test_the_new_notice_form_preselects_no_stream_and_asks_for_one(tw, login):
    """A financial notice goes to the 民主理财小组 before publication: the form must not choose 财务 for the writer."""
    client = login(tw.users["cadre_a1"])
    page = client.get("/transparency/new/").content.decode()
    radios = re.findall(r"<input[^>]*name=\"stream\"[^>]*>", page)
    assert len(radios) == len(Stream.values)
    assert not [r for r in radios if "checked" in r], radios
    response = client.post("/transparency/new/", _form(stream=""))
    assert response.status_code == 200 and Notice.objects.count() == 0
    assert "请选择公开类别" in response.content.decode() or "Choose the kind of notice" in response.content.decode()
    # a link for one kind of notice (?stream=party) still chooses that kind
    page = client.get("/transparency/new/?stream=party").content.decode()
    assert [r for r in re.findall(r"<input[^>]*name=\"stream\"[^>]*>", page) if "checked" in r] == [
        next(r for r in re.findall(r"<input[^>]*name=\"stream\"[^>]*>", page) if 'value="party"' in r)
    ]


def test_a_refused_draft_keeps_what_was_typed_and_writes_nothing(tw, login):
    client = login(tw.users["cadre_a1"])
    audit = AuditEvent.objects.count()
    response = client.post("/transparency/new/", _form(body="王建国 电话 13800001234 领取补贴"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "138****1234" in text and "王建国 电话 13800001234 领取补贴" in text
    assert Notice.objects.count() == 0 and AuditEvent.objects.count() == audit
    response = client.post("/transparency/new/", {**_form(), "files": [pdf("x.pdf"), image("a.txt")], "title": "t"})
    assert response.status_code == 302  # an image with a wrong name is still an image
    response = client.post(
        "/transparency/new/",
        {**_form(title="坏文件"), "files": [pdf("x.pdf"), pdf("程序.pdf").__class__("程序.pdf", b"MZ binary")]},
    )
    assert response.status_code == 200 and "程序.pdf" in response.content.decode()
    assert not Notice.objects.filter(title="坏文件").exists()


def test_custom_period_needs_its_dates(tw, login):
    client = login(tw.users["cadre_a1"])
    response = client.post("/transparency/new/", _form(period="custom"))
    assert response.status_code == 200 and Notice.objects.count() == 0
    response = client.post(
        "/transparency/new/", _form(period="custom", period_start="2026-01-01", period_end="2026-06-30")
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert str(notice.period_end) == "2026-06-30"


def test_editing_a_draft_and_its_files(tw, login):
    notice = tw.draft()
    client = login(tw.users["cadre_a1"])
    page = client.get(f"/transparency/{notice.pk}/edit/")
    assert page.status_code == 200 and notice.title in page.content.decode()
    form = _form(title="新标题", version=notice.version, changed_at=notice.updated_at.isoformat())
    assert client.post(f"/transparency/{notice.pk}/edit/", form).status_code == 302
    assert Notice.objects.get(pk=notice.pk).title == "新标题"
    stale = client.post(f"/transparency/{notice.pk}/edit/", {**form, "title": "旧版本"})
    assert stale.status_code == 200 and Notice.objects.get(pk=notice.pk).title == "新标题"
    assert client.post(f"/transparency/{notice.pk}/files/", {"files": [pdf()]}).status_code == 302
    attachment = NoticeAttachment.objects.get(notice=notice)
    assert client.post(f"/transparency/{notice.pk}/files/{attachment.pk}/remove/").status_code == 302
    assert not NoticeAttachment.objects.filter(notice=notice).exists()
    assert login(tw.users["cadre_b1"]).get(f"/transparency/{notice.pk}/edit/").status_code == 404
    assert login(tw.users["reviewer_a1"]).get(f"/transparency/{notice.pk}/edit/").status_code == 403


def test_the_finance_check_through_the_pages(tw, login):
    notice = tw.draft(stream=Stream.FINANCE, title="5月财务收支")
    cadre = login(tw.users["cadre_a1"])
    page = cadre.get(f"/transparency/{notice.pk}/").content.decode()
    assert "step-submit" in page and "step-publish" not in page
    assert cadre.post(_step(notice, "submit"), {"submit-version": notice.version}).status_code == 302
    reviewer = login(tw.users["reviewer_a1"])
    queue = reviewer.get("/transparency/check/").content.decode()
    assert "5月财务收支" in queue
    response = reviewer.post(_step(notice, "return"), {"return-reason": ""})
    assert response.status_code == 400 and Notice.objects.get(pk=notice.pk).state == "submitted"
    assert reviewer.post(_step(notice, "check"), {}).status_code == 302
    assert Notice.objects.get(pk=notice.pk).state == "checked"
    assert "5月财务收支" not in reviewer.get("/transparency/check/").content.decode()
    assert login(tw.users["villager_a1"]).get("/transparency/check/").status_code == 403


def test_withdrawing_through_the_page_needs_a_reason(tw, login):
    notice = tw.published()
    client = login(tw.users["cadre_a1"])
    confirmed = {"withdraw-confirm": "on"}
    assert client.post(_step(notice, "withdraw"), {**confirmed, "withdraw-reason": ""}).status_code == 400
    assert Notice.objects.get(pk=notice.pk).state == "published"
    assert client.post(_step(notice, "withdraw"), {**confirmed, "withdraw-reason": "数字有误"}).status_code == 302
    assert Notice.objects.get(pk=notice.pk).state == "withdrawn"
    assert "数字有误" in client.get(f"/transparency/{notice.pk}/").content.decode()


def test_an_unknown_step_is_not_found(tw, login):
    notice = tw.published()
    assert login(tw.users["cadre_a1"]).post(_step(notice, "end"), {}).status_code == 404


# -- questions ------------------------------------------------------------------------------------------------


def test_a_villager_asks_and_a_cadre_answers_through_the_pages(tw, login):
    notice = tw.published()
    villager = login(tw.users["villager_a1"])
    page = villager.get(f"/transparency/{notice.pk}/").content.decode()
    assert 'name="text"' in page
    response = villager.post(f"/transparency/{notice.pk}/ask/", {"text": "我的电话 13800001234", "client_key": "a"})
    assert response.status_code == 400 and NoticeQuestion.objects.count() == 0
    response = villager.post(f"/transparency/{notice.pk}/ask/", {"text": "验收单位是哪家？", "client_key": "b"})
    assert response.status_code == 302
    villager.post(f"/transparency/{notice.pk}/ask/", {"text": "验收单位是哪家？", "client_key": "b"})
    question = NoticeQuestion.objects.get()
    assert "验收单位是哪家" in villager.get("/transparency/questions/").content.decode()
    cadre = login(tw.users["cadre_a1"])
    waiting = cadre.get("/transparency/questions/").content.decode()
    assert "验收单位是哪家" in waiting
    response = cadre.post(_answer(question), {"answer-answer": "", "answer-confirm": "on"})
    assert response.status_code == 400
    response = cadre.post(
        _answer(question),
        {"answer-answer": "由县交通局验收。", "answer-version": question.version, "answer-confirm": "on"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == "answered"
    other = login(tw.users["cadre_b1"]).post(_answer(question), {"answer-answer": "x", "answer-confirm": "on"})
    assert other.status_code == 404


def test_other_villagers_see_the_asker_masked_and_staff_see_the_name(tw, login):
    notice = tw.published()
    services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问题一")
    asker = NoticeQuestion.objects.get().asker_name
    staff_page = login(tw.users["cadre_a1"]).get(f"/transparency/{notice.pk}/").content.decode()
    assert asker in staff_page
    grid_page = login(tw.users["grid_a1"]).get(f"/transparency/{notice.pk}/").content.decode()
    assert asker not in grid_page and asker[0] + "*" in grid_page
    own = login(tw.users["villager_a1"]).get(f"/transparency/{notice.pk}/").content.decode()
    assert "问题一" in own


def test_a_cadre_cannot_ask(tw, login):
    notice = tw.published()
    client = login(tw.users["cadre_a1"])
    assert 'name="text"' not in client.get(f"/transparency/{notice.pk}/").content.decode()
    assert client.post(f"/transparency/{notice.pk}/ask/", {"text": "问"}).status_code == 403


# -- calendar, supervision, rules -------------------------------------------------------------------------------


def test_calendar_pages(tw, login):
    tw.published(stream=Stream.PARTY)
    for username in ("cadre_a1", "reviewer_a1", "township_a", "county_official"):
        response = login(tw.users[username]).get("/transparency/calendar/")
        assert response.status_code == 200, username
    page = login(tw.users["cadre_a1"]).get("/transparency/calendar/").content.decode()
    assert "安家村" in page and "slot-" in page
    township = login(tw.users["township_a"]).get("/transparency/calendar/").content.decode()
    assert "安家村" in township and "和平村" in township and "新桥村" not in township
    one = login(tw.users["township_a"]).get(f"/transparency/calendar/?village={tw.w.village_a2.pk}&year=2025")
    assert one.status_code == 200 and "和平村" in one.content.decode()
    assert login(tw.users["villager_a1"]).get("/transparency/calendar/").status_code == 403


def test_supervision_shows_overdue_questions_of_the_township_only(tw, login):
    notice = tw.published()
    theirs = tw.published(village=tw.w.village_b1, by="cadre_b1")
    asked = timezone.now() - timedelta(days=30)
    services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="安家村的问题", now=asked)
    services.question_ask(actor=tw.users["villager_b1"], notice=theirs, text="新桥村的问题", now=asked)
    page = login(tw.users["township_a"]).get("/transparency/supervision/").content.decode()
    assert "安家村的问题" in page and "新桥村的问题" not in page
    county = login(tw.users["county_official"]).get("/transparency/supervision/").content.decode()
    assert "安家村的问题" in county and "新桥村的问题" in county
    assert login(tw.users["cadre_a1"]).get("/transparency/supervision/").status_code == 403


def test_the_county_administrator_keeps_the_rules_on_a_page(tw, login):
    client = login(tw.users["county_admin"])
    assert client.get("/transparency/policy/").status_code == 200
    data = {
        "min_posting_days": 7,
        "answer_days": 3,
        "finance_cadence": "month",
        "village_cadence": "quarter",
        "party_cadence": "quarter",
        "due_days": 15,
    }
    bad = client.post("/transparency/policy/", {**data, "min_posting_days": 0})
    assert bad.status_code == 200 and "0" in bad.content.decode()
    assert client.post("/transparency/policy/", data).status_code == 302
    from transparency.policy import policy_for

    assert policy_for(tw.w.county).min_posting_days == 7
    assert login(tw.users["township_a"]).get("/transparency/policy/").status_code == 403
