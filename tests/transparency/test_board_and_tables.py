"""The public board's cache follows every step whatever the clocks say (issue 17 #8); a notice's text shows the
tables written in it (a statement such as a 收支明细表) and nothing typed becomes markup; a table the platform
generated goes with its notice as a page to print and an .xlsx to download (issue 17 #3); a published correction
(更正) supersedes the notice it corrects, which stays on the board marked, with a link (issue 17 #4)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from core.errors import DomainError
from transparency import services
from transparency.models import Stream
from transparency.text import as_html, plain

pytestmark = pytest.mark.django_db


def _anonymous(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_the_cached_board_shows_a_publication_stamped_before_the_latest_one(client, tw, django_assert_max_num_queries):
    """A step stamped earlier than the latest one (a server whose clock was set back, a step taken with an explicit
    time) still moves the board's version: the board is not served stale from the cache."""
    code = tw.w.village_a1.code
    board = f"/public/{code}/notices/"
    later = tw.draft(title="第二份公开")  # written first: the number of notices does not change when it is published
    tw.published(title="第一份公开")  # the latest step on the board
    assert "第一份公开" in _anonymous(client, board)
    with django_assert_max_num_queries(1):  # kept: the village with its version, then the page from the cache
        assert "第一份公开" in _anonymous(client, board)
    today = timezone.localdate()
    services.notice_step(
        actor=tw.users["cadre_a1"],
        notice=later,
        step="publish",
        data={"posted_from": today, "posted_until": today + timedelta(days=5)},
        now=timezone.now() - timedelta(hours=1),  # the clock an hour behind the first publication
    )
    assert "第二份公开" in _anonymous(client, board)
    services.notice_step(
        actor=tw.users["cadre_a1"],
        notice=later,
        step="withdraw",
        data={"reason": "数字有误"},
        now=timezone.now() - timedelta(hours=2),
    )
    assert "第二份公开" not in _anonymous(client, board)


def test_a_table_in_the_text_is_shown_as_a_table_and_nothing_typed_becomes_markup():
    text = (
        "开头 <b>粗</b>\n\n| 项目 | 金额（元） |\n|---|---:|\n| 收入<script> | 1,200.00 |\n| 支出 | 300.00 |\n"
        "结尾 | 不是表 |"
    )
    html = str(as_html(text))
    assert '<table class="ntable"><thead><tr><th>项目</th><th class="right">金额（元）</th></tr></thead>' in html
    assert '<td>收入&lt;script&gt;</td><td class="right">1,200.00</td>' in html
    assert "&lt;b&gt;粗&lt;/b&gt;" in html and "<script>" not in html and "<b>" not in html
    assert html.endswith('<div class="ntext">结尾 | 不是表 |</div>')
    # bars without the line of dashes stay text
    assert "<table" not in str(as_html("| a | b |\n| c | d |"))
    assert plain(text).splitlines()[1:3] == ["项目  金额（元）", "收入<script>  1,200.00"]


