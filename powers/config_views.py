"""Pages where the county administrator keeps the small-power list (小微权力清单): the list with the button that
installs the default key powers, and a power's form. Writes through powers.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, apply_domain_errors, require_action
from powers import selectors, services
from powers.defaults import DEFAULT_POWERS
from powers.forms import PowerForm
from powers.models import Power
from powers.views import _render

# -- the county's list ------------------------------------------------------------------------------------------


@login_required
@require_action(Action.POWER_CONFIGURE)
@api_twin("POST /api/powers/powers/install-defaults")
def configure(request):
    counties = selectors.configurable_counties(request.user)
    if not counties:
        raise PermissionDenied()
    county = counties[0]
    if request.method == "POST":
        created = services.power_install_defaults(actor=request.user, county=county)
        messages.success(request, _("%(n)s powers added to the list.") % {"n": len(created)})
        return redirect("powers:configure")
    powers = list(Power.objects.filter(county=county).order_by("order", "pk"))
    have = {p.code for p in powers}
    # the install button only while some of the default powers are missing (it adds only those)
    missing = [d["code"] for d in DEFAULT_POWERS if d["code"] not in have]
    return _render(
        request, "powers/configure.html", {"county": county, "powers": powers, "defaults_missing": len(missing)}
    )


@login_required
@require_action(Action.POWER_CONFIGURE)
@api_twin("POST /api/powers/powers", "PUT /api/powers/powers/{power_id}")
def power_edit(request, pk=None):
    counties = selectors.configurable_counties(request.user)
    if not counties:
        raise PermissionDenied()
    county = counties[0]
    power = None
    if pk is not None:
        power = Power.objects.filter(pk=pk, county__in=counties).first()
        if power is None:
            raise Http404()
        county = power.county
    if request.method == "POST":
        form = PowerForm(request.POST)
        if form.is_valid():
            try:
                saved = services.power_save(actor=request.user, county=county, power=power, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": saved.name})
                return redirect("powers:configure")
        status = 400
    else:
        initial = (
            {f: getattr(power, f) for f in Power.FIELDS}
            if power
            else {"step_days": 5, "review_days": 10, "publicity_days": 7, "active": True}
        )
        form = PowerForm(initial=initial)
        status = 200
    return _render(request, "powers/power_form.html", {"form": form, "power": power, "county": county}, status=status)
