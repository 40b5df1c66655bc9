"""六步议事 and 四议两公开 on core.workflow: every step, every refusal (wrong state, wrong role, outside scope, missing
field, no adopted motion, a lesser body for a reserved matter, not enough co-signers), nothing written when refused."""

from __future__ import annotations

import pytest

from casework.models import CaseEvent
from core.errors import DomainError, NotFound
from core.models import AuditEvent
from deliberation import services
from deliberation.models import CoSignature, Decision, Origin, Topic
from meetings import services as meetings
from meetings.models import MeetingKind, ReservedMatter

pytestmark = pytest.mark.django_db


def _snapshot(topic):
    topic.refresh_from_db()
    return (topic.state, topic.version, CaseEvent.objects.count(), AuditEvent.objects.count(), Decision.objects.count())


def _refused(dw, topic, step, *, code=None, field=None, actor=None, **kw):
    before = _snapshot(topic)
    with pytest.raises(DomainError) as exc:
        services.topic_step(actor=actor or dw.cadre, topic=topic, step=step, **kw)
    assert _snapshot(topic) == before
    if code:
        assert exc.value.code == code, exc.value.messages
    if field:
        assert field in exc.value.message_dict
    return exc.value


def test_four_two_from_the_branch_proposal_to_the_published_result(dw):
    topic = dw.topic(major=True)
    assert topic.procedure == "four_two" and topic.state == "branch_proposed"
    dw.through_resolution(topic)
    decision = Decision.objects.get(topic=topic)
    assert decision.motion_id and decision.body_label and decision.published_at is None
    services.topic_step(actor=dw.cadre, topic=topic, step="publish_decision")
    decision.refresh_from_db()
    assert decision.published_at is not None and decision.notice_id  # also a 村务 notice
    from transparency.models import Notice

    notice = Notice.objects.get(pk=decision.notice_id)
    assert notice.state == "published" and notice.stream == "village" and topic.title in notice.title
    task = services.task_create(
        actor=dw.cadre, decision=decision, title="平整场地", owner_name="村委会主任", due_date=dw.due()
    )
    _refused(dw, topic, "publish_result", code="tasks", data={"result": "已建成"})
    services.task_step(actor=dw.cadre, task=task, step="complete", data={"result": "场地已平整"})
    services.topic_step(actor=dw.cadre, topic=topic, step="publish_result", data={"result": "广场已建成并投入使用"})
    topic.refresh_from_db()
    decision.refresh_from_db()
    assert topic.state == "done" and decision.result_published_at and decision.result_notice_id
    steps = [
        e.transition for e in CaseEvent.objects.filter(flow="deliberation_four", object_id=topic.pk).order_by("id")
    ]
    assert steps == [
        "start",
        "branch_propose",
        "committees",
        "members",
        "resolve",
        "publish_decision",
        "publish_result",
    ]
    assert AuditEvent.objects.filter(action="deliberation.decision.result").exists()


def test_skipping_a_step_is_refused_and_names_the_state(dw):
    topic = dw.topic(major=True)
    exc = _refused(dw, topic, "resolve", code="state")
    assert "“" in exc.messages[0]
    _refused(dw, topic, "publish_decision", code="state")
    six = dw.topic()
    _refused(dw, six, "deliberate", code="state", data={"outcome": "x"})


def test_a_step_needs_its_fields(dw):
    topic = dw.topic(major=True)
    _refused(dw, topic, "committees", field="note")
    six = dw.topic()
    services.topic_step(actor=dw.cadre, topic=six, step="confirm")
    _refused(dw, six, "vet", field="note")
    services.topic_step(actor=dw.cadre, topic=six, step="vet", note="已审")
    _refused(dw, six, "deliberate", field="outcome")
    _refused(dw, six, "drop", field="reason")


