"""The public notice board (no login): only published notices inside their window and the archive; nothing
personal beyond what the notice says; the asker's name masked; attachments only of public notices; the A4 print."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.transparency.support import image, pdf
from transparency import services
from transparency.models import Stream

pytestmark = pytest.mark.django_db


def _board(client, tw):
    response = client.get(f"/public/{tw.w.village_a1.code}/notices/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    return response.content.decode()


def test_the_board_shows_only_what_is_posted(client, tw):
    on_board = tw.published(title="本月公开：村道工程")
    draft = tw.draft(title="草稿不该公开")
    withdrawn = tw.published(title="已撤回的公开")
    services.notice_step(actor=tw.users["cadre_a1"], notice=withdrawn, step="withdraw", data={"reason": "有误"})
    checked = tw.draft(stream=Stream.FINANCE, title="待审核财务")
    services.notice_step(actor=tw.users["cadre_a1"], notice=checked, step="submit")
    later = tw.draft(title="下周才张贴")
    start = timezone.localdate() + timedelta(days=7)
    services.notice_step(
        actor=tw.users["cadre_a1"],
        notice=later,
        step="publish",
        data={"posted_from": start, "posted_until": start + timedelta(days=5)},
    )
    tw.published(village=tw.w.village_b1, by="cadre_b1", title="新桥村的公开")
    text = _board(client, tw)
    assert "本月公开：村道工程" in text
    for hidden in ("草稿不该公开", "已撤回的公开", "待审核财务", "下周才张贴", "新桥村的公开"):
        assert hidden not in text, hidden
    code = tw.w.village_a1.code
    assert client.get(f"/public/{code}/notices/{on_board.pk}/").status_code == 200
    for notice in (draft, withdrawn, checked, later):
        assert client.get(f"/public/{code}/notices/{notice.pk}/").status_code == 404
        assert client.get(f"/public/{code}/notices/{notice.pk}/print/").status_code == 404
    assert client.get(f"/public/{tw.w.village_b1.code}/notices/{on_board.pk}/").status_code == 404
    assert client.get("/public/999999/notices/").status_code == 404


def test_an_ended_notice_is_in_the_archive(client, tw):
    from core import workflow

    notice = tw.published(title="上月的公开", days=5)
    response = client.get(f"/public/{tw.w.village_a1.code}/notices/")
    assert [n.pk for n in response.context["current"]] == [notice.pk]
    workflow.run_all_deadlines(now=timezone.now() + timedelta(days=6))
    notice.refresh_from_db()
    assert notice.state == "ended"
    response = client.get(f"/public/{tw.w.village_a1.code}/notices/")
    assert response.context["current"] == []
    archived = [n.pk for _year, notices in response.context["archive"] for n in notices]
    assert archived == [notice.pk]
    page = client.get(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/").content.decode()
    assert "上月的公开" in page


def test_answers_are_public_with_the_asker_masked(client, tw):
    notice = tw.published()
    question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="工程款什么时候结清？")
    pending, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="还没回答的问题")
    services.question_answer(actor=tw.users["cadre_a1"], question=question, answer="验收后一个月内结清。")
    text = _board(client, tw)
    page = client.get(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/").content.decode()
    printed = client.get(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/print/").content.decode()
    for body in (text, page, printed):
        assert "工程款什么时候结清？" in body and "验收后一个月内结清。" in body
        assert "王**" in body and "王建国" not in body
        assert "还没回答的问题" not in body
        assert "cadre_a1" not in body and "villager_a1" not in body  # no account names
    assert pending.pk


def test_attachments_are_served_only_with_their_public_notice(client, tw):
    notice = services.notice_create(
        actor=tw.users["cadre_a1"],
        village=tw.w.village_a1,
        attachments=[pdf(), image()],
        **{
            "stream": Stream.VILLAGE,
            "title": "带附件的公开",
            "body": "见附件。",
            "period_start": timezone.localdate().replace(day=1),
            "period_end": timezone.localdate(),
        },
    )
    code = tw.w.village_a1.code
    first = notice.attachments.order_by("pk").first()
    assert client.get(f"/public/{code}/notices/{notice.pk}/files/{first.pk}/").status_code == 404
    today = timezone.localdate()
    services.notice_step(
        actor=tw.users["cadre_a1"],
        notice=notice,
        step="publish",
        data={"posted_from": today, "posted_until": today + timedelta(days=5)},
    )
    response = client.get(f"/public/{code}/notices/{notice.pk}/files/{first.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    page = client.get(f"/public/{code}/notices/{notice.pk}/").content.decode()
    assert "收支明细.pdf" in page and "<img" in page
    other = tw.published(village=tw.w.village_b1, by="cadre_b1")
    assert client.get(f"/public/{tw.w.village_b1.code}/notices/{other.pk}/files/{first.pk}/").status_code == 404
    # the signed-in file view is not public
    assert client.get(f"/transparency/files/{first.pk}/").status_code == 302


def test_the_print_view_is_a_sheet_for_the_board(client, tw):
    notice = tw.published(title="村务公开：2026年第二季度", stream=Stream.PARTY)
    page = client.get(f"/public/{tw.w.village_a1.code}/notices/{notice.pk}/print/").content.decode()
    assert "村务公开：2026年第二季度" in page and "A4" in page and "mainnav" not in page
    assert tw.w.village_a1.name in page


def test_the_board_costs_the_same_queries_for_more_notices(client, tw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            notice = tw.published(title=f"公开{i}")
            question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text=f"问{i}")
            services.question_answer(actor=tw.users["cadre_a1"], question=question, answer=f"答{i}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/public/{tw.w.village_a1.code}/notices/").status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(4)
    assert count() == few


def _anonymous(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_cached_board_changes_at_once_with_what_it_shows(client, tw, django_assert_max_num_queries):
    """The public pages are kept rendered for anonymous visitors; every change they show moves the key."""
    code = tw.w.village_a1.code
    first = tw.published(title="第一份公开")
    asked, _ = services.question_ask(actor=tw.users["villager_a1"], notice=first, text="钱什么时候发？")
    board = f"/public/{code}/notices/"
    page = f"/public/{code}/notices/{first.pk}/"
    assert "第一份公开" in _anonymous(client, board)
    assert "钱什么时候发？" not in _anonymous(client, page)  # not answered yet
    with django_assert_max_num_queries(1):  # the village with its version, then the page from the cache
        assert "第一份公开" in _anonymous(client, board)
    second = tw.published(title="第二份公开")
    assert "第二份公开" in _anonymous(client, board)
    services.question_answer(actor=tw.users["cadre_a1"], question=asked, answer="公示期满后十五日内发放。")
    assert "公示期满后十五日内发放。" in _anonymous(client, page)
    assert "公示期满后十五日内发放。" in _anonymous(client, f"/public/{code}/notices/{first.pk}/print/")
    services.notice_step(actor=tw.users["cadre_a1"], notice=second, step="withdraw", data={"reason": "数字有误"})
    assert "第二份公开" not in _anonymous(client, board)
    assert client.get(f"/public/{code}/notices/{second.pk}/").status_code == 404


def test_a_signed_in_visitor_never_sees_nor_leaves_a_cached_page(client, tw):
    code = tw.w.village_a1.code
    tw.published(title="本月公开")
    cadre = tw.users["cadre_a1"]
    client.force_login(cadre)
    mine = _anonymous(client, f"/public/{code}/notices/")
    assert str(cadre) in mine  # the header shows who is signed in
    client.logout()
    public = _anonymous(client, f"/public/{code}/notices/")
    assert str(cadre) not in public
    assert "csrfmiddlewaretoken" not in public and "X-CSRFToken" not in public
    client.force_login(cadre)
    assert str(cadre) in _anonymous(client, f"/public/{code}/notices/")
