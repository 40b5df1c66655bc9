from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.roles import Action
from core.views import paginate, require_action
from regions import selectors
from regions.models import GridKind


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_list(request):
    village_id = request.GET.get("village") or None
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
        },
    )


@login_required
@require_action(Action.REGISTRY_VIEW)
def grid_detail(request, grid_id):
    grid = selectors.access_grid(request.user, grid_id)
    from registry import selectors as registry_selectors

    households = registry_selectors.household_search(request.user, grid_id=grid.pk)
    return render(
        request,
        "regions/grid_detail.html",
        {
            "grid": grid,
            "staff": grid.staff.all(),
            "page": paginate(request, households, 50),
        },
    )
