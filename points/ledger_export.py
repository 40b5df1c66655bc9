"""一网格一档: a grid's points ledger for one month (日录入、月上报), as a page, a print-out and an .xlsx file.

A month's ledger of a grid lists, by day, the ledger entries recorded for its subjects (points and
corrections; the shop's redemptions are the shop's business) and the claims still waiting for review or
rejected, with totals per household. Who may see it: whoever may view the scheme's standings in its village,
and a grid worker for their own grids only.

The .xlsx column headers and fixed labels are Chinese data constants: the file is handed up to the township
as it is, whatever language the interface is in.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core import scope
from core.errors import NotFound
from core.roles import Action
from points.models import Claim, ClaimStatus, EntryKind, LedgerEntry, Scheme
from regions.models import Grid, GridStaff

# Row kinds and statuses (codes), with the page's labels and the file's Chinese labels.
KIND_AWARD, KIND_REVERSAL = EntryKind.AWARD.value, EntryKind.REVERSAL.value
STATUS_ENTERED, STATUS_CORRECTED, STATUS_PENDING, STATUS_REJECTED = "entered", "corrected", "pending", "rejected"

KIND_LABELS = {KIND_AWARD: _("Points"), KIND_REVERSAL: _("Correction")}
STATUS_LABELS = {
    STATUS_ENTERED: _("In the ledger"),
    STATUS_CORRECTED: _("Corrected"),
    STATUS_PENDING: _("Waiting for review"),
    STATUS_REJECTED: _("Rejected"),
}

SHEET_TITLE = "积分台账"
COL_DATE, COL_SUBJECT, COL_ITEM, COL_POINTS, COL_KIND, COL_RECORDER, COL_STATUS, COL_NOTE = (
    "日期",
    "户（对象）",
    "评分项目",
    "积分",
    "类型",
    "记录人",
    "状态",
    "备注",
)
HEADERS = [COL_DATE, COL_SUBJECT, COL_ITEM, COL_POINTS, COL_KIND, COL_RECORDER, COL_STATUS, COL_NOTE]
TOTAL_HEADERS = ["户（对象）", "入账条数", "入账积分", "待审积分"]
XLSX_KIND = {KIND_AWARD: "积分", KIND_REVERSAL: "冲正"}
XLSX_STATUS = {
    STATUS_ENTERED: "已入账",
    STATUS_CORRECTED: "已冲正",
    STATUS_PENDING: "待审核",
    STATUS_REJECTED: "未通过",
}
LABEL_VILLAGE, LABEL_GRID, LABEL_MONTH, LABEL_SCHEME, LABEL_STAFF, LABEL_EXPORTED = (
    "村（社区）",
    "网格",
    "月份",
    "积分方案",
    "网格员",
    "导出时间",
)
LABEL_TOTALS, LABEL_ALL = "各户合计", "合计"
LABEL_SIGN = "网格员签字：　　　　　　　村审核：　　　　　　　日期："


def points_text(value, signed: bool = False) -> str:
    """Points without trailing zeros: 0.50 → 0.5, 2.00 → 2; ``signed`` puts + before a positive number."""
    number = Decimal(value)
    text = format(number.normalize(), "f") if number else "0"
    return f"+{text}" if signed and number > 0 else text


@dataclass
class LedgerRow:
    day: date
    subject_key: str
    subject: str
    item: str
    points: Decimal
    kind: str
    recorded_by: str
    status: str
    note: str = ""
    sort_id: int = 0

    @property
    def counted(self) -> bool:
        """Does the row count in the household's ledger total?"""
        return self.status in (STATUS_ENTERED, STATUS_CORRECTED)

    @property
    def points_text(self) -> str:
        return points_text(self.points, signed=True)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


@dataclass
class SubjectTotal:
    subject_key: str
    subject: str
    entries: int = 0
    points: Decimal = Decimal("0")
    pending: Decimal = Decimal("0")

    @property
    def points_text(self) -> str:
        return points_text(self.points)

    @property
    def pending_text(self) -> str:
        return points_text(self.pending)


