"""The steps of 议事协商 are declared once (deliberation/flows.py) and everything else comes from that: the step panels
of the topic, task and rules pages (labels, required marks, help, why a step must wait), the confirmation of a step
that cannot be undone on the page and in the API, the Chinese message of a value out of range, the people told, the
timeline's facts, and the generic case API with this module's keys and masked names."""

from __future__ import annotations

import re

import pytest
from django.utils.translation import override

from casework.models import CaseEvent
from core.errors import DomainError
from core.masking import mask_name
from core.models import Notification
from deliberation import services
from deliberation.models import Decision, Topic
from meetings.models import MeetingKind
from tests.deliberation.support import api_step_url, step_url, t

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.state,
        case.version,
        CaseEvent.objects.filter(object_id=case.pk, flow=case.flow).count(),
        Decision.objects.filter(published_at__isnull=False).count(),
    )


def _published(dw):
    """A 六步议事 topic whose decision is recorded and may now be published."""
    topic = dw.topic()
    services.topic_step(actor=dw.cadre, topic=topic, step="confirm")
    services.topic_step(actor=dw.cadre, topic=topic, step="vet", note="符合政策")
    services.topic_step(actor=dw.cadre, topic=topic, step="deliberate", data={"outcome": "同意"})
    topic.refresh_from_db()
    return topic


def _task(dw, owner="grid_a1"):
    topic = dw.through_publication(dw.topic())
    decision = Decision.objects.get(topic=topic)
    return services.task_create(
        actor=dw.cadre,
        decision=decision,
        title="清理沟渠",
        owner_name="网格员",
        owner=dw.users[owner],
        due_date=dw.due(),
    )


