"""The request pages and API by role: the villager's phone pages, the agent's queue (only their villages), the
counter, a refusal changing nothing, bad input answered with a message and never a 500."""

from io import BytesIO

import pytest

from doorstep import services
from doorstep.models import Consent, Material, ServiceRequest


def _jpeg(name="id.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _made(ds, world, actor="villager_a1", **kw):
    kw.setdefault("item", ds.pension)
    kw.setdefault("household", world.households["a1"])
    kw.setdefault("person", world.people["a1_head"])
    return services.request_make(actor=ds.users[actor], **kw)


@pytest.mark.parametrize(
    "who,url,status",
    [
        ("villager_a1", "/doorstep/", 200),
        ("villager_a1", "/doorstep/mine/", 200),
        ("villager_a1", "/doorstep/new/", 200),
        ("villager_a1", "/doorstep/queue/", 403),
        ("villager_a1", "/doorstep/revisits/", 403),
        ("volunteer", "/doorstep/queue/", 200),
        ("grid_a1", "/doorstep/queue/", 200),
        ("cadre_a1", "/doorstep/queue/", 200),
        ("cadre_a1", "/doorstep/revisits/?month=2026-13", 200),
        ("township_a", "/doorstep/", 200),
        ("department", "/doorstep/", 403),
    ],
)
def test_pages_by_role(ds, login, who, url, status):
    assert login(ds.users[who]).get(url).status_code == status


def test_villager_applies_with_a_photo(ds, world, login):
    client = login(ds.users["villager_a1"])
    url = f"/doorstep/new/?item={ds.pension.pk}"
    page = client.get(url)
    assert "王建国".encode() in page.content and "李秀英".encode() not in page.content  # own household only
    form = client.get(f"{url}&person={world.people['a1_head'].pk}")
    assert form.status_code == 200 and b'name="m0"' in form.content and b'name="consent"' not in form.content
    response = client.post(
        "/doorstep/new/",
        {"item": ds.pension.pk, "person": world.people["a1_head"].pk, "m0": "on", "f0": [_jpeg()]},
    )
    case = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    material = Material.objects.get(group=case.group)
    assert material.provided and material.file
    assert client.get(f"{case.get_absolute_url()}materials/{material.pk}/").status_code == 200
    # the material is not shown to a cadre of another village
    other = login(ds.users["cadre_b1"])
    assert other.get(f"{case.get_absolute_url()}materials/{material.pk}/").status_code == 404
    assert other.get(case.get_absolute_url()).status_code == 404


def test_a_text_file_as_a_material_is_refused_and_nothing_written(ds, world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(ds.users["villager_a1"])
    bad = SimpleUploadedFile("id.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(
        "/doorstep/new/", {"item": ds.pension.pk, "person": world.people["a1_head"].pk, "m0": "on", "f0": [bad]}
    )
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0 and Material.objects.count() == 0


def test_person_of_another_household_is_not_offered(ds, world, login):
    client = login(ds.users["villager_a1"])
    response = client.get(f"/doorstep/new/?item={ds.pension.pk}&person={world.people['a1b_head'].pk}")
    assert response.status_code == 200 and "李秀英".encode() not in response.content
    client.post("/doorstep/new/", {"item": ds.pension.pk, "person": world.people["a1b_head"].pk, "m0": "on"})
    assert ServiceRequest.objects.count() == 0


def test_agent_queue_only_their_villages(ds, world, login):
    in_a1 = _made(ds, world)
    in_b1 = _made(
        ds,
        world,
        actor="cadre_b1",
        household=world.households["b1"],
        person=world.people["b1_head"],
        consent=Consent.SIGNED,
    )
    grid = login(ds.users["grid_a1"]).get("/doorstep/queue/").content.decode()
    assert in_a1.number in grid and in_b1.number not in grid
    assert login(ds.users["grid_a1"]).get(in_b1.get_absolute_url()).status_code == 404


def test_agent_searches_a_resident_and_files_on_behalf(ds, world, login):
    client = login(ds.users["volunteer"])
    found = client.get(f"/doorstep/new/?item={ds.pension.pk}&q=李").content.decode()
    assert "李秀英" in found and "陈志强" not in found
    form = client.get(f"/doorstep/new/?item={ds.pension.pk}&person={world.people['a1b_head'].pk}")
    assert b'name="consent"' in form.content
    refused = client.post("/doorstep/new/", {"item": ds.pension.pk, "person": world.people["a1b_head"].pk})
    assert refused.status_code == 400 and ServiceRequest.objects.count() == 0
    client.post(
        "/doorstep/new/",
        {"item": ds.pension.pk, "person": world.people["a1b_head"].pk, "consent": Consent.IN_PERSON, "m0": "on"},
    )
    case = ServiceRequest.objects.get()
    assert case.on_behalf and case.recorded_by == ds.users["volunteer"] and case.agent == ds.volunteer


def test_bundle_page_opens_each_item(ds, world, login):
    client = login(ds.users["cadre_a1"])
    response = client.post(
        "/doorstep/new/",
        {"bundle": ds.newborn.pk, "person": world.people["a1_wife"].pk, "consent": Consent.SIGNED, "m0": "on"},
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.filter(bundle=ds.newborn).count() == 2


def test_api_make_list_and_step(ds, world, client, api_token):
    headers = api_token(ds.users["villager_a1"])
    made = client.post(
        "/api/doorstep/requests",
        {"item": ds.pension.pk, "person": world.people["a1_head"].pk, "provided": ["身份证"], "material_0": [_jpeg()]},
        **headers,
    )
    assert made.status_code == 201, made.content
    case = ServiceRequest.objects.get()
    lists = client.get("/api/doorstep/requests", **headers).json()
    assert [r["number"] for r in lists["mine"]] == [case.number] and lists["to_handle"] == []
    agent = api_token(ds.users["volunteer"])
    assert (
        client.post(
            f"/api/casework/cases/doorstep/{case.pk}/steps/take", {}, content_type="application/json", **agent
        ).status_code
        == 200
    )
    detail = client.get(f"/api/casework/cases/doorstep/{case.pk}", **headers).json()
    assert detail["state"] == "handling" and detail["materials"][0]["provided"] is True


def test_api_bad_input_never_500(ds, world, client, api_token):
    headers = api_token(ds.users["villager_a1"])
    for data in (
        {"item": 999999, "person": world.people["a1_head"].pk},
        {"item": ds.pension.pk, "person": 999999},
        {"item": ds.pension.pk, "person": world.people["a1_head"].pk, "provided": ["户口本原件"]},
        {"item": ds.homestead.pk, "person": world.people["a1_head"].pk},
        {"item": "x", "person": "y"},
    ):
        response = client.post("/api/doorstep/requests", data, **headers)
        assert response.status_code in (400, 404, 422), (data, response.status_code)
    assert ServiceRequest.objects.count() == 0


def test_api_bundle_and_people(ds, world, client, api_token):
    headers = api_token(ds.users["cadre_a1"])
    people = client.get("/api/doorstep/people?q=刘", **headers).json()
    assert [p["name"] for p in people] == ["刘桂兰"]
    made = client.post(
        f"/api/doorstep/bundles/{ds.newborn.pk}/requests",
        {"person": world.people["a1_wife"].pk, "consent": Consent.SIGNED},
        **headers,
    )
    assert made.status_code == 201 and len(made.json()) == 2


def test_the_receipt_and_the_notice_of_missing_materials(ds, world, login):
    case = _made(ds, world, materials={"provided": ["身份证"]})
    villager = login(ds.users["villager_a1"])
    receipt = villager.get(f"/doorstep/{case.pk}/receipt/")
    assert receipt.status_code == 200 and case.number.encode() in receipt.content
    services.request_step(
        actor=ds.users["volunteer"], case=case, step="ask_materials", data={"missing": "户口簿原件和复印件各一份"}
    )
    notice = villager.get(f"/doorstep/{case.pk}/receipt/").content.decode()
    assert "户口簿原件和复印件各一份" in notice and "一次性告知书" in notice
    assert login(ds.users["cadre_b1"]).get(f"/doorstep/{case.pk}/receipt/").status_code == 404


def test_items_done_elsewhere_are_said_before_anything_is_typed(ds, world, login):
    ds.newborn.items.add(ds.homestead)  # 宅基地审批: not on the phone, not through an agent
    villager = login(ds.users["villager_a1"]).get(f"/doorstep/new/?bundle={ds.newborn.pk}").content.decode()
    assert 'id="refused"' in villager and "农村宅基地和建房（规划许可）审批" in villager and 'name="m0"' not in villager
    agent = login(ds.users["volunteer"]).get(
        f"/doorstep/new/?bundle={ds.newborn.pk}&person={world.people['a1b_head'].pk}"
    )
    assert b'id="refused"' in agent.content
    counter = login(ds.users["cadre_a1"]).get(
        f"/doorstep/new/?bundle={ds.newborn.pk}&person={world.people['a1b_head'].pk}"
    )
    assert b'id="refused"' not in counter.content and b'name="m0"' in counter.content


def test_the_household_link_only_for_those_who_read_the_registry(ds, world, login):
    case = _made(ds, world)
    url = f"/registry/households/{world.households['a1'].pk}/"
    assert url.encode() in login(ds.users["cadre_a1"]).get(case.get_absolute_url()).content
    assert url.encode() not in login(ds.users["volunteer"]).get(case.get_absolute_url()).content
