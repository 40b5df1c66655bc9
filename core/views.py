from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import audit_display, notifications, plugins, scope, selectors
from core.errors import DomainError
from core.roles import Action


def require_action(action: str):
    """403 unless one of the actor's roles allows the action somewhere; rows are still scope-checked."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not scope.can(request.user, action):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def api_twin(*operations: str):
    """Names the API operations that make the same writes as this page (``"POST /api/points/claims"``, the
    path as the OpenAPI schema writes it), so whatever a page can write, a client of the API can write too.
    tests/core/test_page_writes.py walks the URLs and fails on a page write without one."""

    def decorator(view):
        view.api_operations = operations
        return view

    return decorator


def apply_domain_errors(form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's per-field messages on the form, so the page shows them beside what was typed.
    ``aliases`` maps a service's field name to the form's (e.g. the service's "location" to the map's input)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (aliases or {}).get(field, field)
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def submit(request, form, write, *, done="", to=None, aliases: dict[str, str] | None = None):
    """The form-post cycle of a page write, once: when the request is a POST and the form is valid, call
    ``write(cleaned_data)`` (a service function, which checks scope, runs in a transaction and records the audit
    event); a refusal (``DomainError``) goes onto the form beside what was typed; on success, the ``done`` message
    (or a function of what ``write`` returned giving it) and a redirect to ``to`` (a URL, a URL name, or a function
    of what ``write`` returned giving either).

    Returns the redirect, or ``None`` when the page must be drawn again with the form and its messages::

        form = CommentForm(request.POST)
        done = submit(request, form, lambda data: services.comment_add(actor=request.user, **data),
                      done=_("Opinion posted."), to=rules.get_absolute_url())
        return done or rules_page(request, rules, comment_form=form, status=422)
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except DomainError as exc:
        apply_domain_errors(form, exc, aliases)
        return None
    if done:
        messages.success(request, done(result) if callable(done) else done)
    target = to(result) if callable(to) else to
    if isinstance(target, tuple):
        return redirect(target[0], **target[1])
    return redirect(target)


def post_back(request, write, *, done, to):
    """A write posted from a button or a list (no form to draw again): ``write()``, then a redirect to ``to`` with
    the ``done`` message (or a function of what ``write`` returned giving it), or the refusal's messages."""
    try:
        result = write()
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(to)


def section_links(request, links) -> list[dict]:
    """The links between a module's pages that the actor may open: ``links`` is (url name, label, actions) rows;
    each comes back as {url, label, active} when the actor holds one of its actions."""
    out = []
    for name, label, actions in links:
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            out.append({"url": url, "label": label, "active": request.path == url})
    return out


def messages_from(request, exc: DomainError) -> None:
    """A refused write's messages, shown on the next page (where there is no form to put them beside)."""
    for message in exc.messages:
        messages.error(request, message)


def paginate(request, qs, per_page: int = 20, decorate=None):
    """A page of ``qs``; ``decorate`` may enrich the page's rows (e.g. counts) with one extra query."""
    paginator = Paginator(qs, per_page)
    page = paginator.get_page(request.GET.get("page"))
    if decorate is not None:
        page.object_list = decorate(page.object_list)
    return page


LARGE_TEXT_COOKIE = "large_text"


@require_POST
def large_text(request):
    """长辈模式: bigger text and buttons on this phone, switched on (or off) once; a cookie of the device, kept two
    years, so it holds whoever signs in on it and needs no account."""
    on = request.POST.get("on") == "1"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if on:
        response.set_cookie(
            LARGE_TEXT_COOKIE, "1", max_age=2 * 365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


def public(response):
    """A public page (no sign-in: a village's notices, decisions, honours, figures) is for the village, not for
    search engines."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor, "engine": connection.settings_dict["ENGINE"]})


@login_required
def home(request):
    return render(request, "core/home.html", {"summary": selectors.home_summary(request.user)})


@login_required
@require_action(Action.AUDIT_VIEW)
def audit_list(request):
    events = selectors.audit_events(
        request.user,
        action=request.GET.get("action", ""),
        who=request.GET.get("who", ""),
        target=request.GET.get("target", ""),
    )
    page = paginate(request, events, 30, decorate=audit_display.describe)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": request.GET,
            "action_choices": sorted((code, str(label)) for code, label in plugins.audit_labels().items()),
        },
    )


@login_required
def notification_list(request):
    """站内提醒: the actor's own notifications, newest first; opening one marks it read."""
    page = paginate(request, notifications.inbox(request.user), 30)
    return render(request, "core/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Mark one of the actor's own notifications read and go where it points (404 for anyone else's)."""
    found = notifications.inbox(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404()
    notifications.mark_read(request.user, [found.pk])
    if found.url and url_has_allowed_host_and_scheme(found.url, allowed_hosts={request.get_host()}):
        return redirect(found.url)
    return redirect("core:notifications")


@login_required
@require_POST
@api_twin("POST /api/notifications/read")
def notification_read_all(request):
    notifications.mark_read(request.user)
    return redirect("core:notifications")


def download_response(content: bytes, *, name: str, fallback: str, content_type: str) -> HttpResponse:
    """Made content as a download: the Chinese file name per RFC 5987, with an ASCII name for old clients; never
    kept by a cache."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def file_response(field, *, content_type: str = "", name: str = "", cache_private: bool = False):
    """A stored file (a FileField's value) shown in the browser: inline, never sniffed as another type; 404 when
    there is none or it is missing on disk. The caller has already checked that the actor may see it."""
    if not field:
        raise Http404()
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream", filename=name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["X-Content-Type-Options"] = "nosniff"
    if cache_private:
        response["Cache-Control"] = "private, max-age=3600"
    return response
