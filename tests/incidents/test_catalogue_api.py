"""The county's catalogue, departments and triage rules through the API (/api/incidents/matters, /departments,
/rules): the same services as the catalogue pages; only the county administrator changes them."""

import pytest

from core.models import AuditEvent
from core.roles import Role
from incidents.models import Department, GridMatter, TriageRule
from regions.models import RegionLevel
from tests.factories import make_region, make_user

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def admin(iw, api_token):
    return api_token(iw.users["county_admin"])


@pytest.fixture
def outsider(iw, api_token):
    county = make_region("邻县", "510423", RegionLevel.COUNTY)
    return api_token(make_user("other_admin", Role.COUNTY_ADMIN, county))


def test_admit_change_retire_and_readmit_a_matter(iw, client, admin):
    body = {"code": "JT01", "name": "道路坑洼", "group": "基础设施", "responsible_id": iw.roads.pk}
    response = client.post("/api/incidents/matters", body, content_type=JSON, **admin)
    assert response.status_code == 201, response.content
    assert response.json()["responsible"] == {"id": iw.roads.pk, "name": "县交通运输局"}
    pk = response.json()["id"]
    change = {"name": "道路破损", "group": "基础设施", "assisting_ids": [iw.water.pk], "responsible_id": iw.roads.pk}
    response = client.put(f"/api/incidents/matters/{pk}", change, content_type=JSON, **admin)
    assert response.status_code == 200 and response.json()["assisting"] == [{"id": iw.water.pk, "name": "县水务局"}]
    response = client.post(f"/api/incidents/matters/{pk}/retire", {"reason": "并入"}, content_type=JSON, **admin)
    assert response.status_code == 200 and GridMatter.objects.get(pk=pk).retired_on is not None
    assert pk not in [m["id"] for m in client.get("/api/incidents/matters", **admin).json()]
    response = client.post(f"/api/incidents/matters/{pk}/readmit", **admin)
    assert response.status_code == 200 and GridMatter.objects.get(pk=pk).retired_on is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"incidents.matter.admit", "incidents.matter.update", "incidents.matter.retire"} <= actions


def test_matter_refusals_are_422_in_chinese(iw, client, admin):
    body = {"code": "HJ01", "name": "重复", "group": "环境卫生"}
    response = client.post("/api/incidents/matters", body, content_type=JSON, **admin)
    assert response.status_code == 422 and "编码" in response.json()["errors"]["code"][0]
    response = client.post(
        f"/api/incidents/matters/{iw.retired.pk}/retire", {"reason": "再退"}, content_type=JSON, **admin
    )
    assert response.status_code == 422 and "退出" in response.json()["detail"]
    response = client.post(f"/api/incidents/matters/{iw.litter.pk}/readmit", **admin)
    assert response.status_code == 422
    assert GridMatter.objects.filter(code="HJ01").count() == 1


def test_catalogue_writes_outside_the_county_or_by_others_are_404(iw, client, outsider, api_token):
    for headers in (outsider, api_token(iw.users["cadre_a1"])):
        body = {"county_id": iw.w.county.pk, "code": "X01", "name": "越界", "group": "其他"}
        assert client.post("/api/incidents/matters", body, content_type=JSON, **headers).status_code == 404
        url = f"/api/incidents/matters/{iw.litter.pk}"
        change = {"name": "改名", "group": "其他"}
        assert client.put(url, change, content_type=JSON, **headers).status_code == 404
        assert client.post(f"{url}/retire", {"reason": "x"}, content_type=JSON, **headers).status_code == 404
        assert client.post(f"/api/incidents/matters/{iw.retired.pk}/readmit", **headers).status_code == 404
        rule = TriageRule.objects.first()
        assert client.delete(f"/api/incidents/rules/{rule.pk}", **headers).status_code == 404
        change = {"name": "改名", "code": "JT"}
        assert (
            client.put(f"/api/incidents/departments/{iw.roads.pk}", change, content_type=JSON, **headers).status_code
            == 404
        )
    assert GridMatter.objects.get(pk=iw.litter.pk).name == "垃圾乱堆乱放" and TriageRule.objects.count() == 3
    assert not GridMatter.objects.filter(code="X01").exists()
    assert Department.objects.get(pk=iw.roads.pk).name == "县交通运输局"


def test_departments_and_rules(iw, client, admin):
    response = client.post(
        "/api/incidents/departments",
        {"name": "县农业农村局", "code": "NY", "member_ids": [iw.users["department"].pk]},
        content_type=JSON,
        **admin,
    )
    assert response.status_code == 201, response.content
    department = Department.objects.get(code="NY")
    assert list(department.members.all()) == [iw.users["department"]]
    response = client.post("/api/incidents/departments", {"name": "重复", "code": "NY"}, content_type=JSON, **admin)
    assert response.status_code == 422 and response.json()["errors"]["code"]
    response = client.put(
        f"/api/incidents/departments/{department.pk}", {"name": "县农业局", "code": "NY"}, content_type=JSON, **admin
    )
    assert response.status_code == 200 and response.json()["name"] == "县农业局"
    body = {"matter_id": iw.litter.pk, "level": "county", "department_id": department.pk, "days": 3}
    response = client.post("/api/incidents/rules", body, content_type=JSON, **admin)
    assert response.status_code == 201, response.content
    rule_id = response.json()["id"]
    response = client.post("/api/incidents/rules", body, content_type=JSON, **admin)
    assert response.status_code == 422 and "已" in response.json()["detail"]
    response = client.put(f"/api/incidents/rules/{rule_id}", {**body, "days": 99}, content_type=JSON, **admin)
    assert response.status_code == 422 and response.json()["errors"]["days"]
    response = client.put(f"/api/incidents/rules/{rule_id}", {**body, "days": 4}, content_type=JSON, **admin)
    assert response.status_code == 200 and response.json()["days"] == 4
    assert rule_id in [r["id"] for r in client.get("/api/incidents/rules", **admin).json()]
    assert client.delete(f"/api/incidents/rules/{rule_id}", **admin).status_code == 204
    assert not TriageRule.objects.filter(pk=rule_id).exists()
    assert AuditEvent.objects.filter(action="incidents.rule.delete").count() == 1
