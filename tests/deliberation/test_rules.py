"""村规民约: 征集民意 → 拟定草案 → 提请乡镇审核 (coercive penalties refused) → 村民会议审议表决 (only a villagers'
assembly) → 备案 (township) → 公布; each household's signature (phone or paper) and the coverage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, NotFound
from deliberation import selectors, services
from deliberation.flows import coercive_clauses
from deliberation.models import Decision, RulesSignature
from meetings.models import MeetingKind

pytestmark = pytest.mark.django_db

CLAUSES = "一、爱党爱国，遵纪守法。\n二、红白喜事从简，宴席不超过三十桌。\n三、垃圾分类投放，门前三包。"


def _rules(dw, text=CLAUSES):
    return services.rules_create(actor=dw.cadre, village=dw.village, title="安家村村规民约", text=text)


def _approved(dw):
    rules = _rules(dw)
    services.comment_add(actor=dw.users["villager_a1"], rules=rules, text="建议写入孝老爱亲")
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="院坝会 3 场，收集意见 12 条")
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    services.rules_step(
        actor=dw.users["township_a"], rules=rules, step="approve", data={"comments": "同意提交村民会议"}
    )
    rules.refresh_from_db()
    return rules


def _in_force(dw):
    rules = _approved(dw)
    dw.adopt_rules(rules)
    services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    services.rules_step(actor=dw.users["township_a"], rules=rules, step="file")
    services.rules_step(actor=dw.cadre, rules=rules, step="promulgate")
    rules.refresh_from_db()
    return rules


def test_the_coercion_check():
    assert coercive_clauses("一、不得乱倒垃圾。\n二、违者罚款200元。\n三、违者停 水 停 电。") == [
        (2, "二、违者罚款200元。", "罚款"),
        (3, "三、违者停 水 停 电。", "停水停电"),
    ]
    assert coercive_clauses(CLAUSES) == []


def test_the_whole_procedure_and_signatures(dw):
    rules = _in_force(dw)
    assert rules.state == "in_force" and rules.promulgated_at
    decision = Decision.objects.get(rules=rules)
    assert decision.motion_id and decision.published_at and decision.notice_id
    assert selectors.public_rules(dw.village) == rules
    services.rules_sign(actor=dw.users["villager_a1"], rules=rules)
    with pytest.raises(DomainError) as exc:
        services.rules_sign(actor=dw.users["villager_a1"], rules=rules)
    assert exc.value.code == "duplicate"
    services.rules_record_paper(
        actor=dw.cadre,
        rules=rules,
        household=dw.w.households["x3"],
        signer_name="户主3",
        signed_on=timezone.localdate(),
    )
    signed, households = selectors.coverage(rules)
    assert (signed, households) == (2, 10)
    with pytest.raises(NotFound):
        services.rules_sign(actor=dw.users["villager_b1"], rules=rules)


def test_the_township_returns_a_draft_with_a_fine(dw):
    rules = _rules(dw, CLAUSES + "\n四、乱倒垃圾者罚款100元。")
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="征集意见")
    with pytest.raises(DomainError) as exc:
        services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    assert "4" in exc.value.message_dict["text"][0]
    rules.refresh_from_db()
    assert rules.state == "drafted"
    services.rules_update(actor=dw.cadre, rules=rules, text=CLAUSES)
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    with pytest.raises(DomainError) as exc:
        services.rules_step(actor=dw.users["township_a"], rules=rules, step="return")
    assert "comments" in exc.value.message_dict
    services.rules_step(
        actor=dw.users["township_a"], rules=rules, step="return", data={"comments": "第二条请写明标准依据"}
    )
    rules.refresh_from_db()
    assert rules.state == "drafted" and rules.review_comments == "第二条请写明标准依据"


def test_roles_and_scope(dw):
    rules = _rules(dw)
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="x")
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    with pytest.raises(DomainError) as exc:
        services.rules_step(actor=dw.cadre, rules=rules, step="approve")
    assert exc.value.code == "role"
    with pytest.raises(NotFound):
        services.rules_step(actor=dw.users["township_b"], rules=rules, step="approve")
    with pytest.raises(DomainError) as exc:
        services.rules_update(actor=dw.cadre, rules=rules, text="改")
    assert exc.value.code == "state"


def test_adoption_needs_the_villagers_assembly(dw):
    rules = _approved(dw)
    with pytest.raises(DomainError) as exc:
        services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    assert exc.value.code == "motion"
    representatives = dw.meeting(MeetingKind.REPRESENTATIVES)
    with pytest.raises(DomainError) as exc:
        services.rules_to_agenda(actor=dw.cadre, rules=rules, meeting=representatives)
    assert "reserved_matter" in exc.value.message_dict
    dw.adopt_rules(rules, votes=(2, 8, 0))
    with pytest.raises(DomainError) as exc:
        services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    assert exc.value.code == "motion"


def test_signatures_only_after_adoption_and_paper_dates(dw):
    rules = _approved(dw)
    with pytest.raises(DomainError) as exc:
        services.rules_sign(actor=dw.users["villager_a1"], rules=rules)
    assert exc.value.code == "state"
    dw.adopt_rules(rules)
    services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    with pytest.raises(DomainError) as exc:
        services.rules_record_paper(
            actor=dw.cadre,
            rules=rules,
            household=dw.w.households["x3"],
            signer_name="户主3",
            signed_on=timezone.localdate() + timedelta(days=1),
        )
    assert "signed_on" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.rules_record_paper(
            actor=dw.cadre,
            rules=rules,
            household=dw.w.households["x3"],
            signer_name="户主3",
            signed_on=timezone.localdate() - timedelta(days=30),
        )
    assert "signed_on" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.rules_record_paper(
            actor=dw.cadre,
            rules=rules,
            household=dw.w.households["b1"],
            signer_name="x",
            signed_on=timezone.localdate(),
        )
    assert "household" in exc.value.message_dict
    assert RulesSignature.objects.count() == 0


def test_a_new_version_supersedes_the_old(dw):
    first = _in_force(dw)
    second = _in_force(dw)
    first.refresh_from_db()
    assert first.state == "superseded" and second.edition == 2 and selectors.public_rules(dw.village) == second
