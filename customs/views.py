"""The 红白理事会's pages: the household's declarations and the form to declare (事前申报), the council's lists (to
answer, coming, to assess), an event's page (its steps are casework's), the village's limits and the year's
figures. Reads through customs.selectors, writes through customs.services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import steps
from core import scope
from core.params import id_param
from core.roles import Action
from core.views import api_twin, download_response, section_links, submit
from customs import figures as figures_module
from customs import limits, selectors, services
from customs.flows import CUSTOMS
from customs.forms import DeclareForm, LimitsForm
from regions.selectors import villages

LINKS = [
    (
        "customs:home",
        gettext_lazy("Weddings and funerals"),
        (Action.CUSTOMS_DECLARE, Action.CUSTOMS_HANDLE, Action.CUSTOMS_FIGURES),
    ),
    ("customs:new", gettext_lazy("Declare an event"), (Action.CUSTOMS_DECLARE,)),
    (
        "customs:limits",
        gettext_lazy("The village's limits"),
        (Action.CUSTOMS_RULES, Action.CUSTOMS_FIGURES, Action.CUSTOMS_DECLARE),
    ),
    ("customs:figures", gettext_lazy("Figures"), (Action.CUSTOMS_FIGURES, Action.CUSTOMS_HANDLE)),
]


def _render(request, template, context, status=200):
    return render(request, template, {**context, "links": section_links(request, LINKS)}, status=status)


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
def home(request):
    actor = request.user
    declares = scope.can(actor, Action.CUSTOMS_DECLARE)
    handles = selectors.handles(actor)
    sees_figures = scope.can(actor, Action.CUSTOMS_FIGURES)
    if not (declares or handles or sees_figures):
        raise PermissionDenied()
    today = timezone.localdate()
    context = {"declares": declares, "handles": handles, "figures": sees_figures, "today": today}
    if handles:
        context.update(
            to_answer=list(selectors.to_answer(actor).order_by("opened_at")[:100]),
            coming=list(selectors.coming(actor, today)[:100]),
            to_assess=list(selectors.to_assess(actor, today)[:100]),
        )
    context["mine"] = list(selectors.mine(actor)[:50])
    for rows in ("to_answer", "coming", "to_assess", "mine"):
        for event in context.get(rows, []):
            event.state_label = CUSTOMS.state_label(event.state)
    context["may_set_limits"] = scope.can(actor, Action.CUSTOMS_RULES)
    return _render(request, "customs/home.html", context)


def _households(actor, q: str):
    """The households the actor may declare for: their own, or (staff) those the search finds in their area."""
    from registry.models import Household

    own = scope.targets(actor, "household", Action.CUSTOMS_DECLARE)
    if own and not q:
        return Household.objects.filter(pk__in=own).select_related("village")
    if not q:
        return Household.objects.none()
    qs = scope.scope_filter(actor, Action.CUSTOMS_DECLARE, Household.objects.select_related("village"))
    return qs.filter(head_name__contains=q) | qs.filter(number=q)


@login_required
@api_twin("POST /api/customs/events")
def new(request):
    """事前申报: choose the household (a villager: their own), then the event and its plan."""
    actor = request.user
    if not scope.can(actor, Action.CUSTOMS_DECLARE):
        raise PermissionDenied()
    household_id = id_param(request.GET.get("household") or request.POST.get("household"))
    candidates = _households(actor, "")
    household = None
    if household_id:
        from registry.models import Household

        household = Household.objects.filter(pk=household_id).select_related("village").first()
        if household is None or not scope.in_scope(actor, Action.CUSTOMS_DECLARE, household):
            household = None
    elif candidates.count() == 1:
        household = candidates.first()
    if household is None:
        q = (request.GET.get("q") or "").strip()
        rows = list((candidates if not q else _households(actor, q)).order_by("number")[:30])
        return _render(request, "customs/new_household.html", {"q": q, "households": rows})
    in_force = services.limits_in_force(household.village_id, timezone.localdate())
    form = DeclareForm(request.POST or None, initial={"host": household.head_name})
    done = submit(
        request,
        form,
        lambda data: services.event_declare(actor=actor, household=household, **form.declaration()),
        done=lambda e: _("Declared: %(number)s. The council answers within two working days.") % {"number": e.number},
        to=lambda e: e.get_absolute_url(),
        aliases={f"{m.key}": f"plan__{m.key}" for m in limits.MEASURES},
    )
    return done or _render(
        request,
        "customs/new.html",
        {"household": household, "form": form, "limits": in_force, "table": _limits_table(in_force)},
        status=400 if request.method == "POST" else 200,
    )


def _limits_table(limit_set) -> list[dict]:
    """The limits as rows a person reads: measure, and its limit for each kind (blank where none)."""
    from customs.models import EventKind

    values = (limit_set.values if limit_set else {}) or {}
    rows = []
    for m in limits.MEASURES:
        cells = []
        for kind in EventKind.values:
            value = (values.get(kind) or {}).get(m.key) if kind in m.kinds else None
            cells.append(limits.plain(value) if value is not None else ("—" if kind in m.kinds else ""))
        if any(c not in ("", "—") for c in cells):
            rows.append({"label": m.label, "unit": m.unit, "cells": cells})
    return rows


def _compare(case) -> list[dict]:
    """The event's plan, what was seen and what it came to, beside the limit, measure by measure."""
    kind_limits = ((case.limits.values if case.limits_id else {}) or {}).get(case.kind) or {}
    breached = {b["key"] for b in case.breaches or []}
    rows = []
    for m in limits.measures_for(case.kind):
        values = [case.plan.get(m.key), case.observed.get(m.key), case.actual.get(m.key), kind_limits.get(m.key)]
        if any(v is not None for v in values):
            rows.append(
                {
                    "label": m.label,
                    "unit": m.unit,
                    "cells": [limits.plain(v) if v is not None else "—" for v in values],
                    "breach": m.key in breached,
                }
            )
    return rows


