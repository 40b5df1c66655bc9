"""The procedures of the small-power list through the services: each template end to end, and every refusal
(a step out of order, by the wrong role, a posting shorter than the minimum, going on with an unanswered objection
or before the posting is over, missing documents, a meeting without quorum or majority) changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.models import CaseEvent
from core import workflow
from core.errors import DomainError, NotFound
from core.models import AuditEvent
from powers import selectors, services
from powers.flows import DIBAO
from powers.models import Power, PowerCase
from tests.powers.support import MEETING, at, image, pdf, snapshot
from transparency.models import Notice, Stream

pytestmark = pytest.mark.django_db

START = date(2026, 11, 2)  # a Monday


def _refused(pw, case, fn, *, code=None, field=None):
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        fn()
    assert snapshot(case) == before
    if code is not None:
        assert exc.value.code == code, exc.value
    if field is not None:
        assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value


# -- the list -----------------------------------------------------------------------------------------------------


def test_the_default_list_has_13_powers_in_the_4_classes(pw):
    powers = Power.objects.filter(county=pw.w.county)
    assert powers.count() == 13
    assert set(powers.values_list("power_class", flat=True)) == {"decision", "benefit", "cadre", "affairs"}
    assert {"dibao", "homestead", "asset-disposal"} <= set(powers.values_list("code", flat=True))
    assert services.power_install_defaults(actor=pw.users["county_admin"], county=pw.w.county) == []  # idempotent
    assert AuditEvent.objects.filter(action="powers.list.install").count() == 2


def test_only_the_county_administrator_keeps_the_list(pw):
    power = pw.power("dibao")
    fields = {f: getattr(power, f) for f in Power.FIELDS}
    for who in ("cadre_a1", "township_a", "county_official"):
        with pytest.raises(NotFound):
            services.power_save(actor=pw.users[who], county=pw.w.county, power=power, **fields)
    changed = services.power_save(
        actor=pw.users["county_admin"], county=pw.w.county, power=power, **(fields | {"step_days": 3})
    )
    assert changed.step_days == 3
    assert AuditEvent.objects.filter(action="powers.power.update").count() == 1


def test_the_list_refuses_bad_settings(pw):
    power = pw.power("dibao")
    fields = {f: getattr(power, f) for f in Power.FIELDS}
    admin, county = pw.users["county_admin"], pw.w.county
    cases = [
        ({"publicity_days": 5}, "publicity_days"),
        ({"applicant": "village"}, "applicant"),
        ({"code": "homestead"}, "code"),
        ({"code": "Not A Code"}, "code"),
        ({"step_days": 0}, "step_days"),
        ({"power_class": "other"}, "power_class"),
        ({"legal_basis": ""}, "legal_basis"),
    ]
    for change, field in cases:
        with pytest.raises(DomainError) as exc:
            services.power_save(actor=admin, county=county, power=power, **(fields | change))
        assert field in exc.value.message_dict
    power.refresh_from_db()
    assert power.publicity_days == 7 and power.code == "dibao"


# -- 低保评议 end to end ------------------------------------------------------------------------------------------


def test_dibao_end_to_end(pw):
    case = pw.dibao(now=at(START, 9))
    assert case.state == "applied" and not case.on_behalf and case.applicant_name == "王建国"
    assert case.deadline_at is not None
    pw.step(case, "survey", visited_on=START.isoformat(), findings="入户核实。", now=at(START, 10))
    pw.step(case, "deliberate", meeting_date=START.isoformat(), now=at(START, 15), **MEETING)
    assert (case.votes_for, case.votes_present) == (15, 18)
    pw.step(case, "publicize", publicity_until=(START + timedelta(days=7)).isoformat(), now=at(START, 16))
    assert case.state == "publicized" and case.notice.state == "published"
    assert case.notice.stream == Stream.VILLAGE
    end = START + timedelta(days=8)
    pw.step(case, "submit_review", now=at(end, 9))
    pw.step(case, "township_approve", by="township_a", opinion="符合条件", now=at(end, 10))
    pw.step(
        case, "county_approve", by="township_a", decision_ref="民救字〔2026〕1号", outcome="纳入低保", now=at(end, 11)
    )
    pw.step(case, "publish_result", now=at(end, 12))
    assert case.state == "closed" and case.closed_at is not None and case.result_notice.state == "published"
    events = list(workflow.history(case))
    assert [e.transition for e in events] == [
        "start",
        "survey",
        "deliberate",
        "publicize",
        "submit_review",
        "township_approve",
        "county_approve",
        "publish_result",
    ]
    assert all(e.actor_id and e.at for e in events)  # every step records who and when
    assert events[0].attachments.count() == 2
    assert AuditEvent.objects.filter(action="powers.case.apply").count() == 1


def test_a_grid_worker_or_cadre_applies_on_the_households_behalf(pw):
    case = pw.dibao(by="grid_a1")
    assert case.on_behalf and case.applicant_id == pw.users["grid_a1"].pk
    # the villager follows it and can hand in documents
    pw.step(case, "ask_documents", documents="补充诊断证明")
    assert case.state == "documents"
    pw.step(case, "supply", by="villager_a1", attachments=[pdf("诊断证明.pdf")])
    assert case.state == "applied"
    # the grid worker of another grid may not apply for this household: outside scope
    with pytest.raises(NotFound):
        pw.dibao(by="grid_a1", household="a1b", reason="x")


def test_dibao_refusals_change_nothing(pw):
    case = pw.dibao(now=at(START, 9))
    # out of order
    err = _refused(pw, case, lambda: pw.step(case, "publicize", publicity_until="2026-11-20"), code="state")
    assert "入户调查" in str(err) or "survey" in str(err).lower()
    # wrong role: the villager cannot survey, the cadre cannot review for the township
    _refused(
        pw, case, lambda: pw.step(case, "survey", by="villager_a1", visited_on="2026-11-02", findings="x"), code="role"
    )
    # required fields
    _refused(pw, case, lambda: pw.step(case, "survey", visited_on="2026-11-02"), field="findings")
    pw.step(case, "survey", visited_on=START.isoformat(), findings="入户核实。", now=at(START, 10))
    # a meeting without quorum, without a majority, in the future, with missing counts
    no_quorum = MEETING | {"present": 10, "votes_for": 8}
    _refused(
        pw,
        case,
        lambda: pw.step(case, "deliberate", meeting_date="2026-11-02", now=at(START, 15), **no_quorum),
        field="present",
    )
    no_majority = MEETING | {"votes_for": 9}
    _refused(
        pw,
        case,
        lambda: pw.step(case, "deliberate", meeting_date="2026-11-02", now=at(START, 15), **no_majority),
        field="votes_for",
    )
    _refused(
        pw,
        case,
        lambda: pw.step(case, "deliberate", meeting_date="2026-12-30", now=at(START, 15), **MEETING),
        field="meeting_date",
    )
    _refused(pw, case, lambda: pw.step(case, "deliberate", now=at(START, 15), body="council"), field="meeting_ref")
    _refused(
        pw,
        case,
        lambda: pw.step(
            case, "deliberate", meeting_date="2026-11-02", now=at(START, 15), **(MEETING | {"body": "group"})
        ),
        field="body",
    )
    pw.step(case, "deliberate", meeting_date=START.isoformat(), now=at(START, 15), **MEETING)
    # a posting shorter than 7 days
    err = _refused(
        pw,
        case,
        lambda: pw.step(case, "publicize", publicity_until="2026-11-06", now=at(START, 16)),
        field="publicity_until",
    )
    assert "2026-11-09" in str(err)
    notices = Notice.objects.count()
    pw.step(case, "publicize", publicity_until="2026-11-09", now=at(START, 16))
    assert Notice.objects.count() == notices + 1
    # too early: the posting is not over
    _refused(pw, case, lambda: pw.step(case, "submit_review", now=at(date(2026, 11, 9), 17)), code="posting")
    # an objection during the posting must be answered first
    objection = services.objection_raise(
        actor=pw.users["villager_a1b"], case=case, text="该户家里有货车。", now=at(date(2026, 11, 5))
    )
    _refused(pw, case, lambda: pw.step(case, "submit_review", now=at(date(2026, 11, 10))), code="objection")
    # an objection after the window is refused
    with pytest.raises(DomainError) as exc:
        services.objection_raise(
            actor=pw.users["villager_a1b"], case=case, text="迟到的异议", now=at(date(2026, 11, 10))
        )
    assert exc.value.code == "posting"
    # only the village answers, once
    with pytest.raises(NotFound):
        services.objection_answer(actor=pw.users["villager_a1b"], objection=objection, answer="x")
    services.objection_answer(actor=pw.users["cadre_a1"], objection=objection, answer="经核实，货车已于去年变卖。")
    with pytest.raises(DomainError):
        services.objection_answer(actor=pw.users["cadre_a1"], objection=objection, answer="again")
    pw.step(case, "submit_review", now=at(date(2026, 11, 10)))
    # the township's step is the township's; the cadre is refused
    _refused(pw, case, lambda: pw.step(case, "township_approve", opinion="同意"), code="role")
    _refused(pw, case, lambda: pw.step(case, "township_approve", by="township_a"), field="opinion")
    pw.step(case, "township_reject", by="township_a", reason="家庭收入超过标准。")
    assert case.state == "rejected" and case.outcome == "家庭收入超过标准。"
    _refused(pw, case, lambda: pw.step(case, "publish_result"), code="state")


def test_applying_needs_the_documents_and_the_declaration(pw):
    count = PowerCase.objects.count()
    with pytest.raises(DomainError) as exc:
        pw.dibao(attachments=[])
    assert "attachments" in exc.value.message_dict and "户口簿" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        pw.dibao(household_size="", monthly_income="abc", reason="")
    assert {"household_size", "monthly_income", "reason"} <= set(exc.value.message_dict)
    with pytest.raises(DomainError) as exc:
        pw.dibao(attachments=[pdf("x.pdf").__class__("病毒.pdf", b"MZ\x90 program", content_type="application/pdf")])
    assert "attachments" in exc.value.message_dict
    assert PowerCase.objects.count() == count and CaseEvent.objects.count() == 0
    pw.dibao()
    with pytest.raises(DomainError):  # one open matter per household and power
        pw.dibao()
    assert PowerCase.objects.count() == count + 1


def test_scope_another_village_is_not_found(pw):
    case = pw.dibao()
    for who in ("cadre_b1", "cadre_a2", "villager_b1", "township_b", "villager_a1b"):
        with pytest.raises(NotFound):
            pw.step(case, "survey", by=who, visited_on="2026-11-02", findings="x")
    with pytest.raises(NotFound):
        pw.dibao(by="cadre_b1")
    with pytest.raises(NotFound):
        pw.dibao(by="villager_b1")


def test_the_villager_withdraws_before_the_survey(pw):
    case = pw.dibao()
    _refused(pw, case, lambda: pw.step(case, "withdraw", by="villager_a1"), field="reason")
    pw.step(case, "withdraw", by="villager_a1", reason="家庭情况好转。")
    assert case.state == "withdrawn"


def test_overdue_matters_are_flagged_by_the_deadline_run(pw):
    case = pw.dibao(now=at(START, 9))
    assert case.deadline_at == at(date(2026, 11, 9), 18)  # 5 working days, the day of application not counted
    workflow.run_deadlines(DIBAO, now=at(date(2026, 11, 10)))
    case.refresh_from_db()
    assert case.overdue
    assert [e.transition for e in workflow.history(case)] == ["start", "overdue"]


# -- 宅基地申请 end to end ------------------------------------------------------------------------------------------


def _homestead(pw, **over):
    data = {"reason": "分户后无宅基地。", "area": "120", "attachments": [pdf("申请表.pdf")]}
    data.update(over)
    return services.case_apply(
        actor=pw.users["villager_a1"],
        power=pw.power("homestead"),
        household=pw.w.households["a1"],
        now=at(START, 9),
        **data,
    )


def test_homestead_end_to_end(pw):
    case = _homestead(pw)
    group = {"body": "group", "meeting_ref": "一组村民小组会议", "members": 30, "present": 21, "votes_for": 18}
    _refused(
        pw,
        case,
        lambda: pw.step(
            case, "group_meeting", meeting_date="2026-11-02", now=at(START, 15), **(group | {"present": 19})
        ),
        field="present",
    )  # Art. 28: 2/3 of 30 = 20
    pw.step(case, "group_meeting", meeting_date="2026-11-02", now=at(START, 15), **group)
    _refused(
        pw,
        case,
        lambda: pw.step(case, "village_review", publicity_until="2026-11-20", now=at(START, 16)),
        field="opinion",
    )
    pw.step(case, "village_review", opinion="符合一户一宅", publicity_until="2026-11-09", now=at(START, 16))
    pw.step(case, "submit_review", now=at(date(2026, 11, 10)))
    _refused(
        pw,
        case,
        lambda: pw.step(case, "township_opinions", by="township_a", agriculture_opinion="同意"),
        field="resources_opinion",
    )
    pw.step(case, "township_opinions", by="township_a", agriculture_opinion="同意", resources_opinion="同意")
    _refused(pw, case, lambda: pw.step(case, "approve", decision_ref="x"), code="role")
    pw.step(case, "approve", by="township_a", decision_ref="镇宅批〔2026〕1号")
    # the on-site checks are the township's work too: the matter stays on its review page until accepted
    assert [c.pk for c in selectors.township_queue(pw.users["township_a"])] == [case.pk]
    pw.step(case, "start_check", findings="放线", attachments=[image("放线.png")])
    assert [c.pk for c in selectors.township_queue(pw.users["township_a"])] == [case.pk]
    _refused(pw, case, lambda: pw.step(case, "completion_check", findings="合格"), code="role")
    pw.step(case, "completion_check", by="township_a", findings="验收合格")
    assert case.state == "closed" and case.outcome == "验收合格"
    assert selectors.township_queue(pw.users["township_a"]) == []
    assert len(workflow.history(case)) == 8


# -- 集体资产处置 end to end ----------------------------------------------------------------------------------------


def _asset(pw, **over):
    data = {
        "village": pw.w.village_a1,
        "title": "村集体鱼塘出租",
        "reason": "闲置",
        "asset_deal": "lease",
        "reserve_price": "18000",
        "meeting_ref": "两委会议",
        "meeting_date": START,
        "attachments": [pdf("方案.pdf")],
    }
    data.update(over)
    return services.case_apply(actor=pw.users["cadre_a1"], power=pw.power("asset-disposal"), now=at(START, 9), **data)


def test_asset_disposal_end_to_end(pw):
    with pytest.raises(NotFound):  # a villager cannot open it, nor a cadre of another village
        services.case_apply(
            actor=pw.users["villager_a1"],
            power=pw.power("asset-disposal"),
            village=pw.w.village_a1,
            title="x",
            reason="x",
        )
    with pytest.raises(DomainError) as exc:
        _asset(pw, meeting_ref="", asset_deal="give-away")
    assert {"asset_deal"} <= set(exc.value.message_dict)
    case = _asset(pw)
    assert case.state == "proposed" and case.household_id is None
    reps = {"body": "representatives", "meeting_ref": "村民代表会议", "members": 27, "present": 17, "votes_for": 15}
    # Art. 26: at least 2/3 of 27 = 18 present
    _refused(
        pw,
        case,
        lambda: pw.step(case, "resolve", meeting_date="2026-11-03", now=at(START + timedelta(days=1)), **reps),
        field="present",
    )
    pw.step(case, "resolve", meeting_date="2026-11-03", now=at(START + timedelta(days=1)), **(reps | {"present": 18}))
    pw.step(case, "publicize", publicity_until="2026-11-12", now=at(START + timedelta(days=2)))
    after = at(date(2026, 11, 13))
    _refused(
        pw,
        case,
        lambda: pw.step(
            case, "trade", appraisal="评估", bidders=2, winner="某合作社", winning_price="17000", now=after
        ),
        field="winning_price",
    )
    pw.step(case, "trade", appraisal="评估 18000 元", bidders=2, winner="某合作社", winning_price="21500", now=after)
    _refused(pw, case, lambda: pw.step(case, "sign", contract_ref="ZL-1"), field="attachments")
    pw.step(case, "sign", contract_ref="ZL-1", attachments=[pdf("合同.pdf")])
    pw.step(case, "publish_result")
    assert case.state == "closed" and str(case.winning_price) == "21500.00"
    assert "21500.00" in case.result_notice.body and "某合作社" in case.result_notice.body


def test_the_general_procedure(pw):
    case = services.case_apply(
        actor=pw.users["villager_a1"],
        power=pw.power("seal-certificate"),
        household=pw.w.households["a1"],
        reason="出具居住证明",
        attachments=[image("身份证.png")],
    )
    pw.step(case, "handle", outcome="已出具")
    pw.step(case, "publish_result")
    assert case.state == "closed"


# -- with the meetings app ------------------------------------------------------------------------------------------


def test_with_the_meetings_app_an_adopted_motion_is_required(pw, with_meetings):
    from powers.demo import adopt_in_meeting

    case = pw.dibao()
    pw.step(case, "survey", visited_on="2026-11-02", findings="入户核实。")
    err = _refused(pw, case, lambda: pw.step(case, "deliberate", **MEETING), field="motion")
    assert "motion" in err.message_dict
    motion = adopt_in_meeting(pw.users["cadre_a1"], case, held_at=at(date.today()) - timedelta(hours=1), title="低保")
    assert motion.outcome == "adopted"
    pw.step(case, "deliberate")
    assert case.state == "deliberated" and case.motion_ref == str(motion.pk)


def test_the_people_whose_turn_it_is_are_told(pw, django_capture_on_commit_callbacks):
    from core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        case = pw.dibao()
    assert Notification.objects.filter(user=pw.users["cadre_a1"], kind="powers").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        pw.step(case, "ask_documents", documents="诊断证明")
    assert Notification.objects.filter(user=pw.users["villager_a1"], kind="powers", url=f"/powers/cases/{case.pk}/")
    assert not Notification.objects.filter(user=pw.users["cadre_b1"]).exists()
