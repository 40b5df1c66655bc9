"""The meeting's steps as declared in meetings/flows.py, taken on the meeting page (casework:step) and over the
generic API: the steps that cannot be undone ask first (notice, close, cancel), the fields are checked with a
Chinese message and nothing written, those on the register are told of the notice and of a cancellation by the
declaration, and the page shows each step's form with its labels, required marks and help."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseEvent
from core.models import AuditEvent, Notification
from meetings import services
from meetings.flows import MEETING
from meetings.models import Meeting, MeetingKind, Motion, VotingState
from tests.meetings.support import zh

pytestmark = pytest.mark.django_db
API = "/api/casework/cases/meeting"


def page_step(pk: int, step: str) -> str:
    return f"/casework/cases/meeting/{pk}/steps/{step}/"


def snapshot(meeting: Meeting):
    meeting.refresh_from_db()
    return (
        meeting.state,
        meeting.version,
        meeting.minutes,
        meeting.chair,
        CaseEvent.objects.filter(flow="meeting", object_id=meeting.pk).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        list(Motion.objects.filter(meeting=meeting).values_list("voting", "outcome")),
    )


def test_closing_on_the_page_asks_first_and_writes_nothing_without_it(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村道修缮")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion, method="ballot")
    client = login(mw.cadre)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    what = zh(str(MEETING.transitions["close"].confirm))
    assert f'data-confirm="{what}"' in html and 'name="close-confirm"' in html
    before = snapshot(meeting)
    response = client.post(page_step(meeting.pk, "close"), {"close-version": meeting.version})
    assert response.status_code == 400
    assert zh("Confirm before you go on: %(what)s", what=what) in response.content.decode()
    assert snapshot(meeting) == before  # the open vote is not counted either
    response = client.post(page_step(meeting.pk, "close"), {"close-version": meeting.version, "close-confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    meeting.refresh_from_db()
    motion.refresh_from_db()
    assert meeting.state == "closed" and motion.voting == VotingState.CLOSED


def test_the_api_wants_confirm_true_to_cancel_and_notice(mw, client, api_token):
    cadre = api_token(mw.cadre)
    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    described = {s["name"]: s for s in client.get(f"{API}/{meeting.pk}/steps", **cadre).json()}
    assert described["cancel"]["confirm"] and not described["open"]["confirm"]
    reason = next(f for f in described["cancel"]["fields"] if f["name"] == "reason")
    assert reason["required"] and reason["max_length"] == 300
    before = snapshot(meeting)
    url = f"{API}/{meeting.pk}/steps/cancel"
    response = client.post(url, {"reason": "改期"}, content_type="application/json", **cadre)
    assert response.status_code == 422 and "confirm" in response.json()["errors"]
    assert snapshot(meeting) == before
    response = client.post(url, {"reason": "改期", "confirm": True}, content_type="application/json", **cadre)
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    # issuing the notice cannot be taken back either: it is refused until confirmed, and takes no register
    draft = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind=MeetingKind.TWO_COMMITTEES,
        title="两委会",
        starts_at=timezone.now() + timedelta(days=3),
        place="村委会",
    )
    before = snapshot(draft)
    response = client.post(f"{API}/{draft.pk}/steps/notice", {}, content_type="application/json", **cadre)
    assert response.status_code == 422 and "confirm" in response.json()["errors"]
    assert snapshot(draft) == before and not draft.register.exists()


def test_a_field_too_long_is_refused_in_chinese_and_nothing_is_written(mw, login, client, api_token):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    page, cadre = login(mw.cadre), api_token(mw.cadre)
    before = snapshot(meeting)
    bad = {"minutes-chair": "王" * 51, "minutes-minutes": "会议纪要", "minutes-version": meeting.version}
    response = page.post(page_step(meeting.pk, "minutes"), bad)
    assert response.status_code == 400
    errors = response.context["steps"][0]["form"].errors
    assert set(errors) == {"chair"} and "50" in errors["chair"][0] and "字符" in errors["chair"][0]
    assert errors["chair"][0] in response.content.decode() and "会议纪要" in response.content.decode()
    assert snapshot(meeting) == before
    # the engine holds the API (and any service call) to the same length, in Chinese
    response = client.post(
        f"{API}/{meeting.pk}/steps/minutes",
        {"chair": "王" * 51, "minutes": "会议纪要"},
        content_type="application/json",
        **cadre,
    )
    assert response.status_code == 422
    assert response.json()["errors"]["chair"] == [zh("At most %(n)s characters.", n=50)]
    response = client.post(
        f"{API}/{meeting.pk}/steps/minutes", {"minutes": ""}, content_type="application/json", **cadre
    )
    label = zh("Write the minutes")
    assert response.json()["errors"]["minutes"] == [zh("Required to “%(step)s”.", step=label)]
    assert snapshot(meeting) == before


def test_the_notice_and_a_cancellation_on_the_page_are_told_by_the_declaration(
    mw, login, django_capture_on_commit_callbacks
):
    start = timezone.localtime() + timedelta(days=12)
    meeting = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="villagers_assembly",
        title="村民会议",
        starts_at=start,
        place="村文化广场",
    )
    client = login(mw.cadre)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_step(meeting.pk, "notice"), {"notice-version": meeting.version, "notice-confirm": "on"}
        )
    assert response.status_code == 302
    villager = mw.users["villager_a1"]
    note = Notification.objects.get(user=villager)
    when = start.strftime("%Y-%m-%d %H:%M")
    assert note.text == zh(
        "Meeting notice: %(title)s, %(when)s at %(place)s. You are on the register.",
        title="村民会议",
        when=when,
        place="村文化广场",
    )
    assert note.url == f"/meetings/{meeting.pk}/" and note.kind == "meetings.notice"
    assert Notification.objects.filter(user=mw.users["villager_x0"]).count() == 1
    assert not Notification.objects.filter(user=mw.cadre).exists()  # not the one who took the step
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_step(meeting.pk, "cancel"),
            {"cancel-reason": "镇里临时召开会议", "cancel-version": meeting.version, "cancel-confirm": "on"},
        )
    assert response.status_code == 302
    latest = Notification.objects.filter(user=villager).order_by("-pk").first()
    assert latest.text == zh(
        "Meeting cancelled: %(title)s (%(when)s). %(reason)s", title="村民会议", when=when, reason="镇里临时召开会议"
    )


def test_a_draft_cancelled_tells_nobody(mw, django_capture_on_commit_callbacks):
    meeting = services.meeting_create(
        actor=mw.cadre,
        village=mw.village,
        kind="villagers_assembly",
        title="草稿",
        starts_at=timezone.now() + timedelta(days=12),
        place="广场",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_step(actor=mw.cadre, meeting=meeting, step="cancel", data={"reason": "不开了"})
    assert not Notification.objects.exists()


def test_the_page_shows_each_step_with_its_labels_marks_and_help(mw, login):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="close")
    services.meeting_step(actor=mw.cadre, meeting=meeting, step="minutes", data={"minutes": "初稿", "chair": "王建国"})
    html = login(mw.cadre).get(f"/meetings/{meeting.pk}/").content.decode()
    panel = html.split('id="step-minutes"')[1].split("</details>")[0]
    assert zh("Chaired by") in panel and zh("Minutes taken by") in panel and zh("Minutes (纪要)") in panel
    assert panel.count('class="req"') == 1  # only the minutes are required
    assert zh("What was discussed and decided. The minutes can be corrected later.") in panel
    # the minutes are corrected from what was written
    assert 'value="王建国"' in panel and "初稿</textarea>" in panel
    # the villager has no step to take, and cannot post one
    villager = login(mw.users["villager_a1"])
    assert 'id="step-minutes"' not in villager.get(f"/meetings/{meeting.pk}/").content.decode()
    before = snapshot(meeting)
    response = villager.post(page_step(meeting.pk, "minutes"), {"minutes-minutes": "改写"})
    assert response.status_code == 403 and snapshot(meeting) == before