@dataclass
class GridLedger:
    scheme: Scheme
    grid: Grid
    month: date
    staff: list[GridStaff]
    rows: list[LedgerRow] = field(default_factory=list)
    totals: list[SubjectTotal] = field(default_factory=list)

    @property
    def month_code(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def month_end(self) -> date:
        return next_month(self.month) - timedelta(days=1)

    @property
    def total_points(self) -> Decimal:
        return sum((t.points for t in self.totals), Decimal("0"))

    @property
    def total_pending(self) -> Decimal:
        return sum((t.pending for t in self.totals), Decimal("0"))

    @property
    def total_points_text(self) -> str:
        return points_text(self.total_points)

    @property
    def total_pending_text(self) -> str:
        return points_text(self.total_pending)

    @property
    def total_entries(self) -> int:
        return sum(t.entries for t in self.totals)

    @property
    def days(self) -> list[tuple[date, list[LedgerRow]]]:
        """The rows grouped by day, in order."""
        out: list[tuple[date, list[LedgerRow]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.day:
                out.append((row.day, []))
            out[-1][1].append(row)
        return out

    @property
    def staff_names(self) -> str:
        return "、".join(f"{s.name}（{s.get_role_display()}）" for s in self.staff)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def parse_month(value: str | None) -> date:
    """``YYYY-MM`` → the first day of that month; anything else → the current month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return timezone.localdate().replace(day=1)


# -- who may see which grid -------------------------------------------------------------------------


def ledger_access(actor, scheme_id) -> tuple[Scheme, list[Grid]]:
    """The scheme and the grids of its village whose ledger the actor may see; NotFound when none."""
    try:
        scheme = Scheme.objects.select_related("village").get(pk=scheme_id)
    except (Scheme.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    grids = Grid.objects.filter(village_id=scheme.village_id).order_by("code")
    if not scope.in_scope(actor, Action.POINTS_VIEW, scheme):
        grids = grids.filter(pk__in=scope.targets(actor, "grid", Action.POINTS_VIEW))
    grids = list(grids)
    if not grids:
        raise NotFound()
    return scheme, grids


def pick_grid(grids: list[Grid], grid_id) -> Grid:
    """The grid asked for among those allowed (NotFound when it is not one of them); the first by default."""
    if grid_id in (None, ""):
        return grids[0]
    grid = next((g for g in grids if str(g.pk) == str(grid_id)), None)
    if grid is None:
        raise NotFound()
    return grid


# -- the month's rows ----------------------------------------------------------------------------------


def grid_month_ledger(scheme: Scheme, grid: Grid, month: date) -> GridLedger:
    """Build the ledger of one grid for one month. Callers check access with ``ledger_access`` first."""
    start, end = month.replace(day=1), next_month(month) - timedelta(days=1)
    ledger = GridLedger(scheme=scheme, grid=grid, month=start, staff=list(GridStaff.objects.filter(grid=grid)))
    entries = list(
        LedgerEntry.objects.filter(
            scheme=scheme,
            grid=grid,
            occurred_on__gte=start,
            occurred_on__lte=end,
            kind__in=[EntryKind.AWARD, EntryKind.REVERSAL],
        ).select_related("item", "actor", "claim__recorded_by")
    )
    corrected = set(
        LedgerEntry.objects.filter(reverses_id__in=[e.pk for e in entries]).values_list("reverses_id", flat=True)
    )
    rows: list[LedgerRow] = []
    for e in entries:
        recorder = e.claim.recorded_by if e.claim_id else e.actor
        if e.kind == EntryKind.REVERSAL:
            status, note = STATUS_ENTERED, e.reason
        else:
            status = STATUS_CORRECTED if e.pk in corrected else STATUS_ENTERED
            note = e.claim.note if e.claim_id else ""
        rows.append(
            LedgerRow(
                day=e.occurred_on,
                subject_key=e.subject_key,
                subject=e.subject_label,
                item=e.item.text if e.item_id else e.reason,
                points=e.score_delta,
                kind=e.kind,
                recorded_by=str(recorder),
                status=status,
                note=note,
                sort_id=e.pk,
            )
        )
    claims = Claim.objects.filter(
        scheme=scheme,
        grid=grid,
        occurred_on__gte=start,
        occurred_on__lte=end,
        status__in=[ClaimStatus.PENDING, ClaimStatus.REJECTED],
    ).select_related("item", "recorded_by")
    for c in claims:
        rows.append(
            LedgerRow(
                day=c.occurred_on,
                subject_key=c.subject_key,
                subject=c.subject_label,
                item=c.item.text,
                points=c.points,
                kind=KIND_AWARD,
                recorded_by=str(c.recorded_by),
                status=STATUS_PENDING if c.status == ClaimStatus.PENDING else STATUS_REJECTED,
                note=c.rejection_reason if c.status == ClaimStatus.REJECTED else c.note,
                # claims after entries of the same day and subject, in their own order
                sort_id=10**12 + c.pk,
            )
        )
    rows.sort(key=lambda r: (r.day, r.subject, r.sort_id))
    ledger.rows = rows
    totals: dict[str, SubjectTotal] = {}
    for row in rows:
        total = totals.setdefault(row.subject_key, SubjectTotal(row.subject_key, row.subject))
        if row.counted:
            total.entries += 1
            total.points += row.points
        elif row.status == STATUS_PENDING:
            total.pending += row.points
    ledger.totals = sorted(totals.values(), key=lambda t: t.subject)
    return ledger


# -- the .xlsx file ------------------------------------------------------------------------------------


def export_filename(ledger: GridLedger) -> tuple[str, str]:
    """(Chinese file name, ASCII fallback) such as 积分台账-A1-01-2026-03.xlsx."""
    code = re.sub(r"[\\/:*?\"<>|\s;,]+", "_", ledger.grid.code).strip("_") or str(ledger.grid.pk)
    ascii_code = re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("_") or str(ledger.grid.pk)
    return f"积分台账-{code}-{ledger.month_code}.xlsx", f"points-ledger-{ascii_code}-{ledger.month_code}.xlsx"


def _number(value: Decimal):
    """Whole numbers as int, others as float, so Excel sums them."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def build_xlsx(ledger: GridLedger) -> bytes:
    """The month's ledger as a workbook: a header block, the rows by day, then the totals per household."""
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="BBBBBB")
    boxed = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    with translation.override("zh-hans"):
        staff = ledger.staff_names or "—"
    village = ledger.scheme.village.name
    ws.append([f"{village}{ledger.grid.name} {SHEET_TITLE}（{ledger.month.year}年{ledger.month.month}月）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append([LABEL_VILLAGE, village])
    ws.append([LABEL_GRID, f"{ledger.grid.name}（{ledger.grid.code}）"])
    ws.append([LABEL_MONTH, ledger.month_code])
    ws.append([LABEL_SCHEME, ledger.scheme.name])
    ws.append([LABEL_STAFF, staff])
    ws.append([LABEL_EXPORTED, timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for row in range(2, 8):
        ws.cell(row=row, column=1).font = bold
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(HEADERS)
    for col in range(1, len(HEADERS) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font, cell.fill, cell.border = bold, header_fill, boxed
    for r in ledger.rows:
        ws.append(
            [
                r.day,
                r.subject,
                r.item,
                _number(r.points),
                XLSX_KIND.get(r.kind, r.kind),
                r.recorded_by,
                XLSX_STATUS.get(r.status, r.status),
                r.note,
            ]
        )
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
    ws.append([])
    totals_title = ws.max_row + 1
    ws.append([LABEL_TOTALS])
    ws.cell(row=totals_title, column=1).font = bold
    ws.append(TOTAL_HEADERS)
    for col in range(1, len(TOTAL_HEADERS) + 1):
        cell = ws.cell(row=ws.max_row, column=col)
        cell.font, cell.fill, cell.border = bold, header_fill, boxed
    for t in ledger.totals:
        ws.append([t.subject, t.entries, _number(t.points), _number(t.pending)])
    ws.append([LABEL_ALL, ledger.total_entries, _number(ledger.total_points), _number(ledger.total_pending)])
    for col in range(1, len(TOTAL_HEADERS) + 1):
        ws.cell(row=ws.max_row, column=col).font = bold
    ws.append([])
    ws.append([LABEL_SIGN])
    widths = [12, 16, 34, 8, 8, 12, 10, 30]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (3, 8))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
