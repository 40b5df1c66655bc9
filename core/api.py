"""API plumbing shared by every domain: bearer-token auth, error translation, pagination."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from core.middleware import attach_audit_context

LAST_USED_PRECISION = timedelta(minutes=1)


# Every API request: the token and its account in one hand-written statement (the ORM took longer to build the
# join than the database took to answer; bench/README.md). ``token_stale``: last used over a minute ago.
_TOKEN_USER_SQL = """
    SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale
    FROM accounts_apitoken t
    JOIN accounts_user u ON u.id = t.user_id
    WHERE t.key_digest = %s AND t.expires_at > %s AND u.is_active
"""


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from accounts.models import ApiToken, User

        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        params = [adapt(now - LAST_USED_PRECISION), ApiToken.digest_of(token), adapt(now)]
        user = next(iter(User.objects.raw(_TOKEN_USER_SQL, params)), None)
        if user is None:
            return None
        # At most one write a minute per token: a read-only request then stays read-only.
        if user.token_stale:
            ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
        request.user = user
        attach_audit_context(request, user)
        return user


class SessionAuthWithContext(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user:
            attach_audit_context(request, user)
        return user


API_AUTH = [BearerTokenAuth(), SessionAuthWithContext()]


def error_body(message: str, errors: dict | None = None) -> dict:
    return {"detail": message, "errors": errors or {}}


def domain_error_body(exc) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return error_body(_("The input was not accepted."), errors)
    return error_body(" ".join(exc.messages))


# django-ninja's validation errors (pydantic's, in English) as messages in Chinese, by the error's type; anything
# not listed keeps pydantic's text after "Invalid value:".
def _bound_message(ctx: dict, key: str, text: str) -> str:
    return text % {"n": ctx.get(key)}


_VALIDATION_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "float_type": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "decimal_type": lambda ctx: _("Enter a number."),
    "finite_number": lambda ctx: _("Enter a number."),
    "greater_than_equal": lambda ctx: _bound_message(ctx, "ge", _("Enter a number no less than %(n)s.")),
    "greater_than": lambda ctx: _bound_message(ctx, "gt", _("Enter a number greater than %(n)s.")),
    "less_than_equal": lambda ctx: _bound_message(ctx, "le", _("Enter a number no greater than %(n)s.")),
    "less_than": lambda ctx: _bound_message(ctx, "lt", _("Enter a number less than %(n)s.")),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "date_parsing": lambda ctx: _("Enter a date such as 2026-03-01."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a date such as 2026-03-01."),
    "datetime_parsing": lambda ctx: _("Enter a date and time such as 2026-03-01T09:30:00+08:00."),
    "datetime_from_date_parsing": lambda ctx: _("Enter a date and time such as 2026-03-01T09:30:00+08:00."),
    "string_type": lambda ctx: _("Enter text."),
    "string_too_long": lambda ctx: _bound_message(ctx, "max_length", _("At most %(n)s characters.")),
    "list_type": lambda ctx: _("Give a list."),
    "dict_type": lambda ctx: _("Give an object."),
    "model_attributes_type": lambda ctx: _("Give an object."),
    "json_invalid": lambda ctx: _("The body is not valid JSON."),
}


def validation_message(err: dict) -> str:
    """One pydantic error (``{"type", "msg", "ctx"}``) as a message in the active language."""
    build = _VALIDATION_MESSAGES.get(err.get("type", ""))
    if build is not None:
        return build(err.get("ctx") or {})
    return _("Invalid value: %(msg)s") % {"msg": err.get("msg", "")}
