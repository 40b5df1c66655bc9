from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from accounts import selectors, services
from accounts.lockout import locked_message, wrong_password_message
from accounts.models import RoleAssignment
from core import scope
from core.api import error_body
from core.api_types import Id
from core.errors import NotFound
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
