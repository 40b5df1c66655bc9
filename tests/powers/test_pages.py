"""The small-power pages through the Django test client: the villager's phone pages (apply, follow, hand in
documents), the cadre's queue and steps, the township's review, the overview, the county's list, print views;
refusals keep what was typed and write nothing; another village's matter is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from powers.flows import DIBAO
from powers.models import Power, PowerCase
from tests.powers.support import MEETING, at, image, pdf

pytestmark = pytest.mark.django_db


def test_every_page_answers_for_its_roles(pw, login):
    case = pw.dibao()
    pages = {
        "villager_a1": ["/powers/", "/powers/list/", "/powers/cases/", f"/powers/cases/{case.pk}/"],
        "cadre_a1": [
            "/powers/",
            "/powers/queue/",
            "/powers/overview/",
            "/powers/cases/",
            f"/powers/cases/{case.pk}/",
            f"/powers/cases/{case.pk}/print/",
        ],
        "township_a": ["/powers/", "/powers/review/", "/powers/overview/", f"/powers/cases/{case.pk}/"],
        "county_admin": ["/powers/configure/", "/powers/configure/new/", "/powers/overview/"],
        "county_official": ["/powers/overview/", f"/powers/cases/{case.pk}/"],
        "supervisor_a1": ["/powers/", f"/powers/cases/{case.pk}/"],
        "grid_a1": ["/powers/", f"/powers/cases/{case.pk}/"],
    }
    for who, urls in pages.items():
        client = login(pw.users[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            assert b"<h1" in response.content
    power = pw.power("dibao")
    assert login(pw.users["villager_a1"]).get(f"/powers/list/{power.pk}/").status_code == 200
    assert login(pw.users["villager_a1"]).get(f"/powers/list/{power.pk}/apply/").status_code == 200
    assert login(pw.users["mediator"]).get("/powers/").status_code == 403
    assert login(pw.users["villager_a1"]).get("/powers/queue/").status_code == 403
    assert login(pw.users["cadre_a1"]).get("/powers/configure/").status_code == 403


def test_another_villages_matter_is_not_found(pw, login):
    case = pw.dibao()
    for who in ("cadre_b1", "cadre_a2", "villager_b1", "villager_a1b", "township_b"):
        client = login(pw.users[who])
        assert client.get(f"/powers/cases/{case.pk}/").status_code == 404, who
        response = client.post(f"/casework/cases/{case.flow}/{case.pk}/steps/survey/", {"survey-findings": "x"})
        assert response.status_code == 404, who
    assert login(pw.users["cadre_b1"]).get(f"/powers/cases/{case.pk}/print/").status_code == 404


def test_a_villager_applies_on_the_phone_and_hands_in_documents(pw, login):
    client = login(pw.users["villager_a1"])
    power = pw.power("dibao")
    url = f"/powers/list/{power.pk}/apply/"
    response = client.post(url, {"reason": "因病致贫", "household_size": "3", "monthly_income": "800"})
    assert response.status_code == 400 and PowerCase.objects.count() == 0
    assert "attachments" in response.context["form"].errors
    assert "因病致贫" in response.content.decode()  # what was typed is kept
    response = client.post(
        url,
        {"reason": "因病致贫", "household_size": "3", "monthly_income": "800", "attachments": [pdf(), image()]},
    )
    case = PowerCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/powers/cases/{case.pk}/"
    assert case.household_id == pw.w.households["a1"].pk and not case.on_behalf
    page = client.get(f"/powers/cases/{case.pk}/")
    assert [s["name"] for s in page.context["steps"]] == ["withdraw"]
    files = page.context["timeline"][0]["files"]
    assert len(files) == 2 and client.get(files[0]["url"]).status_code == 200
    # the cadre asks for documents; the villager answers with a file
    cadre = login(pw.users["cadre_a1"])
    response = cadre.post(
        f"/casework/cases/{case.flow}/{case.pk}/steps/ask_documents/",
        {"ask_documents-documents": "请补充诊断证明", "ask_documents-version": case.version},
    )
    assert response.status_code == 302
    client = login(pw.users["villager_a1"])
    page = client.get(f"/powers/cases/{case.pk}/")
    assert "supply" in [s["name"] for s in page.context["steps"]]
    response = client.post(
        f"/casework/cases/{case.flow}/{case.pk}/steps/supply/", {"supply-version": page.context["case"].version}
    )
    assert response.status_code == 400 and "attachments" in response.context["steps"][0]["form"].errors
    response = client.post(
        f"/casework/cases/{case.flow}/{case.pk}/steps/supply/", {"supply-attachments": [pdf("诊断证明.pdf")]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "applied"


def test_the_cadre_and_the_township_run_the_steps_on_the_pages(pw, login):
    case = pw.dibao(by="grid_a1")
    cadre = login(pw.users["cadre_a1"])
    queue = cadre.get("/powers/queue/")
    assert [c.pk for c in queue.context["cases"]] == [case.pk]
    today = timezone.localdate()
    url = f"/casework/cases/{case.flow}/{case.pk}/steps/"
    response = cadre.post(url + "survey/", {"survey-visited_on": today.isoformat()})
    assert response.status_code == 400 and "findings" in response.context["steps"][0]["form"].errors
    assert cadre.post(url + "survey/", {"survey-visited_on": today, "survey-findings": "核实"}).status_code == 302
    meeting = {f"deliberate-{k}": v for k, v in (MEETING | {"meeting_date": today.isoformat()}).items()}
    response = cadre.post(url + "deliberate/", meeting | {"deliberate-present": "5"})
    assert response.status_code == 400
    assert cadre.post(url + "deliberate/", meeting).status_code == 302
    short = (today + timedelta(days=3)).isoformat()
    response = cadre.post(url + "publicize/", {"publicize-publicity_until": short})
    assert response.status_code == 400 and "publicity_until" in response.context["steps"][0]["form"].errors
    ok = (today + timedelta(days=7)).isoformat()
    assert cadre.post(url + "publicize/", {"publicize-publicity_until": ok}).status_code == 302
    case.refresh_from_db()
    assert case.state == "publicized"
    response = cadre.post(url + "submit_review/", {})
    assert response.status_code == 400
    assert ok in str(response.context["steps"][0]["form"].non_field_errors())  # "posted until …": not over yet
    case.refresh_from_db()
    assert case.state == "publicized"
    assert cadre.get(f"/powers/cases/{case.pk}/notice/").status_code == 200
    # an objection, answered on the page
    villager = login(pw.users["villager_a1b"])
    assert villager.post(f"/powers/cases/{case.pk}/object/", {"text": "有异议"}).status_code == 302
    objection = case.objections.get()
    cadre = login(pw.users["cadre_a1"])
    page = cadre.get(f"/powers/cases/{case.pk}/")
    assert page.context["objections"][0]["form"] is not None
    response = cadre.post(
        f"/powers/cases/{case.pk}/objections/{objection.pk}/answer/", {f"o{objection.pk}-answer": "已核实"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.answer == "已核实"


def test_the_overview_counts_by_power_and_state_with_overdue(pw, login):
    start = timezone.localdate() - timedelta(days=30)
    late = pw.dibao(now=at(start))
    page = login(pw.users["township_a"]).get("/powers/overview/")
    data = page.context["data"]
    assert data["total"] == 1 and data["overdue"] == 1
    assert data["rows"][0]["power"].code == "dibao" and data["rows"][0]["states"][0]["state"] == "applied"
    assert [c.pk for c in page.context["late"]] == [late.pk]
    page = login(pw.users["cadre_a1"]).get("/powers/cases/?overdue=1")
    assert [c.pk for c in page.context["page"]] == [late.pk]
    assert login(pw.users["cadre_b1"]).get("/powers/overview/").context["data"]["total"] == 0


def test_the_county_keeps_the_list_on_its_page(pw, login):
    client = login(pw.users["county_admin"])
    form = {
        "name": "农村危房改造",
        "code": "dangerous-house",
        "power_class": "benefit",
        "template": "powers_general",
        "applicant": "household",
        "legal_basis": "农村危房改造政策",
        "documents": "申请表",
        "step_days": "5",
        "review_days": "10",
        "publicity_days": "7",
        "order": "14",
        "active": "on",
    }
    response = client.post("/powers/configure/new/", form | {"code": "dibao"})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert client.post("/powers/configure/new/", form).status_code == 302
    power = Power.objects.get(code="dangerous-house")
    response = client.post(f"/powers/configure/{power.pk}/", form | {"step_days": "3"})
    assert response.status_code == 302
    power.refresh_from_db()
    assert power.step_days == 3
    # the install button only while a default power is missing
    install = 'method="post" class="inline"'
    page = client.get("/powers/configure/")
    assert page.context["defaults_missing"] == 0 and install not in page.content.decode()
    with translation.override("zh-hans"):
        limits = translation.gettext(
            "%(a)s working days for each village step, %(b)s working days for the township's review, posted at "
            "least %(c)s days"
        ) % {"a": 3, "b": 10, "c": 7}
    assert escape(limits) in page.content.decode()
    Power.objects.filter(code="allowance").delete()
    page = client.get("/powers/configure/")
    assert page.context["defaults_missing"] == 1 and install in page.content.decode()
    assert client.post("/powers/configure/").status_code == 302
    assert Power.objects.filter(code="allowance").exists()


def test_the_step_after_the_posting_waits_for_its_end_and_the_answers(pw, login):
    """While the matter is posted, or an objection waits, the page says why 报乡镇审核 cannot be taken yet instead
    of offering a button the service would refuse; once both are over, the form is there."""
    from django.utils import translation

    from powers import services
    from tests.powers.support import at

    start = timezone.localdate() - timedelta(days=3)
    case = pw.dibao_posted(start)
    cadre = login(pw.users["cadre_a1"])
    page = cadre.get(f"/powers/cases/{case.pk}/")
    step = next(s for s in page.context["steps"] if s["name"] == "submit_review")
    with translation.override("zh-hans"):
        posted = translation.gettext(
            "The matter is posted until %(date)s: it can go on only after the posting window is over, so that "
            "everyone could object."
        ) % {"date": case.publicity_until.isoformat()}
    assert step["waiting"] == posted and posted in page.content.decode()
    assert f'action="/casework/cases/{case.flow}/{case.pk}/steps/submit_review/"' not in page.content.decode()
    # the posting ended a week ago, an objection still waits
    begun = timezone.localdate() - timedelta(days=20)
    old = pw.dibao_posted(begun, household="a1b", by="cadre_a1")
    objection = services.objection_raise(
        actor=pw.users["villager_a1b"], case=old, text="有异议", now=at(begun + timedelta(days=2))
    )
    page = cadre.get(f"/powers/cases/{old.pk}/")
    step = next(s for s in page.context["steps"] if s["name"] == "submit_review")
    with translation.override("zh-hans"):
        waiting = translation.gettext(
            "%(n)s objection raised during the posting has not been answered: answer it before the matter goes on."
        ) % {"n": 1}
    assert step["waiting"] == waiting
    services.objection_answer(actor=pw.users["cadre_a1"], objection=objection, answer="已核实")
    page = cadre.get(f"/powers/cases/{old.pk}/")
    step = next(s for s in page.context["steps"] if s["name"] == "submit_review")
    assert (
        step["waiting"] == ""
        and f'action="/casework/cases/{old.flow}/{old.pk}/steps/submit_review/"' in page.content.decode()
    )


def test_the_assessment_procedure_is_named_for_what_it_does(pw, login):
    """医疗救助 and 救灾补助 run the 低保 procedure: the list names it in its own context (调查评议公示程序), so a
    household applying for medical aid does not read that it goes through a 低保 assessment."""
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("zh-hans"):
        label = translation.pgettext("powers procedure", "Minimum living allowance assessment (低保评议)")
    villager = login(pw.users["villager_a1"])
    page = villager.get("/powers/").content.decode()
    medical = page.split(escape(str(pw.power("medical-aid").name)), 1)[1][:400]
    assert escape(label) in medical


def test_a_refusal_cannot_be_undone_so_the_page_and_the_api_ask_first(
    pw, login, api_token, client, django_capture_on_commit_callbacks
):
    from casework.models import CaseEvent
    from core.models import Notification

    case = pw.dibao()
    cadre = login(pw.users["cadre_a1"])
    page = cadre.get(f"/powers/cases/{case.pk}/").content.decode()
    confirm = str(DIBAO.transitions["village_reject"].confirm)
    assert f'data-confirm="{escape(confirm)}"' in page and 'name="village_reject-confirm"' in page
    url = f"/casework/cases/{case.flow}/{case.pk}/steps/village_reject/"
    events = CaseEvent.objects.count()
    response = cadre.post(url, {"village_reject-reason": "收入超过标准", "village_reject-version": case.version})
    assert response.status_code == 400
    refused = next(s["form"] for s in response.context["steps"] if s["name"] == "village_reject")
    assert list(refused.errors) == ["confirm"] and refused["reason"].value() == "收入超过标准"
    case.refresh_from_db()
    assert case.state == "applied" and CaseEvent.objects.count() == events
    token = api_token(pw.users["cadre_a1"])
    api = f"/api/casework/cases/{case.flow}/{case.pk}/steps/village_reject"
    r = client.post(api, {"reason": "收入超过标准"}, content_type="application/json", **token)
    assert r.status_code == 422 and "confirm" in r.json()["errors"] and CaseEvent.objects.count() == events
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(api, {"reason": "收入超过标准", "confirm": True}, content_type="application/json", **token)
    assert r.status_code == 200 and r.json()["state"] == "rejected" and r.json()["outcome"] == "收入超过标准"
    # the household hears the outcome from the declaration (notify=) of the step
    told = Notification.objects.filter(user=pw.users["villager_a1"], kind="powers", url=f"/powers/cases/{case.pk}/")
    assert told.count() == 1 and case.title in told.get().text


def test_a_number_out_of_range_is_refused_in_chinese(pw, login):
    case = pw.dibao()
    cadre = login(pw.users["cadre_a1"])
    url = f"/casework/cases/{case.flow}/{case.pk}/steps/survey/"
    with translation.override("zh-hans"):
        response = cadre.post(url, {"survey-visited_on": "2026-02-30", "survey-findings": "x" * 2001})
    assert response.status_code == 400
    errors = next(s["form"].errors for s in response.context["steps"] if s["name"] == "survey")
    assert set(errors) == {"visited_on", "findings"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(e)) for e in errors.values())
    case.refresh_from_db()
    assert case.state == "applied"
