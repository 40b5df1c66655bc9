"""The incident API through HTTP with bearer tokens: report (idempotent, nothing stored on bad input), every
list, a case, its timeline and steps, the whole loop, every refusal (nothing changes), scope (404), and the
caller's notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseAttachment, CaseEvent
from config.api import api
from core.models import AuditEvent, Notification
from incidents.models import Incident, IncidentAssist
from tests.incidents.support import INSIDE_A1, OUTSIDE, not_a_photo, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(iw, api_token):
    tokens = {}

    def _headers(name):
        if name not in tokens:
            tokens[name] = api_token(iw.users[name])
        return tokens[name]

    return _headers


def _report(client, headers, matter, *, key="", photos=None, **over):
    form = {
        "matter_id": matter.pk,
        "description": "村口垃圾堆积，影响通行",
        "severity": "general",
        "address": "安家村村口",
        "lat": INSIDE_A1[0],
        "lng": INSIDE_A1[1],
        "client_key": key,
    }
    form.update(over)
    if photos:
        form["photos"] = photos
    return client.post("/api/incidents", form, **headers)


# the steps of a case: the generic case API over the flow's declaration (incidents.flows)
STEPS = "/api/casework/cases/incident/{pk}/steps"


def _step(client, headers, pk, step, **body):
    return client.post(f"{STEPS.format(pk=pk)}/{step}", body, content_type="application/json", **headers)


def _step_with_photos(client, headers, pk, step, photos, **form):
    return client.post(f"{STEPS.format(pk=pk)}/{step}", {**form, "photos": photos}, **headers)


def _snapshot(pk=None):
    case = Incident.objects.filter(pk=pk).values("state", "version", "deadline_at", "level", "rating").first()
    return (
        case,
        Incident.objects.count(),
        CaseEvent.objects.count(),
        CaseAttachment.objects.count(),
        AuditEvent.objects.count(),
        IncidentAssist.objects.count(),
        Notification.objects.count(),
    )


def _new_case(client, as_user, iw, matter=None, key="k") -> dict:
    response = _report(client, as_user("grid_a1"), matter or iw.litter, key=key, photos=[photo()])
    assert response.status_code == 201, response.content
    return response.json()


# -- catalogue ------------------------------------------------------------------------------------------------


def test_matters_are_the_current_catalogue_with_their_bodies(iw, client, as_user):
    matters = client.get("/api/incidents/matters", **as_user("grid_a1")).json()
    # the retired matter is not offered; every county has its 其他/不清楚 (QT00), sorted by the village
    assert [m["code"] for m in matters] == ["HJ01", "HJ02", "MD01", "QT00"]
    assert [m["code"] for m in matters if m["unsorted"]] == ["QT00"]
    pollution = next(m for m in matters if m["code"] == "HJ02")
    assert pollution["group"] == "环境卫生"
    assert pollution["responsible"] == {"id": iw.environment.pk, "name": "县生态环境局"}
    assert pollution["assisting"] == [{"id": iw.water.pk, "name": "县水务局"}]
    # a villager of the county reads the same catalogue
    assert len(client.get("/api/incidents/matters", **as_user("villager_a1")).json()) == 4


def test_departments_of_the_county(iw, client, as_user):
    departments = client.get("/api/incidents/departments", **as_user("township_a")).json()
    assert [(d["code"], d["name"]) for d in departments] == [
        ("HB", "县生态环境局"),
        ("JT", "县交通运输局"),
        ("SW", "县水务局"),
    ]


# -- reporting ------------------------------------------------------------------------------------------------


def test_report_is_routed_and_the_same_client_key_returns_the_same_case(iw, client, as_user):
    headers = as_user("grid_a1")
    response = _report(client, headers, iw.litter, key="phone-1", photos=[photo("a.png"), photo("b.jpg", fmt="JPEG")])
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["number"].startswith("SJ") and case["number"].endswith(f"{case['id']:06d}")
    assert case["state"] == "dispatched" and case["state_label"]
    assert case["already_received"] is False
    assert case["handling"]["level"] == "village" and case["handling"]["name"] == "安家村"
    assert case["handling"]["days"] == 5 and case["deadline_at"]
    assert case["grid"]["code"] == "A1-01" and case["village"]["name"] == "安家村"
    assert [p["step"] for p in case["photos"]] == ["start", "start"]
    assert all(p["name"] and p["size"] > 0 for p in case["photos"])
    assert case["steps"] == []  # the grid worker has nothing to do on a dispatched case

    again = _report(client, headers, iw.litter, key="phone-1", photos=[photo("a.png"), photo("b.jpg", fmt="JPEG")])
    assert again.status_code == 200, again.content
    assert again.json()["id"] == case["id"] and again.json()["already_received"] is True
    assert Incident.objects.count() == 1 and CaseAttachment.objects.count() == 2

    # another key is another case
    assert _report(client, headers, iw.litter, key="phone-2").status_code == 201
    assert Incident.objects.count() == 2


def test_report_to_a_county_department_adds_the_assisting_body(iw, client, as_user):
    case = _new_case(client, as_user, iw, matter=iw.pollution)
    assert case["handling"]["level"] == "county"
    assert case["handling"]["department"] == {"id": iw.environment.pk, "name": "县生态环境局"}
    assert [(c["department"]["name"], c["kind"]) for c in case["co_handling"]] == [("县水务局", "assist")]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"photos": [not_a_photo()]}, "photos"),
        ({"photos": [photo(f"p{i}.png", size=(8, 8)) for i in range(10)]}, "photos"),
        ({"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, "location"),
        ({"retired": True}, "matter_id"),
        ({"description": "  "}, "description"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"lat": "north", "lng": "102"}, "lat"),
        ({"matter_id": ""}, "matter_id"),
        ({"matter_id": "999999"}, "matter_id"),
        ({"grid_id": "999999", "lat": "", "lng": ""}, "grid_id"),
    ],
)
def test_a_bad_report_is_refused_and_stores_nothing(iw, client, as_user, change, field):
    headers = as_user("grid_a1")  # (issuing the token is an audit event of its own)
    before = _snapshot()
    change = dict(change)
    matter = iw.retired if change.pop("retired", False) else iw.litter
    photos = change.pop("photos", [photo()])
    response = _report(client, headers, matter, key="bad", photos=photos, **change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and field in body["errors"], body
    assert all(m for m in body["errors"][field]), body  # (the messages are translated by the lead at the end)
    assert _snapshot() == before


def test_report_needs_the_reporting_role_and_a_village_in_reach(iw, client, as_user):
    as_user("department"), as_user("villager_a1")
    before = _snapshot()
    response = _report(client, as_user("department"), iw.litter)
    assert response.status_code == 403
    # a villager of 安家村 cannot report into 新桥村's grid
    response = _report(client, as_user("villager_a1"), iw.litter, grid_id=iw.w.grid_b1.pk, lat="", lng="")
    assert response.status_code == 404
    assert _snapshot() == before
    # …but can in their own village, by grid
    response = _report(client, as_user("villager_a1"), iw.litter, grid_id=iw.w.grid_a1b.pk, lat="", lng="")
    assert response.status_code == 201, response.content
    assert response.json()["grid"]["code"] == "A1-02"


# -- the whole loop -------------------------------------------------------------------------------------------


def test_the_whole_loop_through_the_api(iw, client, as_user):
    grid, cadre = as_user("grid_a1"), as_user("cadre_a1")
    case = _new_case(client, as_user, iw)
    pk = case["id"]

    queue = client.get("/api/incidents/queue", **cadre).json()
    assert [c["id"] for c in queue["items"]] == [pk] and queue["count"] == 1
    steps = client.get(STEPS.format(pk=pk), **cadre).json()
    assert [s["name"] for s in steps] == ["accept", "hand_back"]
    hand_back = steps[1]
    assert [(f["name"], f["required"]) for f in hand_back["fields"]] == [("note", True)]

    accepted = _step(client, cadre, pk, "accept", version=case["version"])
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    names = [s["name"] for s in accepted.json()["steps"]]
    assert {"progress", "extend", "escalate", "resolve"} <= set(names)
    resolve = next(s for s in accepted.json()["steps"] if s["name"] == "resolve")
    assert {(f["name"], f["type"], f["required"]) for f in resolve["fields"]} == {
        ("note", "text", True),
        ("attachments", "files", True),  # the photos
    }

    progress = _step(client, cadre, pk, "progress", note="已联系保洁员")
    assert progress.status_code == 200, progress.content
    resolved = _step_with_photos(
        client, cadre, pk, "resolve", [photo("done.png")], note="已清运", version=str(progress.json()["version"])
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "resolved"
    assert [p["step"] for p in resolved.json()["photos"]] == ["start", "resolve"]

    # the reporter is not satisfied: the case goes back to its handler
    rater_steps = client.get(STEPS.format(pk=pk), **grid).json()
    assert [s["name"] for s in rater_steps] == ["close", "reopen"]
    close = rater_steps[0]
    rating = next(f for f in close["fields"] if f["name"] == "rating")
    assert rating["required"] and [c["value"] for c in rating["choices"]] == ["satisfied", "basic"]
    reopen = rater_steps[1]
    assert [(f["name"], f["required"]) for f in reopen["fields"]] == [("note", True)]
    reopened = _step(client, grid, pk, "reopen", note="还有一堆没清")
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["state"] == "accepted" and reopened.json()["reopen_count"] == 1

    again = _step_with_photos(client, cadre, pk, "resolve", [photo("done2.png")], note="全部清运")
    assert again.status_code == 200, again.content
    closed = _step(client, grid, pk, "close", rating="satisfied", note="满意", confirm=True)
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["state"] == "closed" and body["rating"] == "satisfied" and body["closed_at"] and body["steps"] == []

    timeline = client.get(f"/api/incidents/{pk}/timeline", **cadre).json()
    assert [e["step"] for e in timeline] == [
        "start",
        "route",
        "accept",
        "progress",
        "resolve",
        "reopen",
        "resolve",
        "close",
    ]
    route = timeline[1]
    assert route["by_system"] is True and route["actor_name"] and route["data"]["level"] == "village"
    assert route["from_state"] == "reported" and route["to_state"] == "dispatched" and route["to_label"]
    assert timeline[2]["actor_name"] == "cadre_a1" and timeline[2]["by_system"] is False
    assert timeline[3]["note"] == "已联系保洁员"
    assert [len(e["attachments"]) for e in timeline] == [1, 0, 0, 0, 1, 0, 1, 0]
    assert timeline[5]["data"]["rating"] == "unsatisfied"
    assert timeline[7]["data"]["rating"] == "satisfied" and "on_behalf" not in timeline[7]["data"]

    mine = client.get("/api/incidents/mine", **grid).json()
    assert [c["id"] for c in mine["items"]] == [pk]
    assert client.get("/api/incidents/queue", **cadre).json()["count"] == 0


def test_a_department_case_handed_back_dispatched_summoned_supervised_and_extended(iw, client, as_user):
    township, dept = as_user("township_a"), as_user("department")
    case = _new_case(client, as_user, iw, matter=iw.pollution)
    pk = case["id"]
    assert [c["id"] for c in client.get("/api/incidents/queue", **dept).json()["items"]] == [pk]

    handed = _step(client, dept, pk, "hand_back", note="不属于本局职责")
    assert handed.status_code == 200, handed.content
    assert handed.json()["state"] == "reported" and handed.json()["handling"]["department"] is None
    assert client.get(f"/api/incidents/{pk}", **dept).status_code == 404  # no longer the department's case

    to_dispatch = client.get("/api/incidents/to-dispatch", **township).json()
    assert [c["id"] for c in to_dispatch["items"]] == [pk]
    dispatch = next(s for s in client.get(STEPS.format(pk=pk), **township).json() if s["name"] == "dispatch")
    fields = {f["name"]: f for f in dispatch["fields"]}
    assert fields["level"]["required"] and [c["value"] for c in fields["level"]["choices"]] == [
        "village",
        "township",
        "county",
    ]
    assert not fields["department"]["required"] and len(fields["department"]["choices"]) == 3

    dispatched = _step(
        client, township, pk, "dispatch", level="county", department=iw.environment.pk, days=3, note="仍由环保局办理"
    )
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["handling"]["department"]["id"] == iw.environment.pk
    assert dispatched.json()["handling"]["days"] == 3
    assert _step(client, dept, pk, "accept").status_code == 200

    summoned = _step(client, township, pk, "summon", department=iw.roads.pk, note="需交通局配合")
    assert summoned.status_code == 200, summoned.content
    assert {(c["department"]["name"], c["kind"]) for c in summoned.json()["co_handling"]} == {
        ("县水务局", "assist"),
        ("县交通运输局", "summoned"),
    }
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    supervised = _step(client, township, pk, "supervise", due=due, note="请限期办结", confirm=True)
    assert supervised.status_code == 200, supervised.content
    assert supervised.json()["supervise_count"] == 1
    board = client.get("/api/incidents/board", **township).json()
    assert set(board) == {"overdue", "due_soon", "supervised", "unrated"}
    assert board["supervised"]["count"] == 1 and board["supervised"]["items"][0]["id"] == pk

    extended = _step(client, dept, pk, "extend", days=2, note="需采样化验")
    assert extended.status_code == 200, extended.content
    assert extended.json()["deadline_at"] > supervised.json()["deadline_at"]


def test_follow_up_lists_cases_unrated_for_seven_days_and_a_grid_worker_rates_on_behalf(iw, client, as_user):
    cadre = as_user("cadre_a1")
    villager = as_user("villager_a1")
    response = _report(client, villager, iw.litter, key="v", grid_id=iw.w.grid_a1.pk, lat="", lng="")
    pk = response.json()["id"]
    assert _step(client, cadre, pk, "accept").status_code == 200
    assert _step_with_photos(client, cadre, pk, "resolve", [photo()], note="已清运").status_code == 200
    assert client.get("/api/incidents/follow-up", **cadre).json()["count"] == 0
    Incident.objects.filter(pk=pk).update(state_entered_at=timezone.now() - timedelta(days=8))
    follow_up = client.get("/api/incidents/follow-up", **cadre).json()
    assert [c["id"] for c in follow_up["items"]] == [pk]
    assert client.get("/api/incidents/board", **as_user("township_a")).json()["unrated"]["count"] == 1
    closed = _step(client, as_user("grid_a1"), pk, "close", rating="basic", note="电话回访：基本满意", confirm=True)
    assert closed.status_code == 200, closed.content
    assert CaseEvent.objects.filter(object_id=pk, transition="close").get().data["on_behalf"] is True
    assert client.get("/api/incidents/follow-up", **villager).status_code == 403


# -- refusals -------------------------------------------------------------------------------------------------


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_refused_step_answers_in_chinese_and_changes_nothing(iw, client, as_user):
    grid, cadre = as_user("grid_a1"), as_user("cadre_a1")
    case = _new_case(client, as_user, iw)
    pk, version = case["id"], case["version"]

    def refused(headers, step, *, photos=None, **body):
        before = _snapshot(pk)
        if photos is not None:
            response = _step_with_photos(client, headers, pk, step, photos, **body)
        else:
            response = _step(client, headers, pk, step, **body)
        assert response.status_code == 422, (step, response.status_code, response.content)
        assert _snapshot(pk) == before, step
        return response.json()

    # wrong role: the reporter cannot accept
    body = refused(grid, "accept")
    assert body["detail"].startswith("只有") and _chinese(body["detail"])
    # wrong state: a dispatched case cannot be resolved
    body = refused(cadre, "resolve", photos=[photo()], note="已处理")
    assert body["detail"].startswith("本件当前为") and "现在可以" in body["detail"]
    # missing field: hand back without a reason
    body = refused(cadre, "hand_back")
    assert "须填写此项" in body["errors"]["note"][0]
    # unknown step
    body = refused(cadre, "teleport")
    assert "本流程没有" in body["detail"]
    # stale version: someone acted meanwhile
    assert _step(client, cadre, pk, "accept", version=version).status_code == 200
    body = refused(cadre, "progress", note="进展", version=version)
    assert body["detail"].startswith("其他人刚刚办理了本件")
    # missing photo on resolve is named by the API's field (the step's files: attachments)
    body = refused(cadre, "resolve", note="已处理")
    assert "须填写此项" in body["errors"]["attachments"][0]
    # a file that is not a photo
    body = refused(cadre, "resolve", photos=[not_a_photo()], note="已处理")
    assert "not a photo" in body["errors"]["attachments"][0] or _chinese(body["errors"]["attachments"][0])
    # a bad extension and a deadline in the past
    body = refused(cadre, "extend", days=11, note="再等等")
    assert "days" in body["errors"]
    body = refused(as_user("township_a"), "supervise", due="2020-01-01", note="督办", confirm=True)
    assert body["errors"]["due"]
    # a version that is not a number
    body = refused(cadre, "progress", note="进展", version="abc")
    assert "version" in body["errors"]
    # closing without a rating, by the reporter, once resolved
    assert _step_with_photos(client, cadre, pk, "resolve", [photo()], note="已处理").status_code == 200
    body = refused(grid, "close", confirm=True)
    assert "须填写此项" in body["errors"]["rating"][0]
    body = refused(grid, "close", rating="unsatisfied", confirm=True)
    assert "rating" in body["errors"]


def test_a_step_accepts_multipart_form_fields(iw, client, as_user):
    case = _new_case(client, as_user, iw)
    response = client.post(
        f"{STEPS.format(pk=case['id'])}/accept", {"version": str(case["version"])}, **as_user("cadre_a1")
    )
    assert response.status_code == 200, response.content
    response = client.post(
        f"{STEPS.format(pk=case['id'])}/progress",
        b"[1, 2]",
        content_type="application/json",
        **as_user("cadre_a1"),
    )
    assert response.status_code == 422 and response.json()["detail"]


# -- scope ----------------------------------------------------------------------------------------------------


def test_out_of_scope_cases_are_not_found(iw, client, as_user):
    case = _new_case(client, as_user, iw)
    pk = case["id"]
    other = as_user("cadre_b1")
    before = _snapshot(pk)
    for url in (f"/api/incidents/{pk}", f"/api/incidents/{pk}/timeline", STEPS.format(pk=pk)):
        assert client.get(url, **other).status_code == 404, url
    assert _step(client, other, pk, "accept").status_code == 404
    assert _snapshot(pk) == before
    assert client.get("/api/incidents", **other).json()["count"] == 0
    assert client.get("/api/incidents/queue", **other).json()["count"] == 0
    assert client.get("/api/incidents/99999", **as_user("county_admin")).status_code == 404
    # the county sees it, takes no step
    assert client.get(f"/api/incidents/{pk}", **as_user("county_admin")).json()["steps"] == []


def test_a_department_member_sees_only_its_departments_cases(iw, client, as_user):
    litter = _new_case(client, as_user, iw, key="a")
    pollution = _new_case(client, as_user, iw, matter=iw.pollution, key="b")
    dept = as_user("department")
    listed = client.get("/api/incidents", **dept).json()
    assert [c["id"] for c in listed["items"]] == [pollution["id"]]
    assert client.get(f"/api/incidents/{litter['id']}", **dept).status_code == 404
    detail = client.get(f"/api/incidents/{pollution['id']}", **dept).json()
    assert [s["name"] for s in detail["steps"]] == ["accept", "hand_back"]
    # the township sees both; the village cadre only the village's own… and the county case in its village
    assert client.get("/api/incidents", **as_user("township_a")).json()["count"] == 2


def test_list_filters_and_pages(iw, client, as_user):
    cadre = as_user("cadre_a1")
    first = _new_case(client, as_user, iw, key="1")
    second = _new_case(client, as_user, iw, matter=iw.pollution, key="2")
    _step(client, cadre, first["id"], "accept")
    assert [c["id"] for c in client.get("/api/incidents?state=accepted", **cadre).json()["items"]] == [first["id"]]
    by_matter = client.get(f"/api/incidents?matter={iw.pollution.pk}", **cadre).json()
    assert [c["id"] for c in by_matter["items"]] == [second["id"]]
    assert client.get(f"/api/incidents?village={iw.w.village_a1.pk}", **cadre).json()["count"] == 2
    assert client.get(f"/api/incidents?village={iw.w.village_b1.pk}", **cadre).json()["count"] == 0
    assert client.get("/api/incidents?overdue=true", **cadre).json()["count"] == 0
    today = timezone.localdate()
    assert client.get(f"/api/incidents?since={today}&until={today}", **cadre).json()["count"] == 2
    tomorrow = today + timedelta(days=1)
    assert client.get(f"/api/incidents?since={tomorrow}", **cadre).json()["count"] == 0
    page = client.get("/api/incidents?page=2&page_size=1", **cadre).json()
    assert page["count"] == 2 and page["page"] == 2 and [c["id"] for c in page["items"]] == [first["id"]]
    bad = client.get("/api/incidents?state=lost", **cadre)
    assert bad.status_code == 422 and "state" in bad.json()["errors"]
    bad = client.get(f"/api/incidents?since={tomorrow}&until={today}", **cadre)
    assert bad.status_code == 422 and "until" in bad.json()["errors"]


def test_lists_of_other_roles_are_forbidden(iw, client, as_user):
    villager = as_user("villager_a1")
    assert client.get("/api/incidents/queue", **villager).status_code == 403
    assert client.get("/api/incidents/to-dispatch", **as_user("cadre_a1")).status_code == 403
    assert client.get("/api/incidents/board", **as_user("grid_a1")).status_code == 403
    assert client.get("/api/incidents/mine", **villager).json()["count"] == 0


# -- notifications --------------------------------------------------------------------------------------------


def test_notifications_are_the_callers_own_and_can_be_marked_read(
    iw, client, as_user, django_capture_on_commit_callbacks
):
    cadre, township = as_user("cadre_a1"), as_user("township_a")
    with django_capture_on_commit_callbacks(execute=True):  # people are told once the step is committed
        case = _new_case(client, as_user, iw)
    inbox = client.get("/api/notifications", **cadre).json()
    assert inbox["count"] == 1 and inbox["unread"] == 1
    assert inbox["items"][0]["url"].endswith(f"/{case['id']}/") and inbox["items"][0]["read_at"] is None
    own_id = inbox["items"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        _step(client, cadre, case["id"], "hand_back", note="分错了")
    theirs = client.get("/api/notifications", **township).json()
    assert theirs["count"] == 1
    # marking someone else's notification read changes nothing
    response = client.post(
        "/api/notifications/read", {"ids": [theirs["items"][0]["id"]]}, content_type="application/json", **cadre
    )
    assert response.json() == {"marked": 0, "unread": 1}
    response = client.post("/api/notifications/read", {"ids": [own_id]}, content_type="application/json", **cadre)
    assert response.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/notifications?unread=true", **cadre).json()["count"] == 0
    assert client.post("/api/notifications/read", {}, content_type="application/json", **township).status_code == 422
    response = client.post("/api/notifications/read", {"all": True}, content_type="application/json", **township)
    assert response.json() == {"marked": 1, "unread": 0}


def test_openapi_documents_the_incident_endpoints(client):
    paths = api.get_openapi_schema()["paths"]
    for path in [
        "/api/incidents",
        "/api/incidents/matters",
        "/api/incidents/departments",
        "/api/incidents/mine",
        "/api/incidents/queue",
        "/api/incidents/to-dispatch",
        "/api/incidents/board",
        "/api/incidents/follow-up",
        "/api/incidents/{incident_id}",
        "/api/incidents/{incident_id}/timeline",
        "/api/casework/cases/{flow}/{case_id}/steps",  # the steps of a case, from the flow's declaration
        "/api/casework/cases/{flow}/{case_id}/steps/{step}",
        "/api/incidents/{incident_id}/photos/{attachment_id}",
        "/api/incidents/{incident_id}/photos/{attachment_id}/thumb",
        "/api/notifications",
        "/api/notifications/read",
    ]:
        assert path in paths, path
    body = paths["/api/casework/cases/{flow}/{case_id}/steps/{step}"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert client.get("/api/openapi.json").status_code == 200


def test_photos_are_served_to_who_may_see_the_case(iw, client, as_user):
    case = _new_case(client, as_user, iw, key="p1")
    other_case = _new_case(client, as_user, iw, key="p2")
    shot = case["photos"][0]
    assert shot["url"].endswith(f"/casework/attachments/{shot['id']}/")
    assert shot["thumbnail_url"].endswith(f"/casework/attachments/{shot['id']}/thumb/")
    assert shot["api_url"].endswith(f"/api/incidents/{case['id']}/photos/{shot['id']}")
    cadre = as_user("cadre_a1")
    response = client.get(shot["api_url"], **cadre)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    thumb = client.get(shot["api_thumbnail_url"], **cadre)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(shot["api_url"], **as_user("cadre_b1")).status_code == 404
    # a photo is reached only through its own case
    foreign = f"/api/incidents/{other_case['id']}/photos/{shot['id']}"
    assert client.get(foreign, **cadre).status_code == 404
    assert client.get(shot["api_url"]).status_code == 401