def test_publishing_asks_for_confirmation_on_the_page(dw, login):
    topic = _published(dw)
    client = login(dw.cadre)
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    assert 'data-confirm="' in page and 'name="publish-confirm"' in page
    before = _snapshot(topic)
    response = client.post(step_url(topic, "publish"), {"publish-version": topic.version})
    assert response.status_code == 400 and "confirm" in response.context["steps"][0]["form"].errors
    assert _snapshot(topic) == before
    response = client.post(step_url(topic, "publish"), {"publish-version": topic.version, "publish-confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/deliberation/topics/{topic.pk}/"
    topic.refresh_from_db()
    assert topic.state == "published" and Decision.objects.get(topic=topic).published_at is not None


def test_stopping_a_topic_asks_for_confirmation_in_the_api(client, dw, api_token):
    topic = dw.topic(major=True)
    cadre = api_token(dw.cadre)
    steps = client.get(f"/api/casework/cases/{topic.flow}/{topic.pk}/steps", **cadre).json()
    drop = next(s for s in steps if s["name"] == "drop")
    assert drop["confirm"] and [f["name"] for f in drop["fields"]] == ["reason", "note"]
    before = _snapshot(topic)
    body = {"reason": "并入其他议题", "version": topic.version}
    refused = client.post(api_step_url(topic, "drop"), body, content_type="application/json", **cadre)
    assert refused.status_code == 422 and "confirm" in refused.json()["errors"]
    assert _snapshot(topic) == before
    done = client.post(api_step_url(topic, "drop"), {**body, "confirm": True}, content_type="application/json", **cadre)
    assert done.status_code == 200 and done.json()["state"] == "dropped"


def test_a_value_out_of_range_is_refused_with_a_chinese_message(dw, login):
    task = _task(dw)
    client = login(dw.cadre)
    before = _snapshot(task)
    response = client.post(step_url(task, "extend"), {"extend-days": "11", "extend-note": "材料未到"})
    assert response.status_code == 400
    panel = next(s for s in response.context["steps"] if s["name"] == "extend")
    assert CHINESE.search(panel["form"].errors["days"][0])
    response = client.post(step_url(task, "extend"), {"extend-days": "三", "extend-note": "材料未到"})
    assert response.status_code == 400
    panel = next(s for s in response.context["steps"] if s["name"] == "extend")
    assert CHINESE.search(panel["form"].errors["days"][0])
    assert _snapshot(task) == before
    # the engine holds the API (and every service call) to the same range, in Chinese too
    with override("zh-hans"), pytest.raises(DomainError) as refused:
        services.task_step(actor=dw.cadre, task=task, step="extend", data={"days": 0}, note="x")
    assert CHINESE.search(refused.value.message_dict["days"][0])
    assert _snapshot(task) == before


def test_the_township_is_told_when_rules_are_submitted_and_the_village_when_they_come_back(
    dw, django_capture_on_commit_callbacks
):
    rules = services.rules_create(actor=dw.cadre, village=dw.village, title="村规民约", text="一、爱护环境。")
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="院坝会")
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    told = Notification.objects.filter(key__startswith="village_rules:")
    assert list(told.values_list("user__username", flat=True)) == ["township_a"]
    assert told.get().url == f"/deliberation/rules/{rules.pk}/" and "村规民约" in told.get().text
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_step(actor=dw.users["township_a"], rules=rules, step="return", data={"comments": "请修改"})
    back = Notification.objects.filter(key__startswith="village_rules:").exclude(user__username="township_a")
    assert "cadre_a1" in set(back.values_list("user__username", flat=True))
    assert "township_a" not in set(back.values_list("user__username", flat=True))


def test_the_owner_is_told_of_an_extension_and_the_proposer_when_a_topic_is_stopped(
    dw, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = _task(dw)
    assigned = Notification.objects.get(key__startswith="deliberation_task:")
    assert assigned.user == dw.users["grid_a1"] and assigned.url == f"/deliberation/tasks/{task.pk}/"
    assert "清理沟渠" in assigned.text
    with django_capture_on_commit_callbacks(execute=True):
        services.task_step(actor=dw.cadre, task=task, step="extend", data={"days": 2}, note="材料未到")
    told = Notification.objects.filter(key__startswith="deliberation_task:").exclude(pk=assigned.pk).get()
    assert told.user == dw.users["grid_a1"] and told.url == f"/deliberation/tasks/{task.pk}/"
    topic = dw.topic(by="villager_x0", origin="", title="修建垃圾分类亭")
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_step(actor=dw.cadre, topic=topic, step="drop", data={"reason": "已由镇里统一建设"})
    told = Notification.objects.get(key__startswith=f"{topic.flow}:")
    assert told.user == dw.users["villager_x0"] and "修建垃圾分类亭" in told.text


def test_the_panels_say_what_a_step_waits_for_and_show_labels_and_help(dw, login):
    topic = dw.topic(major=True)
    client = login(dw.cadre)
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    # the committees' note: its label, the required mark and the help, as on the earlier step form
    assert 'name="committees-note"' in page and t("Notes") in page
    assert t("When the two committees met and what they agreed.") in page
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    members = page.split('id="step-members"')[1].split("</details>")[0]
    assert "step-waiting" in members and "<form" not in members
    dw.adopt_topic(topic, MeetingKind.PARTY_MEMBERS)
    page = client.get(f"/deliberation/topics/{topic.pk}/").content.decode()
    members = page.split('id="step-members"')[1].split("</details>")[0]
    assert "step-waiting" not in members and 'name="members-note"' in members


def test_the_generic_case_api_carries_the_topic_and_masks_names(client, dw, api_token):
    topic = dw.topic(by="villager_x0", origin="", title="修建垃圾分类亭")
    label = CaseEvent.objects.get(object_id=topic.pk, transition="start").actor_label
    neighbour = client.get(f"/api/casework/cases/{topic.flow}/{topic.pk}", **api_token(dw.users["villager_x2"]))
    body = neighbour.json()
    assert neighbour.status_code == 200 and body["may_cosign"] is True and body["steps"] == []
    assert body["timeline"][0]["actor"] == mask_name(label) and label not in neighbour.content.decode()
    staff = client.get(f"/api/casework/cases/{topic.flow}/{topic.pk}", **api_token(dw.cadre)).json()
    assert staff["timeline"][0]["actor"] == label and staff["decision"] is None
    other = api_token(dw.users["cadre_b1"])
    assert client.get(f"/api/casework/cases/{topic.flow}/{topic.pk}", **other).status_code == 404
    assert Topic.objects.filter(pk=topic.pk, state="proposed").exists()