@login_required
def event(request, pk):
    return case_page(request, selectors.event_for(request.user, pk))


def case_page(request, case, *, failed=None, status=200):
    """The event's page (Flow.page): the plan against the limits, the steps the actor may take, the timeline."""
    return _render(
        request,
        "customs/event.html",
        {
            "case": case,
            "state_label": CUSTOMS.state_label(case.state),
            "compare": _compare(case),
            "steps": steps.panels(request.user, case, CUSTOMS, failed=failed),
            "timeline": steps.timeline(case, CUSTOMS),
        },
        status=status,
    )


@login_required
@api_twin("POST /api/customs/limits")
def limits_page(request):
    """The village's limits in force, their versions, and (for its cadres) a new version."""
    actor = request.user
    keeps = villages(actor, Action.CUSTOMS_RULES)
    readable = keeps | figures_module.villages_in_reach(actor)
    if not readable.exists():
        raise PermissionDenied()
    chosen = id_param(request.GET.get("village") or request.POST.get("village"))
    village = (readable.filter(pk=chosen).first() if chosen else None) or keeps.first() or readable.first()
    editable = keeps.filter(pk=village.pk).exists()
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    versions = list(selectors.limit_sets(village.pk))
    current = services.limits_in_force(village.pk, timezone.localdate())
    form = LimitsForm(request.POST or None, current=current) if editable else None
    done = None
    if form is not None:
        done = submit(
            request,
            form,
            lambda data: services.limits_set(
                actor=actor,
                village=village,
                values=form.limits(),
                notice_days=form.notice_days(),
                effective_from=data["effective_from"],
                basis=data["basis"],
            ),
            done=lambda row: _("Limits set: version %(n)s.") % {"n": row.version},
            to=f"{reverse('customs:limits')}?village={village.pk}",
        )
    return done or _render(
        request,
        "customs/limits.html",
        {
            "village": village,
            "choices": readable.order_by("code").distinct(),
            "current": current,
            "table": _limits_table(current),
            "versions": versions,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def figures(request):
    actor = request.user
    if not (scope.can(actor, Action.CUSTOMS_FIGURES) or scope.can(actor, Action.CUSTOMS_HANDLE)):
        raise PermissionDenied()
    year = _year(request)
    result = figures_module.figures(actor, year)
    if request.GET.get("format") == "xlsx":
        return download_response(
            figures_module.xlsx(result),
            name=_("Weddings and funerals %(year)s.xlsx") % {"year": year},
            fallback=f"customs-{year}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return _render(
        request,
        "customs/figures.html",
        {
            "result": result,
            "columns": figures_module.COLUMNS,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


urlpatterns = [
    path("", home, name="home"),
    path("new/", new, name="new"),
    path("<int:pk>/", event, name="event"),
    path("limits/", limits_page, name="limits"),
    path("figures/", figures, name="figures"),
]
