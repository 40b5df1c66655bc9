"""What a step of 议事协商 writes besides the case's state (``Transition(effects=...)`` in deliberation/flows.py).

The engine runs them inside the step's transaction on the locked case, after every refusal has been checked: a
deciding step records the ``Decision``; a publishing step puts the decision (later its result) on the village's
public page and, for a cadre who publishes notices, on the 村务 board; the village rules' adoption and promulgation
do the same for a version of the rules. An effect returns the names of the case's own fields it changed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.roles import Action
from deliberation import meetings_link

MAX_TEXT = 8000


def publish_notice(actor, village, *, title: str, body: str, today: date, now=None) -> int | None:
    """A 村务 notice through transparency.services (when the actor may publish notices in the village)."""
    if not scope.region_in_scope(actor, Action.TRANSPARENCY_PUBLISH, village):
        return None
    from transparency import services as notices
    from transparency.models import Stream
    from transparency.policy import policy_for

    days = max(policy_for(village.county_id).min_posting_days, 7)
    notice = notices.notice_create(
        actor=actor,
        village=village,
        stream=Stream.VILLAGE,
        category=_("Deliberation and decisions"),
        title=title[:100],
        body=body,
        period_start=today,
        period_end=today,
        is_major=True,
        now=now,
    )
    notices.notice_step(
        actor=actor,
        notice=notice,
        step="publish",
        data={"posted_from": today.isoformat(), "posted_until": (today + timedelta(days=days)).isoformat()},
        now=now,
    )
    return notice.pk


def _decision_body(decision) -> str:
    lines = [decision.text]
    if decision.body_label:
        lines.append(
            _("Decided by: %(body)s, %(date)s")
            % {"body": decision.body_label, "date": f"{timezone.localtime(decision.decided_at):%Y-%m-%d}"}
        )
    return "\n\n".join(lines)


def _record_decision(step, kind: str, motion, *, title: str, text: str, body_label: str) -> list:
    """The decision on the topic or village rules ``step.case`` (``kind``: "topic" or "rules"): decided by the
    adopted ``motion`` when there is one (then, when it was decided), placed in the case's village and audited."""
    from deliberation.models import Decision

    case, now = step.case, step.now
    decision = Decision(
        **{kind: case},
        title=title,
        text=text,
        body_label=body_label,
        motion_id=motion.pk if motion is not None else None,
        decided_at=(motion.decided_at or now) if motion is not None else now,
    )
    decision.place_in(case.village)
    decision.save()
    audit.record(
        step.actor, "deliberation.decision.record", decision, after={kind: case.pk, "motion": decision.motion_id}
    )
    return []


# -- topics -----------------------------------------------------------------------------------------------------


def record_decision(step):
    """协商议事 / 决议: the decision, with the outcome typed, the adopted motion's text or the topic's text, the
    deciding body and when it decided."""
    topic, data = step.case, step.data
    motion = meetings_link.motion(data.get("motion")) if data.get("motion") else None
    return _record_decision(
        step,
        "topic",
        motion,
        title=topic.title,
        text=data.get("outcome") or (motion.text if motion is not None and motion.text else "") or topic.text,
        body_label=meetings_link.kind_label(motion.meeting.kind)
        if motion is not None
        else _("Deliberation meeting (议事协商会)"),
    )


def publish_decision(step):
    """公开公示 / 决议公开: the decision on the public page and the 村务 board."""
    from deliberation.models import Decision

    topic, now = step.case, step.now
    decision = Decision.objects.select_for_update().get(topic=topic)
    decision.published_at = now
    decision.notice_id = publish_notice(
        step.actor,
        topic.village,
        title=_("Decision: %(title)s") % {"title": topic.title},
        body=_decision_body(decision),
        today=timezone.localtime(now).date(),
        now=now,
    )
    decision.save(update_fields=["published_at", "notice_id"])
    audit.record(step.actor, "deliberation.decision.publish", decision, after={"notice": decision.notice_id})
    return []


def publish_result(step):
    """研究落实 / 实施结果公开: the result on the public page and the 村务 board."""
    from deliberation.models import Decision

    topic, now = step.case, step.now
    decision = Decision.objects.select_for_update().get(topic=topic)
    decision.result = str(step.data.get("result") or "").strip()[:MAX_TEXT]
    decision.result_published_at = now
    decision.result_notice_id = publish_notice(
        step.actor,
        topic.village,
        title=_("Result: %(title)s") % {"title": topic.title},
        body=decision.result,
        today=timezone.localtime(now).date(),
        now=now,
    )
    decision.save(update_fields=["result", "result_published_at", "result_notice_id"])
    audit.record(step.actor, "deliberation.decision.result", decision, after={"notice": decision.result_notice_id})
    return []


# -- tasks ------------------------------------------------------------------------------------------------------


def extend_due(step):
    days = int(step.data.get("days") or 0)
    if days and step.case.deadline_at is not None:
        step.case.due_date = timezone.localtime(step.calendar.add_working_days(step.case.deadline_at, days)).date()
        return ["due_date"]
    return []


def task_result(step):
    from transparency.privacy import check_public_text

    result = str(step.data.get("result") or "").strip()
    check_public_text(result=result)
    step.case.result = result[:4000]
    return ["result"]


# -- village rules ----------------------------------------------------------------------------------------------


def keep_comments(step):
    step.case.review_comments = str(step.data.get("comments") or "").strip()[:4000]
    return ["review_comments"]


def record_rules_decision(step):
    """村民会议审议表决: the villagers' assembly's decision adopting this version."""
    rules = step.case
    motion = meetings_link.motion(step.data.get("motion"))
    return _record_decision(
        step,
        "rules",
        motion,
        title=str(rules),
        text=_("The villagers' assembly adopted “%(title)s” (version %(v)s).")
        % {"title": rules.title, "v": rules.edition},
        body_label=meetings_link.kind_label(motion.meeting.kind) if motion else "",
    )


def promulgate(step):
    """公布: the version comes into force (the one in force before is superseded by the system) and its decision is
    published, also as a 村务 notice."""
    from deliberation.models import Decision, RulesVersion

    rules, now = step.case, step.now
    rules.promulgated_at = now
    for older in RulesVersion.objects.filter(village_id=rules.village_id, state="in_force").exclude(pk=rules.pk):
        workflow.transition(
            actor=None,
            case=older,
            flow=step.flow,
            name="supersede",
            note=_("Replaced by version %(v)s.") % {"v": rules.edition},
            now=now,
        )
    decision = Decision.objects.select_for_update().filter(rules=rules).first()
    if decision is not None:
        decision.published_at = now
        day = timezone.localtime(now).date()
        decision.notice_id = publish_notice(
            step.actor, rules.village, title=str(rules), body=rules.text, today=day, now=now
        )
        decision.save(update_fields=["published_at", "notice_id"])
        audit.record(step.actor, "deliberation.decision.publish", decision, after={"notice": decision.notice_id})
    return ["promulgated_at"]
