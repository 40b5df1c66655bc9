"""Reading an uploaded .xlsx into ImportRow values (the header row found among the first rows)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from registry.importing.layout import (
    _FIELDS,
    COL_BIRTH,
    COL_ID,
    HEADERS,
    MAX_FILE_MB,
    MAX_ROWS,
    SHEET_NAME,
    TITLE_ROWS,
    ImportFileError,
    ImportRow,
)

# --- reading -----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as stripped text; integral numbers without '.0', dates as YYYY-MM-DD."""
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
    return str(value).replace("\u3000", " ").strip()


def read_rows(fileobj) -> list[ImportRow]:
    """Read the person rows of an import workbook. Raises ImportFileError for a file it cannot use."""
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_FILE_MB * 1024 * 1024:
        raise ImportFileError(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_MB}, "file_too_large")
    not_xlsx = ImportFileError(
        _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx and upload it again."),
        "bad_file",
    )
    try:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise not_xlsx from None
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        named = [ws for ws in sheets if ws.title == SHEET_NAME]
        if not sheets:
            raise ImportFileError(_("The file contains no rows to import."), "empty")
        sheet = named[0] if named else sheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
        return _rows_of(sheet)
    except ImportFileError:
        raise
    except Exception:
        raise not_xlsx from None
    finally:
        workbook.close()


def _rows_of(sheet) -> list[ImportRow]:
    rows: list[ImportRow] = []
    columns: dict[str, int] | None = None
    for excel_row, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if columns is None:
            columns = _header_columns(values, title_allowed=excel_row <= TITLE_ROWS)
            continue  # the header row, or a title row above it
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into several files.") % {"max": MAX_ROWS},
                "too_many_rows",
            )
        row = ImportRow(row=excel_row)
        for header, index in columns.items():
            value = values[index] if index < len(values) else None
            attr = _FIELDS[header]
            if header == COL_BIRTH and isinstance(value, (datetime, date)):
                setattr(row, attr, value.date() if isinstance(value, datetime) else value)
            else:
                setattr(row, attr, _text(value))
                if header == COL_ID and isinstance(value, (int, float)) and not isinstance(value, bool):
                    row.numeric_id = True
        rows.append(row)
    if columns is None or not rows:
        raise ImportFileError(_("The file contains no rows to import."), "empty")
    return rows


def _header_columns(values, *, title_allowed: bool) -> dict[str, int] | None:
    """Column positions by header; None for a title row (no header at all) near the top of the sheet."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        header = _text(value).replace(" ", "").lstrip("*")
        if header in _FIELDS and header not in found:
            found[header] = index
    if not found and title_allowed:
        return None
    missing = [h for h in HEADERS if h not in found]
    if missing:
        raise ImportFileError(
            _("The header row is missing these columns: %(columns)s. Download the template and keep its header row.")
            % {"columns": "、".join(missing)},
            "missing_columns",
        )
    return found