def test_the_party_members_step_needs_an_adopted_motion_of_a_party_members_meeting(dw):
    topic = dw.topic(major=True)
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    _refused(dw, topic, "members", code="motion")
    dw.adopt_topic(topic, MeetingKind.REPRESENTATIVES)  # another body does not count
    _refused(dw, topic, "members", code="motion")
    dw.adopt_topic(topic, MeetingKind.PARTY_MEMBERS, votes=(1, 3, 0))  # rejected
    exc = _refused(dw, topic, "members", code="motion")
    assert "adopt" in exc.messages[0] or "通过" in exc.messages[0]
    dw.adopt_topic(topic, MeetingKind.PARTY_MEMBERS)
    event = services.topic_step(actor=dw.cadre, topic=topic, step="members")
    assert event.data["meeting_kind"] == "party_members" and event.data["motion"]


def test_a_reserved_matter_cannot_be_decided_by_a_lesser_body_without_delegation(dw):
    topic = dw.topic(matter="宅基地使用方案")
    assert topic.reserved_matter == ReservedMatter.HOMESTEADS and topic.needs_party_masses
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    dw.adopt_topic(topic, MeetingKind.PARTY_MEMBERS)
    services.topic_step(actor=dw.cadre, topic=topic, step="members")
    representatives = dw.meeting(MeetingKind.REPRESENTATIVES)
    with pytest.raises(DomainError) as exc:  # the meetings app's guard
        services.topic_to_agenda(actor=dw.cadre, topic=topic, meeting=representatives)
    assert "reserved_matter" in exc.value.message_dict
    # a motion slipped in without the matter does not count either
    motion = meetings.motion_add(actor=dw.cadre, meeting=representatives, title=topic.title, subject=topic.subject)
    dw.decide(representatives, motion)
    _refused(dw, topic, "resolve", code="motion")


def test_a_reserved_matter_decided_by_the_villagers_assembly(dw):
    topic = dw.topic(matter="集体收益使用")
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    dw.adopt_topic(topic, MeetingKind.PARTY_MEMBERS)
    services.topic_step(actor=dw.cadre, topic=topic, step="members")
    dw.adopt_topic(topic, MeetingKind.VILLAGERS_ASSEMBLY)
    event = services.topic_step(actor=dw.cadre, topic=topic, step="resolve")
    assert event.data["meeting_kind"] == "villagers_assembly"


def test_six_steps_end_to_end(dw):
    topic = dw.topic()
    assert topic.procedure == "six_steps" and topic.state == "proposed"
    dw.through_publication(topic)
    decision = Decision.objects.get(topic=topic)
    assert decision.text == "同意，分两期实施" and decision.published_at
    services.topic_step(actor=dw.cadre, topic=topic, step="implement", data={"result": "已完成整治"})
    topic.refresh_from_db()
    assert topic.state == "done"


def test_a_matter_that_must_pass_the_party_masses_council(dw):
    topic = dw.topic(matter="最低生活保障评议", title="2026年低保评议")
    services.topic_step(actor=dw.cadre, topic=topic, step="confirm")
    services.topic_step(actor=dw.cadre, topic=topic, step="vet", note="核对材料")
    _refused(dw, topic, "deliberate", code="motion", data={"outcome": "同意"})


def test_wrong_role_and_outside_scope(dw):
    topic = dw.topic(major=True)
    before = _snapshot(topic)
    with pytest.raises(DomainError) as exc:
        services.topic_step(actor=dw.users["township_a"], topic=topic, step="committees", note="x")
    assert exc.value.code == "role"
    with pytest.raises(NotFound):
        services.topic_step(actor=dw.users["cadre_b1"], topic=topic, step="committees", note="x")
    with pytest.raises(NotFound):
        services.topic_to_agenda(actor=dw.users["cadre_b1"], topic=topic, meeting=dw.meeting(MeetingKind.PARTY_MEMBERS))
    assert _snapshot(topic)[:2] == before[:2]


