"""The API of signing in with a code by SMS and of resetting a password (for a mini-program or the app)."""

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from accounts import phone as phone_codes
from accounts import services
from accounts.models import CodePurpose
from accounts.phone_views import address

router = Router(tags=["auth"])


class CodeIn(Schema):
    phone: str = Field(max_length=20)
    purpose: CodePurpose = CodePurpose.SIGN_IN


class SentOut(Schema):
    to: str
    expires_in: int
    resend_in: int


class CodeTokenIn(Schema):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=6)


class CodeTokenOut(Schema):
    token: str
    username: str


class ResetIn(CodeTokenIn):
    password: str = Field(max_length=128)


class ResetOut(Schema):
    username: str


@router.post(
    "/code",
    auth=None,
    response={202: SentOut},
    summary=gettext_lazy("Send a one-time code by SMS to sign in or to reset the password"),
)
def code_send(request, payload: CodeIn):
    sent = phone_codes.code_request(phone=payload.phone, purpose=payload.purpose, address=address(request))
    return 202, {"to": sent.to, "expires_in": sent.expires_in, "resend_in": sent.resend_in}


@router.post(
    "/code/token",
    auth=None,
    response=CodeTokenOut,
    summary=gettext_lazy(
        "Exchange the number and its code for a bearer token (a resident's first sign-in makes the account)"
    ),
)
def code_token(request, payload: CodeTokenIn):
    user = phone_codes.sign_in_with_code(phone=payload.phone, code=payload.code)
    from core.middleware import attach_audit_context

    attach_audit_context(request, user)
    return {"token": services.api_token_issue(actor=user), "username": user.username}


@router.post(
    "/password/reset",
    auth=None,
    response=ResetOut,
    summary=gettext_lazy("Set a new password with the code sent by SMS to the account's number"),
)
def password_reset(request, payload: ResetIn):
    user = phone_codes.reset_password(phone=payload.phone, code=payload.code, password=payload.password)
    return {"username": user.username}
