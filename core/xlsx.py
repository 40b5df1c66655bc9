"""A table as an .xlsx workbook (openpyxl): what every "download as Excel" of a figures page writes; and the rows
of an uploaded workbook (``read_sheet``), as the imports read them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _


@dataclass
class Sheet:
    title: str  # the sheet's tab (at most 31 characters)
    caption: str  # the first row: what the table is, for whom and when
    heads: Sequence[str]
    rows: Iterable[Sequence]


def workbook(*sheets: Sheet) -> bytes:
    """The sheets, each with its caption in bold, its heads in bold and frozen under them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append([sheet.caption])
        ws["A1"].font = bold
        ws.append([str(h) for h in sheet.heads])
        for cell in ws[2]:
            cell.font = bold
        for row in sheet.rows:
            ws.append(list(row))
        ws.freeze_panes = "B3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# -- reading an uploaded workbook (the registry's household import, the staff-account import) --------------------


class ImportFileError(Exception):
    """The file as a whole cannot be used (not an xlsx, damaged, too big, empty, columns missing, too many rows);
    the message is in Chinese, the code names the case for the API."""

    def __init__(self, message: str, code: str = "bad_file"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class RowError:
    """What is wrong with one row (or, row 0, the whole file) of an imported workbook."""

    row: int  # as Excel shows it; 0 for a problem of the whole file
    column: str  # a header of the sheet, "" for the whole file or row
    message: str
    code: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def cell_text(value) -> str:
    """A cell as stripped text: integral numbers without '.0' (a phone or an ID typed as a number), dates as
    YYYY-MM-DD, line breaks as spaces and no control characters (a cell may carry _x0000_ escapes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(value)))
    return text.replace("\u3000", " ").strip()


def read_sheet(
    fileobj,
    *,
    sheet_name: str,
    headers: Iterable[str],
    required: Iterable[str],
    max_rows: int,
    max_mb: int,
    title_rows: int = 5,
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an uploaded workbook's sheet ``sheet_name`` (else its first), each as (its row number in Excel,
    {header: the cell's value}). The header row is found among the first ``title_rows`` rows (rows above it with
    no header are titles); empty rows are skipped. ImportFileError for a file that cannot be used."""
    from openpyxl import load_workbook

    size = getattr(fileobj, "size", None)
    if size is not None and size > max_mb * 1024 * 1024:
        raise ImportFileError(_("The file is larger than %(size)s MB.") % {"size": max_mb}, "file_too_large")
    not_xlsx = ImportFileError(
        _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx and upload it again."),
        "bad_file",
    )
    try:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise not_xlsx from None
    try:
        sheets = [ws for ws in book.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            raise ImportFileError(_("The file contains no rows to import."), "empty")
        named = [ws for ws in sheets if ws.title == sheet_name]
        sheet = named[0] if named else sheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
        return _sheet_rows(sheet, set(headers), tuple(required), max_rows, title_rows)
    except ImportFileError:
        raise
    except Exception:
        raise not_xlsx from None
    finally:
        book.close()


def _sheet_rows(sheet, headers: set[str], required: tuple[str, ...], max_rows: int, title_rows: int):
    rows: list[tuple[int, dict[str, Any]]] = []
    columns: dict[str, int] | None = None
    for excel_row, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if columns is None:
            columns = _header_columns(values, headers, required, title_allowed=excel_row <= title_rows)
            continue  # the header row, or a title row above it
        if len(rows) >= max_rows:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into several files.") % {"max": max_rows},
                "too_many_rows",
            )
        rows.append((excel_row, {h: values[i] if i < len(values) else None for h, i in columns.items()}))
    if columns is None or not rows:
        raise ImportFileError(_("The file contains no rows to import."), "empty")
    return rows


def _header_columns(values, headers: set[str], required: tuple[str, ...], *, title_allowed: bool):
    """Column positions by header; None for a title row (no header at all) near the top of the sheet."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        header = cell_text(value).replace(" ", "").lstrip("*")
        if header in headers and header not in found:
            found[header] = index
    if not found and title_allowed:
        return None
    missing = [h for h in required if h not in found]
    if missing:
        raise ImportFileError(
            _("The header row is missing these columns: %(columns)s. Download the template and keep its header row.")
            % {"columns": "、".join(missing)},
            "missing_columns",
        )
    return found
