"""Mediation through HTTP: pages and API as anonymous, the parties, a mediator of another committee and the right
mediator; a denial changes nothing and a dispute never leaks; bad input answers a Chinese message, never a 500."""

from __future__ import annotations

from datetime import date

import pytest

from casework.models import CaseEvent
from core.models import AuditEvent
from mediation.models import Body, Dispute, Mediator
from tests.mediation.conftest import record

pytestmark = pytest.mark.django_db
STEPS = "/api/casework/cases/mediation"


def _snapshot():
    return (
        list(Dispute.objects.values_list("pk", "state", "version", "risk")),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action="mediation.dispute.read").count(),
    )


def test_pages_for_each_person(client, login, world, med):
    case = record(world, med)
    url = f"/mediation/{case.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for name in ("grid_a1", "cadre_a1", "township_a", "outsider", "county_official", "villager_a1"):
        response = login(med.users[name]).get(url)
        assert response.status_code == 404, name
        assert case.title not in response.content.decode()
    page = login(med.users["mediator"]).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert case.title in body and "受理" in body and "王建国" in body
    home = login(med.users["mediator"]).get("/mediation/").content.decode()
    assert case.number in home and case.title in home
    # the grid worker who recorded it sees its number and state on the list, not its contents
    home = login(med.users["grid_a1"]).get("/mediation/").content.decode()
    assert case.number in home and case.title not in home and "待受理" in home


