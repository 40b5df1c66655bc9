from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema

from accounts import services
from core import scope
from core.api import error_body

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
    summary="Exchange username (or phone) and password for a bearer token",
)
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return 429, error_body(_("Too many failed attempts. This account is locked for 30 minutes."))
    if user is None:
        return 401, error_body(_("Wrong username/phone or password."))
    from core.middleware import attach_audit_context

    attach_audit_context(request, user)
    return 200, {"token": services.api_token_issue(actor=user)}


@router.get("/me", response=MeOut, summary="The signed-in account and its role assignments")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "assignments": [{"role": g.role, "level": g.level, "target_id": g.target_id} for g in scope.grants(user)],
    }
