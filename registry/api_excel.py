"""Excel import and export of households over the API; same service and rules as the pages."""

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from registry import importing
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
    detail: str
    errors: list[RowErrorOut]


@router.post(
    "/households/import",
    response={200: ImportOut, 422: ImportErrorOut},
    summary="Import households and members from an .xlsx file (all rows or, on any problem, nothing)",
)
def households_import(request, file: File[UploadedFile]):
    report = importing.households_import(actor=request.auth, fileobj=file, filename=file.name or "")
    if report.errors:
        return 422, {"detail": report.summary(), "errors": [e.as_dict() for e in report.errors]}
    return 200, {"households": report.households, "people": report.people}


@router.get(
    "/households/export.xlsx",
    summary="Households in scope as an .xlsx file (import layout, identifiers masked)",
)
def households_export(request, q: str = "", village_id: int | None = None, grid_id: int | None = None, tag: str = ""):
    result = importing.households_export(actor=request.auth, q=q, village_id=village_id, grid_id=grid_id, tag=tag)
    return xlsx_response(result.content, *export_filename())
