"""Excel import and export of households: the pages. The rules live in registry.importing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import Action
from core.views import api_twin, download_response, require_action
from regions import selectors as region_selectors
from registry import importing, selectors
from registry.forms import HouseholdSearchForm

ERRORS_SHOWN = 1000  # the page lists this many problems; the count says how many there are in all


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def xlsx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    """An .xlsx download (core.views.download_response)."""
    return download_response(content, name=filename, fallback=fallback, content_type=importing.XLSX_CONTENT_TYPE)


def export_filename() -> tuple[str, str]:
    day = timezone.localdate().strftime("%Y%m%d")
    return f"户籍导出-{day}.xlsx", f"households-{day}.xlsx"


@login_required
@require_action(Action.REGISTRY_IMPORT)
@api_twin("POST /api/households/import")
def import_households(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = importing.households_import(actor=request.user, fileobj=upload, filename=upload.name)
        if report.ok:
            messages.success(
                request,
                _("Imported %(households)s households with %(people)s residents.")
                % {"households": report.households, "people": report.people},
            )
            return redirect("registry:household_list")
        form = ImportForm()  # ready for the corrected file
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "report": report,
            "errors": report.errors[:ERRORS_SHOWN] if report else [],
            "errors_truncated": bool(report) and len(report.errors) > ERRORS_SHOWN,
            "errors_shown": ERRORS_SHOWN,
            "max_rows": importing.MAX_ROWS,
            "headers": importing.HEADERS,
        },
    )


@login_required
@require_action(Action.REGISTRY_IMPORT)
def import_template(request):
    return xlsx_response(importing.build_template(), "户籍导入模板.xlsx", "household-import-template.xlsx")


def _list_filters(request) -> dict:
    """The household list's filters, read from the same GET parameters with the same form."""
    form = HouseholdSearchForm(
        request.GET or None,
        villages=region_selectors.villages(request.user),
        grids=region_selectors.grids(request.user),
        tags=selectors.tag_choices(request.user),
    )
    if not form.is_valid():
        return {}
    data = form.cleaned_data
    return {
        "q": data["q"],
        "address": data["address"],
        "village_id": getattr(data["village"], "pk", None),
        "grid_id": getattr(data["grid"], "pk", None),
        "tag": data["tag"],
    }


@login_required
@require_action(Action.REGISTRY_EXPORT)
def export_households(request):
    result = importing.households_export(actor=request.user, **_list_filters(request))
    return xlsx_response(result.content, *export_filename())
