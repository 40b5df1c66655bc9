from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from accounts import importing, selectors, services
from accounts.import_views import result_response, template_response
from accounts.lockout import locked_message, wrong_password_message
from accounts.models import RoleAssignment
from core import scope
from core.api import error_body
from core.api_types import Id
from core.errors import NotFound, PermissionDenied
from core.roles import Action

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str
    errors: dict = {}


class AssignmentOut(Schema):
    role: str
    level: str
    target_id: int


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    assignments: list[AssignmentOut]


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary=gettext_lazy("Exchange username (or phone) and password for a bearer token"),
)
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return 429, error_body(locked_message(payload.username))
    if user is None:
        return 401, error_body(wrong_password_message(payload.username))
    from core.middleware import attach_audit_context

    attach_audit_context(request, user)
    return 200, {"token": services.api_token_issue(actor=user)}


@router.get("/me", response=MeOut, summary=gettext_lazy("The signed-in account and its role assignments"))
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "assignments": [{"role": g.role, "level": g.level, "target_id": g.target_id} for g in scope.grants(user)],
    }


# -- managing accounts (the county or township administrator; the same services as the accounts page) ----------

users_router = Router(tags=["accounts"])


class AccountIn(Schema):
    username: str
    password: str
    display_name: str
    phone: str = ""
    role: str
    region_id: Id
    grid_id: Id | None = None


class AccountOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool


class ActiveIn(Schema):
    active: bool


def _manager(actor):
    if not scope.can(actor, Action.ACCOUNTS_MANAGE):
        raise NotFound()


def _account(user) -> dict:
    return {"id": user.pk, "username": user.username, "display_name": user.display_name, "is_active": user.is_active}


@users_router.post(
    "/users",
    response={201: AccountOut},
    summary=gettext_lazy("Create an account with its first role (account administrator)"),
)
def user_create(request, payload: AccountIn):
    actor = request.auth
    _manager(actor)
    region = selectors.manageable_regions(actor).filter(pk=payload.region_id).first()
    grid = None
    if payload.grid_id is not None:
        grid = selectors.manageable_grids(actor).filter(pk=payload.grid_id).first()
    if region is None or (payload.grid_id is not None and grid is None):
        raise NotFound()
    with transaction.atomic():
        user = services.user_create(
            actor=actor,
            username=payload.username,
            password=payload.password,
            display_name=payload.display_name,
            phone=payload.phone,
        )
        services.role_assign(actor=actor, user=user, role=payload.role, region=region, grid=grid)
    return 201, _account(user)


@users_router.post(
    "/users/{int:user_id}/active", response=AccountOut, summary=gettext_lazy("Disable or re-enable an account")
)
def user_set_active(request, user_id: Id, payload: ActiveIn):
    actor = request.auth
    _manager(actor)
    user = selectors.users_in_scope(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return _account(services.user_set_active(actor=actor, user=user, active=payload.active))


@users_router.delete(
    "/roles/{int:assignment_id}", response={204: None}, summary=gettext_lazy("Revoke a role assignment")
)
def role_revoke(request, assignment_id: Id):
    actor = request.auth
    _manager(actor)
    assignment = (
        RoleAssignment.objects.filter(pk=assignment_id, region__in=selectors.manageable_regions(actor))
        .select_related("region", "user")
        .first()
    )
    if assignment is None:
        raise NotFound()
    services.role_revoke(actor=actor, assignment=assignment)
    return 204, None


# -- staff accounts in bulk from an .xlsx file (accounts.importing; the same checks and services as the page) ----


class AccountImportRowErrorOut(Schema):
    row: int
    column: str
    message: str
    code: str


class AccountImportErrorOut(Schema):
    """422: the workbook or a row was refused (``errors``: the rows and cells at fault, ``row`` 0 for the whole
    file), or the request itself was (``errors`` by field; core.api.error_body)."""

    detail: str
    errors: list[AccountImportRowErrorOut] | dict[str, list[str]]


class AccountImportRowOut(Schema):
    row: int
    username: str
    generated: bool
    display_name: str
    phone_masked: str
    role: str
    region_code: str
    grid_code: str
    household_number: str


class AccountImportPreviewOut(Schema):
    rows: int
    accounts: list[AccountImportRowOut]
    token: str


class AccountImportConfirmIn(Schema):
    token: str


def _import_errors(report) -> dict:
    return {"detail": report.summary(), "errors": [e.as_dict() for e in report.errors]}


@users_router.post(
    "/users/import/preview",
    response={200: AccountImportPreviewOut, 422: AccountImportErrorOut},
    summary=gettext_lazy(
        "Check an .xlsx file of staff accounts (writes nothing): each row, or every problem with its row and column; "
        "a correct file gives the `token` to confirm"
    ),
)
def user_import_preview(request, file: File[UploadedFile]):
    report = importing.preview(actor=request.auth, fileobj=file, filename=file.name or "")
    if report.errors:
        return 422, _import_errors(report)
    return 200, {
        "rows": report.rows,
        "token": report.token,
        "accounts": [
            {
                "row": a.row,
                "username": a.username,
                "generated": a.generated,
                "display_name": a.display_name,
                "phone_masked": a.phone_masked,
                "role": a.role,
                "region_code": a.region.code,
                "grid_code": a.grid.code if a.grid else "",
                "household_number": a.household.number if a.household else "",
            }
            for a in report.accounts
        ],
    }


@users_router.post(
    "/users/import",
    response={200: None, 422: AccountImportErrorOut},
    summary=gettext_lazy(
        "Import the checked staff accounts (`token` from the check): all rows or none; the answer is the .xlsx "
        "file with each initial password, shown only this once"
    ),
)
def user_import(request, payload: AccountImportConfirmIn):
    result = importing.confirm(actor=request.auth, token=payload.token)
    if result.errors:
        return 422, _import_errors(result)
    return result_response(result.content)


@users_router.get(
    "/users/import/template.xlsx",
    summary=gettext_lazy("The .xlsx template for importing staff accounts, with the codes of your regions and grids"),
)
def user_import_template(request):
    if not scope.can(request.auth, Action.ACCOUNTS_MANAGE):
        raise PermissionDenied()
    return template_response(request.auth)
