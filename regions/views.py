import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import scope
from core.errors import DomainError
from core.params import id_param
from core.roles import Action
from core.views import api_twin, apply_domain_errors, paginate, require_action, submit
from regions import selectors, services
from regions.forms import GridForm, GridStaffForm
from regions.models import GridKind, GridStaff


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_list(request):
    village_id = id_param(request.GET.get("village"))
    kind = request.GET.get("kind", "")
    page = paginate(request, selectors.grid_list(request.user, village_id=village_id, kind=kind), 30)
    return render(
        request,
        "regions/grid_list.html",
        {
            "page": page,
            "villages": selectors.villages(request.user),
            "kinds": GridKind.choices,
            "village_id": village_id,
            "kind": kind,
            "can_manage": scope.can(request.user, Action.REGIONS_MANAGE),
        },
    )


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_detail(request, grid_id):
    grid = selectors.access_grid(request.user, grid_id)
    from registry import selectors as registry_selectors

    households = registry_selectors.household_search(request.user, grid_id=grid.pk)
    can_manage = scope.in_scope(request.user, Action.REGIONS_MANAGE, grid)
    return render(
        request,
        "regions/grid_detail.html",
        {
            "grid": grid,
            "staff": grid.staff.all(),
            "page": paginate(request, households, 50, decorate=registry_selectors.with_member_counts),
            "can_manage": can_manage,
            "staff_form": GridStaffForm() if can_manage else None,
        },
    )


def _grid_form(request, grid=None):
    villages = selectors.villages(request.user, Action.REGIONS_MANAGE)
    initial = None
    if grid is not None:
        initial = {
            "village": grid.village,
            "code": grid.code,
            "name": grid.name,
            "kind": grid.kind,
            "complaint_phone": grid.complaint_phone,
            "description": grid.description,
            "polygon": json.dumps(grid.polygon, ensure_ascii=False) if grid.polygon else "",
            "is_active": grid.is_active,
        }
    elif villages.count() == 1:
        initial = {"village": villages.first()}
    return GridForm(
        request.POST or None, request.FILES or None, initial=initial, villages=villages, fixed_village=grid is not None
    )


def _grid_page(request, grid=None):
    """The form of a new grid (``grid`` None) or of a grid's change; the boundary is the form's (drawn, pasted or
    uploaded)."""
    form = _grid_form(request, grid)

    def write(data):
        fields = {key: data[key] for key in ("code", "name", "kind", "description", "complaint_phone")}
        fields["polygon"] = form.boundary()
        if grid is None:
            return services.grid_create(actor=request.user, village=data["village"], **fields)
        return services.grid_update(actor=request.user, grid=grid, is_active=data["is_active"], **fields)

    done = submit(
        request, form, write, done=_("Grid saved."), to=lambda saved: ("regions:grid_detail", {"grid_id": saved.pk})
    )
    return done or render(request, "regions/grid_form.html", {"form": form, "grid": grid})


@login_required
@require_action(Action.REGIONS_MANAGE)
@api_twin("POST /api/grids")
def grid_create(request):
    return _grid_page(request)


@login_required
@require_action(Action.REGIONS_MANAGE)
@api_twin("PUT /api/grids/{grid_id}")
def grid_edit(request, grid_id):
    return _grid_page(request, selectors.access_grid(request.user, grid_id))


@login_required
@require_POST
@require_action(Action.REGIONS_MANAGE)
@api_twin("POST /api/grids/{grid_id}/staff")
def grid_staff_add(request, grid_id):
    grid = selectors.access_grid(request.user, grid_id)
    form = GridStaffForm(request.POST)
    if form.is_valid():
        try:
            services.grid_staff_add(actor=request.user, grid=grid, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Grid staff added."))
    return redirect("regions:grid_detail", grid_id=grid.pk)


@login_required
@require_POST
@require_action(Action.REGIONS_MANAGE)
@api_twin("DELETE /api/grids/{grid_id}/staff/{staff_id}")
def grid_staff_remove(request, grid_id, staff_id):
    grid = selectors.access_grid(request.user, grid_id)
    staff = get_object_or_404(GridStaff, pk=staff_id, grid=grid)
    services.grid_staff_remove(actor=request.user, staff=staff)
    messages.success(request, _("Grid staff removed."))
    return redirect("regions:grid_detail", grid_id=grid.pk)