def _xlsx(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "明细"
    sheet.append(["编号", "金额（元）", "对方"])
    for n in range(rows):
        sheet.append([f"NO{n:04d}", 1000 + n / 100, "张*"])
        sheet.cell(row=n + 2, column=2).number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_generated_table_goes_with_its_notice_as_a_page_and_a_download(client, tw, login):
    cadre = tw.users["cadre_a1"]
    with pytest.raises(DomainError):  # only an .xlsx by its content
        tw.draft(tables=[("明细.xlsx", b"MZ not a table")])
    notice = tw.draft(stream=Stream.FINANCE, title="十月财务公开", tables=[("十月明细.xlsx", _xlsx(250))])
    (table,) = notice.attachments.all()
    assert table.is_table
    with pytest.raises(DomainError):  # it stays with the notice
        services.notice_detach(actor=cadre, notice=notice, attachment_id=table.pk)
    # the reviewer checking the draft sees the table
    login(tw.users["reviewer_a1"])
    page = _anonymous(client, f"/transparency/files/{table.pk}/table/")
    assert page.count('<tr><td class="n">') == 250 and "1,002.49" in page and "NO0249" in page
    assert client.get(f"/transparency/{notice.pk}/").content.decode().count(f"/transparency/files/{table.pk}/table/")
    client.logout()
    # not public before publication; public with it
    code = tw.w.village_a1.code
    assert client.get(f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/").status_code == 404
    services.notice_step(actor=cadre, notice=notice, step="submit")
    services.notice_step(actor=tw.users["reviewer_a1"], notice=notice, step="check")
    today = timezone.localdate()
    services.notice_step(
        actor=cadre, notice=notice, step="publish", data={"posted_from": today, "posted_until": today + timedelta(5)}
    )
    page = _anonymous(client, f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/")
    assert page.count('<tr><td class="n">') == 250 and "@page { size: A4 landscape" in page
    public = _anonymous(client, f"/public/{code}/notices/{notice.pk}/")
    assert f"/public/{code}/notices/{notice.pk}/files/{table.pk}/table/" in public
    download = client.get(f"/public/{code}/notices/{notice.pk}/files/{table.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_a_published_correction_supersedes_the_notice_it_corrects(client, tw):
    cadre = tw.users["cadre_a1"]
    code = tw.w.village_a1.code
    draft = tw.draft(title="未发布的草稿")
    with pytest.raises(DomainError):  # a draft is changed, not corrected
        tw.draft(title="更正", corrects=draft, correction_reason="数字有误")
    old = tw.published(title="三季度村务公开")
    with pytest.raises(DomainError) as refused:  # the reason is required
        tw.draft(title="三季度村务公开（更正）", corrects=old, correction_reason="")
    assert "correction_reason" in refused.value.message_dict
    with pytest.raises(DomainError):  # another stream is not a correction of it
        tw.draft(stream=Stream.PARTY, title="更正", corrects=old, correction_reason="数字有误")
    new = tw.draft(title="三季度村务公开（更正）", corrects=old, correction_reason="工程款数字有误")
    with pytest.raises(DomainError):  # one correction at a time
        tw.draft(title="又一个更正", corrects=old, correction_reason="再改")
    today = timezone.localdate()
    with pytest.raises(DomainError) as later:  # a correction goes on the board at once
        services.notice_step(
            actor=cadre,
            notice=new,
            step="publish",
            data={"posted_from": today + timedelta(1), "posted_until": today + timedelta(9)},
        )
    assert "posted_from" in later.value.message_dict
    old.refresh_from_db()
    assert old.state == "published" and old.superseded_by_id is None  # nothing happened
    with pytest.raises(DomainError):  # nobody takes the system's step by hand
        services.notice_step(actor=cadre, notice=old, step="supersede", data={"by": new.pk})
    services.notice_step(
        actor=cadre, notice=new, step="publish", data={"posted_from": today, "posted_until": today + timedelta(5)}
    )
    old.refresh_from_db()
    assert old.state == "withdrawn" and old.superseded_by_id == new.pk and new.number in old.withdraw_reason
    board = _anonymous(client, f"/public/{code}/notices/")
    current, archive = board.split('id="archive"', 1)
    assert f'id="n{new.pk}"' in current and f'id="n{old.pk}"' not in current  # the correction's card only
    assert f'/notices/{old.pk}/">三季度村务公开</a>' in current  # which links the notice it corrects
    assert f"/public/{code}/notices/{old.pk}/" in archive and f"/public/{code}/notices/{new.pk}/" in archive
    page = _anonymous(client, f"/public/{code}/notices/{old.pk}/")
    assert "superseded-note" in page and f"/public/{code}/notices/{new.pk}/" in page
    page = _anonymous(client, f"/public/{code}/notices/{new.pk}/")
    assert "correction-note" in page and "工程款数字有误" in page and f"/public/{code}/notices/{old.pk}/" in page
    api = client.get(f"/api/transparency/public/{code}/notices").json()
    assert [n["id"] for n in api["current"]] == [new.pk] and api["current"][0]["corrects_id"] == old.pk
    assert {n["id"]: n["superseded_by_id"] for n in api["archive"]}[old.pk] == new.pk
    # a notice withdrawn by hand leaves the board and is not kept there
    gone = tw.published(title="撤回的公开")
    services.notice_step(actor=cadre, notice=gone, step="withdraw", data={"reason": "有误"})
    assert client.get(f"/public/{code}/notices/{gone.pk}/").status_code == 404


def test_a_period_has_one_financial_statement(tw):
    """Two different statements (收支明细) of a month were public at once: one typed, one generated from the ledger.
    A period's statement is on the platform once; another only as a correction of it."""
    cadre = tw.users["cadre_a1"]
    statement = {"stream": Stream.FINANCE, "category": "收支明细"}
    first = tw.draft(title="十月收支明细", **statement)
    with pytest.raises(DomainError) as refused:
        tw.draft(title="十月收支明细（另一份）", **statement)
    assert refused.value.code == "statement" and first.number in refused.value.messages[0]
    tw.draft(stream=Stream.FINANCE, category="惠民资金", title="十月惠民资金发放")  # another kind of financial notice
    tw.draft(stream=Stream.VILLAGE, category="收支明细", title="村务：十月收支说明")
    other = tw.draft(stream=Stream.FINANCE, category="工程项目", title="十月工程款")
    with pytest.raises(DomainError):  # nor by changing a draft into one
        services.notice_update(actor=cadre, notice=other, category="收支明细")
    services.notice_step(actor=cadre, notice=first, step="discard")
    second = tw.published(title="十月收支明细（重写）", **statement)
    with pytest.raises(DomainError):  # published: corrected, never doubled
        tw.draft(title="十月收支明细（第三份）", **statement)
    tw.draft(title="十月收支明细（更正）", corrects=second, correction_reason="支出少记一笔", **statement)


def test_a_corrected_statement_keeps_the_day_it_was_first_disclosed(tw):
    """The calendar counts a period as disclosed from the first day its statement was on the board: a correction
    published later does not turn an on-time disclosure into a late one."""
    from datetime import date, datetime

    from transparency import disclosure

    cadre, reviewer = tw.users["cadre_a1"], tw.users["reviewer_a1"]
    october = {"stream": Stream.FINANCE, "category": "收支明细", "period_start": date(2026, 10, 1)}
    old = tw.draft(title="十月收支明细", period_end=date(2026, 10, 31), **october)
    on = timezone.make_aware(datetime(2026, 11, 5, 10))
    services.notice_step(actor=cadre, notice=old, step="submit", now=on)
    services.notice_step(actor=reviewer, notice=old, step="check", now=on)
    services.notice_step(
        actor=cadre,
        notice=old,
        step="publish",
        data={"posted_from": date(2026, 11, 5), "posted_until": date(2026, 11, 12)},
        now=on,
    )
    tw.published(
        title="十月收支明细（更正）", period_end=date(2026, 10, 31), corrects=old, correction_reason="更正", **october
    )
    slot = next(
        s for s in disclosure.village_calendar(tw.w.village_a1, 2026).rows[Stream.FINANCE] if s.start.month == 10
    )
    assert slot.published_on == date(2026, 11, 5) and slot.status == disclosure.DONE
