"""What the loop's declaration (incidents.flows) gives people: forms with their labels, required marks, help and
starting values; a step that cannot be undone asks first (the page and the API) and writes nothing until
confirmed; a value out of range or of the wrong type is refused in Chinese beside its field; the people each
step names are told (``notify=``); the API passes on only the fields a step declares."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from casework.models import CaseEvent
from core.models import Notification
from incidents import services
from incidents.flows import INCIDENT
from incidents.models import Incident, Level
from tests.incidents.support import INSIDE_A1, photo

pytestmark = pytest.mark.django_db


def t(msgid: str, **params) -> str:
    with override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def new_case(iw, *, matter=None, actor=None):
    incident, _created = services.incident_report(
        actor=actor or iw.users["grid_a1"],
        matter=matter or iw.litter,
        description="河边堆了很多垃圾",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        photos=[photo()],
    )
    return incident


def resolved_case(iw):
    incident = new_case(iw)
    cadre = iw.users["cadre_a1"]
    services.incident_step(actor=cadre, incident=incident, step="accept")
    services.incident_step(actor=cadre, incident=incident, step="resolve", note="已清运", photos=[photo()])
    return incident


def post_step(client, incident, step, **data):
    incident.refresh_from_db()
    data.setdefault("version", incident.version)
    url = reverse("casework:step", args=[INCIDENT.name, incident.pk, step])
    return client.post(url, {f"{step}-{name}": value for name, value in data.items()})


def written(incident):
    incident.refresh_from_db()
    return (
        incident.state,
        incident.version,
        incident.deadline_at,
        CaseEvent.objects.filter(object_id=incident.pk).count(),
    )


# -- the forms ---------------------------------------------------------------------------------------------------


def test_the_case_page_draws_each_step_from_its_declaration(iw, client):
    incident = new_case(iw, matter=iw.pollution)
    services.incident_step(actor=iw.users["department"], incident=incident, step="hand_back", note="不归我们管")
    client.force_login(iw.users["township_a"])
    response = client.get(reverse("incidents:detail", args=[incident.pk]))
    html = response.content.decode()
    (dispatch,) = response.context["steps"]
    form = dispatch["form"]
    assert dispatch["url"] == f"/casework/cases/incident/{incident.pk}/steps/dispatch/"
    assert [form[name].label for name in ("level", "department", "days", "note")] == [
        t("Handling level"),
        t("Department"),
        t("Working days"),
        t("Reason"),
    ]
    assert [form.fields[name].required for name in ("level", "department", "days", "note")] == [True, False, True, True]
    # the starting values are the case's own (the page used to set them by hand)
    assert form["level"].value() == Level.COUNTY and str(form["days"].value()) == "5"
    assert [label for _value, label in form.fields["department"].choices][1:] == [
        "县生态环境局",
        "县交通运输局",
        "县水务局",
    ]
    assert t("Working days to handle the case, from 1 to 60.") in html  # the help under the field
    assert t("Required when the handling level is the county department.") in html
    assert html.count('<span class="req" aria-hidden="true">*</span>') >= 3
    assert 'name="dispatch-days"' in html and 'min="1"' in html and 'max="60"' in html

    accepted = new_case(iw)
    services.incident_step(actor=iw.users["cadre_a1"], incident=accepted, step="accept")
    client.force_login(iw.users["cadre_a1"])
    html = client.get(reverse("incidents:detail", args=[accepted.pk])).content.decode()
    assert 'name="resolve-attachments"' in html and 'accept="image/*"' in html and 'capture="environment"' in html
    assert t("Photos of the result") in html and t("How it was resolved") in html

    resolved = resolved_case(iw)
    client.force_login(iw.users["grid_a1"])
    response = client.get(reverse("incidents:detail", args=[resolved.pk]))
    html = response.content.decode()
    assert [s["name"] for s in response.context["steps"]] == ["rate"]  # one rating form on the phone
    for value in ("satisfied", "basic", "unsatisfied"):
        assert f'type="radio" name="rate-rating" value="{value}"' in html
    assert t("Comment (required when unsatisfied)") in html
    assert 'data-confirm="' in html and 'name="rate-confirm"' in html


# -- a step that cannot be undone asks first ----------------------------------------------------------------------


def test_closing_and_a_supervision_notice_ask_for_confirmation_on_the_page(iw, client):
    incident = resolved_case(iw)
    client.force_login(iw.users["grid_a1"])
    before = written(incident)
    response = post_step(client, incident, "rate", rating="satisfied")
    assert response.status_code == 400 and response.context["failed"].errors.get("confirm")
    assert written(incident) == before
    assert post_step(client, incident, "rate", rating="satisfied", confirm="on").status_code == 302
    assert written(incident)[0] == "closed"

    case = new_case(iw)
    services.incident_step(actor=iw.users["cadre_a1"], incident=case, step="accept")
    client.force_login(iw.users["township_a"])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    before = written(case)
    response = post_step(client, case, "supervise", due=due, note="限期办结")
    assert response.status_code == 400 and response.context["failed"].errors.get("confirm")
    assert written(case) == before and case.supervise_count == 0


def test_closing_through_the_api_needs_confirm_true(iw, client, api_token):
    incident = resolved_case(iw)
    headers = api_token(iw.users["grid_a1"])
    url = f"/api/casework/cases/incident/{incident.pk}/steps"
    close = next(s for s in client.get(url, **headers).json() if s["name"] == "close")
    assert close["confirm"] == str(INCIDENT.transitions["close"].confirm)
    before = written(incident)
    response = client.post(f"{url}/close", {"rating": "satisfied"}, content_type="application/json", **headers)
    assert response.status_code == 422 and "confirm" in response.json()["errors"]
    assert written(incident) == before
    response = client.post(
        f"{url}/close", {"rating": "satisfied", "confirm": True}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"


# -- values refused in Chinese ------------------------------------------------------------------------------------


def test_a_value_out_of_range_or_of_the_wrong_type_is_refused_in_chinese_beside_its_field(iw, client):
    incident = new_case(iw)
    cadre = iw.users["cadre_a1"]
    services.incident_step(actor=cadre, incident=incident, step="accept")
    client.force_login(cadre)
    before = written(incident)
    response = post_step(client, incident, "extend", days="11", note="再等等")  # at most 10 working days
    assert response.status_code == 400
    (error,) = response.context["failed"].errors["days"]
    assert _chinese(error) and "10" in error and error in response.content.decode()
    response = post_step(client, incident, "extend", days="两天", note="再等等")
    assert response.status_code == 400 and _chinese(response.context["failed"].errors["days"][0])
    assert written(incident) == before


# -- who is told ---------------------------------------------------------------------------------------------------


def test_the_people_each_step_names_are_told_and_not_the_one_who_took_it(
    iw, client, django_capture_on_commit_callbacks
):
    township, department, reporter = iw.users["township_a"], iw.users["department"], iw.users["grid_a1"]
    incident = new_case(iw, matter=iw.pollution)
    services.incident_step(actor=department, incident=incident, step="hand_back", note="不归我们管")
    values = {"number": incident.number, "matter": "河道污染"}

    def told(user):
        return list(Notification.objects.filter(user=user).values_list("text", flat=True))

    client.force_login(township)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(
            client, incident, "dispatch", level=Level.COUNTY, department=iw.environment.pk, days="3", note="确属环保"
        )
    assert response.status_code == 302
    assert told(department) == [t("Case %(number)s was dispatched to you: %(matter)s", **values)]
    assert told(township) == []  # the dispatcher is not told of their own step
    note = Notification.objects.get(user=department)
    assert note.url == reverse("incidents:detail", args=[incident.pk])

    with django_capture_on_commit_callbacks(execute=True):
        services.incident_step(actor=department, incident=incident, step="accept")
        services.incident_step(actor=department, incident=incident, step="resolve", note="已处理", photos=[photo()])
    assert told(reporter)[0] == t("Case %(number)s is resolved; please rate the result", **values)  # newest first

    with django_capture_on_commit_callbacks(execute=True):
        services.incident_rate(actor=reporter, incident=incident, rating="unsatisfied", note="还有油污")
    assert told(department)[0] == t("Case %(number)s was reopened: the reporter is not satisfied", **values)


def test_the_reporter_hears_of_each_change_of_state_in_their_own_words_once(
    iw, client, django_capture_on_commit_callbacks
):
    villager, cadre, township = iw.users["villager_a1"], iw.users["cadre_a1"], iw.users["township_a"]
    with django_capture_on_commit_callbacks(execute=True):
        incident = new_case(iw, actor=villager)
    values = {"number": incident.number, "matter": incident.matter.name}

    def told(user, kind=None):
        rows = Notification.objects.filter(user=user).order_by("pk")
        return [(n.kind, n.text) for n in (rows.filter(kind=kind) if kind else rows)]

    steps = [
        (township, "dispatch", {"data": {"level": Level.VILLAGE, "days": 3}, "note": "请村里处理"}),
        (cadre, "accept", {}),
        (cadre, "resolve", {"note": "已清运", "photos": [photo()]}),
        (cadre, "close", {"data": {"rating": "satisfied"}}),  # the cadre's visit, on the villager's behalf
    ]
    for actor, step, kwargs in steps:
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_step(actor=actor, incident=incident, step=step, **kwargs)
    progress = "incidents.report_progress"
    assert told(villager) == [
        (progress, t("Your report %(number)s (%(matter)s) was passed to the body that handles it", **values)),
        (progress, t("Your report %(number)s (%(matter)s) was accepted and is being handled", **values)),
        ("incidents.report_update", t("Case %(number)s is resolved; please rate the result", **values)),
        (progress, t("Your report %(number)s (%(matter)s) was rated and closed", **values)),
    ]
    # the handlers keep their own words and are not told their own steps, nor the reporter's news
    assert told(cadre, progress) == [] and told(township, progress) == []
    assert [text for _k, text in told(cadre)] == [
        t("New case %(number)s: %(matter)s", **values),
        t("Case %(number)s was dispatched to you: %(matter)s", **values),
    ]


def test_a_reporter_who_is_also_the_handler_is_told_once(iw, django_capture_on_commit_callbacks):
    cadre, township = iw.users["cadre_a1"], iw.users["township_a"]
    with django_capture_on_commit_callbacks(execute=True):
        incident = new_case(iw, actor=cadre)
        services.incident_step(
            actor=township, incident=incident, step="dispatch", data={"level": Level.VILLAGE, "days": 3}, note="请办"
        )
    # the handler's words (routed, then dispatched), not a second notification as the reporter
    assert Notification.objects.filter(user=cadre, kind="incidents.report_progress").count() == 0
    assert Notification.objects.filter(user=cadre).count() == 2


def test_a_step_that_tells_with_anything_but_tell_or_names_an_unknown_role_is_refused_at_declaration():
    from django.core.exceptions import ImproperlyConfigured

    from core.workflow import Flow, State, Tell, Transition

    def flow(tells):
        return Flow(
            "t_tells",
            label="t",
            model="incidents.Incident",
            initial="a",
            start_allow=("village_cadre",),
            states=[State("a", "a"), State("b", "b")],
            transitions=[Transition("go", source="a", target="b", label="go", allow=("village_cadre",), tells=tells)],
        )

    with pytest.raises(ImproperlyConfigured):
        flow(("village_cadre",))
    with pytest.raises(ImproperlyConfigured):
        flow((Tell(("no_such_role",), "x"),))


# -- the API -------------------------------------------------------------------------------------------------------


def test_the_api_passes_on_only_the_fields_a_step_declares(iw, client, api_token):
    incident = resolved_case(iw)
    headers = api_token(iw.users["grid_a1"])  # the reporter: their rating is not "on behalf"
    body = {"rating": "basic", "on_behalf": True, "department_name": "假部门", "confirm": True}
    url = f"/api/casework/cases/incident/{incident.pk}/steps/close"
    assert client.post(url, body, content_type="application/json", **headers).status_code == 200
    assert CaseEvent.objects.get(object_id=incident.pk, transition="close").data == {"rating": "basic"}


def test_the_generic_case_api_carries_the_incidents_own_keys(iw, client, api_token):
    incident = new_case(iw, matter=iw.pollution)
    case = client.get(f"/api/casework/cases/incident/{incident.pk}", **api_token(iw.users["department"])).json()
    assert case["number"] == incident.number and case["handling"]["department"]["name"] == "县生态环境局"
    assert [p["step"] for p in case["photos"]] == ["start"]
    assert [s["name"] for s in case["steps"]] == ["accept", "hand_back"]
    assert Incident.objects.get(pk=incident.pk).state == "dispatched"
