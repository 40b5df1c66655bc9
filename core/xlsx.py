"""A table as an .xlsx workbook (openpyxl): what every "download as Excel" of a figures page writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO


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
