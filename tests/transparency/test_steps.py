"""The steps of a notice and of a question, declared once (transparency/flows.py): what is new for people. The
irreversible steps (publish, withdraw, discard, answer) ask for confirmation on the page and in the API; a
field's type or range is refused with a Chinese message; the people a step names are told; the notice page shows
the declared forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.models import CaseEvent
from core.models import AuditEvent, Notification
from transparency import services
from transparency.models import Notice, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db
API = "/api/casework/cases"


def _url(notice, step: str) -> str:
    return f"/casework/cases/notice/{notice.pk}/steps/{step}/"


def _written(notice) -> tuple:
    """What a refused step must leave as it was."""
    notice = Notice.objects.get(pk=notice.pk)
    return (
        notice.state,
        notice.version,
        notice.posted_from,
        notice.posted_until,
        CaseEvent.objects.filter(flow="notice", object_id=notice.pk).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _zh(msgid: str, **values) -> str:
    with translation.override("zh-hans"):
        return _(msgid) % values if values else _(msgid)


def _errors(response, step: str) -> dict:
    panel = next(p for p in response.context["steps"] if p["name"] == step)
    return panel["form"].errors


# -- confirmation ----------------------------------------------------------------------------------------------


def test_publishing_and_withdrawing_on_the_page_ask_for_confirmation(tw, login):
    notice = tw.draft()
    client = login(tw.users["cadre_a1"])
    page = client.get(f"/transparency/{notice.pk}/").content.decode()
    assert 'id="step-publish"' in page and 'name="publish-confirm"' in page and "data-confirm=" in page
    today = timezone.localdate()
    window = {
        "publish-posted_from": today.isoformat(),
        "publish-posted_until": (today + timedelta(days=5)).isoformat(),
        "publish-version": notice.version,
    }
    before = _written(notice)
    response = client.post(_url(notice, "publish"), window)
    assert response.status_code == 400 and "confirm" in _errors(response, "publish")
    assert _written(notice) == before
    assert client.post(_url(notice, "publish"), {**window, "publish-confirm": "on"}).status_code == 302
    notice.refresh_from_db()
    assert notice.state == "published"
    before = _written(notice)
    response = client.post(_url(notice, "withdraw"), {"withdraw-reason": "数字有误"})
    assert response.status_code == 400 and "confirm" in _errors(response, "withdraw")
    assert _written(notice) == before
    response = client.post(_url(notice, "withdraw"), {"withdraw-reason": "数字有误", "withdraw-confirm": "on"})
    assert response.status_code == 302 and Notice.objects.get(pk=notice.pk).state == "withdrawn"


def test_publishing_and_withdrawing_over_the_api_want_confirm_true(client, tw, api_token):
    notice = tw.draft()
    cadre = api_token(tw.users["cadre_a1"])
    steps = client.get(f"{API}/notice/{notice.pk}/steps", **cadre).json()
    publish = next(s for s in steps if s["name"] == "publish")
    assert publish["confirm"] and [f["name"] for f in publish["fields"]] == ["posted_from", "posted_until", "note"]
    required = {f["name"]: f["required"] for f in publish["fields"]}
    assert required == {"posted_from": False, "posted_until": True, "note": False}
    today = timezone.localdate()
    window = {"posted_from": today.isoformat(), "posted_until": (today + timedelta(days=5)).isoformat()}
    before = _written(notice)
    response = client.post(f"{API}/notice/{notice.pk}/steps/publish", window, content_type="application/json", **cadre)
    assert response.status_code == 422 and "confirm" in response.json()["errors"]
    assert _written(notice) == before
    response = client.post(
        f"{API}/notice/{notice.pk}/steps/publish",
        {**window, "confirm": True},
        content_type="application/json",
        **cadre,
    )
    assert response.status_code == 200 and response.json()["state"] == "published"
    assert response.json()["number"] == notice.number  # the notice's own keys beside the generic ones
    before = _written(notice)
    withdraw = f"{API}/notice/{notice.pk}/steps/withdraw"
    response = client.post(withdraw, {"reason": "有误"}, content_type="application/json", **cadre)
    assert response.status_code == 422 and "confirm" in response.json()["errors"]
    assert _written(notice) == before
    response = client.post(withdraw, {"reason": "有误", "confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_answering_asks_for_confirmation_too(tw, login):
    notice = tw.published()
    question, _created = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="何时验收？")
    client = login(tw.users["cadre_a1"])
    url = f"/casework/cases/notice_question/{question.pk}/steps/answer/"
    response = client.post(url, {"answer-answer": "下月验收。", "answer-version": question.version})
    assert response.status_code == 400 and NoticeQuestion.objects.get(pk=question.pk).state == "asked"
    assert "下月验收。" in response.content.decode()  # what was typed comes back on the notice page
    response = client.post(
        url, {"answer-answer": "下月验收。", "answer-version": question.version, "answer-confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == f"/transparency/{notice.pk}/#q{question.pk}"


# -- types and ranges, refused in Chinese ---------------------------------------------------------------------


def test_a_wrong_date_or_a_short_window_or_a_long_reason_is_refused_in_chinese(tw, login):
    notice = tw.draft()
    client = login(tw.users["cadre_a1"])
    today = timezone.localdate()
    data = {"publish-posted_from": today.isoformat(), "publish-version": notice.version, "publish-confirm": "on"}
    before = _written(notice)
    response = client.post(_url(notice, "publish"), {**data, "publish-posted_until": "下周五"})
    assert response.status_code == 400
    assert _errors(response, "publish")["posted_until"] == [_zh("Enter a valid date.")]
    assert _zh("Enter a valid date.") in response.content.decode()
    short = (today + timedelta(days=4)).isoformat()
    response = client.post(_url(notice, "publish"), {**data, "publish-posted_until": short})
    assert response.status_code == 400
    expected = _zh(
        "A notice stays up at least %(days)s days: post it until %(date)s or later.",
        days=5,
        date=(today + timedelta(days=5)).isoformat(),
    )
    assert _errors(response, "publish")["posted_until"] == [expected] and "公开期" in expected
    assert _written(notice) == before
    published = tw.published(title="已公开")
    before = _written(published)
    response = client.post(_url(published, "withdraw"), {"withdraw-reason": "长" * 301, "withdraw-confirm": "on"})
    assert response.status_code == 400
    (message,) = _errors(response, "withdraw")["reason"]
    assert "300" in message and any("\u4e00" <= c <= "\u9fff" for c in message)
    assert _written(published) == before


# -- who is told (notify= on the flows) ------------------------------------------------------------------------


def _told(**filters) -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.filter(**filters).values_list("user__username", "text", "url").order_by("pk"))


def test_the_finance_check_tells_the_reviewer_and_the_cadre(tw, django_capture_on_commit_callbacks):
    notice = tw.draft(stream=Stream.FINANCE, title="5月财务收支")
    cadre, reviewer = tw.users["cadre_a1"], tw.users["reviewer_a1"]
    url = f"/transparency/{notice.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_step(actor=cadre, notice=notice, step="submit")
    assert _told(kind="transparency") == [
        ("reviewer_a1", _("Financial notice to check: %(title)s") % {"title": "5月财务收支"}, url)
    ]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_step(actor=reviewer, notice=notice, step="return", data={"reason": "缺凭证"})
    text = _("Financial notice sent back for correction: %(title)s") % {"title": "5月财务收支"}
    assert _told(kind="transparency") == [("cadre_a1", text, url)]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_step(actor=cadre, notice=notice, step="submit")
        services.notice_step(actor=reviewer, notice=notice, step="check")
    text = _("Financial notice checked, ready to publish: %(title)s") % {"title": "5月财务收支"}
    assert ("cadre_a1", text, url) in _told(kind="transparency")
    assert not Notification.objects.filter(user__in=[cadre], text__contains="to check").exclude(text=text).exists()


def test_asking_tells_the_cadres_and_answering_tells_the_asker(tw, login, django_capture_on_commit_callbacks):
    notice = tw.published(title="村道硬化")
    with django_capture_on_commit_callbacks(execute=True):
        question, _created = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="路宽多少？")
    where = f"/transparency/{notice.pk}/#q{question.pk}"
    (asked,) = _told(kind="transparency")
    assert asked[0] == "cadre_a1" and "村道硬化" in asked[1] and asked[2] == where
    Notification.objects.all().delete()
    client = login(tw.users["cadre_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/casework/cases/notice_question/{question.pk}/steps/answer/",
            {"answer-answer": "4.5 米。", "answer-confirm": "on"},
        )
    assert response.status_code == 302
    text = _("Your question was answered: %(text)s") % {"text": "路宽多少？"}
    assert _told(kind="transparency") == [("villager_a1", text, where)]


# -- the page a person reads ------------------------------------------------------------------------------------


def test_the_notice_page_shows_the_declared_forms(tw, login):
    notice = tw.draft()
    question_notice = tw.published(title="有提问")
    services.question_ask(actor=tw.users["villager_a1"], notice=question_notice, text="一")
    services.question_ask(actor=tw.users["villager_a1"], notice=question_notice, text="二", client_key="2")
    client = login(tw.users["cadre_a1"])
    html = client.get(f"/transparency/{notice.pk}/").content.decode()
    with translation.override("zh-hans"):
        for msgid in ("Posted from", "Posted until (last day on the board)", "Discard the draft"):
            assert _(msgid) in html, msgid
        hint = translation.ngettext(
            "The notice stays on the board at least %(n)s day after its first day.",
            "The notice stays on the board at least %(n)s days after its first day.",
            5,
        ) % {"n": 5}
    assert hint in html
    assert 'name="publish-posted_until"' in html and 'name="publish-note"' in html
    today = timezone.localdate()
    assert f'value="{(today + timedelta(days=5)).isoformat()}"' in html  # the proposed last day
    assert 'name="submit-' not in html  # a notice of village affairs is not submitted for the finance check
    html = client.get(f"/transparency/{question_notice.pk}/").content.decode()
    assert html.count('class="answer-form"') == 2 and html.count('name="answer-answer"') == 2
    assert 'name="answer-note"' not in html and 'name="withdraw-note"' not in html
    ids = [q.pk for q in NoticeQuestion.objects.order_by("pk")]
    assert all(f'id="id_q{pk}_answer-answer"' in html for pk in ids)  # each form its own ids
