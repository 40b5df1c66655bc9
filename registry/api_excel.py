"""Excel import and export of households over the API; same service and rules as the pages."""

from django.utils.translation import gettext_lazy
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from registry import importing
from registry.api import HouseholdFilters
from registry.views_excel import export_filename, xlsx_response

router = Router(tags=["registry"])


class ImportOut(Schema):
    households: int
    people: int


class RowErrorOut(Schema):
    row: int
    column: str
    message: str
    code: str


class ImportErrorOut(Schema):
    """422: the workbook was refused (``errors``: the rows and cells at fault), or the request itself was (no file:
    ``errors`` by field, as every operation answers an invalid request; core.api.error_body)."""

    detail: str
    errors: list[RowErrorOut] | dict[str, list[str]]


@router.post(
    "/households/import",
    response={200: ImportOut, 422: ImportErrorOut},
    summary=gettext_lazy("Import households and members from an .xlsx file (all rows or, on any problem, nothing)"),
)
def households_import(request, file: File[UploadedFile]):
    report = importing.households_import(actor=request.auth, fileobj=file, filename=file.name or "")
    if report.errors:
        return 422, {"detail": report.summary(), "errors": [e.as_dict() for e in report.errors]}
    return 200, {"households": report.households, "people": report.people}


@router.get(
    "/households/export.xlsx",
    summary=gettext_lazy("Households in scope as an .xlsx file (import layout, identifiers masked)"),
)
def households_export(request, filters: Query[HouseholdFilters]):
    result = importing.households_export(actor=request.auth, **filters.model_dump())
    return xlsx_response(result.content, *export_filename())
