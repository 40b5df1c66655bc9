"""Reading an uploaded .xlsx into ImportRow values (the header row found among the first rows)."""

from __future__ import annotations

from datetime import date, datetime

from core.xlsx import cell_text, read_sheet
from registry.importing.layout import (
    _FIELDS,
    COL_BIRTH,
    COL_ID,
    HEADERS,
    MAX_FILE_MB,
    MAX_ROWS,
    SHEET_NAME,
    TITLE_ROWS,
    ImportRow,
)

# --- reading -----------------------------------------------------------------------------------


def read_rows(fileobj) -> list[ImportRow]:
    """Read the person rows of an import workbook. Raises ImportFileError for a file it cannot use."""
    rows: list[ImportRow] = []
    for excel_row, cells in read_sheet(
        fileobj,
        sheet_name=SHEET_NAME,
        headers=_FIELDS,
        required=HEADERS,
        max_rows=MAX_ROWS,
        max_mb=MAX_FILE_MB,
        title_rows=TITLE_ROWS,
    ):
        row = ImportRow(row=excel_row)
        for header, value in cells.items():
            attr = _FIELDS[header]
            if header == COL_BIRTH and isinstance(value, (datetime, date)):
                setattr(row, attr, value.date() if isinstance(value, datetime) else value)
            else:
                setattr(row, attr, cell_text(value))
                if header == COL_ID and isinstance(value, (int, float)) and not isinstance(value, bool):
                    row.numeric_id = True
        rows.append(row)
    return rows
