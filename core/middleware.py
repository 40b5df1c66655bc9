"""Attach where a request came from to the acting user, so services can audit it without globals."""


def client_ip(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def attach_audit_context(request, user) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        user.audit_context = {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        attach_audit_context(request, user)
        return self.get_response(request)


class DomainExceptionMiddleware:
    """Out-of-scope or missing rows answer 404 the same way; a role without the right answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404

        from core.errors import NotFound, PermissionDenied

        if isinstance(exception, NotFound):
            raise Http404()
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied()
        return None
