"""Staff accounts in bulk from an .xlsx file: the pages (upload and preview, confirm, template). The rules live in
accounts.importing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import importing
from core.roles import Action
from core.views import api_twin, download_response, require_action

ERRORS_SHOWN = 1000  # the page lists this many problems; the count says how many there are in all


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _render(request, *, form=None, report=None, status=200):
    errors = report.errors if report else []
    return render(
        request,
        "accounts/import.html",
        {
            "form": form or AccountImportForm(),
            "report": report,
            "errors": errors[:ERRORS_SHOWN],
            "errors_truncated": len(errors) > ERRORS_SHOWN,
            "errors_shown": ERRORS_SHOWN,
            "max_rows": importing.max_rows(),
            "headers": importing.HEADERS,
        },
        status=status,
    )


@login_required
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("POST /api/accounts/users/import/preview")
def import_accounts(request):
    """Upload a file: every row checked and shown, nothing written; a clean file can then be confirmed."""
    form = AccountImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = importing.preview(actor=request.user, fileobj=upload, filename=upload.name)
        return _render(request, report=report)
    return _render(request, form=form)


@login_required
@require_POST
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("POST /api/accounts/users/import")
def import_confirm(request):
    """Create the accounts of a previewed file; the answer is the result workbook with the initial passwords."""
    result = importing.confirm(actor=request.user, token=request.POST.get("token", ""))
    if not result.ok:
        return _render(request, report=result)
    messages.success(
        request,
        _("Imported %(count)s accounts. The result file with their initial passwords was downloaded.")
        % {"count": len(result.accounts)},
    )
    return result_response(result.content)


def result_response(content: bytes):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download_response(
        content,
        name=f"账号导入结果-{stamp}.xlsx",
        fallback=f"account-import-result-{stamp}.xlsx",
        content_type=importing.XLSX_CONTENT_TYPE,
    )


def template_response(actor):
    return download_response(
        importing.build_template(actor),
        name="账号导入模板.xlsx",
        fallback="account-import-template.xlsx",
        content_type=importing.XLSX_CONTENT_TYPE,
    )


@login_required
@require_action(Action.ACCOUNTS_MANAGE)
def import_template(request):
    return template_response(request.user)
