"""议事协商 in a real browser: a 四议两公开 decision from the proposal to the published result. The cadre proposes for
the party branch, records the two committees' discussion, puts the topic on the agenda of a party members' meeting
and of a representatives' meeting (the meetings and their votes are held through the meetings services), takes the
steps that need those adopted motions, publishes the decision, sets a task and reports it done, publishes the result;
the public page (no login, a 360px phone) shows the decision, the task and the result. Screens go to
/tmp/shots/deliberation/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from deliberation import services
from deliberation.flows import FOUR_TWO
from deliberation.models import Decision, Task, Topic
from meetings.models import MeetingKind
from tests.browser.conftest import log_in, zh
from tests.deliberation.support import build_deliberation_world

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/deliberation")

OVERFLOW_JS = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"browser_{name}.png"), full_page=True)


def take(page, step: str, **fields) -> None:
    """Open the step's panel, fill its fields (named ``<step>-<field>``) and post it."""
    box = page.locator(f"#step-{step}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        box.locator(f"[name={step}-{name}]").fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_four_two_decision_from_proposal_to_public_result(desktop_page, mobile_page):
    dw = build_deliberation_world()
    entry = services.list_ensure(actor=dw.cadre, village=dw.village).entries.get(name="村办公用房选址")
    cadre = desktop_page
    asked = []  # a step that cannot be undone asks before it posts (static/js/steps.js): the cadre answers OK
    cadre.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    log_in(cadre, "cadre_a1")
    cadre.goto("/deliberation/topics/new/")
    cadre.select_option("#id_entry", str(entry.pk))
    cadre.check("input[name=origin][value=branch]")
    cadre.fill("#id_title", "村委会办公楼原址维修")
    cadre.fill("#id_text", "屋面漏水，拟原址维修，预算 5 万元，由村集体收入列支。")
    cadre.locator("form.card button[type=submit]").click()
    cadre.wait_for_url("**/deliberation/topics/*/")
    topic = Topic.objects.get()
    assert topic.state == "branch_proposed"
    shot(cadre, "1_proposed")

    take(cadre, "committees", note="两委联席会议一致同意，提交党员大会审议。")
    topic.refresh_from_db()
    assert topic.state == "discussed"

    # the party members' meeting: prepared in the meetings app, the topic put on its agenda from the topic page
    members_meeting = dw.meeting(MeetingKind.PARTY_MEMBERS, title="十一月党员大会")
    cadre.reload()
    cadre.select_option("#id_meeting", str(members_meeting.pk))
    cadre.locator("form[action$='/agenda/'] button[type=submit]").click()
    cadre.wait_for_load_state()
    motion = members_meeting.motions.get()
    assert motion.subject == f"deliberation.topic:{topic.pk}"
    dw.decide(members_meeting, motion)
    cadre.reload()
    take(cadre, "members")
    topic.refresh_from_db()
    assert topic.state == "members_reviewed"

    reps_meeting = dw.meeting(MeetingKind.REPRESENTATIVES, title="第四季度村民代表会议")
    cadre.reload()
    cadre.select_option("#id_meeting", str(reps_meeting.pk))
    cadre.locator("form[action$='/agenda/'] button[type=submit]").click()
    cadre.wait_for_load_state()
    dw.decide(reps_meeting, reps_meeting.motions.get())
    cadre.reload()
    take(cadre, "resolve")
    topic.refresh_from_db()
    assert topic.state == "resolved" and asked == []
    take(cadre, "publish_decision")
    assert asked == [zh(str(FOUR_TWO.transitions["publish_decision"].confirm))]
    topic.refresh_from_db()
    decision = Decision.objects.get(topic=topic)
    assert topic.state == "published" and decision.published_at is not None
    shot(cadre, "2_published")

    # the task carrying it out
    cadre.locator("#add-task summary").click()
    cadre.fill("#add-task [name=title]", "更换屋面防水层")
    cadre.fill("#add-task [name=owner_name]", "村委会副主任")
    cadre.fill("#add-task [name=due_date]", dw.due(15).isoformat())
    cadre.locator("#add-task button[type=submit]").click()
    cadre.wait_for_load_state()
    task = Task.objects.get()
    cadre.goto(f"/deliberation/tasks/{task.pk}/")
    take(cadre, "progress", note="材料已进场。")
    take(cadre, "complete", result="屋面防水层已更换，经验收合格。")
    task.refresh_from_db()
    assert task.state == "done" and len(asked) == 2

    cadre.goto(f"/deliberation/topics/{topic.pk}/")
    take(cadre, "publish_result", result="办公楼维修完成，实际支出 4.8 万元。")
    topic.refresh_from_db()
    assert topic.state == "done" and len(asked) == 3
    shot(cadre, "3_done")

    # the public page on a phone, without login
    phone = mobile_page
    phone.goto(f"/public/{dw.village.code}/decisions/")
    expect(phone.get_by_text("村委会办公楼原址维修").first).to_be_visible()
    expect(phone.get_by_text("办公楼维修完成，实际支出 4.8 万元。").first).to_be_visible()
    expect(phone.get_by_text("屋面防水层已更换，经验收合格。").first).to_be_visible()
    width = phone.evaluate(OVERFLOW_JS)
    assert width[0] <= width[1], width
    body = phone.content()
    assert "cadre_a1" not in body
    shot(phone, "4_public_phone")
    phone.goto(f"/public/{dw.village.code}/decisions/{decision.pk}/print/")
    expect(phone.get_by_text("村委会办公楼原址维修").first).to_be_visible()


def test_a_household_signs_the_village_rules_after_the_dialog(mobile_page):
    """Signing the 村规民约 for a household cannot be undone: the phone asks first (static/js/steps.js) with what will
    happen, and only then posts; the confirmation box itself is hidden."""
    from deliberation.forms import SIGN_CONFIRM
    from deliberation.models import RulesSignature

    dw = build_deliberation_world()
    rules = services.rules_create(
        actor=dw.cadre, village=dw.village, title="村规民约", text="一、爱护环境。\n二、孝老爱亲。"
    )
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="院坝会")
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    services.rules_step(actor=dw.users["township_a"], rules=rules, step="approve", data={"comments": "同意"})
    dw.adopt_rules(rules)
    services.rules_step(actor=dw.cadre, rules=rules, step="adopt")

    phone = mobile_page
    log_in(phone, "villager_a1")
    phone.goto(f"/deliberation/rules/{rules.pk}/")
    expect(phone.locator("input[name='sign-confirm']")).to_be_hidden()
    asked = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    phone.get_by_role("button", name=zh("Sign for my household")).click()
    phone.wait_for_load_state()
    assert asked == [zh(str(SIGN_CONFIRM))]
    expect(phone.locator("#signatures")).to_contain_text(zh("Your household has signed"))
    assert RulesSignature.objects.filter(rules=rules).count() == 1
