"""三务公开 through its services: the posting window, the finance check, withdrawal, personal data, attachments,
questions and their working-day deadline, scope, the county's rules. Every refusal writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from casework.models import CaseEvent
from core import workflow
from core.calendar import load_year
from core.errors import DomainError, NotFound
from core.models import AuditEvent, Notification
from tests.transparency.support import image, not_a_document, notice_data, pdf
from transparency import services
from transparency.files import MAX_FILES
from transparency.models import DisclosurePolicy, Notice, NoticeAttachment, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "51042219800517001X"


def snapshot():
    """Everything a refused write must leave as it was."""
    return {
        "notices": list(Notice.objects.order_by("pk").values()),
        "attachments": NoticeAttachment.objects.count(),
        "questions": list(NoticeQuestion.objects.order_by("pk").values()),
        "events": CaseEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "policies": list(DisclosurePolicy.objects.values()),
    }


def refused(call, *, code=None, field=None, exc=DomainError):
    before = snapshot()
    with pytest.raises(exc) as caught:
        call()
    assert snapshot() == before, "a refused write changed something"
    if field is not None:
        assert field in caught.value.message_dict, caught.value.message_dict
    if code is not None:
        assert caught.value.code == code
    return caught.value


def publish(tw, notice, *, days, by="cadre_a1", start=None):
    start = start or timezone.localdate()
    return services.notice_step(
        actor=tw.users[by],
        notice=notice,
        step="publish",
        data={"posted_from": start.isoformat(), "posted_until": (start + timedelta(days=days)).isoformat()},
    )


# -- a draft ------------------------------------------------------------------------------------------------


def test_a_cadre_writes_a_draft(tw):
    notice = tw.draft()
    assert notice.state == "draft" and notice.flow == "notice"
    assert notice.village == tw.w.village_a1 and notice.township_id == tw.w.township_a.pk
    assert [e.transition for e in workflow.history(notice)] == ["start"]
    assert AuditEvent.objects.filter(action="transparency.notice.create", target_id=str(notice.pk)).exists()


def test_bad_drafts_are_refused_with_field_messages(tw):
    cadre, village = tw.users["cadre_a1"], tw.w.village_a1
    refused(lambda: services.notice_create(actor=cadre, village=village, **notice_data(title="")), field="title")
    refused(lambda: services.notice_create(actor=cadre, village=village, **notice_data(stream="x")), field="stream")
    data = notice_data()
    data["period_end"] = data["period_start"] - timedelta(days=1)
    refused(lambda: services.notice_create(actor=cadre, village=village, **data), field="period_end")
    refused(
        lambda: services.notice_create(actor=cadre, village=village, **notice_data(period_start="2026-13-01")),
        field="period_start",
    )


def test_only_a_draft_is_changed(tw):
    notice = tw.draft()
    services.notice_update(actor=tw.users["cadre_a1"], notice=notice, title="村道硬化工程完工公开")
    notice.refresh_from_db()
    assert notice.title == "村道硬化工程完工公开"
    assert AuditEvent.objects.filter(action="transparency.notice.update").count() == 1
    publish(tw, notice, days=5)
    refused(
        lambda: services.notice_update(actor=tw.users["cadre_a1"], notice=notice, title="改"),
        code="state",
    )


def test_a_stale_edit_is_refused(tw):
    notice = tw.draft()
    seen = notice.updated_at.isoformat()
    refused(
        lambda: services.notice_update(
            actor=tw.users["cadre_a1"], notice=notice, version=notice.version - 1, title="x"
        ),
        code="stale",
    )
    services.notice_update(actor=tw.users["cadre_a1"], notice=notice, changed_at=seen, title="第一次修改")
    refused(
        lambda: services.notice_update(actor=tw.users["cadre_a1"], notice=notice, changed_at=seen, title="第二个人"),
        code="stale",
    )


# -- the posting window --------------------------------------------------------------------------------------


def test_posting_window_at_its_minimum_edge(tw):
    """At least 5 days by default: posted_until = posted_from + 5 is accepted, + 4 refused."""
    short = tw.draft()
    error = refused(lambda: publish(tw, short, days=4), field="posted_until")
    assert "5" in str(error.message_dict["posted_until"])
    publish(tw, short, days=5)
    short.refresh_from_db()
    assert short.state == "published"
    assert (short.posted_until - short.posted_from).days == 5
    assert short.published_by == tw.users["cadre_a1"] and short.published_at is not None


def test_the_county_sets_a_longer_minimum(tw):
    services.policy_save(
        actor=tw.users["county_admin"],
        county=tw.w.county,
        min_posting_days=7,
        answer_days=5,
        finance_cadence="month",
        village_cadence="quarter",
        party_cadence="quarter",
        due_days=10,
    )
    notice = tw.draft()
    refused(lambda: publish(tw, notice, days=6), field="posted_until")
    publish(tw, notice, days=7)
    assert Notice.objects.get(pk=notice.pk).state == "published"


def test_a_window_starting_in_the_past_is_refused(tw):
    notice = tw.draft()
    refused(
        lambda: publish(tw, notice, days=10, start=timezone.localdate() - timedelta(days=1)),
        field="posted_from",
    )
    refused(
        lambda: services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="publish", data={}),
        field="posted_until",
    )


def test_a_planned_window_on_the_draft_is_checked_too(tw):
    start = timezone.localdate() + timedelta(days=2)
    refused(
        lambda: tw.draft(posted_from=start, posted_until=start + timedelta(days=4)),
        field="posted_until",
    )
    notice = tw.draft(posted_from=start, posted_until=start + timedelta(days=5))
    assert notice.posted_until == start + timedelta(days=5)


# -- the finance check (民主理财小组) -----------------------------------------------------------------------------


def test_a_financial_notice_is_checked_before_it_is_published(tw):
    cadre, reviewer = tw.users["cadre_a1"], tw.users["reviewer_a1"]
    notice = tw.draft(stream=Stream.FINANCE, title="2026年5月财务收支公开", category="收支明细")
    error = refused(lambda: publish(tw, notice, days=5), code="unchecked")
    assert "democratic finance group" in str(error) or "民主理财" in str(error)
    refused(lambda: services.notice_step(actor=cadre, notice=notice, step="check"), code="state")
    services.notice_step(actor=cadre, notice=notice, step="submit")
    refused(lambda: services.notice_step(actor=cadre, notice=notice, step="check"), code="role")
    refused(lambda: services.notice_step(actor=reviewer, notice=notice, step="return"), field="reason")
    services.notice_step(actor=reviewer, notice=notice, step="check")
    notice.refresh_from_db()
    assert notice.state == "checked" and notice.checked_by == reviewer
    refused(lambda: publish(tw, notice, days=5, by="reviewer_a1"), code="role")
    publish(tw, notice, days=5)
    notice.refresh_from_db()
    assert notice.state == "published"
    assert [e.transition for e in workflow.history(notice)] == ["start", "submit", "check", "publish"]


def test_the_reviewer_sends_a_financial_notice_back(tw):
    reviewer = tw.users["reviewer_a1"]
    notice = tw.draft(stream=Stream.FINANCE)
    services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="submit")
    services.notice_step(actor=reviewer, notice=notice, step="return", data={"reason": "第3笔支出缺少凭证"})
    notice.refresh_from_db()
    assert notice.state == "draft" and notice.checked_by is None
    services.notice_update(actor=tw.users["cadre_a1"], notice=notice, body="已补充凭证。")
    assert workflow.history(notice).last().note == "第3笔支出缺少凭证"


def test_only_financial_notices_are_submitted_for_checking(tw):
    notice = tw.draft(stream=Stream.PARTY)
    refused(lambda: services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="submit"))


# -- withdrawing ---------------------------------------------------------------------------------------------


def test_withdrawing_a_published_notice_needs_a_reason_and_is_audited(tw):
    notice = tw.published()
    cadre = tw.users["cadre_a1"]
    refused(lambda: services.notice_step(actor=cadre, notice=notice, step="withdraw"), field="reason")
    refused(
        lambda: services.notice_step(actor=cadre, notice=notice, step="withdraw", data={"reason": "  "}),
        field="reason",
    )
    services.notice_step(actor=cadre, notice=notice, step="withdraw", data={"reason": "金额有误，更正后重新公开"})
    notice.refresh_from_db()
    assert notice.state == "withdrawn" and notice.withdraw_reason == "金额有误，更正后重新公开"
    event = workflow.history(notice).last()
    assert event.transition == "withdraw" and event.data["before_window_end"] is True
    entry = AuditEvent.objects.filter(action="casework.transition", target_id=str(notice.pk)).order_by("pk").last()
    assert entry.note == "金额有误，更正后重新公开" and entry.after["step"] == "withdraw"


def test_a_draft_is_discarded_without_a_reason(tw):
    notice = tw.draft()
    services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="discard")
    assert Notice.objects.get(pk=notice.pk).state == "withdrawn"


def test_the_system_ends_a_notice_when_its_window_is_over(tw):
    notice = tw.published(days=5)
    now = timezone.now()
    workflow.run_all_deadlines(now=now + timedelta(days=5))
    assert Notice.objects.get(pk=notice.pk).state == "published"  # the last day is still on the board
    workflow.run_all_deadlines(now=now + timedelta(days=6))
    notice.refresh_from_db()
    assert notice.state == "ended"
    assert workflow.history(notice).last().actor is None
    workflow.run_all_deadlines(now=now + timedelta(days=7))
    assert CaseEvent.objects.filter(object_id=notice.pk, flow="notice", transition="end").count() == 1


def test_no_step_is_taken_by_hand_as_the_system(tw):
    notice = tw.published()
    refused(lambda: services.notice_step(actor=tw.users["cadre_a1"], notice=notice, step="end"), code="unknown")


# -- scope ----------------------------------------------------------------------------------------------------


def test_a_cadre_of_another_village_cannot_touch_the_notice(tw):
    notice = tw.draft()
    other = tw.users["cadre_b1"]
    refused(lambda: publish(tw, notice, days=5, by="cadre_b1"), exc=NotFound)
    refused(lambda: services.notice_update(actor=other, notice=notice, title="x"), exc=NotFound)
    refused(lambda: services.notice_attach(actor=other, notice=notice, files=[pdf()]), exc=NotFound)
    refused(lambda: services.notice_create(actor=other, village=tw.w.village_a1, **notice_data()), exc=NotFound)
    refused(
        lambda: services.notice_create(actor=tw.users["villager_a1"], village=tw.w.village_a1, **notice_data()),
        exc=NotFound,
    )
    refused(
        lambda: services.notice_create(actor=tw.users["township_a"], village=tw.w.village_a1, **notice_data()),
        exc=NotFound,
    )


def test_a_reviewer_of_another_village_cannot_check(tw):
    notice = tw.draft(village=tw.w.village_b1, by="cadre_b1", stream=Stream.FINANCE)
    services.notice_step(actor=tw.users["cadre_b1"], notice=notice, step="submit")
    refused(lambda: services.notice_step(actor=tw.users["reviewer_a1"], notice=notice, step="check"), exc=NotFound)


# -- personal data on a public notice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"低保户王建国（身份证{ID_NUMBER}）", "51**************1X"),
        ("联系人：王建国 13800001234", "138****1234"),
        ("联系电话 138-0000-1234", "138****1234"),
        ("补贴打入账户 6222021234567890123", "62***************23"),
    ],
)
def test_an_id_number_phone_or_account_in_the_body_is_refused(tw, text, masked):
    cadre, village = tw.users["cadre_a1"], tw.w.village_a1
    error = refused(
        lambda: services.notice_create(actor=cadre, village=village, **notice_data(body=text)), field="body"
    )
    assert masked in str(error.message_dict["body"])
    notice = tw.draft()
    refused(lambda: services.notice_update(actor=cadre, notice=notice, body=text), field="body")


def test_amounts_dates_and_masked_numbers_are_fine(tw):
    body = (
        "2026年5月收入 128,500.00 元，支出 96,320.50 元；凭证号 20260512；村委会电话 0812-8123456；"
        "低保户 王** 51**************1X"
    )
    notice = tw.draft(body=body)
    assert notice.body == body


def test_a_title_with_a_phone_is_refused(tw):
    refused(lambda: tw.draft(title="有事请打13912345678"), field="title")


# -- attachments ------------------------------------------------------------------------------------------------


def test_pdfs_and_images_are_attached_to_a_draft(tw):
    cadre = tw.users["cadre_a1"]
    notice = services.notice_create(actor=cadre, village=tw.w.village_a1, attachments=[pdf(), image()], **notice_data())
    kinds = sorted(notice.attachments.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    refused(lambda: services.notice_attach(actor=cadre, notice=notice, files=[not_a_document()]), field="files")
    refused(
        lambda: services.notice_attach(
            actor=cadre, notice=notice, files=[pdf(f"{i}.pdf") for i in range(MAX_FILES - 1)]
        ),
        field="files",
    )
    first = notice.attachments.first()
    services.notice_detach(actor=cadre, notice=notice, attachment_id=first.pk)
    assert notice.attachments.count() == 1
    publish(tw, notice, days=5)
    refused(lambda: services.notice_attach(actor=cadre, notice=notice, files=[pdf()]), field="files")
    last = notice.attachments.first()
    refused(lambda: services.notice_detach(actor=cadre, notice=notice, attachment_id=last.pk))


def test_a_bad_file_refuses_the_whole_draft(tw):
    refused(
        lambda: services.notice_create(
            actor=tw.users["cadre_a1"], village=tw.w.village_a1, attachments=[pdf(), not_a_document()], **notice_data()
        ),
        field="files",
    )


# -- questions ------------------------------------------------------------------------------------------------


def test_a_villager_asks_and_the_village_answers(tw):
    notice = tw.published()
    villager, cadre = tw.users["villager_a1"], tw.users["cadre_a1"]
    question, created = services.question_ask(actor=villager, notice=notice, text="硬化路面的宽度是多少？")
    assert created and question.state == "asked" and question.deadline_at is not None
    assert question.household == tw.w.households["a1"] and question.asker_name
    assert question.answer_days == 5
    again, created = services.question_ask(actor=villager, notice=notice, text="x", client_key="k1")
    same, created_again = services.question_ask(actor=villager, notice=notice, text="x", client_key="k1")
    assert created and not created_again and same.pk == again.pk
    refused(lambda: services.question_answer(actor=villager, question=question, answer="自问自答"), code="role")
    refused(lambda: services.question_answer(actor=tw.users["cadre_b1"], question=question, answer="x"), exc=NotFound)
    refused(lambda: services.question_answer(actor=cadre, question=question, answer=""), field="answer")
    services.question_answer(actor=cadre, question=question, answer="路面宽 4.5 米，两侧各有 0.5 米路肩。")
    question.refresh_from_db()
    assert question.state == "answered" and question.answered_on_time and question.answered_by == cadre
    refused(lambda: services.question_answer(actor=cadre, question=question, answer="再答"), code="state")


def test_a_villager_asks_only_in_their_own_village(tw):
    mine = tw.published()
    theirs = tw.published(village=tw.w.village_b1, by="cadre_b1")
    refused(lambda: services.question_ask(actor=tw.users["villager_a1"], notice=theirs, text="问"), exc=NotFound)
    refused(lambda: services.question_ask(actor=tw.users["villager_b1"], notice=mine, text="问"), exc=NotFound)
    refused(lambda: services.question_ask(actor=tw.users["cadre_a1"], notice=mine, text="问"), exc=NotFound)


def test_no_question_on_a_draft_or_a_withdrawn_notice(tw):
    villager = tw.users["villager_a1"]
    draft = tw.draft()
    refused(lambda: services.question_ask(actor=villager, notice=draft, text="问"), exc=NotFound)
    withdrawn = tw.published()
    services.notice_step(actor=tw.users["cadre_a1"], notice=withdrawn, step="withdraw", data={"reason": "有误"})
    refused(lambda: services.question_ask(actor=villager, notice=withdrawn, text="问"), exc=NotFound)


def test_personal_data_in_a_question_or_an_answer_is_refused(tw):
    notice = tw.published()
    villager = tw.users["villager_a1"]
    refused(
        lambda: services.question_ask(actor=villager, notice=notice, text="我的电话13800001234请回电"), field="text"
    )
    refused(lambda: services.question_ask(actor=villager, notice=notice, text=""), field="text")
    question, _ = services.question_ask(actor=villager, notice=notice, text="工程谁验收的？")
    refused(
        lambda: services.question_answer(actor=tw.users["cadre_a1"], question=question, answer=f"见 {ID_NUMBER}"),
        field="answer",
    )


def test_the_answer_deadline_counts_working_days_across_national_day(tw):
    """Asked Wednesday 2026-09-30: 1–7 October are holidays, Saturday 10 October is a make-up working day, so 5
    working days end on Tuesday 2026-10-13 at 18:00."""
    load_year(2026)
    notice = tw.published()
    asked = datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问", now=asked)
    assert timezone.localtime(question.deadline_at) == datetime(2026, 10, 13, 18, 0, tzinfo=SH)


def test_the_answer_days_come_from_the_county_when_asked(tw):
    load_year(2026)
    notice = tw.published()
    services.policy_save(
        actor=tw.users["county_admin"],
        county=tw.w.county,
        min_posting_days=5,
        answer_days=3,
        finance_cadence="month",
        village_cadence="quarter",
        party_cadence="quarter",
        due_days=10,
    )
    asked = datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # Wed; 8 Oct Thu, 9 Oct Fri, 10 Oct Sat (调休)
    question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问", now=asked)
    assert question.answer_days == 3
    assert timezone.localtime(question.deadline_at) == datetime(2026, 10, 10, 18, 0, tzinfo=SH)


def test_an_unanswered_question_is_flagged_and_the_village_and_township_are_told(tw):
    load_year(2026)
    notice = tw.published()
    asked = datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    question, _ = services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问", now=asked)
    workflow.run_all_deadlines(now=datetime(2026, 10, 13, 17, 0, tzinfo=SH))
    assert not NoticeQuestion.objects.get(pk=question.pk).overdue
    workflow.run_all_deadlines(now=datetime(2026, 10, 13, 18, 30, tzinfo=SH))
    question.refresh_from_db()
    assert question.overdue
    told = set(
        Notification.objects.filter(key=f"question:{question.pk}:overdue").values_list("user__username", flat=True)
    )
    assert told == {"cadre_a1", "township_a"}
    workflow.run_all_deadlines(now=datetime(2026, 10, 14, 9, 0, tzinfo=SH))
    assert CaseEvent.objects.filter(flow="notice_question", object_id=question.pk, transition="overdue").count() == 1
    services.question_answer(
        actor=tw.users["cadre_a1"], question=question, answer="答", now=datetime(2026, 10, 14, 9, 30, tzinfo=SH)
    )
    question.refresh_from_db()
    assert question.state == "answered" and question.answered_on_time is False


# -- the county's rules ------------------------------------------------------------------------------------------


def test_only_the_county_administrator_keeps_the_rules(tw):
    args = dict(
        county=tw.w.county,
        min_posting_days=7,
        answer_days=5,
        finance_cadence="month",
        village_cadence="quarter",
        party_cadence="quarter",
        due_days=10,
    )
    refused(lambda: services.policy_save(actor=tw.users["township_a"], **args), exc=NotFound)
    refused(lambda: services.policy_save(actor=tw.users["cadre_a1"], **args), exc=NotFound)
    refused(
        lambda: services.policy_save(actor=tw.users["county_admin"], **{**args, "min_posting_days": 0}),
        field="min_posting_days",
    )
    refused(
        lambda: services.policy_save(actor=tw.users["county_admin"], **{**args, "answer_days": "五"}),
        field="answer_days",
    )
    refused(
        lambda: services.policy_save(actor=tw.users["county_admin"], **{**args, "finance_cadence": "year"}),
        field="finance_cadence",
    )
    policy = services.policy_save(actor=tw.users["county_admin"], **args)
    assert policy.min_posting_days == 7
    assert AuditEvent.objects.filter(action="transparency.policy.save").count() == 1
    services.policy_save(actor=tw.users["county_admin"], **args)  # unchanged: no second event
    assert AuditEvent.objects.filter(action="transparency.policy.save").count() == 1


def test_no_question_before_the_notice_is_on_the_board(tw):
    notice = tw.draft()
    start = timezone.localdate() + timedelta(days=3)
    services.notice_step(
        actor=tw.users["cadre_a1"],
        notice=notice,
        step="publish",
        data={"posted_from": start, "posted_until": start + timedelta(days=5)},
    )
    refused(lambda: services.question_ask(actor=tw.users["villager_a1"], notice=notice, text="问"), exc=NotFound)
    from transparency import selectors

    assert not selectors.visible(tw.users["villager_a1"]).filter(pk=notice.pk).exists()
    assert selectors.visible(tw.users["cadre_a1"]).filter(pk=notice.pk).exists()
