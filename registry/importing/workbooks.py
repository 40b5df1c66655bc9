"""The workbooks the platform writes: the import template with its help sheet, and rows written as a sheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.validators import id_check_digit
from registry.generation import DEFAULT_TAGS
from registry.importing.layout import (
    COL_ADDRESS,
    COL_BIRTH,
    COL_GENDER,
    COL_GRID,
    COL_GROUP,
    COL_ID,
    COL_NAME,
    COL_NUMBER,
    COL_PHONE,
    COL_RELATION,
    COL_TAGS,
    COL_VILLAGE,
    COLUMN_WIDTHS,
    HEADERS,
    HELP_SHEET_NAME,
    MAX_ROWS,
    RELATION_LABELS,
    SHEET_NAME,
    TEXT_COLUMNS,
)
from registry.models import Tag

# --- workbooks ---------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_sheet(workbook: Workbook, title: str = SHEET_NAME, rows: int = 0):
    """The data sheet of the template: bold header, readable widths, text format for code columns."""
    ws = workbook.active
    ws.title = title
    ws.append(HEADERS)
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = COLUMN_WIDTHS[header]
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    return ws


def _tag_names() -> list[str]:
    names = list(Tag.objects.order_by("restricted", "code").values_list("name", flat=True))
    return names or [name for _code, name, _restricted, _sensitive in DEFAULT_TAGS]


def build_template() -> bytes:
    """The import template: a clean data sheet and a sheet explaining each column with an example."""
    workbook = Workbook()
    ws = _data_sheet(workbook)
    last = MAX_ROWS + 1
    for index, header in enumerate(HEADERS, start=1):
        if header in TEXT_COLUMNS:  # typed ID numbers and codes stay text (no 5.10422E+17, no lost zeros)
            ws.column_dimensions[get_column_letter(index)].number_format = "@"
    relation_col = get_column_letter(HEADERS.index(COL_RELATION) + 1)
    gender_col = get_column_letter(HEADERS.index(COL_GENDER) + 1)
    relations = DataValidation(type="list", formula1='"' + ",".join(RELATION_LABELS.values()) + '"', allow_blank=True)
    relations.add(f"{relation_col}2:{relation_col}{last}")
    genders = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    genders.add(f"{gender_col}2:{gender_col}{last}")
    ws.add_data_validation(relations)
    ws.add_data_validation(genders)

    help_ws = workbook.create_sheet(HELP_SHEET_NAME)
    wrap = Alignment(wrap_text=True, vertical="top")
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 16
    help_ws.column_dimensions["C"].width = 80
    help_ws.append([_("How to fill in the household import sheet")])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in (
        _(
            "Fill in the sheet “%(sheet)s”: one row per person. Rows with the same village code and household "
            "number form one household."
        )
        % {"sheet": SHEET_NAME},
        _(
            "The first row of a household whose relation is 户主 names the head of the household. "
            "A household may have only one head."
        ),
        _("Import only creates new households; a household number that already exists in the village is refused."),
        _("If any row has a problem, nothing is imported: correct the rows listed and upload the whole file again."),
    ):
        help_ws.append([line])
    help_ws.append([])
    help_ws.append([_("Column"), _("Required"), _("What to write")])
    for cell in help_ws[help_ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    yes, no = _("Yes"), _("No")
    explanations = {
        COL_NUMBER: (
            yes,
            _(
                "Household number, unique within the village, e.g. 0001. Format the column as text to keep "
                "leading zeros."
            ),
        ),
        COL_VILLAGE: (yes, _("The 12-digit code of the village; the village must be in your area.")),
        COL_GRID: (
            no,
            _("Code of the grid the household belongs to, e.g. A1-01; the grid must belong to the village."),
        ),
        COL_GROUP: (no, _("Name of the village group, e.g. 3组; it must exist in the village.")),
        COL_ADDRESS: (no, _("Address of the household.")),
        COL_NAME: (yes, _("Full name of the person.")),
        COL_RELATION: (yes, _("One of: %(values)s.") % {"values": "、".join(RELATION_LABELS.values())}),
        COL_GENDER: (
            _("Required unless an ID number is given"),
            _("男 or 女. May be left empty when an ID number is given; it is read from the ID number."),
        ),
        COL_BIRTH: (no, _("Date as YYYY-MM-DD, e.g. 1980-05-17. It must match the ID number.")),
        COL_ID: (
            no,
            _(
                "18-character resident ID number (the last character may be X). Each number may appear only "
                "once and must not be registered yet."
            ),
        ),
        COL_PHONE: (no, _("11-digit mobile number.")),
        COL_TAGS: (
            no,
            _("Tag names separated by 、 or a comma, from: %(values)s.") % {"values": "、".join(_tag_names())},
        ),
    }
    for header in HEADERS:
        required, text = explanations[header]
        help_ws.append([header, required, text])
        for cell in help_ws[help_ws.max_row]:
            cell.alignment = wrap
    help_ws.append([])
    help_ws.append([_("Example (do not fill in here)")])
    help_ws.cell(row=help_ws.max_row, column=1).font = Font(bold=True, color="B71C1C")
    help_ws.append(HEADERS)
    for cell in help_ws[help_ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    place = ["0001", "510422001001", "A1-01", "3组", "安家村3组12号"]
    head_id = "11010519800517001" + id_check_digit("11010519800517001")  # 17th digit odd: male
    spouse_id = "11010519820309002" + id_check_digit("11010519820309002")  # even: female
    for example in (
        place + ["王建国", "户主", "男", "1980-05-17", head_id, "13800001234", "党员"],
        place + ["刘桂兰", "配偶", "", "", spouse_id, "", "低保、留守妇女"],
        place + ["王小明", "子女", "男", "2012-09-01", "", "", "留守儿童"],
    ):
        help_ws.append(example + [""] * (len(HEADERS) - len(example)))
        for cell in help_ws[help_ws.max_row]:
            cell.number_format = "@"
    for index in range(4, len(HEADERS) + 1):
        help_ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[HEADERS[index - 1]]
    help_ws.column_dimensions["C"].width = 80  # the explanation column is wider than the example's 网格编码
    return _save(workbook)


def write_rows_workbook(rows: list[dict]) -> bytes:
    """An import workbook from dicts keyed by the Chinese headers (missing keys are empty cells)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_NAME)
    for index, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[header]
    ws.append(_header_cells(ws))
    for row in rows:
        ws.append([row.get(h, "") for h in HEADERS])
    return _save(workbook)


def _header_cells(ws) -> list:
    cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells
