"""Attach where a request came from to the acting user, so services can audit it without globals; refuse control
characters at the edge."""

import json
import re

from django.http import JsonResponse, QueryDict


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


# Characters no text of the platform may carry: the C0 and C1 control characters and DEL (PostgreSQL refuses NUL
# in a text value, and none of them can be seen on a page), and lone surrogates (they cannot be encoded for the
# database). A body may carry tab, line feed and carriage return (a multi-line text); a query string or a path none.
_FORBIDDEN_IN_BODY = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_FORBIDDEN_BODY_RE = re.compile(f"[{_FORBIDDEN_IN_BODY}]")
_FORBIDDEN_LINE_RE = re.compile(f"[\t\n\r{_FORBIDDEN_IN_BODY}]")
_JSON_TYPES = ("application/json",)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _bad_text(value, pattern) -> bool:
    return isinstance(value, str) and pattern.search(value) is not None


def _bad_json(value) -> bool:
    if isinstance(value, str):
        return _bad_text(value, _FORBIDDEN_BODY_RE)
    if isinstance(value, dict):
        return any(_bad_json(k) or _bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v) for v in value)
    return False


def control_character_field(request) -> str | None:
    """The first place of the request that carries a forbidden character ("path", a parameter's name, "body")."""
    if _bad_text(request.path_info, _FORBIDDEN_LINE_RE):
        return "path"
    for key, values in request.GET.lists():
        if _bad_text(key, _FORBIDDEN_LINE_RE) or any(_bad_text(v, _FORBIDDEN_LINE_RE) for v in values):
            return key
    content_type = (request.content_type or "").lower()
    if content_type in _JSON_TYPES or content_type.endswith("+json"):
        text = request.body.decode("utf-8", errors="replace")
        if _FORBIDDEN_BODY_RE.search(text):  # raw, outside or inside a string
            return "body"
        if "\\u" in text:  # escaped (\u0000): only a parse tells an escape from an escaped backslash
            try:
                return "body" if _bad_json(json.loads(text)) else None
            except (ValueError, RecursionError):
                return None  # not JSON (or nested past any use): left to the API, which answers it itself
        return None
    if content_type in _FORM_TYPES:
        # Uploaded files are content, not text; Django already drops non-printable characters from their names.
        if request.method == "POST":
            form = request.POST
        elif content_type == _FORM_TYPES[0]:
            form = QueryDict(request.body, encoding=request.encoding)
        else:
            return None  # a multipart PUT/PATCH: django-ninja parses it later, the API has none today
        for key, values in form.lists():
            if _bad_text(key, _FORBIDDEN_LINE_RE) or any(_bad_text(v, _FORBIDDEN_BODY_RE) for v in values):
                return key
    return None


class ControlCharacterMiddleware:
    """Refuse, before any view, a request whose parameters or body carry control characters (NUL among them).

    Answered 400 with a message in Chinese: JSON (``core.api.error_body``) under /api/, a page elsewhere. Nothing
    such reaches a form, a service or the database, on any path, public pages included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = control_character_field(request)
        if field is None:
            return self.get_response(request)
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        from core.api import error_body

        message = _("The request contains control characters (such as NUL). Remove them and try again.")
        if request.path_info.startswith("/api/"):
            body = error_body(message, {field: [_("Remove the control characters from the text.")]})
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)