def test_villagers_propose_jointly_and_cosign_on_their_phone(dw):
    services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=3)
    topic = dw.topic(by="villager_x0", origin="", title="修建垃圾分类亭")
    assert topic.origin == Origin.VILLAGERS and topic.co_sign_min == 3 and topic.household_id
    assert CoSignature.objects.filter(topic=topic).count() == 1
    exc = _refused(dw, topic, "confirm", code="cosign")
    assert "3" in exc.messages[0]
    with pytest.raises(DomainError) as dup:
        services.topic_cosign(actor=dw.users["villager_x0"], topic=topic)
    assert dup.value.code == "duplicate"
    with pytest.raises(NotFound):
        services.topic_cosign(actor=dw.users["villager_b1"], topic=topic)
    services.topic_cosign(actor=dw.users["villager_x2"], topic=topic)
    services.topic_cosign(actor=dw.users["villager_a1"], topic=topic)
    services.topic_step(actor=dw.cadre, topic=topic, step="confirm")
    with pytest.raises(DomainError) as late:
        services.topic_cosign(actor=dw.users["villager_x3"], topic=topic)
    assert late.value.code == "state"
    cadre_topic = dw.topic()
    with pytest.raises(DomainError) as origin:
        services.topic_cosign(actor=dw.users["villager_x3"], topic=cadre_topic)
    assert origin.value.code == "origin"


def test_a_villagers_major_proposal_waits_for_the_branch(dw):
    services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=2)
    topic = dw.topic(by="villager_x0", major=True, origin="")
    assert topic.state == "proposed"
    _refused(dw, topic, "branch_propose", code="cosign")
    services.topic_cosign(actor=dw.users["villager_x2"], topic=topic)
    services.topic_step(actor=dw.cadre, topic=topic, step="branch_propose")
    topic.refresh_from_db()
    assert topic.state == "branch_proposed"


def test_propose_refusals(dw):
    entry = dw.entry("村办公用房选址")
    count = Topic.objects.count()
    with pytest.raises(DomainError) as exc:
        services.topic_propose(actor=dw.cadre, village=dw.village, entry=entry, title="", text="", origin="")
    assert {"title", "text", "origin"} <= set(exc.value.message_dict)
    with pytest.raises(DomainError) as exc:
        services.topic_propose(actor=dw.cadre, village=dw.village, entry=None, title="t", text="x", origin="branch")
    assert "entry" in exc.value.message_dict
    rules_entry = dw.entry("村规民约（在“村规民约”页面起草）")
    with pytest.raises(DomainError) as exc:
        services.topic_propose(
            actor=dw.cadre, village=dw.village, entry=rules_entry, title="t", text="x", origin="branch"
        )
    assert "entry" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.topic_propose(
            actor=dw.cadre, village=dw.village, entry=entry, title="t", text="联系 13800001234", origin="branch"
        )
    assert "text" in exc.value.message_dict
    with pytest.raises(NotFound):
        services.topic_propose(actor=dw.users["villager_b1"], village=dw.village, entry=entry, title="t", text="x")
    with pytest.raises(NotFound):
        services.topic_propose(actor=dw.users["township_a"], village=dw.village, entry=entry, title="t", text="x")
    assert Topic.objects.count() == count


def test_the_list_keeps_reserved_matters_on_four_two(dw):
    with pytest.raises(DomainError) as exc:
        services.entry_add(
            actor=dw.cadre,
            village=dw.village,
            name="土地流转",
            procedure="six_steps",
            reserved_matter="land_contracting",
        )
    assert "procedure" in exc.value.message_dict
    entry = services.entry_add(
        actor=dw.cadre, village=dw.village, name="土地流转", procedure="four_two", reserved_matter="land_contracting"
    )
    services.entry_update(actor=dw.cadre, entry=entry, active=False)
    with pytest.raises(DomainError):
        services.topic_propose(actor=dw.cadre, village=dw.village, entry=entry, title="t", text="x", origin="branch")
    with pytest.raises(NotFound):
        services.entry_update(actor=dw.users["cadre_b1"], entry=entry, active=True)
    with pytest.raises(DomainError):
        services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=1)
    with pytest.raises(NotFound):
        services.list_settings(actor=dw.users["villager_a1"], village=dw.village, co_sign_min=4)


def test_stale_version_is_refused(dw):
    topic = dw.topic(major=True)
    _refused(dw, topic, "committees", code="stale", note="x", version=topic.version - 1)
