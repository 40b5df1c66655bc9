"""The county's catalogue, departments and triage rules pages through HTTP, per role."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import AuditEvent
from incidents.models import Department, GridMatter, Level, Severity, TriageRule

pytestmark = pytest.mark.django_db


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


# -- reading ------------------------------------------------------------------------------------------------


def test_everyone_working_in_the_county_reads_the_catalogue(iw, login, client):
    assert client.get(reverse("incidents:matter_list")).status_code == 302  # sign in first
    for name in ("county_admin", "cadre_b1", "grid_a1", "township_a", "department"):
        page = login(iw.users[name]).get(reverse("incidents:matter_list"))
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "垃圾乱堆乱放" in html and "河道污染" in html and "县生态环境局" in html and "县水务局" in html
        assert "已退出事项" not in html  # current matters by default
        assert (reverse("incidents:matter_create") in html) == (name == "county_admin")


def test_catalogue_filters_by_status_group_and_text(iw, login):
    client = login(iw.users["cadre_a1"])
    retired = client.get(reverse("incidents:matter_list") + "?status=retired").content.decode()
    assert "已退出事项" in retired and "并入其他事项" in retired and "垃圾乱堆乱放" not in retired
    every = client.get(reverse("incidents:matter_list") + "?status=all").content.decode()
    assert "已退出事项" in every and "垃圾乱堆乱放" in every
    group = client.get(reverse("incidents:matter_list") + "?group=矛盾纠纷").content.decode()
    assert "邻里纠纷" in group and "河道污染" not in group
    text = client.get(reverse("incidents:matter_list") + "?q=河道").content.decode()
    assert "河道污染" in text and "邻里纠纷" not in text


def test_department_and_rule_lists_are_readable(iw, login):
    client = login(iw.users["township_a"])
    departments = client.get(reverse("incidents:department_list")).content.decode()
    assert "县交通运输局" in departments and "department" in departments  # members shown to incident staff
    assert reverse("incidents:department_create") not in departments
    rules = client.get(reverse("incidents:rule_list")).content.decode()
    assert "默认：小事不出村" in rules and "河道污染" in rules
    assert reverse("incidents:rule_create") not in rules
    villager = login(iw.users["villager_a1"]).get(reverse("incidents:department_list")).content.decode()
    assert "县交通运输局" in villager and ">department<" not in villager  # no member names for villagers


# -- changing: only the county administrator ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["county_official", "township_a", "cadre_a1", "grid_a1", "department"])
def test_others_cannot_change_the_catalogue(iw, login, name):
    client = login(iw.users[name])
    rule = TriageRule.objects.get(matter=iw.dispute)
    for url in (
        reverse("incidents:matter_create"),
        reverse("incidents:matter_edit", args=[iw.litter.pk]),
        reverse("incidents:matter_retire", args=[iw.litter.pk]),
        reverse("incidents:matter_readmit", args=[iw.retired.pk]),
        reverse("incidents:department_create"),
        reverse("incidents:department_edit", args=[iw.roads.pk]),
        reverse("incidents:rule_create"),
        reverse("incidents:rule_edit", args=[rule.pk]),
        reverse("incidents:rule_delete", args=[rule.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(
            url, {"reason": "x", "name": "x", "code": "X", "level": "village", "days": 1}
        ).status_code in (
            403,
            404,
        ), url
    assert TriageRule.objects.count() == 3
    assert GridMatter.objects.filter(retired_on__isnull=True, unsorted=False).count() == 3


def test_admit_edit_retire_and_readmit_a_matter(iw, login):
    client = login(iw.users["county_admin"])
    assert client.get(reverse("incidents:matter_create")).status_code == 200
    response = client.post(
        reverse("incidents:matter_create"),
        {
            "code": "AQ01",
            "name": "消防通道堵塞",
            "group": "安全隐患",
            "description": "楼道、村道堆放杂物",
            "responsible": iw.roads.pk,
            "assisting": [iw.water.pk],
        },
    )
    assert response.status_code == 302
    matter = GridMatter.objects.get(code="AQ01")
    assert matter.responsible == iw.roads and list(matter.assisting.all()) == [iw.water]
    assert matter.admitted_by == iw.users["county_admin"]
    edit = reverse("incidents:matter_edit", args=[matter.pk])
    assert "消防通道堵塞" in client.get(edit).content.decode()
    client.post(edit, {"name": "消防通道堵塞占用", "group": "安全隐患", "responsible": "", "assisting": []})
    matter.refresh_from_db()
    assert matter.name == "消防通道堵塞占用" and matter.responsible is None and not matter.assisting.exists()
    assert matter.code == "AQ01"  # the code is not changed by the edit form

    retire = reverse("incidents:matter_retire", args=[matter.pk])
    assert client.get(retire).status_code == 200
    empty = client.post(retire, {"reason": ""})
    assert empty.status_code == 200 and _errors(empty, "reason")
    matter.refresh_from_db()
    assert matter.is_current
    assert client.post(retire, {"reason": "划归消防部门"}).status_code == 302
    matter.refresh_from_db()
    assert not matter.is_current and matter.retire_reason == "划归消防部门"

    readmit = reverse("incidents:matter_readmit", args=[matter.pk])
    assert "划归消防部门" in client.get(readmit).content.decode()
    assert client.post(readmit).status_code == 302
    matter.refresh_from_db()
    assert matter.is_current


def test_bad_matter_input_is_shown_on_the_form_and_nothing_is_written(iw, login):
    client = login(iw.users["county_admin"])
    before = GridMatter.objects.count(), AuditEvent.objects.count()
    with override("zh-hans"):
        duplicate = client.post(
            reverse("incidents:matter_create"), {"code": "HJ01", "name": "重复的事项", "group": "环境卫生"}
        )
        assert duplicate.status_code == 200
        assert _("The catalogue already has a matter with this code.") in _errors(duplicate, "code")
        assert "重复的事项" in duplicate.content.decode()  # what was typed is kept
        overlap = client.post(
            reverse("incidents:matter_create"),
            {
                "code": "HJ09",
                "name": "水体污染",
                "group": "环境卫生",
                "responsible": iw.water.pk,
                "assisting": [iw.water.pk],
            },
        )
        assert _("The responsible body cannot also be an assisting body.") in _errors(overlap, "assisting")
    assert (GridMatter.objects.count(), AuditEvent.objects.count()) == before


def test_department_form_offers_department_staff_and_refuses_a_duplicate_code(iw, login):
    client = login(iw.users["county_admin"])
    page = client.get(reverse("incidents:department_create"))
    members = page.context["form"].fields["members"].queryset
    assert list(members) == [iw.users["department"]]  # holders of the department staff role in the county
    with override("zh-hans"):
        duplicate = client.post(
            reverse("incidents:department_create"), {"name": "另一个局", "code": "JT", "is_active": "on"}
        )
        assert _("Another department has this code.") in _errors(duplicate, "code")
    assert Department.objects.count() == 3
    not_staff = client.post(
        reverse("incidents:department_create"),
        {"name": "县应急管理局", "code": "YJ", "members": [iw.users["cadre_a1"].pk]},
    )
    assert not_staff.status_code == 200 and _errors(not_staff, "members")
    assert not Department.objects.filter(code="YJ").exists()
    created = client.post(
        reverse("incidents:department_create"),
        {
            "name": "县应急管理局",
            "code": "YJ",
            "phone": "0812-110",
            "is_active": "on",
            "members": [iw.users["department"].pk],
        },
    )
    assert created.status_code == 302
    department = Department.objects.get(code="YJ")
    assert department.is_active and list(department.members.all()) == [iw.users["department"]]
    edit = reverse("incidents:department_edit", args=[department.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"name": "县应急管理局", "code": "YJ", "phone": ""})
    department.refresh_from_db()
    assert not department.is_active and not department.members.exists()


def test_rules_are_added_changed_and_deleted(iw, login):
    client = login(iw.users["county_admin"])
    assert client.get(reverse("incidents:rule_create")).status_code == 200
    response = client.post(
        reverse("incidents:rule_create"),
        {
            "matter": iw.litter.pk,
            "severity": Severity.URGENT,
            "level": Level.COUNTY,
            "department": iw.roads.pk,
            "days": 3,
        },
    )
    assert response.status_code == 302
    rule = TriageRule.objects.get(matter=iw.litter)
    assert (rule.level, rule.department, rule.days) == (Level.COUNTY, iw.roads, 3)
    edit = reverse("incidents:rule_edit", args=[rule.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit, {"matter": iw.litter.pk, "severity": Severity.URGENT, "level": Level.TOWNSHIP, "days": 2, "note": "急"}
    )
    rule.refresh_from_db()
    assert (rule.level, rule.department, rule.days, rule.note) == (Level.TOWNSHIP, None, 2, "急")
    delete = reverse("incidents:rule_delete", args=[rule.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not TriageRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"matter": "dispute", "severity": Severity.URGENT, "level": Level.VILLAGE, "days": 3},
            None,
            "A rule for this matter and severity already exists; change that one.",
        ),
        (
            {"matter": "litter", "level": Level.VILLAGE, "department": "roads", "days": 3},
            "department",
            "A department is named only for county-level handling.",
        ),
        (
            {"matter": "litter", "level": Level.VILLAGE, "days": 0},
            "days",
            "Give a whole number of working days from 1 to 60.",
        ),
        (
            {"matter": "litter", "level": Level.VILLAGE, "days": 61},
            "days",
            "Give a whole number of working days from 1 to 60.",
        ),
    ],
)
def test_bad_rules_are_shown_on_the_form_and_nothing_is_written(iw, login, data, field, message):
    client = login(iw.users["county_admin"])
    data = {k: (getattr(iw, v).pk if k in ("matter", "department") else v) for k, v in data.items()}
    before = AuditEvent.objects.count()
    with override("zh-hans"):
        response = client.post(reverse("incidents:rule_create"), data)
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors() if field is None else _errors(response, field)
        assert _(message) in errors
    assert TriageRule.objects.count() == 3 and AuditEvent.objects.count() == before


def test_try_it_shows_the_decision_without_writing(iw, login):
    client = login(iw.users["cadre_a1"])
    before = TriageRule.objects.count(), AuditEvent.objects.count()
    url = reverse("incidents:rule_list")
    full = client.get(url, {"try-matter": iw.pollution.pk, "try-severity": Severity.GENERAL})
    decision = full.context["decision"]
    assert decision["level"] == Level.COUNTY and decision["department"] == iw.environment and decision["days"] == 5
    assert "县生态环境局" in full.content.decode()
    partial = client.get(url, {"try-matter": iw.dispute.pk, "try-severity": Severity.URGENT}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="try-result"') and "<html" not in html
    assert partial.context["decision"]["level"] == Level.TOWNSHIP and partial.context["decision"]["days"] == 2
    # a retired matter or another county's matter cannot be tried
    assert client.get(url, {"try-matter": iw.retired.pk, "try-severity": Severity.GENERAL}).context["decision"] is None
    assert (TriageRule.objects.count(), AuditEvent.objects.count()) == before


def test_effective_table_lists_every_current_matter_by_severity(iw, login):
    response = login(iw.users["county_admin"]).get(reverse("incidents:rule_list"))
    rows = {row["matter"].code: [d["level"] for d in row["decisions"]] for row in response.context["table"]}
    assert rows == {
        "HJ01": [Level.VILLAGE] * 3,
        "HJ02": [Level.COUNTY] * 3,
        "MD01": [Level.VILLAGE, Level.VILLAGE, Level.TOWNSHIP],
        "QT00": [Level.VILLAGE] * 3,  # 其他/不清楚: the village sorts it, whatever the severity
    }


def test_nav_shows_the_catalogue_to_the_county_administrator_only(iw, login):
    url = reverse("incidents:matter_list")
    assert f'href="{url}"' in login(iw.users["county_admin"]).get("/").content.decode()
    assert f'href="{url}"' not in login(iw.users["cadre_a1"]).get("/").content.decode()
