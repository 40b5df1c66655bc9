"""Performance figures (KPIs) and the grid workers' monthly assessment, on cases built through the real services.

One story, on a fixed clock (2026-03-02, a Monday, onwards), gives every figure a known value:

c1  grid_a1 reports litter (village level) → cadre accepts and resolves on day 0 → grid_a1 rates 满意
c2  villager reports litter (village) → nobody answers; overdue on day 10 → cadre accepts late and resolves →
    grid_a1 rates 不满意 on the villager's behalf (reopened) → resolved again → grid_a1 rates 基本满意 for them
c3  grid_a1 reports river pollution (county: 县生态环境局) → the department accepts, resolves; grid_a1 rates 满意
c4  cadre_b1 reports litter in 新桥村 (乙镇) → left waiting past its deadline (overdue, never answered)
c5  grid_a1 reports an urgent dispute (township) → accepted on day 0 → overdue → resolved late, left unrated
c6  grid_a1 reports litter → the cadre hands it back as misrouted on day 0 → left waiting (overdue)
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core import workflow
from core.errors import DomainError
from core.roles import Role
from incidents import kpi, services
from incidents.models import Incident, Rating, Severity
from tests.factories import make_user
from tests.incidents.support import build_incident_world, photo

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday
LATER = T0 + timedelta(days=10)
MARCH = kpi.month_period(2026, 3)


@contextmanager
def clock(moment: datetime):
    """Every 'now' of the services (and the reported-at default of a new case) is ``moment``."""
    created_at = Incident._meta.get_field("created_at")
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch.object(created_at, "_get_default", lambda: moment),
    ):
        yield


def _report(iw, who, matter, *, grid=None, village=None, severity=Severity.GENERAL, key=""):
    incident, created = services.incident_report(
        actor=iw.users[who],
        matter=matter,
        description="测试事件",
        severity=severity,
        grid=grid,
        village=village,
        client_key=key,
    )
    assert created
    return incident


def _step(iw, who, incident, step, **kwargs):
    return services.incident_step(actor=iw.users[who], incident=incident, step=step, **kwargs)


def _resolve(iw, who, incident):
    return _step(iw, who, incident, "resolve", note="已处理", photos=[photo()])


@pytest.fixture
def story(db):
    iw = build_incident_world()
    w = iw.w
    w.users["grid_a1b"] = make_user("grid_a1b", Role.GRID_WORKER, w.village_a1, grid=w.grid_a1b)
    with clock(T0):
        c1 = _report(iw, "grid_a1", iw.litter, grid=w.grid_a1)
        c2 = _report(iw, "villager_a1", iw.litter, grid=w.grid_a1)
        c3 = _report(iw, "grid_a1", iw.pollution, grid=w.grid_a1)
        c4 = _report(iw, "cadre_b1", iw.litter, grid=w.grid_b1)
        c5 = _report(iw, "grid_a1", iw.dispute, grid=w.grid_a1, severity=Severity.URGENT)
        c6 = _report(iw, "grid_a1", iw.litter, grid=w.grid_a1)
        assert (c1.level, c3.level, c4.level, c5.level) == ("village", "county", "village", "township")
        _step(iw, "cadre_a1", c1, "accept")
        _resolve(iw, "cadre_a1", c1)
        services.incident_rate(actor=w.users["grid_a1"], incident=c1, rating=Rating.SATISFIED)
        _step(iw, "department", c3, "accept")
        _resolve(iw, "department", c3)
        services.incident_rate(actor=w.users["grid_a1"], incident=c3, rating=Rating.SATISFIED)
        _step(iw, "township_a", c5, "accept")
        _step(iw, "cadre_a1", c6, "hand_back", note="不属于本村职责")
    workflow.run_all_deadlines(now=LATER)
    with clock(LATER):
        _step(iw, "cadre_a1", c2, "accept")
        _resolve(iw, "cadre_a1", c2)
        services.incident_rate(actor=w.users["grid_a1"], incident=c2, rating=Rating.UNSATISFIED, note="垃圾又堆起来了")
        _resolve(iw, "cadre_a1", c2)
        services.incident_rate(actor=w.users["grid_a1"], incident=c2, rating=Rating.BASIC)
        _resolve(iw, "township_a", c5)
    cases = {name: Incident.objects.get(pk=c.pk) for name, c in zip("123456", (c1, c2, c3, c4, c5, c6), strict=True)}
    return iw, cases


def _figures(row: kpi.KpiRow) -> dict:
    return {
        "cases": row.cases,
        "response": (row.response.num, row.response.den),
        "completion": (row.completion.num, row.completion.den),
        "overdue": (row.overdue.num, row.overdue.den),
        "satisfaction": (row.satisfaction.num, row.satisfaction.den),
        "reopened": row.reopened,
        "in_village": (row.in_village.num, row.in_village.den),
        "in_township": (row.in_township.num, row.in_township.den),
    }


def _rows(table: kpi.KpiTable) -> dict:
    return {row.label: _figures(row) for row in table.rows}


TOWNSHIP_A = {
    "cases": 5,
    "response": (4, 5),  # c1 c3 c5 accepted and c6 handed back in time; c2 answered late
    "completion": (3, 4),  # c1 c2 c3 in time; c5 late
    "overdue": (3, 5),  # c2 c5 c6
    "satisfaction": (3, 3),  # c1 满意, c2 基本满意 (after 不满意), c3 满意
    "reopened": 1,
    "in_village": (2, 3),  # closed: c1 c2 (village), c3 (county)
    "in_township": (2, 3),
}
TOWNSHIP_B = {
    "cases": 1,
    "response": (0, 1),  # c4: never answered, its dispatched deadline passed
    "completion": (0, 0),
    "overdue": (1, 1),
    "satisfaction": (0, 0),
    "reopened": 0,
    "in_village": (0, 0),
    "in_township": (0, 0),
}


def test_the_story_writes_the_outcomes_the_figures_count(story):
    _iw, c = story
    assert [c[n].state for n in "123456"] == ["closed", "closed", "closed", "dispatched", "resolved", "reported"]
    assert [c[n].responded_on_time for n in "123456"] == [True, False, True, None, True, True]
    assert [c[n].resolved_on_time for n in "123456"] == [True, True, True, None, False, None]
    assert [c[n].ever_overdue for n in "123456"] == [False, True, False, True, True, True]
    assert (c["2"].rating, c["2"].reopen_count) == ("basic", 1)


def test_county_figures_by_township(story):
    iw, _c = story
    table = kpi.kpi_table(iw.users["county_official"], MARCH, kpi.TOWNSHIP, now=LATER + timedelta(days=1))
    assert _rows(table) == {"甲镇": TOWNSHIP_A, "乙镇": TOWNSHIP_B}
    assert _figures(table.total) == {
        "cases": 6,
        "response": (4, 6),
        "completion": (3, 4),
        "overdue": (4, 6),
        "satisfaction": (3, 3),
        "reopened": 1,
        "in_village": (2, 3),
        "in_township": (2, 3),
    }
    assert table.total.response.percent == "66.7%" and table.total.completion.percent == "75.0%"
    assert table.rows[1].completion.percent == "—" and table.rows[1].completion.value is None


def test_an_unanswered_case_counts_against_the_response_only_once_its_deadline_has_passed(story):
    iw, c = story
    county = iw.users["county_official"]
    soon = c["4"].deadline_at - timedelta(minutes=1)
    assert _rows(kpi.kpi_table(county, MARCH, kpi.TOWNSHIP, now=soon))["乙镇"]["response"] == (0, 0)
    after = c["4"].deadline_at + timedelta(minutes=1)
    assert _rows(kpi.kpi_table(county, MARCH, kpi.TOWNSHIP, now=after))["乙镇"]["response"] == (0, 1)


def test_the_period_is_the_day_of_the_report(story):
    iw, _c = story
    county = iw.users["county_official"]
    assert kpi.kpi_table(county, kpi.month_period(2026, 2), kpi.TOWNSHIP).total.cases == 0
    assert kpi.kpi_table(county, kpi.year_period(2026), kpi.TOWNSHIP).total.cases == 6
    assert kpi.kpi_table(county, kpi.quarter_period(2026, 1), kpi.TOWNSHIP).total.cases == 6
    assert kpi.kpi_table(county, kpi.Period(date(2026, 3, 2), date(2026, 3, 2)), kpi.TOWNSHIP).total.cases == 6
    assert kpi.kpi_table(county, kpi.Period(date(2026, 3, 3), date(2026, 3, 31)), kpi.TOWNSHIP).total.cases == 0


def test_figures_by_village_department_and_grid_worker(story):
    iw, _c = story
    county = iw.users["county_admin"]
    villages = _rows(kpi.kpi_table(county, MARCH, kpi.VILLAGE, now=LATER))
    assert list(villages) == ["安家村", "和平村", "新桥村"]  # a village without a case shows its zeros
    assert villages["安家村"] == TOWNSHIP_A and villages["新桥村"] == TOWNSHIP_B and villages["和平村"]["cases"] == 0
    departments = kpi.kpi_table(county, MARCH, kpi.DEPARTMENT, now=LATER)
    assert _rows(departments)["县生态环境局"] == {
        "cases": 1,
        "response": (1, 1),
        "completion": (1, 1),
        "overdue": (0, 1),
        "satisfaction": (1, 1),
        "reopened": 0,
        "in_village": (0, 1),
        "in_township": (0, 1),
    }
    assert _rows(departments)["县交通运输局"]["cases"] == 0 and departments.total.cases == 1
    workers = kpi.kpi_table(county, MARCH, kpi.GRID_WORKER, now=LATER)
    assert _rows(workers) == {
        "grid_a1": {
            "cases": 4,  # c1 c3 c5 c6 (the villager's c2 and the cadre's c4 are not a grid worker's)
            "response": (4, 4),
            "completion": (2, 3),
            "overdue": (2, 4),
            "satisfaction": (2, 2),
            "reopened": 0,
            "in_village": (1, 2),
            "in_township": (1, 2),
        }
    }
    assert workers.total.cases == 4


def test_each_sees_the_figures_of_their_own_area(story):
    iw, _c = story
    u = iw.users
    assert kpi.groupings_for(u["county_official"]) == ["township", "village", "department", "grid_worker"]
    assert kpi.groupings_for(u["township_a"]) == kpi.groupings_for(u["cadre_a1"]) == ["village", "grid_worker"]
    for who in ("grid_a1", "villager_a1", "department", "mediator"):
        assert kpi.groupings_for(u[who]) == []
    cadre = kpi.kpi_table(u["cadre_a1"], MARCH, kpi.VILLAGE, now=LATER)
    assert _rows(cadre) == {"安家村": TOWNSHIP_A} and cadre.total.cases == 5
    assert _rows(kpi.kpi_table(u["cadre_b1"], MARCH, kpi.VILLAGE, now=LATER)) == {"新桥村": TOWNSHIP_B}
    assert list(_rows(kpi.kpi_table(u["township_a"], MARCH, kpi.VILLAGE, now=LATER))) == ["安家村", "和平村"]
    assert _rows(kpi.kpi_table(u["cadre_b1"], MARCH, kpi.GRID_WORKER)) == {}
    with pytest.raises(DomainError):
        kpi.kpi_table(u["township_a"], MARCH, kpi.DEPARTMENT)  # departments: county only
    with pytest.raises(DomainError):
        kpi.kpi_table(u["county_admin"], MARCH, "household")


def test_the_figures_are_aggregate_queries(story, django_assert_max_num_queries):
    iw, _c = story
    county = iw.users["county_official"]
    for grouping in kpi.GROUPINGS:
        with django_assert_max_num_queries(3):  # grants, the aggregate, the units' names
            kpi.kpi_table(county, kpi.year_period(2026), grouping)


# -- periods ------------------------------------------------------------------------------------------------


def test_period_from_the_query():
    today = date(2026, 5, 20)
    assert kpi.parse_period({}, today=today) == kpi.month_period(2026, 5)
    assert kpi.parse_period({"period": "month", "month": "2026-02"}, today=today) == kpi.Period(
        date(2026, 2, 1), date(2026, 2, 28), "month"
    )
    assert kpi.parse_period({"period": "quarter", "year": "2025", "quarter": "4"}, today=today) == kpi.Period(
        date(2025, 10, 1), date(2025, 12, 31), "quarter"
    )
    assert kpi.parse_period({"period": "year", "year": "2024"}, today=today) == kpi.Period(
        date(2024, 1, 1), date(2024, 12, 31), "year"
    )
    custom = kpi.parse_period({"period": "custom", "start": "2026-01-15", "end": "2026-02-14"}, today=today)
    assert (custom.start, custom.end) == (date(2026, 1, 15), date(2026, 2, 14))
    assert custom.label == "2026-01-15 至 2026-02-14"
    one_day = kpi.parse_period({"period": "custom", "start": "2026-01-15", "end": "2026-01-15"}, today=today)
    assert one_day.label == "2026-01-15"  # one day is one date, not "2026-01-15 – 2026-01-15"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"period": "week"}, "period"),
        ({"period": "month", "month": "2026-13"}, "month"),
        ({"period": "month", "month": "March"}, "month"),
        ({"period": "month", "month": "2026-06"}, "month"),  # not begun
        ({"period": "quarter", "year": "2026", "quarter": "5"}, "quarter"),
        ({"period": "year", "year": "26"}, "year"),
        ({"period": "year", "year": "2027"}, "year"),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"}, "start"),
        ({"period": "custom", "start": "2026-03-01", "end": ""}, "end"),
        ({"period": "custom", "start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"period": "custom", "start": "2010-01-01", "end": "2026-02-01"}, "end"),
    ],
)
def test_bad_periods_are_refused_with_a_message(params, field):
    with pytest.raises(DomainError) as caught:
        kpi.parse_period(params, today=date(2026, 5, 20))
    assert field in caught.value.error_dict


# -- pages and the xlsx ---------------------------------------------------------------------------------------


def test_kpi_page(story, client, login):
    iw, _c = story
    assert client.get("/incidents/kpi/").status_code == 302
    for who in ("grid_a1", "villager_a1", "department"):
        login(iw.users[who])
        assert client.get("/incidents/kpi/").status_code == 403
    login(iw.users["county_official"])
    response = client.get("/incidents/kpi/?period=year&year=2026&group=township")
    assert response.status_code == 200
    text = response.content.decode()
    assert "甲镇" in text and "乙镇" in text and "80.0%" in text and "4/5" in text and "—" in text
    assert "<details" in text and "/incidents/kpi.xlsx?" in text
    login(iw.users["cadre_a1"])
    text = client.get("/incidents/kpi/?period=month&month=2026-03&group=village").content.decode()
    assert "安家村" in text and "新桥村" not in text and "乙镇" not in text
    response = client.get("/incidents/kpi/?period=month&month=2026-03&group=department")
    assert response.status_code == 400  # not open to a village: a message, no table
    assert "<table" not in response.content.decode()


def test_kpi_page_refuses_bad_input_with_a_message(story, client, login):
    iw, _c = story
    login(iw.users["county_official"])
    response = client.get("/incidents/kpi/?period=custom&start=2026-03-10&end=2026-03-01")
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="errorlist' in text and "<table" not in text
    assert client.get("/incidents/kpi.xlsx?period=month&month=2026-99").status_code == 400


def _sheet_rows(ws) -> dict:
    header = [c.value for c in ws[2]]
    return {row[0]: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=3, values_only=True)}


def _kpi_workbook(client, query):
    response = client.get(f"/incidents/kpi.xlsx?{query}")
    assert response.status_code == 200
    return response, load_workbook(BytesIO(response.content))


def test_kpi_xlsx(story, client, login):
    iw, _c = story
    login(iw.users["county_official"])
    response, wb = _kpi_workbook(client, "period=month&month=2026-03&group=township")
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and "incident-kpi-2026-03-township.xlsx" in disposition
    assert wb.sheetnames == ["按乡镇", "指标说明"]  # the breakdown on the page, and the definitions
    rows = _sheet_rows(wb["按乡镇"])
    assert list(rows) == ["甲镇", "乙镇", "合计"]
    a = rows["甲镇"]
    assert (a["事件数"], a["及时响应数"], a["应响应数"], a["办结数"], a["超期数"], a["重新办理件数"]) == (
        5,
        4,
        5,
        4,
        3,
        1,
    )
    assert a["响应率"] == pytest.approx(0.8) and a["按期办结率"] == pytest.approx(0.75)
    assert a["超期率"] == pytest.approx(0.6) and a["满意率"] == pytest.approx(1.0)
    assert a["村内办结率"] == pytest.approx(2 / 3) and a["结案数"] == 3
    assert rows["乙镇"]["按期办结率"] == "—" and rows["乙镇"]["响应率"] == 0
    assert rows["合计"]["事件数"] == 6 and rows["合计"]["应响应数"] == 6
    assert wb["按乡镇"].cell(row=3, column=3).number_format == "0.0%"
    assert any(r[0] == "响应率（及时响应）" for r in wb["指标说明"].iter_rows(values_only=True))
    _response, wb = _kpi_workbook(client, "period=quarter&year=2026&quarter=1&group=department")
    assert wb.sheetnames == ["按部门", "指标说明"]
    assert _sheet_rows(wb["按部门"])["县生态环境局"]["事件数"] == 1
    _response, wb = _kpi_workbook(client, "period=year&year=2026&group=grid_worker")
    assert _sheet_rows(wb["按网格员"])["grid_a1"]["事件数"] == 4
    login(iw.users["cadre_a1"])
    _response, wb = _kpi_workbook(client, "period=year&year=2026")
    assert wb.sheetnames == ["按村（社区）", "指标说明"]
    assert list(_sheet_rows(wb["按村（社区）"])) == ["安家村", "合计"]
    assert client.get("/incidents/kpi.xlsx?period=year&year=2026&group=township").status_code == 400


def test_all_breakdowns_in_one_workbook(story):
    iw, _c = story
    tables = kpi.kpi_tables(iw.users["county_admin"], MARCH, now=LATER)
    wb = load_workbook(BytesIO(kpi.kpi_xlsx(tables, title="网格事件考核指标")))
    assert wb.sheetnames == ["按乡镇", "按村（社区）", "按部门", "按网格员", "指标说明"]
    assert _sheet_rows(wb["按村（社区）"])["和平村"]["事件数"] == 0


# -- the grid workers' assessment --------------------------------------------------------------------------


def test_assessment_of_a_month(story):
    iw, _c = story
    result = kpi.assessment(iw.users["township_a"], MARCH)
    lines = {line.name: line for line in result.lines}
    assert list(lines) == ["grid_a1", "grid_a1b"]
    a = lines["grid_a1"]
    assert (a.reports, a.valid) == (4, 3)  # c6 was handed back and waits: not valid
    assert (a.follow_ups, a.waiting_for_rating, a.follow_up_due) == (2, 1, 3)  # c2 twice for the villager; c5 unrated
    assert (a.grid_cases, a.grid_overdue, a.grid_rated, a.grid_satisfied) == (5, 3, 3, 3)
    assert (a.reports_points, a.valid_points, a.follow_up_points, a.satisfaction_points) == (
        Decimal("40.00"),
        Decimal("15.00"),
        Decimal("13.33"),
        Decimal("20.00"),
    )
    assert a.score == Decimal("88.33")
    assert (a.base_subsidy, a.performance_subsidy, a.total_subsidy) == (
        Decimal("100.00"),
        Decimal("88.33"),
        Decimal("188.33"),
    )
    b = lines["grid_a1b"]  # no report: the reports part is 0; nothing else to do: the other parts are full
    assert (b.reports, b.follow_up_due, b.grid_rated) == (0, 0, 0)
    assert (b.reports_points, b.valid_points, b.follow_up_points, b.satisfaction_points) == (0, 20, 20, 20)
    assert (b.score, b.performance_subsidy, b.total_subsidy) == (Decimal("60.00"), Decimal("60.00"), Decimal("160.00"))
    assert result.total == Decimal("348.33") and result.total_performance == Decimal("148.33")
    assert kpi.assessment(iw.users["township_a"], kpi.month_period(2026, 2)).lines[0].score == Decimal("60.00")


def test_assessment_policy_is_a_dataclass_with_defaults(story):
    iw, _c = story
    strict = kpi.AssessmentPolicy(monthly_target=8)
    a = next(x for x in kpi.assessment(iw.users["county_admin"], MARCH, policy=strict).lines if x.name == "grid_a1")
    assert a.reports_points == Decimal("20.00") and a.score == Decimal("68.33")
    assert kpi.DEFAULT_POLICY.total_weight == 100 and kpi.DEFAULT_POLICY.base_subsidy == 100


def test_assessment_scope_and_own_line(story):
    iw, _c = story
    u = iw.users
    assert [x.name for x in kpi.assessment(u["county_official"], MARCH).lines] == ["grid_a1", "grid_a1b"]
    assert kpi.assessment(u["cadre_b1"], MARCH).lines == []
    own = kpi.own_assessment(u["grid_a1"], MARCH)
    assert own.name == "grid_a1" and own.score == Decimal("88.33")
    assert kpi.own_assessment(u["villager_a1"], MARCH) is None
    assert kpi.may_assess(u["township_a"]) and not kpi.may_assess(u["grid_a1"])


def test_assessment_counts_outcomes_not_log_ins(story, client, login):
    iw, _c = story
    before = kpi.own_assessment(iw.users["grid_a1b"], MARCH)
    login(iw.users["grid_a1b"])
    for _ in range(3):
        client.get("/incidents/assessment/?month=2026-03")
    assert kpi.own_assessment(iw.users["grid_a1b"], MARCH) == before


def test_assessment_page(story, client, login):
    iw, _c = story
    login(iw.users["villager_a1"])
    assert client.get("/incidents/assessment/").status_code == 403
    login(iw.users["township_a"])
    response = client.get("/incidents/assessment/?month=2026-03")
    assert response.status_code == 200
    text = response.content.decode()
    assert "grid_a1b" in text and "88.33" in text and "188.33" in text and "348.33" in text
    login(iw.users["grid_a1"])
    text = client.get("/incidents/assessment/?month=2026-03").content.decode()
    assert "88.33" in text and "grid_a1b" not in text
    for bad in ("2026-13", "March", "2999-01"):
        response = client.get(f"/incidents/assessment/?month={bad}")
        assert response.status_code == 400 and 'class="errorlist' in response.content.decode()


def test_assessment_xlsx(story, client, login):
    iw, _c = story
    login(iw.users["county_admin"])
    response = client.get("/incidents/assessment.xlsx?month=2026-03")
    assert response.status_code == 200 and "grid-worker-assessment-2026-03.xlsx" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["网格员考核", "考核办法"]
    rows = _sheet_rows(wb["网格员考核"])
    a = rows["grid_a1"]
    assert (a["上报数"], a["有效上报数"], a["代为回访数"], a["应回访数"], a["网格事件数"], a["超期数"]) == (
        4,
        3,
        2,
        3,
        5,
        3,
    )
    assert a["考核得分"] == pytest.approx(88.33) and a["考核补贴（元）"] == pytest.approx(88.33)
    assert a["合计（元）"] == pytest.approx(188.33) and a["满意率"] == pytest.approx(1.0)
    assert rows["grid_a1b"]["上报得分"] == 0 and rows["grid_a1b"]["有效上报率"] == "—"
    assert rows["合计"]["合计（元）"] == pytest.approx(348.33)
    login(iw.users["grid_a1"])
    rows = _sheet_rows(load_workbook(BytesIO(client.get("/incidents/assessment.xlsx?month=2026-03").content)).active)
    assert set(rows) == {"grid_a1", "合计"}
    assert client.get("/incidents/assessment.xlsx?month=bad").status_code == 400
