"""The .xlsx exports of the KPI tables and of the assessment, with their definitions sheet."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from core.periods import Rate
from incidents.kpi.figures import DEPARTMENT, GRID_WORKER, TOWNSHIP, VILLAGE, KpiTable
from incidents.kpi.worker_assessment import DEFAULT_POLICY, Assessment, AssessmentPolicy

# -- .xlsx exports ----------------------------------------------------------------------------------------------
# The column headers and fixed labels are Chinese data constants: the files are handed up as they are, whatever
# language the interface is in.

XLSX_GROUPING = {TOWNSHIP: "按乡镇", VILLAGE: "按村（社区）", DEPARTMENT: "按部门", GRID_WORKER: "按网格员"}
XLSX_UNIT = {TOWNSHIP: "乡镇（街道）", VILLAGE: "村（社区）", DEPARTMENT: "部门", GRID_WORKER: "网格员"}
XLSX_TOTAL = "合计"
XLSX_NO_DEPARTMENT = "未定部门（待分派）"
# (header, kind, name): a count of COUNTS, or a Rate property of KpiRow
KPI_COLUMNS = [
    ("事件数", "count", "cases"),
    ("响应率", "rate", "response"),
    ("及时响应数", "count", "responded_on_time"),
    ("应响应数", "count", "response_due"),
    ("按期办结率", "rate", "completion"),
    ("按期办结数", "count", "resolved_on_time"),
    ("办结数", "count", "resolved"),
    ("超期率", "rate", "overdue"),
    ("超期数", "count", "overdue"),
    ("满意率", "rate", "satisfaction"),
    ("满意数（含基本满意）", "count", "satisfied"),
    ("评价数", "count", "rated"),
    ("重新办理件数", "count", "reopened"),
    ("村内办结率", "rate", "in_village"),
    ("村内办结数", "count", "closed_in_village"),
    ("镇内办结率", "rate", "in_township"),
    ("镇内办结数", "count", "closed_in_township"),
    ("结案数", "count", "closed"),
]
KPI_DEFINITIONS = [
    ("统计范围", "统计期内上报（按上报时间，北京时间日期）且在本人查看范围内的网格事件。"),
    (
        "响应率（及时响应）",
        "在派单时限内作出响应（受理或退回）的事件数 ÷ 应响应事件数。应响应事件：已分派处置层级、且已响应或派单时限已过"
        "仍未响应的事件（派单时限内尚未响应的事件暂不计入）。",
    ),
    ("按期办结率", "在办理时限内办结的事件数 ÷ 已办结事件数（首次办结时间为准）。"),
    ("超期率", "曾经超期的事件数 ÷ 事件数。"),
    (
        "满意率",
        "评价为满意或基本满意的事件数 ÷ 已评价事件数（以最近一次评价为准）；"
        "重新办理件数为曾被评为不满意而重新办理的事件数。",
    ),
    ("村内办结率", "在村级办结的已结案事件数 ÷ 已结案事件数（小事不出村）。"),
    ("镇内办结率", "在村级或镇级办结的已结案事件数 ÷ 已结案事件数（大事不出镇）。"),
    ("按部门", "县级部门办理的事件，按当前承办部门统计（仅县级可见）。"),
    ("按网格员", "网格员本人上报的事件。"),
    ("分母为 0", "比率显示为“—”。"),
]


def _rate_cell(ws, row: int, col: int, rate: Rate) -> None:
    cell = ws.cell(row=row, column=col)
    if rate.value is None:
        cell.value = "—"
    else:
        cell.value = rate.value
        cell.number_format = "0.0%"


def _title_row(ws, title: str, period, exported_at: datetime, bold) -> None:
    ws.cell(row=1, column=1, value=f"{title}（{period.label}，导出时间 {exported_at:%Y-%m-%d %H:%M}）").font = bold


def _definitions_and_bytes(wb, title: str, first_header: str, definitions) -> bytes:
    """The closing sheet that says what each figure counts (口径), then the workbook's bytes."""
    import io

    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append([first_header, "口径"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for name, text in definitions:
        ws.append([name, text])
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def kpi_xlsx(tables: list[KpiTable], *, title: str, exported_at: datetime | None = None) -> bytes:
    """One sheet per table given (the page's xlsx gives the breakdown on the page): unit, cases, each rate with
    its numerator and denominator; and a definitions sheet. Counts are numbers, rates are numbers formatted as
    percentages ("—" when the denominator is 0)."""

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    exported_at = timezone.localtime(exported_at or timezone.now())
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(XLSX_GROUPING[table.grouping])
        _title_row(ws, title, table.period, exported_at, bold)
        headers = [XLSX_UNIT[table.grouping]] + [h for h, _kind, _name in KPI_COLUMNS]
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=col, value=header)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r, kpi_row in enumerate([*table.rows, table.total], start=3):
            label = kpi_row.label
            if kpi_row is table.total:
                label = XLSX_TOTAL
            elif table.grouping == DEPARTMENT and kpi_row.key is None:
                label = XLSX_NO_DEPARTMENT
            ws.cell(row=r, column=1, value=label)
            for col, (_header, kind, name) in enumerate(KPI_COLUMNS, start=2):
                if kind == "rate":
                    _rate_cell(ws, r, col, getattr(kpi_row, name))
                else:
                    ws.cell(row=r, column=col, value=kpi_row.counts[name])
            if kpi_row is table.total:
                for col in range(1, len(headers) + 1):
                    ws.cell(row=r, column=col).font = bold
        ws.column_dimensions["A"].width = 22
        for col in range(2, len(headers) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 11
        ws.freeze_panes = "B3"
    return _definitions_and_bytes(wb, "指标说明", "指标", KPI_DEFINITIONS)


ASSESSMENT_COLUMNS = [
    "网格员",
    "网格",
    "村（社区）",
    "上报数",
    "有效上报数",
    "有效上报率",
    "代为回访数",
    "应回访数",
    "网格事件数",
    "超期数",
    "超期率",
    "评价数",
    "满意数",
    "满意率",
    "上报得分",
    "有效上报得分",
    "回访得分",
    "满意度得分",
    "考核得分",
    "基本补贴（元）",
    "考核补贴（元）",
    "合计（元）",
]


def assessment_definitions(policy: AssessmentPolicy = DEFAULT_POLICY) -> list[tuple[str, str]]:
    p = policy
    return [
        (
            "依据",
            "二级网格员每月补贴 200 元，其中 100 元为考核补贴（罗江经验）；只按工作结果考核，不看登录或在线时长。",
        ),
        ("上报数", "网格员本月上报的事件数。"),
        (
            "有效上报数",
            "本月上报的事件中已办结（曾办结）或正在办理（已派单、办理中）的件数；退回或上报后待分派的不计。",
        ),
        ("代为回访数", "网格员本月代报告人评价（满意、基本满意或不满意）的次数。"),
        (
            "应回访数",
            f"代为回访数 + 所在网格中办结后 {p.unrated_days} 天仍未评价的事件数（按月末或当前时间计）。",
        ),
        ("网格事件数、超期率", "所在网格本月上报的事件数及其中曾超期的比例（仅展示，不计分）。"),
        ("满意率", "所在网格本月评价的事件中满意或基本满意的比例。"),
        (
            "上报得分",
            f"{p.weight_reports} × min(上报数 ÷ {p.monthly_target}, 1)；本月无上报得 0 分。",
        ),
        ("有效上报得分", f"{p.weight_valid} × 有效上报数 ÷ 上报数；无上报时得满分（无事可做）。"),
        ("回访得分", f"{p.weight_follow_up} × min(代为回访数 ÷ 应回访数, 1)；无应回访时得满分。"),
        ("满意度得分", f"{p.weight_satisfaction} × 满意率；本月网格内无评价时得满分。"),
        ("考核得分", "以上四项之和（0–100 分，保留两位小数）。"),
        (
            "补贴",
            f"基本补贴 {p.base_subsidy} 元（固定）；考核补贴 = {p.performance_subsidy} × 考核得分 ÷ 100，保留两位小数；"
            "合计 = 基本补贴 + 考核补贴。",
        ),
    ]


def assessment_xlsx(result: Assessment, *, title: str, exported_at: datetime | None = None) -> bytes:

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    exported_at = timezone.localtime(exported_at or timezone.now())
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "网格员考核"
    _title_row(ws, title, result.period, exported_at, bold)
    for col, header in enumerate(ASSESSMENT_COLUMNS, start=1):
        ws.cell(row=2, column=col, value=header).font = bold
    money = "0.00"
    r = 2
    for r, line in enumerate(result.lines, start=3):
        values = [
            line.name,
            "、".join(line.grids),
            line.village,
            line.reports,
            line.valid,
            line.valid_rate,
            line.follow_ups,
            line.follow_up_due,
            line.grid_cases,
            line.grid_overdue,
            line.overdue,
            line.grid_rated,
            line.grid_satisfied,
            line.satisfaction,
            line.reports_points,
            line.valid_points,
            line.follow_up_points,
            line.satisfaction_points,
            line.score,
            line.base_subsidy,
            line.performance_subsidy,
            line.total_subsidy,
        ]
        for col, value in enumerate(values, start=1):
            if isinstance(value, Rate):
                _rate_cell(ws, r, col, value)
                continue
            cell = ws.cell(row=r, column=col, value=float(value) if isinstance(value, Decimal) else value)
            if isinstance(value, Decimal):
                cell.number_format = money
    r += 1
    ws.cell(row=r, column=1, value=XLSX_TOTAL).font = bold
    for col, value in zip((20, 21, 22), (result.total_base, result.total_performance, result.total), strict=True):
        cell = ws.cell(row=r, column=col, value=float(value))
        cell.number_format = money
        cell.font = bold
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 14
    for col in range(4, len(ASSESSMENT_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 10
    ws.freeze_panes = "B3"
    return _definitions_and_bytes(wb, "考核办法", "项目", assessment_definitions(result.policy))
