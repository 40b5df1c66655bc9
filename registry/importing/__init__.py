"""Excel (.xlsx) import and export of households with their members (户籍导入导出).

One row per person; rows with the same (村编码, 户号) form one household. An import is checked as a
whole first: every problem of every row is collected with its row number (as Excel shows it) and
column. Only a file without any problem is written, in one transaction with bulk inserts, followed by
one audit event per village. Households are only created by an import, never merged into.

The column headers and sheet names are data (the layout of the file), not interface text, so they
are Chinese literals; every message is translated through gettext.

The package, by topic: ``layout`` (sheet names, columns, labels, limits; the row, problem, plan and report
values), ``reading`` (the .xlsx into rows), ``checking`` (every row against the registry → a plan or every
problem), ``writing`` (the plan in one transaction), ``workbooks`` (the template, rows as a sheet) and
``exporting`` (households out, masked). ``households_import`` below runs reading → checking → writing through
this package's names (the import benchmark times each step by replacing them here).
"""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _

from core import scope
from core.errors import PermissionDenied
from core.roles import Action
from registry.importing import layout
from registry.importing.checking import validate
from registry.importing.exporting import ExportResult, export_workbook, households_export
from registry.importing.layout import ImportFileError, ImportReport, RowError
from registry.importing.reading import read_rows
from registry.importing.workbooks import build_template, write_rows_workbook
from registry.importing.writing import _write

__all__ = [
    "ExportResult",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "_write",
    "build_template",
    "export_workbook",
    "households_export",
    "households_import",
    "read_rows",
    "validate",
    "write_rows_workbook",
]


def __getattr__(name: str):
    """The layout's names (sheets, columns, labels, limits, the row and plan values) are the package's too:
    ``importing.COL_NAME``, ``from registry.importing import HEADERS``."""
    try:
        return getattr(layout, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def households_import(*, actor, fileobj, filename: str = "") -> ImportReport:
    """Import households and their members from an .xlsx file: all of it, or (on any problem) nothing."""
    if not scope.can(actor, Action.REGISTRY_IMPORT):
        raise PermissionDenied()
    try:
        rows = read_rows(fileobj)
    except ImportFileError as exc:
        return ImportReport(errors=[RowError(0, "", exc.message, exc.code)])
    plan, errors = validate(actor, rows)
    if errors:
        return ImportReport(errors=errors)
    try:
        _write(actor, plan, filename or getattr(fileobj, "name", "") or "")
    except IntegrityError:
        message = _(
            "The registry changed while the file was being imported (a household number or ID number was "
            "registered meanwhile). Nothing was imported; upload the file again."
        )
        return ImportReport(errors=[RowError(0, "", message, "conflict")])
    return ImportReport(households=len(plan.households), people=plan.people)
