"""The target lists' pages: the year's lists with their figures (the county issues them, a unit sees its own), a
list with its tasks, a task's page (its steps are casework's), the year-end report (print, .xlsx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from casework import steps
from core import scope
from core.cache import kept
from core.roles import Action
from core.views import api_twin, download_response, paginate, section_links, submit
from regions.models import Region, RegionLevel
from targets import report as report_module
from targets import selectors, services
from targets.flows import TARGET
from targets.forms import IssueForm, ItemForm
from targets.models import UnitKind

ACTIONS = (Action.TARGETS_ISSUE, Action.TARGETS_VIEW, Action.TARGETS_REPORT)
LINKS = [
    ("targets:home", gettext_lazy("Target lists"), ACTIONS),
    ("targets:issue", gettext_lazy("Issue a list"), (Action.TARGETS_ISSUE,)),
    ("targets:report", gettext_lazy("Year-end report"), (Action.TARGETS_ISSUE, Action.TARGETS_VIEW)),
]


def _render(request, template, context, status=200):
    return render(request, template, {**context, "links": section_links(request, LINKS)}, status=status)


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    this = timezone.localdate().year
    return int(raw) if raw.isdigit() and this - 5 <= int(raw) <= this + 1 else this


def _years():
    this = timezone.localdate().year
    return range(this + 1, this - 5, -1)


@login_required
def home(request):
    actor = request.user
    if not any(scope.can(actor, a) for a in ACTIONS) and not actor.departments.exists():
        raise PermissionDenied()
    year = _year(request)
    owed = list(selectors.to_report(actor)[:200])
    today = timezone.localdate()

    def table() -> str:
        # a county's 300-odd units: 50 lists a page (the whole table took 50 ms to draw for every look)
        page = paginate(
            request, selectors.with_counts(selectors.lists(actor, year)).order_by("unit_kind", "title", "pk"), 50
        )
        kinds = {value: str(label) for value, label in UnitKind.choices}  # once, not a lazy label per row
        for row in page.object_list:
            row.kind_label = kinds.get(row.unit_kind, row.unit_kind)
        return render_to_string("targets/_lists.html", {"rows": page.object_list, "page": page}, request)

    # the table is the same for everyone with the same grants until a task of their counties moves (every write
    # of a list or a task is a case event) or the day turns (overdue)
    version = selectors.lists_version(actor)
    version = version and f"{version}|{year}|{request.GET.get('page', '')}|{today}|{get_language()}"
    return _render(
        request,
        "targets/home.html",
        {
            "table": mark_safe(kept("targets:lists", version, table, 600)),  # our own template's output
            "year": year,
            "years": _years(),
            "owed": owed,
            "today": today,
        },
    )


def _units(county):
    from incidents.models import Department

    choices = [
        (d.pk, f"{UnitKind.DEPARTMENT.label} · {d.name}")
        for d in Department.objects.filter(county=county, is_active=True).order_by("code")
    ]
    for r in Region.objects.filter(county_id=county.pk, level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]).order_by(
        "code"
    ):
        choices.append((f"{r.level}:{r.pk}", f"{r.get_level_display()} · {r.name}"))
    return choices


@login_required
@api_twin("POST /api/targets/lists")
def issue(request):
    actor = request.user
    counties = Region.objects.filter(pk__in=scope.county_ids(actor, Action.TARGETS_ISSUE), level=RegionLevel.COUNTY)
    county = counties.first()
    if county is None:
        raise PermissionDenied()
    form = IssueForm(request.POST or None, units=_units(county), initial={"year": timezone.localdate().year})
    done = submit(
        request,
        form,
        lambda d: services.list_issue(
            actor=actor,
            county=county,
            year=d["year"],
            unit_kind=form.chosen_unit()[0],
            unit=form.chosen_unit()[1],
            title=d["title"],
            items=form.task_rows(),
        ),
        done=lambda t: _("Issued: %(title)s.") % {"title": t.title},
        to=lambda t: t.get_absolute_url(),
    )
    return done or _render(
        request, "targets/issue.html", {"form": form, "county": county}, status=400 if request.method == "POST" else 200
    )


@login_required
@api_twin("POST /api/targets/lists/{list_id}/items")
def list_page(request, pk):
    actor = request.user
    found = selectors.list_for(actor, pk)
    may_add = scope.in_scope(actor, Action.TARGETS_ISSUE, found)
    if request.method == "POST" and not may_add:
        raise PermissionDenied()
    form = ItemForm(request.POST or None) if may_add else None
    done = None
    if form is not None:
        done = submit(
            request,
            form,
            lambda d: services.item_add(actor=actor, target_list=found, **d),
            done=_("Task added."),
            to=found.get_absolute_url(),
        )
    items = list(found.items.order_by("order", "pk"))
    for t in items:
        t.state_label = TARGET.state_label(t.state)
    return done or _render(
        request,
        "targets/list.html",
        {"list": found, "items": items, "form": form, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def item(request, pk):
    return item_page(request, selectors.target_for(request.user, pk))


def item_page(request, case, *, failed=None, status=200):
    """A task's page (Flow.page): the task, its latest progress, the steps the actor may take, the timeline."""
    return _render(
        request,
        "targets/item.html",
        {
            "case": case,
            "state_label": TARGET.state_label(case.state),
            "steps": steps.panels(request.user, case, TARGET, failed=failed),
            "timeline": steps.timeline(case, TARGET),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def report(request):
    actor = request.user
    if not (scope.can(actor, Action.TARGETS_VIEW) or scope.can(actor, Action.TARGETS_ISSUE)):
        raise PermissionDenied()
    year = _year(request)
    if request.GET.get("format") == "xlsx":
        return download_response(
            report_module.xlsx(actor, year),
            name=_("Target lists %(year)s.xlsx") % {"year": year},
            fallback=f"targets-{year}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    tasks = list(report_module.tasks(actor, year))
    for t in tasks:
        t.state_label = TARGET.state_label(t.state)
    return _render(
        request,
        "targets/report.html",
        {**report_module.report(actor, year), "tasks": tasks, "years": _years(), "today": timezone.localdate()},
    )


urlpatterns = [
    path("", home, name="home"),
    path("issue/", issue, name="issue"),
    path("lists/<int:pk>/", list_page, name="list"),
    path("tasks/<int:pk>/", item, name="item"),
    path("report/", report, name="report"),
]
