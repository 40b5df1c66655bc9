"""清单制: the county issues a unit's yearly list; the unit reports quarterly progress with evidence and reports
tasks done; an overdue task is flagged by the deadline run; the year-end report is generated from what was reported."""

from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import workflow
from core.errors import DomainError, NotFound
from incidents.models import Department
from targets import report, selectors, services
from targets.flows import TARGET
from targets.models import Target, TargetList

YEAR = timezone.localdate().year


def photo():
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, "PNG")
    return SimpleUploadedFile("证明.png", out.getvalue(), content_type="image/png")


def issue(world, kind="village", unit=None, items=None, **kw):
    unit = unit or world.village_a1
    items = items or [
        {"text": "修订村规民约", "due_date": f"{YEAR}-12-31", "owner": "村支书"},
        {"text": "建立邻里互助会", "due_date": f"{YEAR}-12-31"},
    ]
    return services.list_issue(
        actor=world.users["county_admin"],
        county=world.county,
        year=YEAR,
        unit_kind=kind,
        unit=unit.pk,
        items=items,
        **kw,
    )


def step(world, item, name, by="cadre_a1", attachments=(), **data):
    item = Target.objects.get(pk=item.pk)
    return services.target_step(actor=world.users[by], case=item, step=name, data=data, attachments=attachments)


def test_the_county_issues_a_list_once_per_unit_and_year(world):
    made = issue(world)
    assert made.title == f"{YEAR}年度安家村目标任务清单" or str(YEAR) in made.title
    assert [t.state for t in made.items.all()] == ["open", "open"]
    with pytest.raises(DomainError) as exc:
        issue(world)
    assert "unit" in exc.value.message_dict
    assert TargetList.objects.count() == 1


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"text": "", "due_date": f"{YEAR}-06-30"}],
        [{"text": "任务", "due_date": f"{YEAR + 1}-01-01"}],
        [{"text": "任务", "due_date": "明年"}],
    ],
)
def test_bad_lists_are_refused_and_nothing_is_written(world, items):
    with pytest.raises(DomainError):
        services.list_issue(
            actor=world.users["county_admin"],
            county=world.county,
            year=YEAR,
            unit_kind="village",
            unit=world.village_a1.pk,
            items=items,
        )
    assert not TargetList.objects.exists() and not Target.objects.exists()


def test_only_the_county_issues(world):
    for who in ("township_a", "cadre_a1", "county_official"):
        with pytest.raises(NotFound):
            services.list_issue(
                actor=world.users[who],
                county=world.county,
                year=YEAR,
                unit_kind="village",
                unit=world.village_a1.pk,
                items=[{"text": "x", "due_date": f"{YEAR}-12-31"}],
            )
    assert not TargetList.objects.exists()


def test_the_unit_reports_progress_and_done_with_evidence(world):
    made = issue(world)
    first = made.items.order_by("order").first()
    step(world, first, "report", quarter=2, percent=40, progress="已起草，正在征求意见")
    first.refresh_from_db()
    assert first.state == "open" and first.percent == 40 and first.last_quarter == 2
    with pytest.raises(DomainError):
        step(world, first, "complete", result="已完成")  # evidence is required
    step(world, first, "complete", result="村民会议表决通过", attachments=[photo()])
    first.refresh_from_db()
    assert first.state == "done" and first.percent == 100 and first.on_time and first.done_on == timezone.localdate()


def test_another_unit_cannot_report(world):
    made = issue(world)
    item = made.items.first()
    for who in ("cadre_b1", "township_a", "grid_a1"):
        with pytest.raises((DomainError, NotFound)):
            step(world, item, "report", by=who, quarter=1, percent=10, progress="x")
    item.refresh_from_db()
    assert item.percent == 0


def test_a_township_list_is_reported_by_its_officials_and_a_department_list_by_its_members(world):
    township_list = issue(world, kind="township", unit=world.township_a)
    step(world, township_list.items.first(), "report", by="township_a", quarter=1, percent=20, progress="推进中")
    with pytest.raises((DomainError, NotFound)):
        step(world, township_list.items.first(), "report", by="cadre_a1", quarter=1, percent=20, progress="x")
    dept = Department.objects.create(county=world.county, name="县民政局", code="MZ")
    dept.members.add(world.users["department"])
    dept_list = issue(world, kind="department", unit=dept)
    step(world, dept_list.items.first(), "report", by="department", quarter=1, percent=50, progress="核查过半")
    assert selectors.lists(world.users["department"], YEAR).get() == dept_list
    assert set(selectors.lists(world.users["township_a"], YEAR)) == {township_list}  # no village list issued
    assert not selectors.lists(world.users["cadre_a1"], YEAR).exists()