def test_a_step_from_the_page_and_a_refusal_that_changes_nothing(client, login, world, med):
    case = record(world, med)
    other = login(med.users["outsider"])
    before = _snapshot()
    response = other.post(f"/casework/cases/mediation/{case.pk}/steps/accept/", {"accept-version": case.version})
    assert response.status_code == 404 and _snapshot() == before
    lead = login(med.users["mediator"])
    response = lead.post(f"/casework/cases/mediation/{case.pk}/steps/accept/", {"accept-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"
    # decline is irreversible: without the confirmation nothing is written
    record2 = record(world, med, title="另一纠纷")
    before = _snapshot()
    response = lead.post(
        f"/casework/cases/mediation/{record2.pk}/steps/decline/",
        {"decline-version": record2.version, "decline-reason": "不属于人民调解范围"},
    )
    assert response.status_code == 400 and _snapshot() == before


def test_recording_from_the_page(client, login, world, med):
    grid = login(med.users["grid_a1"])
    page = grid.get("/mediation/new/")
    assert page.status_code == 200 and "登记纠纷" in page.content.decode()
    data = {
        "village": world.village_a1.pk,
        "title": "鸡鸭损坏庄稼",
        "kind": "neighbours",
        "facts": "邻居鸡鸭进地啄食。",
        "source": "screening",
        "body": med.township_body.pk,
        "party_0_role": "applicant",
        "party_0_name": "王建国",
        "party_1_role": "respondent",
        "party_1_name": "",
    }
    response = grid.post("/mediation/new/", data)
    assert response.status_code == 400 and "申请人和被申请人" in response.content.decode()
    assert not Dispute.objects.exists()
    response = grid.post("/mediation/new/", {**data, "amount": "abc", "party_1_name": "李秀英"})
    assert response.status_code == 400 and not Dispute.objects.exists()
    response = grid.post("/mediation/new/", {**data, "party_1_name": "李秀英", "title": "x" * 101})
    assert response.status_code == 400 and not Dispute.objects.exists()
    response = grid.post("/mediation/new/", {**data, "party_1_name": "李秀英"})
    assert response.status_code == 302 and response["Location"] == "/mediation/"
    case = Dispute.objects.get()
    assert case.body == med.township_body and case.parties.count() == 2 and case.source == "screening"


def test_a_villager_applies_on_the_phone(client, login, world, med):
    villager = login(med.users["villager_a1"])
    page = villager.get("/mediation/new/").content.decode()
    assert "申请调解" in page and "referral_body" not in page
    response = villager.post(
        "/mediation/new/",
        {
            "village": world.village_a1.pk,
            "title": "果园被毁",
            "kind": "neighbours",
            "facts": "邻居修路压坏果树。",
            "party_0_role": "applicant",
            "party_0_name": "王建国",
            "party_1_role": "respondent",
            "party_1_name": "李秀英",
        },
    )
    case = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mediation/{case.pk}/"
    assert case.source == "application" and case.body == med.village_body
    assert "果园被毁" in villager.get(f"/mediation/{case.pk}/").content.decode()


def test_from_a_grid_incident_nothing_is_typed_again(client, login, world, med):
    incident = _incident(world)
    cadre = login(med.users["cadre_a1"])
    assert f"/mediation/new/?incident={incident.pk}" in cadre.get(f"/incidents/{incident.pk}/").content.decode()
    page = cadre.get(f"/mediation/new/?incident={incident.pk}").content.decode()
    assert incident.description in page and f'name="incident" value="{incident.pk}"' in page
    response = cadre.post(
        "/mediation/new/",
        {
            "incident": incident.pk,
            "village": world.village_a1.pk,
            "title": "排水沟纠纷",
            "kind": "neighbours",
            "facts": incident.description,
            "source": "walk_in",
            "party_0_role": "applicant",
            "party_0_name": "王建国",
            "party_1_role": "respondent",
            "party_1_name": "李秀英",
        },
    )
    assert response.status_code == 302
    case = Dispute.objects.get()
    assert case.incident == incident and case.source == "incident" and case.body == med.village_body
    # the cadre leads the village committee: the dispute's page links the incident and its timeline
    assert f"/incidents/{incident.pk}/" in cadre.get(f"/mediation/{case.pk}/").content.decode()
    # an incident the person may not see is not found
    assert login(med.users["cadre_b1"]).get(f"/mediation/new/?incident={incident.pk}").status_code == 404


def _incident(world):
    from incidents import services as incident_services
    from incidents.models import GridMatter
    from incidents.plug import _set_up_county

    _set_up_county(world.county)
    matter = GridMatter.objects.filter(county=world.county).first()
    incident, _created = incident_services.incident_report(
        actor=world.users["grid_a1"],
        village=world.village_a1,
        grid=world.grid_a1,
        matter=matter,
        description="两户因排水沟发生争吵，需要调解。",
    )
    return incident


def test_the_agreement_prints_one_copy_per_party_and_one_for_the_file(client, login, world, med):
    from tests.mediation.test_procedure import _to_mediating, step

    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    today = date.today().isoformat()
    step(full, case, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
    url = f"/mediation/{case.pk}/agreement/"
    assert login(full).get(url).status_code == 404  # no agreement yet
    step(full, case, "draft", form="written", agreed_facts="院墙越界", terms="李秀英于30日内拆除越界院墙。")
    body = login(full).get(url).content.decode()
    assert body.count("人民调解协议书</h1>") == 3 and "李秀英于30日内拆除越界院墙。" in body
    assert "一式 3 份" in body and "按指印" in body
    assert login(med.users["outsider"]).get(url).status_code == 404


def test_the_api(client, world, med, api_token):
    grid = api_token(med.users["grid_a1"])
    payload = {
        "village": world.village_a1.pk,
        "title": "宅基地纠纷",
        "kind": "homestead",
        "facts": "院墙越界。",
        "source": "court",
        "body": med.township_body.pk,
        "parties": [{"role": "applicant", "name": "王建国"}, {"role": "respondent", "name": "李秀英"}],
    }
    response = client.post("/api/mediation/disputes", payload, content_type="application/json", **grid)
    assert response.status_code == 422 and "referral_body" in str(response.json())
    assert not Dispute.objects.exists()
    payload |= {"referral_body": "米易县人民法院", "referral_number": "(2026)川0421民诉前调1号"}
    response = client.post("/api/mediation/disputes", payload, content_type="application/json", **grid)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    # the grid worker cannot read it; the lead mediator can, with its parties
    assert client.get(f"{STEPS}/{case_id}", **grid).status_code == 404
    lead = api_token(med.users["mediator"])
    detail = client.get(f"{STEPS}/{case_id}", **lead).json()
    assert detail["referral_number"].startswith("(2026)") and len(detail["parties"]) == 2
    response = client.post(
        f"{STEPS}/{case_id}/steps/decline", {"reason": "不属于受理范围"}, content_type="application/json", **lead
    )
    assert response.status_code == 422 and "confirm" in str(response.json())
    response = client.post(f"{STEPS}/{case_id}/steps/accept", {}, content_type="application/json", **lead)
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    lists = client.get("/api/mediation/disputes", **lead).json()
    assert [r["id"] for r in lists["queue"]] == [case_id]
    assert client.get("/api/mediation/disputes", **grid).json() == {"queue": [], "risk_board": [], "mine": []}


def test_bodies_and_the_pool(client, login, world, med, api_token):
    admin = login(med.users["county_admin"])
    page = admin.get("/mediation/bodies/").content.decode()
    assert "甲镇矛盾纠纷多元化解中心" in page
    response = admin.post(
        "/mediation/bodies/", {"region": world.township_b.pk, "kind": "township", "name": "乙镇矛盾纠纷多元化解中心"}
    )
    assert response.status_code == 302
    created = Body.objects.get(name="乙镇矛盾纠纷多元化解中心")
    # a village committee at a township is refused with the reason
    response = admin.post("/mediation/bodies/", {"region": world.township_b.pk, "kind": "village", "name": "错"})
    assert response.status_code == 400 and "村" in response.content.decode()
    response = admin.post(
        f"/mediation/bodies/{created.pk}/",
        {"form": "mediator", "m-name": "新调解员", "m-title": "member", "m-phone": "123"},
    )
    assert response.status_code == 400 and not Mediator.objects.filter(name="新调解员").exists()
    response = admin.post(
        f"/mediation/bodies/{created.pk}/",
        {"form": "mediator", "m-name": "新调解员", "m-title": "member", "m-available": "on", "m-active": "on"},
    )
    assert response.status_code == 302 and Mediator.objects.filter(name="新调解员", body=created).exists()
    # a village cadre reads who mediates but changes nothing
    cadre = login(med.users["cadre_a1"])
    assert cadre.get(f"/mediation/bodies/{created.pk}/").status_code == 200
    assert cadre.post(f"/mediation/bodies/{created.pk}/", {"form": "body", "b-name": "改名"}).status_code == 403
    token = api_token(med.users["county_admin"])
    rows = client.get("/api/mediation/bodies", **token).json()
    assert {r["name"] for r in rows} >= {"甲镇矛盾纠纷多元化解中心", "乙镇矛盾纠纷多元化解中心"}
    response = client.post(
        f"/api/mediation/bodies/{created.pk}/mediators",
        {"name": "专家乙", "title": "expert", "expertise": "医疗"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 201 and response.json()["title_label"] == "咨询专家"


def test_statistics_count_from_the_records_and_show_no_dispute(client, login, world, med, api_token):
    from tests.mediation.test_procedure import _to_mediating, step

    today = date.today().isoformat()
    done = _to_mediating(world, med)
    full = med.users["fulltime"]
    step(full, done, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
    step(full, done, "draft", form="oral", agreed_facts="事实", terms="互相道歉")
    step(full, done, "seal", sealed_on=today)
    failed = _to_mediating(world, med)
    step(full, failed, "fail", reason="分歧过大", advice="litigation")
    record(world, med, title="刚登记")
    # the township official (a supervisor) sees figures, never a dispute
    official = login(med.users["township_a"])
    page = official.get("/mediation/statistics/?by=kind").content.decode()
    assert "50.0%" in page and "宅基地" in page and done.title not in page
    token = api_token(med.users["township_a"])
    body = client.get("/api/mediation/statistics?by=source", **token).json()
    assert body["total"]["counts"]["received"] == 3 and body["total"]["rates"]["resolution"] == 50.0
    assert body["total"]["counts"]["agreements"] == 1 and body["total"]["counts"]["open"] == 1
    xlsx = official.get("/mediation/statistics/?by=mediator&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # a wrong period or grouping falls back; an ordinary mediator and a villager see no statistics
    assert official.get("/mediation/statistics/?start=2026-13-45&by=nope").status_code == 200
    assert login(med.users["fulltime"]).get("/mediation/statistics/").status_code == 403
    assert login(med.users["villager_a1"]).get("/mediation/statistics/").status_code == 403
    # another township's official counts nothing of township A's village
    from core.roles import Role
    from tests.factories import make_user

    other = api_token(make_user("township_b", Role.TOWNSHIP_OFFICIAL, world.township_b))
    assert client.get("/api/mediation/statistics", **other).json()["total"]["counts"]["received"] == 0


def test_per_case_subsidies_are_computed_never_typed(client, login, world, med, api_token):
    from tests.mediation.test_procedure import _to_mediating, step

    admin = login(med.users["county_admin"])
    # a negative amount is refused with the reason and nothing is stored
    response = admin.post("/mediation/subsidies/", {"kind": "", "difficulty": "ordinary", "amount": "-5"})
    assert response.status_code == 400 and "不能为负" in response.content.decode()
    assert (
        admin.post("/mediation/subsidies/", {"kind": "", "difficulty": "ordinary", "amount": "200"}).status_code == 302
    )
    assert (
        admin.post(
            "/mediation/subsidies/", {"kind": "homestead", "difficulty": "complex", "amount": "500.01"}
        ).status_code
        == 302
    )
    today = date.today().isoformat()
    for difficulty in ("complex", "ordinary", "major"):
        case = _to_mediating(world, med)
        full = med.users["fulltime"]
        if difficulty == "ordinary":  # two mediators share it
            case.mediators.add(med.lead)
        step(full, case, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
        step(full, case, "draft", form="oral", agreed_facts="事实", terms="互相道歉")
        step(full, case, "seal", sealed_on=today)
        step(full, case, "follow_up", performance="full", visited_on=today)
        step(full, case, "archive", difficulty=difficulty)
    token = api_token(med.users["county_admin"])
    body = client.get(f"/api/mediation/subsidies?month={date.today():%Y-%m}", **token).json()
    lines = {line["mediator"]: line for line in body["lines"]}
    # homestead/complex 500.01 to 专职甲 alone; any/ordinary 200 shared 100 + 100; the major case has no rate
    assert lines["专职甲"]["total"] == "600.01" and lines["调解员"]["total"] == "100.00"
    assert body["total"] == "700.01" and len(body["unrated"]) == 1
    page = admin.get("/mediation/subsidies/").content.decode()
    assert "600.01" in page and "王李两家" not in page  # numbers and amounts, never a dispute's contents
    assert admin.get("/mediation/subsidies/?format=xlsx").content[:2] == b"PK"
    assert login(med.users["villager_a1"]).get("/mediation/subsidies/").status_code == 403
    assert (
        login(med.users["cadre_b1"]).post("/mediation/subsidies/", {"difficulty": "simple", "amount": "1"}).status_code
        == 403
    )


def test_the_agreement_as_pdf_and_docx_and_the_kept_case_file(client, login, world, med, settings, tmp_path):
    import io

    from docx import Document

    from tests.mediation.test_procedure import _to_mediating, step

    settings.MEDIA_ROOT = tmp_path
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    today = date.today().isoformat()
    step(full, case, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
    step(full, case, "draft", form="written", agreed_facts="院墙越界", terms="李秀英于30日内拆除越界院墙。")
    page = login(full)
    pdf = page.get(f"/mediation/{case.pk}/agreement/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    docx = page.get(f"/mediation/{case.pk}/agreement/?format=docx")
    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "李秀英于30日内拆除越界院墙。" in text and "王建国" in text
    assert login(med.users["outsider"]).get(f"/mediation/{case.pk}/agreement/?format=docx").status_code == 404
    assert login(full).get(f"/mediation/{case.pk}/file.pdf").status_code == 404  # not archived yet
    for p in case.parties.all():
        step(full, case, "sign", party=str(p.pk), signed_on=today)
    step(full, case, "seal", sealed_on=today)
    step(full, case, "follow_up", performance="full", visited_on=today)
    step(full, case, "archive", difficulty="ordinary", file_number="2026-甲调-009")
    case.refresh_from_db()
    assert case.case_file and case.file_number == "2026-甲调-009"
    kept = login(full).get(f"/mediation/{case.pk}/file.pdf")
    assert kept.status_code == 200 and b"".join(kept.streaming_content).startswith(b"%PDF")
    assert login(med.users["township_a"]).get(f"/mediation/{case.pk}/file.pdf").status_code == 404


def test_a_county_adds_a_type_of_dispute(client, login, world, med, api_token):
    from mediation.models import LocalKind

    admin = login(med.users["county_admin"])
    for bad in (
        {"k-code": "land", "k-name": "土地"},
        {"k-code": "草场", "k-name": "草场纠纷"},
        {"k-code": "x", "k-name": ""},
    ):
        response = admin.post("/mediation/bodies/", {"form": "kind", "k-active": "on", **bad})
        assert response.status_code == 400
    assert not LocalKind.objects.exists()
    response = admin.post(
        "/mediation/bodies/", {"form": "kind", "k-code": "grassland", "k-name": "草场纠纷", "k-active": "on"}
    )
    assert response.status_code == 302
    # a village cadre may not add one
    assert (
        login(med.users["cadre_a1"])
        .post("/mediation/bodies/", {"form": "kind", "k-code": "a", "k-name": "甲"})
        .status_code
        == 403
    )
    case = record(world, med, kind="grassland")
    page = login(med.users["mediator"]).get(f"/mediation/{case.pk}/").content.decode()
    assert "草场纠纷" in page
    stats = login(med.users["township_a"]).get("/mediation/statistics/").content.decode()
    assert "草场纠纷" in stats
    types = client.get("/api/mediation/dispute-types", **api_token(med.users["grid_a1"])).json()
    assert {"code": "grassland", "name": "草场纠纷", "active": True} in types
    # retired: no longer offered, the disputes recorded keep their type
    token = api_token(med.users["county_admin"])
    response = client.put(
        "/api/mediation/dispute-types",
        {"code": "grassland", "name": "草场纠纷", "active": False},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 200 and response.json()["active"] is False
    with pytest.raises(Exception) as exc:
        record(world, med, kind="grassland")
    assert "kind" in exc.value.message_dict
    assert Dispute.objects.get(pk=case.pk).get_kind_display() == "草场纠纷"


def test_the_record_form_takes_the_facts_a_visit_found(client, login, world, med):
    page = login(med.users["grid_a1"]).get(
        "/mediation/new/", {"facts": "入户发现宅基地界址纠纷", "village": world.village_a1.pk}
    )
    assert page.status_code == 200
    assert page.context["form"]["facts"].value() == "入户发现宅基地界址纠纷"
