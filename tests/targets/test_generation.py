"""The county-scale generator of target lists (targets.generation and generate_targets), on a small county: one list
per unit and year (every department, township and village), each task follows from its timeline with its deadline
at the end of the last working day on or before its date, a completion carries its evidence and says whether it was on
time, the year-end report counts them, the deadline run finds nothing left, a real report works on a generated task,
the same seed gives the same data, and a county is generated once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from casework.models import CaseAttachment, CaseEvent
from core import workflow
from core.calendar import WorkingCalendar
from incidents.models import Department
from regions.models import Region, RegionLevel
from targets import report, services
from targets.flows import TARGET
from targets.generation import GenerationError, generate_targets
from targets.models import Target, TargetList, UnitKind
from tests.customs.test_generation import NOW, check_timelines, make_county


@pytest.fixture
def county(db):
    return make_county("519961")


def test_every_unit_has_its_list_and_every_task_follows_its_timeline(county):
    county, admin = county
    summary = generate_targets(county, admin, seed=3, now=NOW)
    lists = TargetList.objects.filter(county=county)
    units = Counter(lists.values_list("unit_kind", flat=True))
    assert units == {
        UnitKind.DEPARTMENT: Department.objects.filter(county=county, is_active=True).count(),
        UnitKind.TOWNSHIP: Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).count(),
        UnitKind.VILLAGE: Region.objects.filter(county=county, level=RegionLevel.VILLAGE).count(),
    }
    assert summary["lists"] == lists.count() and summary["targets"] == Target.objects.filter(county=county).count()
    found = check_timelines(Target, TARGET, county, NOW)
    calendar = WorkingCalendar(county)
    states = Counter()
    for t in Target.objects.filter(county=county).select_related("target_list"):
        states[t.state] += 1
        events = found[t.pk]
        issued = t.target_list.issued_at
        assert events[0].at == issued and t.due_date.year == 2026
        reopened = [e for e in events if e.transition == "reopen"]
        since = reopened[-1].at if reopened else issued
        if t.state == "open":  # the deadline is the end of the last working day on or before the due date
            assert t.deadline_at == calendar.add_working_days(since, t.days_allowed)
            assert t.deadline_at.astimezone(NOW.tzinfo).date() <= t.due_date
        done = [e for e in events if e.transition == "complete"]
        if t.state == "done":
            assert t.percent == 100 and t.done_on == done[-1].at.astimezone(NOW.tzinfo).date()
            assert t.on_time == (t.done_on <= t.due_date)
        for e in done:
            assert CaseAttachment.objects.filter(event=e).count() == 1
        reports = [e for e in events if e.transition == "report"]
        if reports and t.state == "open":
            assert t.last_quarter == int(reports[-1].data["quarter"]) and t.percent == reports[-1].data["percent"]
        if t.state == "open" and t.due_date < NOW.date():
            assert t.overdue
    assert states["done"] > states["open"] > 0 and states["dropped"] >= 0
    result = report.report(admin, 2026)
    assert result["total"] == Target.objects.filter(county=county).exclude(state="dropped").count()
    assert result["done"] == states["done"] and result["overdue"] > 0
    assert workflow.run_deadlines(TARGET, now=NOW).flagged == []
    assert summary["case_events"] == CaseEvent.objects.filter(county=county, flow=TARGET.name).count()


def test_a_real_report_works_on_a_generated_task(county):
    county, admin = county
    generate_targets(county, admin, seed=4, now=NOW)
    task = Target.objects.filter(county=county, state="open", target_list__unit_kind="village").first()
    cadre = User.objects.get(username=f"vc{task.village.code}")
    version = task.version
    services.target_step(
        actor=cadre, case=task, step="report", data={"quarter": "4", "percent": 90, "progress": "推进中"}, now=NOW
    )
    task.refresh_from_db()
    assert task.version == version + 1 and task.last_quarter == 4 and task.percent == 90


def test_generated_pages_work(county, login):
    county, admin = county
    generate_targets(county, admin, seed=6, now=NOW)
    task = Target.objects.filter(county=county, state="done", target_list__unit_kind="village").first()
    client = login(User.objects.get(username=f"vc{task.village.code}"))
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200 and task.text in page.content.decode()
    assert login(admin).get("/targets/report/?year=2026").status_code == 200


def _signature(county) -> list:
    code = county.code
    return [
        (
            t.target_list.unit_kind,
            (t.target_list.village or t.target_list.township or t.target_list.department).name.replace(code, ""),
            t.order,
            t.text,
            t.due_date,
            t.state,
            t.version,
            t.percent,
            t.done_on,
        )
        for t in Target.objects.filter(county=county)
        .select_related("target_list__village", "target_list__township", "target_list__department")
        .order_by("target_list__unit_kind", "target_list__township__code", "target_list__village__code", "pk")
    ]


def test_the_same_seed_gives_the_same_lists(db):
    first, admin = make_county("519962")
    second, _admin = make_county("519963")
    third, _admin = make_county("519964")
    generate_targets(first, admin, seed=7, now=NOW)
    generate_targets(second, admin, seed=7, now=NOW)
    generate_targets(third, admin, seed=8, now=NOW)
    assert _signature(first) == _signature(second) != _signature(third)


def test_a_county_is_generated_once_and_the_command_refuses_clearly(county):
    county, admin = county
    with pytest.raises(GenerationError, match="mid-January"):
        generate_targets(county, admin, seed=1, now=datetime(2026, 1, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    out = StringIO()
    call_command("generate_targets", "--county", county.code, stdout=out)
    assert "'targets':" in out.getvalue() and TargetList.objects.filter(county=county).exists()
    with pytest.raises(GenerationError):
        generate_targets(county, admin, seed=1, now=NOW)
    with pytest.raises(CommandError, match="has target lists already"):
        call_command("generate_targets", "--county", county.code)
    with pytest.raises(CommandError, match="No county 519999"):
        call_command("generate_targets", "--county", "519999")
    User.objects.filter(username="bench_county").update(username="someone_else")
    with pytest.raises(CommandError, match="No bench_county account"):
        call_command("generate_targets", "--county", county.code)