def test_an_overdue_task_is_flagged_by_the_deadline_run_and_done_late_says_so(world):
    due = (
        timezone.localdate() - timedelta(days=1)
        if timezone.localdate().month > 1 or timezone.localdate().day > 1
        else timezone.localdate()
    )
    made = issue(world, items=[{"text": "过期任务", "due_date": due.isoformat()}])
    item = made.items.get()
    assert item.days_allowed == 0
    later = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(9)))
    workflow.run_deadlines(TARGET, now=later)
    item.refresh_from_db()
    assert item.overdue
    step(world, item, "complete", result="补做完成", attachments=[photo()])
    item.refresh_from_db()
    assert item.on_time is (item.done_on <= item.due_date)


def test_the_year_end_report_comes_from_what_was_reported(world):
    made = issue(world)
    done, left = made.items.order_by("order")
    step(world, done, "complete", result="完成", attachments=[photo()])
    step(world, left, "drop", by="county_admin", reason="任务调整")
    data = report.report(world.users["county_admin"], YEAR)
    assert (data["total"], data["done"], data["rate"]) == (1, 1, 100.0)
    assert TARGET.state_label(Target.objects.get(pk=left.pk).state)


def test_pages_and_api_by_role(world, login, client, api_token):
    cadre = login(world.users["cadre_a1"])
    assert cadre.get("/targets/issue/").status_code == 403
    admin = login(world.users["county_admin"])
    response = admin.post(
        "/targets/issue/",
        {
            "year": YEAR,
            "unit": f"village:{world.village_a1.pk}",
            "items": f"修订村规民约 | {YEAR}-12-31 | 村支书 | 表决通过\n\n建互助会 | {YEAR}-12-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = TargetList.objects.get()
    assert [(t.text, t.owner) for t in made.items.order_by("order")] == [("修订村规民约", "村支书"), ("建互助会", "")]
    bad = admin.post(
        "/targets/issue/", {"year": YEAR, "unit": f"village:{world.village_b1.pk}", "items": "任务 | 哪天"}
    )
    assert bad.status_code == 400 and TargetList.objects.count() == 1
    assert admin.get("/targets/report/").status_code == 200
    sheet = admin.get(f"/targets/report/?year={YEAR}&format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    cadre = login(world.users["cadre_a1"])
    home = cadre.get("/targets/").content.decode()
    assert "修订村规民约" in home  # owed this quarter
    item = made.items.order_by("order").first()
    took = cadre.post(
        f"/casework/cases/targets/{item.pk}/steps/report/",
        {
            "report-version": item.version,
            "report-quarter": "4",
            "report-percent": "60",
            "report-progress": "已征求意见",
        },
    )
    assert took.status_code == 302
    other = login(world.users["cadre_b1"])
    assert other.get(f"/targets/tasks/{item.pk}/").status_code == 404
    assert other.get(f"/targets/lists/{made.pk}/").status_code == 404

    headers = api_token(world.users["county_admin"])
    listed = client.get(f"/api/targets/lists?year={YEAR}", **headers).json()
    assert listed[0]["total"] == 2
    added = client.post(
        f"/api/targets/lists/{made.pk}/items",
        {"text": "新任务", "due_date": f"{YEAR}-12-20"},
        content_type="application/json",
        **headers,
    )
    assert added.status_code == 201
    refused = client.post(
        f"/api/targets/lists/{made.pk}/items",
        {"text": "新任务", "due_date": "2000-01-01"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422
    assert client.get(f"/api/targets/report?year={YEAR}", **headers).json()["total"] == 3
    assert client.get(f"/api/targets/report?year={YEAR}", **api_token(world.users["cadre_a1"])).status_code == 403


def _figures(client, made):
    """The figures of ``made``'s row on the lists page: tasks, done, overdue, not yet reported."""
    import re

    page = client.get("/targets/").content.decode()
    row = page[page.index(f'href="/targets/lists/{made.pk}/"') :].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", "<td" + cell).strip() for cell in row.split("<td")[1:]]


def test_the_lists_page_shows_each_report_at_once_and_only_what_the_reader_reaches(world, login):
    from accounts.models import RoleAssignment
    from accounts.services import role_revoke

    made = issue(world)
    admin = login(world.users["county_admin"])
    assert _figures(admin, made) == ["2", "0", "0", "2"]
    first = made.items.order_by("order").first()
    step(world, first, "report", quarter=4, percent=50, progress="过半")
    assert _figures(admin, made) == ["2", "0", "0", "1"]
    step(world, first, "complete", result="村民会议表决通过", attachments=[photo()])
    assert _figures(admin, made) == ["2", "1", "0", "1"]

    township = world.users["township_a"]  # the list of a village of township A, seen by its officials
    official = login(township)
    assert _figures(official, made)[:2] == ["2", "1"]
    for assignment in RoleAssignment.objects.filter(user=township):
        role_revoke(actor=world.users["county_admin"], assignment=assignment)
    assert official.get("/targets/").status_code == 403  # not the page kept for the grants it had
