"""A notice's text as it is shown: paragraphs as written, and tables written in the text as lines of cells between
bars (the way a statement such as a 收支明细表 is written into a notice, readable as plain text in the API too)::

    | 项目 | 金额（元） |
    |---|---:|
    | 本月收入合计 | 12,345.00 |

The second line (dashes, a colon on the right for a right-aligned column) marks the block as a table; anything
else stays text. Every piece is escaped; nothing the writer typed becomes markup.

Tables the platform generated as attachments (.xlsx) are read here too (``read_workbook``) to be shown and printed
as a table page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip()[1:-1].split("|")]


def _is_row(line: str) -> bool:
    line = line.strip()
    return len(line) >= 2 and line.startswith("|") and line.endswith("|")


def _align(marker: str) -> str:
    """``---:`` right, ``:---:`` centre, ``---`` as the text runs."""
    if marker.endswith(":"):
        return "center" if marker.startswith(":") else "right"
    return ""


def blocks(text: str) -> list[tuple[str, object]]:
    """The text cut into ("text", str) and ("table", (aligns, header, rows)) blocks, in order."""
    lines = (text or "").split("\n")
    out: list[tuple[str, object]] = []
    pending: list[str] = []
    i = 0
    while i < len(lines):
        if _is_row(lines[i]) and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1].strip()):
            header = _cells(lines[i])
            aligns = [_align(c) for c in _cells(lines[i + 1])]
            if len(aligns) == len(header):
                if pending:
                    out.append(("text", "\n".join(pending)))
                    pending = []
                rows = []
                i += 2
                while i < len(lines) and _is_row(lines[i]):
                    cells = _cells(lines[i])
                    rows.append((cells + [""] * len(header))[: len(header)])
                    i += 1
                out.append(("table", (aligns, header, rows)))
                continue
        pending.append(lines[i])
        i += 1
    if pending:
        out.append(("text", "\n".join(pending)))
    return out


def _cell(tag: str, value: str, align: str) -> str:
    style = f' class="{align}"' if align else ""
    return f"<{tag}{style}>{escape(value)}</{tag}>"


def as_html(text: str) -> SafeString:
    """The text with its tables as HTML tables (no whitespace between tags: the text keeps its line breaks)."""
    parts = []
    for kind, value in blocks(text):
        if kind == "text":
            value = value.strip("\n")
            if value:
                parts.append(f'<div class="ntext">{escape(value)}</div>')
            continue
        aligns, header, rows = value
        head = "".join(_cell("th", h, a) for h, a in zip(header, aligns, strict=True))
        body = "".join(
            "<tr>" + "".join(_cell("td", c, a) for c, a in zip(row, aligns, strict=True)) + "</tr>" for row in rows
        )
        parts.append(f'<table class="ntable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def plain(text: str) -> str:
    """The text without table markup, for a short excerpt (a card on the board)."""
    out = []
    for kind, value in blocks(text):
        if kind == "text":
            out.append(value.strip("\n"))
        else:
            _aligns, header, rows = value
            out.extend("  ".join(c for c in row if c) for row in [header, *rows])
    return "\n".join(part for part in out if part)


# -- tables generated as .xlsx attachments --------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    aligns: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # (header, align)
    cells: list = field(default_factory=list)  # each row as (text, align)


def _shown(cell) -> tuple[str, bool]:
    """(text, is a number) of a spreadsheet cell as the table page shows it."""
    value = cell.value
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, (int, float)):
        fmt = getattr(cell, "number_format", "") or ""
        return (f"{value:,.2f}" if "0.00" in fmt else f"{value:,}" if "," in fmt else str(value)), True
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")), False
    if isinstance(value, date):
        return value.isoformat(), False
    return str(value), False


def read_workbook(file, *, max_rows: int = 100_000) -> list[Sheet]:
    """Every sheet of an .xlsx: its first row is the header, the rest the rows (empty rows left out)."""
    from openpyxl import load_workbook

    book = load_workbook(file, read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            sheet = Sheet(title=ws.title)
            numeric: list[bool] = []
            for index, row in enumerate(ws.iter_rows()):
                shown = [_shown(c) for c in row]
                if not any(text for text, _n in shown):
                    continue
                if not sheet.header:
                    sheet.header = [text for text, _n in shown]
                    numeric = [True] * len(sheet.header)
                    continue
                if index > max_rows:
                    break
                cells = [text for text, _n in shown][: len(sheet.header)]
                cells += [""] * (len(sheet.header) - len(cells))
                for i, (text, is_number) in enumerate(shown[: len(sheet.header)]):
                    if text and not is_number:
                        numeric[i] = False
                sheet.rows.append(cells)
            sheet.aligns = ["right" if n and sheet.rows else "" for n in numeric]
            sheet.columns = list(zip(sheet.header, sheet.aligns, strict=True))
            sheet.cells = [list(zip(row, sheet.aligns, strict=True)) for row in sheet.rows]
            sheets.append(sheet)
        return sheets
    finally:
        book.close()
