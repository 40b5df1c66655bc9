"""API plumbing shared by every domain: bearer-token auth, error translation, pagination."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from core.middleware import attach_audit_context

LAST_USED_PRECISION = timedelta(minutes=1)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(key_digest=ApiToken.digest_of(token), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # At most one write a minute per token: a read-only request then stays read-only.
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        attach_audit_context(request, found.user)
        return found.user


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
