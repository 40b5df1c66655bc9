"""The deliberation pages through the Django test client, for every role: lists, propose and co-sign on the phone,
a topic's steps, consultation, tasks, village rules with signatures, the township's queue, the list; refusals keep
what was typed and write nothing; rows outside scope are 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation import services
from deliberation.models import CoSignature, Decision, PollAnswer, RulesSignature, RulesVersion, Task, Topic
from meetings.models import MeetingKind
from tests.deliberation.support import step_url, t

pytestmark = pytest.mark.django_db
BASE = "/deliberation"
NOT_A_VOTE = (
    "Comments and polls here help the village hear opinions. A poll is not a vote: it decides nothing, and it never "
    "replaces the vote of a meeting that the law requires."
)


def test_every_role_opens_the_pages_it_may(dw, login):
    topic = dw.topic(major=True, title="安家村的议题")
    services.topic_propose(
        actor=dw.users["cadre_b1"],
        village=dw.w.village_b1,
        entry=dw.entry("村办公用房选址", village=dw.w.village_b1),
        title="新桥村的议题",
        text="x",
        origin="branch",
    )
    for name in ("cadre_a1", "villager_a1", "township_a", "county_official", "reviewer_a1", "supervisor_a1", "grid_a1"):
        client = login(dw.users[name])
        response = client.get(f"{BASE}/")
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "安家村的议题" in body and "新桥村的议题" not in body or name == "county_official", name
        page = client.get(f"{BASE}/topics/{topic.pk}/")
        assert page.status_code == 200, name
        assert t("Topic proposed") in page.content.decode().split('id="timeline-title"')[1], name
        for page in ("tasks/", "rules/", "list/"):
            assert client.get(f"{BASE}/{page}").status_code == 200, (name, page)
    assert login(dw.users["cadre_b1"]).get(f"{BASE}/topics/{topic.pk}/").status_code == 404
    assert login(dw.users["villager_b1"]).get(f"{BASE}/topics/{topic.pk}/").status_code == 404
    assert login(dw.users["township_a"]).get(f"{BASE}/review/").status_code == 200
    assert login(dw.users["cadre_a1"]).get(f"{BASE}/review/").status_code == 403
    assert login(dw.users["department"]).get(f"{BASE}/").status_code == 403


def test_the_township_review_card_only_for_those_who_may_open_the_review(dw, login):
    label = t("Village rules to review or file")
    review = f'href="{BASE}/review/"'
    for name in ("grid_a1", "county_admin", "county_official", "villager_a1", "cadre_a1"):
        page = login(dw.users[name]).get(f"{BASE}/").content.decode()
        assert label not in page and review not in page, name
    page = login(dw.users["township_a"]).get(f"{BASE}/").content.decode()
    assert label in page and review in page


def test_the_mine_filter_only_for_those_who_can_be_given_tasks(dw, login):
    mine = 'name="mine"'
    assert mine not in login(dw.users["villager_a1"]).get(f"{BASE}/tasks/").content.decode()
    assert mine in login(dw.cadre).get(f"{BASE}/tasks/").content.decode()


def test_the_timeline_masks_villagers_but_not_officials_for_those_who_are_not_staff(dw, login):
    from casework.models import CaseEvent
    from core.masking import mask_name

    topic = dw.topic(by="villager_x0", origin="", title="修建垃圾分类亭")
    services.topic_step(actor=dw.cadre, topic=topic, step="drop", data={"reason": "已由镇里统一建设"}, note="x")
    labels = dict(CaseEvent.objects.filter(object_id=topic.pk).values_list("transition", "actor_label"))
    villager, cadre = labels["start"], labels["drop"]
    page = login(dw.users["grid_a1"]).get(f"{BASE}/topics/{topic.pk}/").content.decode()
    timeline = page.split('id="timeline-title"')[1]
    assert mask_name(villager) in timeline and villager not in timeline
    assert cadre in timeline
    staff_page = login(dw.cadre).get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert villager in staff_page.split('id="timeline-title"')[1]


def test_the_empty_states(dw, login):
    client = login(dw.cadre)
    assert t("No topic yet.") in client.get(f"{BASE}/").content.decode()
    assert t("No task yet.") in client.get(f"{BASE}/tasks/").content.decode()
    assert t("No version of the village rules yet.") in client.get(f"{BASE}/rules/").content.decode()
    assert t("Nothing waits for the township.") in login(dw.users["township_a"]).get(f"{BASE}/review/").content.decode()


def test_a_cadre_proposes_and_a_refusal_keeps_what_was_typed(dw, login):
    client = login(dw.cadre)
    page = client.get(f"{BASE}/topics/new/")
    assert page.status_code == 200 and "村办公用房选址" in page.content.decode()
    entries = page.context["form"].fields["entry"].choices
    entry = next(v for v, label in entries if "村办公用房选址" in label)
    response = client.post(
        f"{BASE}/topics/new/",
        {
            "village": dw.village.pk,
            "entry": entry,
            "origin": "branch",
            "title": "新建村委会办公楼",
            "text": "电话 13800001234",
        },
    )
    assert response.status_code == 200 and "新建村委会办公楼" in response.content.decode()
    assert Topic.objects.count() == 0
    response = client.post(
        f"{BASE}/topics/new/",
        {"village": dw.village.pk, "entry": entry, "origin": "branch", "title": "新建村委会办公楼", "text": "原址重建"},
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}/topics/{topic.pk}/"
    assert topic.state == "branch_proposed"


def test_a_villager_proposes_and_neighbours_cosign_on_the_phone(dw, login):
    services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=2)
    client = login(dw.users["villager_x0"])
    page = client.get(f"{BASE}/topics/new/")
    assert "origin" not in page.context["form"].fields
    entry = next(v for v, label in page.context["form"].fields["entry"].choices if "人居环境" in label)
    response = client.post(
        f"{BASE}/topics/new/", {"village": dw.village.pk, "entry": entry, "title": "修建垃圾亭", "text": "在三组路口"}
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and topic.origin == "villagers"
    neighbour = login(dw.users["villager_x2"])
    assert t("Co-sign for my household") in neighbour.get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert neighbour.post(f"{BASE}/topics/{topic.pk}/cosign/").status_code == 302
    assert CoSignature.objects.filter(topic=topic).count() == 2
    again = neighbour.post(f"{BASE}/topics/{topic.pk}/cosign/", follow=True)
    assert t("Your household has already signed this proposal.") in again.content.decode()
    cadre = login(dw.cadre)
    assert cadre.post(step_url(topic, "confirm"), {"confirm-version": ""}).status_code == 302
    topic.refresh_from_db()
    assert topic.state == "confirmed"


def test_steps_from_the_page_and_a_refused_step(dw, login):
    topic = dw.topic(major=True)
    client = login(dw.cadre)
    page = client.get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert "step-committees" in page
    response = client.post(step_url(topic, "committees"), {"committees-note": "", "committees-version": topic.version})
    assert response.status_code == 400
    response = client.post(step_url(topic, "members"), {"members-note": "跳步", "members-version": topic.version})
    assert response.status_code == 400 and "跳步" in response.content.decode()
    assert (
        client.post(
            step_url(topic, "committees"), {"committees-note": "两委一致同意", "committees-version": topic.version}
        ).status_code
        == 302
    )
    assert login(dw.users["villager_a1"]).post(step_url(topic, "members"), {"members-note": ""}).status_code == 403
    assert login(dw.users["township_a"]).post(step_url(topic, "members"), {"members-note": ""}).status_code == 403


def test_the_agenda_from_the_topic_page(dw, login):
    topic = dw.topic(major=True)
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    meeting = dw.meeting(MeetingKind.PARTY_MEMBERS, title="十一月党员大会")
    client = login(dw.cadre)
    page = client.get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert "十一月党员大会" in page
    assert client.post(f"{BASE}/topics/{topic.pk}/agenda/", {"meeting": meeting.pk}).status_code == 302
    assert meeting.motions.get().subject == f"deliberation.topic:{topic.pk}"
    again = client.post(f"{BASE}/topics/{topic.pk}/agenda/", {"meeting": meeting.pk})
    assert again.status_code == 422


def test_consultation_on_the_page(dw, login):
    topic = dw.topic()
    cadre = login(dw.cadre)
    closes = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = cadre.post(
        f"{BASE}/topics/{topic.pk}/polls/", {"question": "选址？", "options": "只有一个", "closes_at": closes}
    )
    assert bad.status_code == 422 and "选址？" in bad.content.decode()
    assert (
        cadre.post(
            f"{BASE}/topics/{topic.pk}/polls/", {"question": "选址？", "options": "东\n西", "closes_at": closes}
        ).status_code
        == 302
    )
    poll = topic.polls.get()
    villager = login(dw.users["villager_a1"])
    page = villager.get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert t(NOT_A_VOTE) in page and t("Answer for my household") in page
    assert villager.post(f"{BASE}/polls/{poll.pk}/answer/", {"option": "1"}).status_code == 302
    assert villager.post(f"{BASE}/polls/{poll.pk}/answer/", {"option": "0"}).status_code == 302
    assert list(PollAnswer.objects.values_list("option", flat=True)) == [0]
    assert villager.post(f"{BASE}/topics/{topic.pk}/comments/", {"text": "支持"}).status_code == 302
    assert villager.post(f"{BASE}/topics/{topic.pk}/comments/", {"text": ""}).status_code == 422
    other = login(dw.users["villager_x0"]).get(f"{BASE}/topics/{topic.pk}/").content.decode()
    assert "王*" in other and "王建国" not in other
    assert login(dw.cadre).post(f"{BASE}/polls/{poll.pk}/close/").status_code == 302
    assert login(dw.users["villager_b1"]).post(f"{BASE}/polls/{poll.pk}/answer/", {"option": "1"}).status_code == 404


def test_tasks_on_the_pages(dw, login):
    topic = dw.through_publication(dw.topic())
    decision = Decision.objects.get(topic=topic)
    client = login(dw.cadre)
    bad = client.post(
        f"{BASE}/decisions/{decision.pk}/tasks/",
        {"title": "清淤", "owner_name": "主任", "due_date": timezone.localdate().isoformat()},
    )
    assert bad.status_code == 422 and "清淤" in bad.content.decode()
    ok = client.post(
        f"{BASE}/decisions/{decision.pk}/tasks/",
        {"title": "清淤", "owner_name": "主任", "due_date": dw.due().isoformat(), "owner": dw.users["grid_a1"].pk},
    )
    assert ok.status_code == 302
    task = Task.objects.get()
    owner = login(dw.users["grid_a1"])
    page = owner.get(f"{BASE}/tasks/{task.pk}/").content.decode()
    # the timeline starts with the task given, not with a case "opened" (立案)
    timeline = page.split('id="timeline-title"')[1]
    assert t("Task assigned") in timeline and f">{t('Opened')}<" not in timeline
    assert owner.post(step_url(task, "progress"), {"progress-note": "已完成一半"}).status_code == 302
    done = {"complete-confirm": "on"}  # reporting it done cannot be undone: confirmed, so only the result is missing
    assert owner.post(step_url(task, "complete"), {**done, "complete-result": ""}).status_code == 400
    assert owner.post(step_url(task, "complete"), {**done, "complete-result": "完成"}).status_code == 302
    # the timeline names the result plainly, not with the form's "(shown on the public page)"
    timeline = owner.get(f"{BASE}/tasks/{task.pk}/").content.decode().split('id="timeline-title"')[1]
    from django.utils.translation import override, pgettext

    with override("zh-hans"):
        assert f"{pgettext('deliberation', 'Result')}：" in timeline
    assert t("Result (shown on the public page)") not in timeline
    assert "清淤" in login(dw.cadre).get(f"{BASE}/tasks/").content.decode()
    assert login(dw.users["cadre_b1"]).get(f"{BASE}/tasks/{task.pk}/").status_code == 404


def test_village_rules_pages(dw, login):
    client = login(dw.cadre)
    assert client.get(f"{BASE}/rules/new/").status_code == 200
    response = client.post(
        f"{BASE}/rules/new/",
        {"village": dw.village.pk, "title": "村规民约", "text": "一、爱护环境。\n二、违者罚款50元。"},
    )
    rules = RulesVersion.objects.get()
    assert response.status_code == 302
    page = client.get(f"{BASE}/rules/{rules.pk}/").content.decode()
    assert "flag" in page and "罚款" in page
    assert t("Drafting of the village rules started") in page.split('id="timeline-title"')[1]
    assert client.post(step_url(rules, "draft"), {"draft-note": "院坝会"}).status_code == 302
    refused = client.post(step_url(rules, "submit"), {"submit-note": ""})
    assert refused.status_code == 400
    assert (
        client.post(
            f"{BASE}/rules/{rules.pk}/edit/",
            {"village": dw.village.pk, "title": "村规民约", "text": "一、爱护环境。\n二、孝老爱亲。"},
        ).status_code
        == 302
    )
    assert client.post(step_url(rules, "submit"), {"submit-note": ""}).status_code == 302
    township = login(dw.users["township_a"])
    assert "村规民约" in township.get(f"{BASE}/review/").content.decode()
    assert township.post(step_url(rules, "approve"), {"approve-comments": "同意"}).status_code == 302
    dw.adopt_rules(rules)
    client = login(dw.cadre)
    assert client.post(step_url(rules, "adopt"), {"adopt-note": ""}).status_code == 302
    villager = login(dw.users["villager_a1"])
    assert t("Sign for my household") in villager.get(f"{BASE}/rules/{rules.pk}/").content.decode()
    assert villager.post(f"{BASE}/rules/{rules.pk}/sign/", {"sign-confirm": "on"}).status_code == 302
    client = login(dw.cadre)
    paper = client.post(
        f"{BASE}/rules/{rules.pk}/paper/",
        {
            "household": dw.w.households["x4"].pk,
            "signer_name": "户主4",
            "signed_on": timezone.localdate().isoformat(),
            "paper-confirm": "on",
        },
    )
    assert paper.status_code == 302
    assert RulesSignature.objects.count() == 2
    page = client.get(f"{BASE}/rules/{rules.pk}/").content.decode()
    assert t("%(s)s of %(h)s households have signed (%(p)s%%)", s=2, h=10, p=20) in page


def test_the_list_page(dw, login):
    client = login(dw.cadre)
    page = client.get(f"{BASE}/list/").content.decode()
    assert "宅基地使用方案" in page and t("Keep this list for the village") in page
    # the column is the deliberation procedure (议事程序), in its own context, not a case's 办理程序
    from django.utils.translation import override, pgettext

    with override("zh-hans"):
        assert f"<th>{pgettext('deliberation', 'Procedure')}</th>" in page
    assert client.post(f"{BASE}/list/", {"what": "keep"}).status_code == 302
    bad = client.post(
        f"{BASE}/list/",
        {"what": "add", "name": "土地流转", "procedure": "six_steps", "reserved_matter": "land_contracting"},
    )
    assert bad.status_code == 422
    assert client.post(f"{BASE}/list/", {"what": "settings", "co_sign_min": "8"}).status_code == 302
    assert login(dw.users["villager_a1"]).post(f"{BASE}/list/", {"what": "keep"}).status_code == 403
