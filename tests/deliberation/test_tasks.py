"""落实任务: owner, deadline in working days up to the due date, progress notes, result; overdue flagged by the deadline
run and shown to the township."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import workflow
from core.errors import DomainError, NotFound
from deliberation import selectors, services
from deliberation.flows import TASK
from deliberation.models import Decision, Task

pytestmark = pytest.mark.django_db


def _decision(dw):
    topic = dw.through_publication(dw.topic())
    return topic, Decision.objects.get(topic=topic)


def test_a_task_from_creation_to_done_by_its_owner(dw):
    topic, decision = _decision(dw)
    owner = dw.users["grid_a1"]
    task = services.task_create(
        actor=dw.cadre, decision=decision, title="清理沟渠", owner_name="网格员", owner=owner, due_date=dw.due(14)
    )
    assert task.state == "in_progress" and task.deadline_at is not None
    assert timezone.localtime(task.deadline_at).date() <= task.due_date
    services.task_step(actor=owner, task=task, step="progress", note="已清理一半")
    with pytest.raises(DomainError) as exc:
        services.task_step(actor=owner, task=task, step="cancel", data={"reason": "x"})
    assert exc.value.code == "role"
    with pytest.raises(DomainError) as exc:
        services.task_step(actor=owner, task=task, step="complete")
    assert "result" in exc.value.message_dict
    services.task_step(actor=owner, task=task, step="complete", data={"result": "沟渠清理完毕"})
    task.refresh_from_db()
    assert task.state == "done" and task.result == "沟渠清理完毕"
    with pytest.raises(NotFound):
        services.task_step(actor=dw.users["cadre_b1"], task=task, step="progress", note="x")


def test_task_refusals(dw):
    topic, decision = _decision(dw)
    today = timezone.localdate()
    for over, field in (
        ({"due_date": today}, "due_date"),
        ({"due_date": today + timedelta(days=400)}, "due_date"),
        ({"due_date": "明天"}, "due_date"),
        ({"title": ""}, "title"),
        ({"owner_name": ""}, "owner_name"),
    ):
        data = {"title": "修路", "owner_name": "主任", "due_date": dw.due()}
        data.update(over)
        with pytest.raises(DomainError) as exc:
            services.task_create(actor=dw.cadre, decision=decision, **data)
        assert field in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.task_create(
            actor=dw.cadre, decision=decision, title="t", owner_name="o", due_date=dw.due(), owner=dw.users["cadre_b1"]
        )
    assert "owner" in exc.value.message_dict
    with pytest.raises(NotFound):
        services.task_create(
            actor=dw.users["cadre_b1"], decision=decision, title="t", owner_name="o", due_date=dw.due()
        )
    with pytest.raises(NotFound):
        services.task_create(
            actor=dw.users["villager_a1"], decision=decision, title="t", owner_name="o", due_date=dw.due()
        )
    assert Task.objects.count() == 0


def test_overdue_tasks_are_flagged_and_shown_to_the_township(dw):
    topic, decision = _decision(dw)
    task = services.task_create(
        actor=dw.cadre, decision=decision, title="安装路灯", owner_name="主任", due_date=dw.due(3)
    )
    later = task.deadline_at + timedelta(hours=1)
    report = workflow.run_deadlines(TASK, now=later)
    assert task.pk in report.flagged
    task.refresh_from_db()
    assert task.overdue
    assert [t.pk for t in selectors.overdue_tasks(dw.users["township_a"], now=later)] == [task.pk]
    assert selectors.overdue_tasks(dw.users["township_b"], now=later) == []
    assert workflow.run_deadlines(TASK, now=later).flagged == []  # once


def test_extend_moves_the_due_date(dw):
    topic, decision = _decision(dw)
    task = services.task_create(
        actor=dw.cadre, decision=decision, title="安装路灯", owner_name="主任", due_date=dw.due(10)
    )
    old = task.deadline_at
    services.task_step(actor=dw.cadre, task=task, step="extend", data={"days": 3}, note="材料未到")
    task.refresh_from_db()
    assert task.deadline_at > old and task.due_date == timezone.localtime(task.deadline_at).date()
    with pytest.raises(DomainError):
        services.task_step(actor=dw.cadre, task=task, step="extend", data={"days": 8}, note="再延")


def test_no_new_task_after_the_result_is_published(dw):
    topic, decision = _decision(dw)
    services.topic_step(actor=dw.cadre, topic=topic, step="implement", data={"result": "完成"})
    with pytest.raises(DomainError) as exc:
        services.task_create(actor=dw.cadre, decision=decision, title="t", owner_name="o", due_date=dw.due())
    assert exc.value.code == "state"
