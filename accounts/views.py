from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import AccountCreateForm, LoginForm
from accounts.lockout import locked_message
from accounts.models import RoleAssignment
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, apply_domain_errors, require_action


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(request, credentials, *args, **kwargs):
    """A locked username (django-axes): the login page says until when; the API answers 429 with the same words."""
    if request.path.startswith("/api/"):
        from core.api import error_body

        username = (credentials or {}).get("username", "")
        if not username:
            import json

            try:
                username = str(json.loads(request.body or b"{}").get("username", ""))
            except (ValueError, AttributeError):
                username = ""
        return JsonResponse(error_body(locked_message(username)), status=429, json_dumps_params={"ensure_ascii": False})
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked": True,
            "lock_message": locked_message((request.POST or {}).get("username", "")),
        },
        status=429,
    )


@login_required
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("POST /api/accounts/users")
def user_list(request):
    regions = selectors.manageable_regions(request.user)
    grids = selectors.manageable_grids(request.user)
    form = AccountCreateForm(request.POST or None, regions=regions, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    display_name=data["display_name"],
                    phone=data["phone"],
                )
                services.role_assign(
                    actor=request.user, user=user, role=data["role"], region=data["region"], grid=data["grid"]
                )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_list")
    users = selectors.users_in_scope(request.user)
    return render(request, "accounts/user_list.html", {"form": form, "users": users})


@login_required
@require_POST
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("POST /api/accounts/users/{user_id}/active")
def user_toggle_active(request, user_id):
    user = selectors.users_in_scope(request.user).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    try:
        services.user_set_active(actor=request.user, user=user, active=not user.is_active)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Account %(name)s updated.") % {"name": user.username})
    return redirect("accounts:user_list")


@login_required
@require_POST
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("DELETE /api/accounts/roles/{assignment_id}")
def role_revoke(request, assignment_id):
    assignment = (
        RoleAssignment.objects.filter(pk=assignment_id, region__in=selectors.manageable_regions(request.user))
        .select_related("region", "user")
        .first()
    )
    if assignment is None:
        raise NotFound()
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role removed."))
    return redirect("accounts:user_list")
