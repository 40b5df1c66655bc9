from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, messages_from, require_action
from regions import selectors, services


class RegionForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    kind_label = forms.CharField(label=gettext_lazy("Kind (e.g. 镇, 街道, 村, 社区)"), max_length=16, required=False)


@login_required
@require_action(Action.REGISTRY_VIEW)
def region_tree(request):
    return render(
        request, "regions/region_tree.html", {"rows": selectors.region_tree_rows(request.user), "form": RegionForm()}
    )


@login_required
@require_POST
@require_action(Action.REGIONS_MANAGE)
@api_twin("POST /api/regions/{region_id}/children")
def region_add_child(request, region_id):
    parent = selectors.region_tree(request.user).filter(pk=region_id).first()
    if parent is None:
        raise NotFound()
    form = RegionForm(request.POST)
    if form.is_valid():
        try:
            region = services.region_create(actor=request.user, parent=parent, **form.cleaned_data)
        except DomainError as exc:
            messages_from(request, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": region.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("regions:region_tree")


OPTIONS_LIMIT = 20


@login_required
def options(request, kind):
    """The ``<option>``s of a searched choice (core.forms.SearchedSelect): the actor's villages or grids whose name
    contains, or whose code starts with, what was typed; grids of the chosen village only, when one is chosen."""
    from django.db.models import Q
    from django.http import Http404

    from core.params import id_param

    if kind == "village":
        rows = selectors.villages(request.user)
    elif kind == "grid":
        rows = selectors.grids(request.user).order_by("code")
        village = id_param(request.GET.get("village"))
        if village:
            rows = rows.filter(village_id=village)
    else:
        raise Http404()
    typed = (request.GET.get(f"{kind}_q") or request.GET.get("q") or "").strip()[:50]
    if typed:
        rows = rows.filter(Q(name__contains=typed) | Q(code__startswith=typed))
    found = list(rows[: OPTIONS_LIMIT + 1])
    return render(
        request,
        "regions/_options.html",
        {"rows": found[:OPTIONS_LIMIT], "more": len(found) > OPTIONS_LIMIT, "kind": kind, "typed": typed},
    )
